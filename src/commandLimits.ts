/**
 * Narrows commands other plugins own (JupyterLab's "New Folder", "Rename", "New Terminal", ...)
 * so that they are disabled, or hidden, where the server would refuse them, and their caption
 * (a toolbar button's tooltip, the command palette's line) names why.
 *
 * Lumino's CommandRegistry has no public way to change another plugin's command, so this
 * wraps the predicates of its record in the registry (`_commands`, a Map of plain objects in
 * Lumino 2). Where that record is not found as expected, nothing is narrowed and a warning is
 * logged: JupyterLab then offers more than the policy allows, and the server still refuses it.
 */
import type { CommandRegistry } from '@lumino/commands';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { DisposableDelegate, IDisposable } from '@lumino/disposable';

/**
 * Why the command may not run with these arguments (a line for its caption), or null if it may.
 */
export type CommandRefusal = (args: ReadonlyPartialJSONObject) => string | null;

/** What a refused command does: stays in menus disabled, or leaves them. */
export type WhenRefused = 'disable' | 'hide';

/** The predicates of a command's record that are wrapped. */
interface ICommandRecord {
  isEnabled: (args: ReadonlyPartialJSONObject) => boolean;
  isVisible: (args: ReadonlyPartialJSONObject) => boolean;
  caption: (args: ReadonlyPartialJSONObject) => string;
}

function recordOf(
  commands: CommandRegistry,
  id: string
): ICommandRecord | undefined {
  const records = (commands as unknown as { _commands?: unknown })._commands;
  if (!(records instanceof Map)) {
    return undefined;
  }
  const record = records.get(id) as Partial<ICommandRecord> | undefined;
  const wrappable =
    typeof record?.isEnabled === 'function' &&
    typeof record.isVisible === 'function' &&
    typeof record.caption === 'function';
  return wrappable ? (record as ICommandRecord) : undefined;
}

/**
 * Narrow the command `id`: where `refusal` gives a reason, it is disabled (or hidden) and its
 * caption is that reason. Returns what undoes it, or null when the command is not registered
 * or cannot be narrowed.
 */
export function limitCommand(
  commands: CommandRegistry,
  id: string,
  refusal: CommandRefusal,
  whenRefused: WhenRefused = 'disable'
): IDisposable | null {
  const record = recordOf(commands, id);
  if (!record) {
    if (commands.hasCommand(id)) {
      console.warn(`jupyter-rbac: cannot narrow the command ${id}.`);
    }
    return null;
  }
  const original = { ...record };
  const predicate = whenRefused === 'hide' ? 'isVisible' : 'isEnabled';
  record[predicate] = args =>
    refusal(args) === null && original[predicate](args);
  record.caption = args => refusal(args) ?? original.caption(args);
  commands.notifyCommandChanged(id);
  return new DisposableDelegate(() => {
    Object.assign(record, original);
    if (commands.hasCommand(id)) {
      commands.notifyCommandChanged(id);
    }
  });
}
