/**
 * How the administration views talk back to people (`IFeedback`: notifications with the
 * server's message, confirmations, the 412 "reload and retry" question), and saving a change
 * to a versioned record with reload-and-retry.
 *
 * Components receive an `IFeedback` so that they stay plain React; the panel gives them the one
 * of `dialogs.ts`, built on JupyterLab's `Notification` and `showDialog`.
 */
import { TranslationBundle } from '@jupyterlab/translation';

import { RBACError } from './api';

export interface IFeedback {
  /** Say that something worked. */
  success(message: string): void;
  /** Say that something failed, with the server's message. */
  error(message: string): void;
  /** Ask before doing something that cannot be undone. */
  confirm(title: string, body: string, accept: string): Promise<boolean>;
  /**
   * The server refused a save because the record changed since it was read (412): may we
   * reload it and apply the same change again?
   */
  retryAfterConflict(what: string): Promise<boolean>;
}

/**
 * Ask whether typed work that is not saved may be dropped; `what` says whose ("Role dev has
 * changes that are not saved."). The one wording of Escape, Close and opening something else.
 */
export function confirmDiscard(
  confirm: IFeedback['confirm'],
  what: string,
  trans: TranslationBundle
): Promise<boolean> {
  return confirm(
    trans.__('Discard what you typed?'),
    what,
    trans.__('Discard')
  );
}

/**
 * Save a change to a versioned record (role, user, group) with its version tag. If somebody
 * changed it meanwhile (412), ask; then reload it and compute the same change again from the
 * new version, so that their change is kept and ours is applied on top. Resolves to `null` if
 * the person chose not to retry.
 *
 * @param save - sends the change computed from `current`, with `If-Match: current.etag`
 * @param reload - reads the record again
 */
export async function saveWithRetry<R extends { etag: string }, T>(
  what: string,
  record: R,
  save: (current: R) => Promise<T>,
  reload: () => Promise<R>,
  feedback: IFeedback
): Promise<T | null> {
  let current = record;
  for (;;) {
    try {
      return await save(current);
    } catch (reason) {
      if (!(reason instanceof RBACError && reason.status === 412)) {
        throw reason;
      }
      if (!(await feedback.retryAfterConflict(what))) {
        return null;
      }
      current = await reload();
    }
  }
}

/** The message of a failure, for people. */
export function messageOf(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}
