import type { Contents, Event } from '@jupyterlab/services';
import type { ILauncher } from '@jupyterlab/launcher';
import { CommandRegistry } from '@lumino/commands';
import { DisposableDelegate } from '@lumino/disposable';
import { Signal, Stream } from '@lumino/signaling';

import {
  Abilities,
  IAbilitiesSource,
  PERMISSIONS_SCHEMA_ID,
  scopeToWriteIn
} from '../abilities';
import type { IMe } from '../api';
import { limitCommand } from '../commandLimits';
import { OfferedTiles } from '../launcherOffers';
import { offerWhatTheyMay } from '../offers';
import { ALICE } from './fixtures';

/** What the server answers, as a test sets it: the user's hints and the folders they may write. */
class Server implements IAbilitiesSource {
  me: IMe = { ...ALICE };
  writable = new Set<string>();
  folderReads: string[] = [];

  readMe(): Promise<IMe> {
    return Promise.resolve({ ...this.me });
  }

  readFolder(path: string): Promise<Contents.IModel> {
    this.folderReads.push(path);
    return Promise.resolve({
      path,
      writable: this.writable.has(path)
    } as Contents.IModel);
  }
}

const VIEWER: Partial<IMe> = {
  can: { start_kernels: false, open_terminals: false },
  why_not: {
    start_kernels: {
      missing_scope: 'write:sessions!user=alice',
      message: 'you need the scope write:sessions!user=alice'
    },
    open_terminals: {
      missing_scope: 'execute:terminals!user=alice',
      message: 'you need the scope execute:terminals!user=alice'
    }
  }
};

const flush = () => new Promise(resolve => setTimeout(resolve, 0));

function commandsWith(...ids: string[]): CommandRegistry {
  const commands = new CommandRegistry();
  for (const id of ids) {
    commands.addCommand(id, {
      label: id,
      caption: `${id} caption`,
      execute: () => id
    });
  }
  return commands;
}

describe('Abilities', () => {
  it('says why a hint is refused, in the server’s words', () => {
    const server = new Server();
    server.me = { ...server.me, ...VIEWER };
    const abilities = new Abilities(server.me, server);

    expect(abilities.refusal('open_terminals')).toEqual({
      missingScope: 'execute:terminals!user=alice',
      message: 'you need the scope execute:terminals!user=alice'
    });
  });

  it('asks the server about a folder once, then knows', async () => {
    const server = new Server();
    server.writable.add('home/alice');
    const abilities = new Abilities(server.me, server);
    let changes = 0;
    abilities.changed.connect(() => changes++);

    expect(abilities.folderRefusal('home/alice')).toBeUndefined();
    expect(abilities.folderRefusal('home/alice')).toBeUndefined();
    await flush();

    expect(server.folderReads).toEqual(['home/alice']);
    expect(changes).toBe(1);
    expect(abilities.folderRefusal('home/alice')).toBeNull();
    abilities.folderRefusal('');
    await flush();
    expect(abilities.folderRefusal('')).toEqual({
      missingScope: 'write:contents!path=*',
      message: 'you need the scope write:contents!path=*'
    });
  });

  it('reads everything again when the server says its user’s permissions changed', async () => {
    const server = new Server();
    server.me = { ...server.me, ...VIEWER };
    const abilities = new Abilities(server.me, server);
    const stream = new Stream<unknown, Event.Emission>({});
    abilities.listen(stream as unknown as Event.Stream);
    abilities.folderRefusal('');
    await flush();
    expect(abilities.folderRefusal('')).not.toBeNull();

    server.me = {
      ...ALICE,
      can: { start_kernels: true, open_terminals: true },
      why_not: {}
    };
    server.writable.add('');
    // about someone else: nothing is read again
    stream.emit({
      schema_id: PERMISSIONS_SCHEMA_ID,
      action: 'permissions.changed',
      user: 'bob'
    });
    await flush();
    expect(abilities.refusal('start_kernels')).not.toBeNull();

    stream.emit({
      schema_id: PERMISSIONS_SCHEMA_ID,
      action: 'permissions.changed',
      user: 'alice'
    });
    await flush();
    expect(abilities.refusal('start_kernels')).toBeNull();
    expect(abilities.folderRefusal('')).toBeUndefined(); // forgotten: asked again
    await flush();
    expect(abilities.folderRefusal('')).toBeNull();
  });

  it('drops a folder’s answer given under permissions that have changed since', async () => {
    const server = new Server();
    let answer: (model: Contents.IModel) => void = () => undefined;
    server.readFolder = () => new Promise(resolve => (answer = resolve));
    const abilities = new Abilities(server.me, server);
    abilities.folderRefusal('x');
    await abilities.refresh();
    answer({ path: 'x', writable: true } as Contents.IModel); // the old answer comes late
    await flush();
    expect(abilities.folderRefusal('x')).toBeUndefined();
  });

  it('names the scope that writes in a folder', () => {
    expect(scopeToWriteIn('home/alice')).toBe(
      'write:contents!path=home/alice/*'
    );
    expect(scopeToWriteIn('')).toBe('write:contents!path=*');
  });
});

