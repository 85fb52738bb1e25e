/**
 * A Launcher shows only the tiles its user may use in its folder: a tile whose command is
 * disabled or hidden there (commandLimits.ts narrows kernels, terminals and file creation to
 * what the server allows) is left out. JupyterLab's own Launcher shows every tile whatever its
 * command says.
 *
 * JupyterLab shares one model of tiles among its launchers; each launcher gets a view of it
 * that asks about its own folder (`cwd`) at every render.
 */
import type { ILauncher, Launcher } from '@jupyterlab/launcher';
import type { CommandRegistry } from '@lumino/commands';
import { DisposableDelegate, IDisposable } from '@lumino/disposable';
import { Signal } from '@lumino/signaling';

/** May this tile be offered in a launcher showing `cwd`? */
export function offersTile(
  commands: CommandRegistry,
  item: ILauncher.IItemOptions,
  cwd: string
): boolean {
  const args = { ...item.args, cwd };
  return (
    commands.isVisible(item.command, args) &&
    commands.isEnabled(item.command, args)
  );
}

/** One launcher's view of the shared model: the tiles offered in its folder. */
export class OfferedTiles implements ILauncher.IModel {
  constructor(
    private readonly _shared: ILauncher.IModel,
    private readonly _commands: CommandRegistry,
    private readonly _cwd: () => string
  ) {
    _shared.stateChanged.connect(this._rerender, this);
    _commands.commandChanged.connect(this._rerender, this);
  }

  /** Emitted when the launcher should render again. */
  readonly stateChanged = new Signal<this, void>(this);

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  add(options: ILauncher.IItemOptions): IDisposable {
    return this._shared.add(options);
  }

  *items(): IterableIterator<ILauncher.IItemOptions> {
    const cwd = this._cwd();
    for (const item of this._shared.items()) {
      if (offersTile(this._commands, item, cwd)) {
        yield item;
      }
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._shared.stateChanged.disconnect(this._rerender, this);
    this._commands.commandChanged.disconnect(this._rerender, this);
    this._isDisposed = true;
    Signal.clearData(this);
  }

  private _rerender(): void {
    this.stateChanged.emit();
  }

  private _isDisposed = false;
}

/**
 * Give each launcher JupyterLab creates (`launcher:create`, from the "+" button, the File menu
 * or a restored layout) a view of its tiles that leaves out what its user may not use.
 */
export function offerOnlyUsableTiles(commands: CommandRegistry): IDisposable {
  const onExecuted = (
    _sender: CommandRegistry,
    executed: CommandRegistry.ICommandExecutedArgs
  ): void => {
    if (executed.id !== 'launcher:create') {
      return;
    }
    void Promise.resolve(executed.result).then(main => {
      const launcher = launcherIn(main);
      const shared = launcher?.model;
      if (!launcher || !shared || shared instanceof OfferedTiles) {
        return;
      }
      const view = new OfferedTiles(shared, commands, () => launcher.cwd);
      launcher.model = view;
      launcher.disposed.connect(() => view.dispose());
    });
  };
  commands.commandExecuted.connect(onExecuted);
  return new DisposableDelegate(
    () => void commands.commandExecuted.disconnect(onExecuted)
  );
}

/** The Launcher in what `launcher:create` returned (a MainAreaWidget around it), if any. */
function launcherIn(main: unknown): Launcher | null {
  const content = (main as { content?: unknown } | null)?.content;
  const candidate = content as Launcher | undefined;
  return candidate &&
    typeof candidate.cwd === 'string' &&
    'model' in candidate &&
    typeof (candidate.model as ILauncher.IModel | null)?.items === 'function'
    ? candidate
    : null;
}
