/**
 * Tells the user when the server stopped one of their sandboxed kernels or terminals.
 *
 * A sandbox cannot be narrowed while its process runs: when a user loses some of what their
 * kernel or terminal was started with (a role, a folder), the server stops it and emits a
 * `sandbox.stopped` event (schema `SANDBOX_SCHEMA_ID`) on Jupyter's event stream, which shows
 * it to that user (and to holders of `read:audit`). JupyterLab would only show a dead kernel;
 * this says why, and that a restart runs it under the user's current permissions.
 */
import { Notification } from '@jupyterlab/apputils';
import type { Event } from '@jupyterlab/services';
import { TranslationBundle } from '@jupyterlab/translation';

/** The schema of the server's `sandbox.stopped` events (jupyter_rbac/events/sandbox/v1.yaml). */
export const SANDBOX_SCHEMA_ID =
  'https://events.jupyter.org/jupyter_rbac/sandbox/v1';

/** How many characters of a kernel's id the notification shows. */
const SHORT_ID = 8;

/** A process the server stopped: a `kernel` (its id) or a `terminal` (its name). */
export interface IStoppedProcess {
  kind: string;
  name: string;
}

/**
 * The process an event says was stopped, if the event is a `sandbox.stopped` one about a
 * process of `user`; otherwise null (administrators see other users' stops as well).
 */
export function stoppedProcessOf(
  event: Event.Emission,
  user: string
): IStoppedProcess | null {
  if (
    event.schema_id !== SANDBOX_SCHEMA_ID ||
    event.action !== 'sandbox.stopped'
  ) {
    return null;
  }
  const detail = event.detail;
  if (!detail || typeof detail !== 'object' || Array.isArray(detail)) {
    return null;
  }
  const { user: owner, kind, name } = detail as { [key: string]: unknown };
  if (owner !== user || typeof kind !== 'string' || typeof name !== 'string') {
    return null;
  }
  return { kind, name };
}

/** What the notification says about a stopped process. */
export function stoppedMessage(
  stopped: IStoppedProcess,
  trans: TranslationBundle
): string {
  if (stopped.kind === 'terminal') {
    return trans.__(
      'Your access changed: your terminal %1 was stopped. Open a new one to continue under your current permissions.',
      stopped.name
    );
  }
  const name =
    stopped.name.length > SHORT_ID
      ? `${stopped.name.slice(0, SHORT_ID)}…`
      : stopped.name;
  return trans.__(
    'Your access changed: your kernel %1 was stopped. Restart it to continue under your current permissions.',
    name
  );
}

/**
 * Show a warning for each of `user`'s processes the server stops, as `stream` reports them.
 * `notify` is how (JupyterLab's notifications; tests give their own). Returns what stops
 * listening.
 */
export function notifySandboxStops(
  stream: Event.Stream,
  user: string,
  trans: TranslationBundle,
  notify: (message: string) => void = message =>
    void Notification.warning(message, { autoClose: false })
): () => void {
  const listener = (_sender: unknown, event: Event.Emission): void => {
    const stopped = stoppedProcessOf(event, user);
    if (stopped) {
      notify(stoppedMessage(stopped, trans));
    }
  };
  stream.connect(listener);
  return () => void stream.disconnect(listener);
}