describe('limitCommand', () => {
  it('disables a refused command, with the reason as its caption, and undoes it', () => {
    const commands = commandsWith('x:new');
    let reason: string | null = 'You need the scope write:contents!path=*';
    const changed: string[] = [];
    commands.commandChanged.connect((_, change) =>
      changed.push(change.id ?? '')
    );

    const limit = limitCommand(commands, 'x:new', () => reason);

    expect(changed).toEqual(['x:new']);
    expect(commands.isEnabled('x:new')).toBe(false);
    expect(commands.isVisible('x:new')).toBe(true);
    expect(commands.caption('x:new')).toBe(reason);
    reason = null;
    expect(commands.isEnabled('x:new')).toBe(true);
    expect(commands.caption('x:new')).toBe('x:new caption');
    reason = 'no';
    limit!.dispose();
    expect(commands.isEnabled('x:new')).toBe(true);
  });

  it('hides a refused command when asked to, and keeps the command’s own refusals', () => {
    const commands = new CommandRegistry();
    let itsOwn = true;
    commands.addCommand('t:new', { execute: () => 0, isEnabled: () => itsOwn });
    limitCommand(commands, 't:new', () => 'refused', 'hide');
    expect(commands.isVisible('t:new')).toBe(false);
    expect(commands.isEnabled('t:new')).toBe(true);
    itsOwn = false;
    expect(commands.isEnabled('t:new')).toBe(false);
  });

  it('narrows nothing it does not find', () => {
    expect(
      limitCommand(new CommandRegistry(), 'nowhere', () => 'no')
    ).toBeNull();
  });
});

/** A shared launcher model, as JupyterLab's LauncherModel keeps its tiles. */
class SharedTiles implements ILauncher.IModel {
  readonly stateChanged = new Signal<this, void>(this);
  isDisposed = false;
  dispose() {
    this.isDisposed = true;
  }
  tiles: ILauncher.IItemOptions[] = [];
  add(item: ILauncher.IItemOptions) {
    this.tiles.push(item);
    this.stateChanged.emit();
    return new DisposableDelegate(() => undefined);
  }
  items() {
    return this.tiles[Symbol.iterator]();
  }
}

describe('offerWhatTheyMay, with the launchers', () => {
  const KERNEL_TILE = {
    command: 'notebook:create-new',
    args: { kernelName: 'python3' }
  };
  const CONSOLE_TILE = {
    command: 'console:create',
    args: { kernelPreference: {} }
  };
  const TERMINAL_TILE = { command: 'terminal:create-new' };
  const TEXT_TILE = { command: 'fileeditor:create-new' };
  const HELP_TILE = { command: 'help:open' };

  function setUp(server: Server) {
    const commands = commandsWith(
      'notebook:create-new',
      'console:create',
      'fileeditor:create-new',
      'help:open'
    );
    const abilities = new Abilities(server.me, server);
    let folder = '';
    const offers = offerWhatTheyMay({
      commands,
      abilities,
      browser: () => null,
      describe: refusal => `needs ${refusal.missingScope}`
    });
    const shared = new SharedTiles();
    [KERNEL_TILE, CONSOLE_TILE, TEXT_TILE, HELP_TILE].forEach(t =>
      shared.add(t)
    );
    const view = new OfferedTiles(shared, commands, () => folder);
    const shown = async (cwd: string) => {
      folder = cwd;
      Array.from(view.items()); // asks about the folder
      await flush();
      return Array.from(view.items()).map(item => item.command);
    };
    return { commands, abilities, offers, shared, view, shown };
  }

  it('shows a viewer no kernel, console or terminal tile, nor one that creates a file', async () => {
    const server = new Server();
    server.me = { ...server.me, ...VIEWER };
    const { commands, shared, shown } = setUp(server);
    // the terminal's command comes later, as a plugin activates
    commands.addCommand('terminal:create-new', { execute: () => 0 });
    shared.add(TERMINAL_TILE);

    expect(await shown('')).toEqual(['help:open']);
    expect(commands.caption('fileeditor:create-new', { cwd: '' })).toBe(
      'needs write:contents!path=*'
    );
  });

  it('shows a runner the kernel tiles where they may write, the console everywhere', async () => {
    const server = new Server();
    server.me = {
      ...server.me,
      can: { start_kernels: true, open_terminals: false },
      why_not: { open_terminals: VIEWER.why_not!.open_terminals }
    };
    server.writable.add('home/alice');
    const { shown } = setUp(server);

    expect(await shown('')).toEqual(['console:create', 'help:open']);
    expect(await shown('home/alice')).toEqual([
      'notebook:create-new',
      'console:create',
      'fileeditor:create-new',
      'help:open'
    ]);
  });

  it('shows what a new role allows once the permissions are read again', async () => {
    const server = new Server();
    server.me = { ...server.me, ...VIEWER };
    const { abilities, view, shown } = setUp(server);
    expect(await shown('')).toEqual(['help:open']);
    let renders = 0;
    view.stateChanged.connect(() => renders++);

    server.me = {
      ...ALICE,
      can: { start_kernels: true, open_terminals: true },
      why_not: {}
    };
    server.writable.add('');
    await abilities.refresh();

    expect(renders).toBeGreaterThan(0);
    expect(await shown('')).toEqual([
      'notebook:create-new',
      'console:create',
      'fileeditor:create-new',
      'help:open'
    ]);
  });

  it('gives the commands back as they were when undone', async () => {
    const server = new Server();
    server.me = { ...server.me, ...VIEWER };
    const { commands, offers } = setUp(server);
    expect(commands.isVisible('console:create')).toBe(false);
    offers.dispose();
    expect(commands.isVisible('console:create')).toBe(true);
  });
});
