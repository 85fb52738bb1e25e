/**
 * JupyterLab offers each user what the server lets them do. The commands behind the Launcher's
 * tiles, the File menu's "New" entries and the file browser's actions are narrowed
 * (commandLimits.ts) by what they need, as the server says it (abilities.ts): where a need is
 * refused, a kernel's or terminal's command is hidden, a file's is disabled and its caption
 * names the scope the user lacks. Launchers leave out what is not usable in their folder
 * (launcherOffers.ts); the Upload button is disabled where uploads are refused
 * (uploadOffer.ts). When the user's permissions change, everything follows.
 */
import type { FileBrowser } from '@jupyterlab/filebrowser';
import type { CommandRegistry } from '@lumino/commands';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import type { IDisposable } from '@lumino/disposable';
import type { ISignal } from '@lumino/signaling';

import type { Abilities, IRefusal } from './abilities';
import { limitCommand, WhenRefused } from './commandLimits';

export interface IOffersOptions {
  commands: CommandRegistry;
  abilities: Abilities;
  /** The file browser JupyterLab's file commands act on now, if any. */
  browser: () => FileBrowser | null;
  /** The line a refused command's caption shows (translated). */
  describe: (refusal: IRefusal) => string;
  /** Signals after which the commands are asked again (a file browser changed folder). */
  askAgainOn?: ISignal<unknown, unknown>[];
}

/** Why a command may not run with these arguments; null if it may, undefined if not known yet. */
type Need = (
  options: IOffersOptions,
  args: ReadonlyPartialJSONObject
) => IRefusal | null | undefined;

/** Creating something in the command's folder (`cwd`, else the file browser's). */
const inFolder: Need = ({ abilities, browser }, args) =>
  abilities.folderRefusal(
    typeof args.cwd === 'string' ? args.cwd : (browser()?.model.path ?? '')
  );

const kernels: Need = ({ abilities }) => abilities.refusal('start_kernels');
const terminals: Need = ({ abilities }) => abilities.refusal('open_terminals');

/** A Launcher's kernel tile (a notebook with a kernel named) starts that kernel. */
const kernelNamed: Need = (options, args) =>
  typeof args.kernelName === 'string' ? kernels(options, args) : null;

/** Changing or removing each entry selected in the file browser. */
const selectedEntries: Need = ({ abilities, browser }) => {
  for (const entry of browser()?.selectedItems() ?? []) {
    const refusal = abilities.entryRefusal(entry);
    if (refusal) {
      return refusal;
    }
  }
  return null;
};

/** JupyterLab's commands that the server may refuse, what each needs, and how it gives way. */
export const COMMAND_NEEDS: ReadonlyArray<[string, Need[], WhenRefused]> = [
  ['notebook:create-new', [kernelNamed, inFolder], 'disable'],
  ['console:create', [kernels], 'hide'],
  ['terminal:create-new', [terminals], 'hide'],
  ['fileeditor:create-new', [inFolder], 'disable'],
  ['fileeditor:create-new-markdown-file', [inFolder], 'disable'],
  ['filebrowser:create-new-file', [inFolder], 'disable'],
  ['filebrowser:create-new-markdown-file', [inFolder], 'disable'],
  ['filebrowser:create-new-directory', [inFolder], 'disable'],
  ['filebrowser:paste', [inFolder], 'disable'],
  ['filebrowser:duplicate', [inFolder], 'disable'],
  ['filebrowser:rename', [selectedEntries, inFolder], 'disable'],
  ['filebrowser:delete', [selectedEntries], 'disable'],
  ['filebrowser:cut', [selectedEntries], 'disable']
];

/** The first refusal among `needs`: its caption line; '' while one is not known yet. */
function firstRefusal(
  options: IOffersOptions,
  needs: Need[],
  args: ReadonlyPartialJSONObject
): string | null {
  for (const need of needs) {
    const refusal = need(options, args);
    if (refusal === undefined) {
      return ''; // not offered until the server has answered
    }
    if (refusal) {
      return options.describe(refusal);
    }
  }
  return null;
}

/**
 * Narrow the commands of `COMMAND_NEEDS` registered now, and those registered later; tell
 * whatever shows them when the user's abilities change. Returns what undoes it all.
 */
export function offerWhatTheyMay(options: IOffersOptions): IDisposable {
  const { commands, abilities } = options;
  const needs = new Map(COMMAND_NEEDS.map(([id, ...rest]) => [id, rest]));
  const limits = new Map<string, IDisposable>();
  const limit = (id: string): void => {
    const entry = needs.get(id);
    if (!entry || limits.has(id)) {
      return;
    }
    const [commandNeeds, whenRefused] = entry;
    const refusal = (args: ReadonlyPartialJSONObject) =>
      firstRefusal(options, commandNeeds, args);
    const limited = limitCommand(commands, id, refusal, whenRefused);
    if (limited) {
      limits.set(id, limited);
    }
  };
  const onCommandChanged = (
    _sender: CommandRegistry,
    change: CommandRegistry.ICommandChangedArgs
  ): void => {
    if (change.type === 'added' && change.id) {
      limit(change.id);
    } else if (change.type === 'removed' && change.id) {
      limits.get(change.id)?.dispose();
      limits.delete(change.id);
    }
  };
  const askAgain = (): void => {
    for (const id of limits.keys()) {
      commands.notifyCommandChanged(id);
    }
  };
  needs.forEach((_entry, id) => limit(id));
  commands.commandChanged.connect(onCommandChanged);
  const askAgainOn = [abilities.changed, ...(options.askAgainOn ?? [])];
  askAgainOn.forEach(signal => signal.connect(askAgain));
  let disposed = false;
  return {
    get isDisposed() {
      return disposed;
    },
    dispose() {
      if (disposed) {
        return;
      }
      disposed = true;
      commands.commandChanged.disconnect(onCommandChanged);
      askAgainOn.forEach(signal => signal.disconnect(askAgain));
      limits.forEach(limited => limited.dispose());
      limits.clear();
    }
  };
}
