/**
 * How the administration views talk back to people: JupyterLab notifications with the server's
 * message, confirmation dialogs, and the "changed by someone else: reload and retry" dialog
 * for a save the server refused with 412.
 *
 * Components receive an `IFeedback` so that they stay plain React; the panel gives them the
 * one below, built on JupyterLab's `Notification` and `showDialog`.
 */
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
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
 * `IFeedback` through JupyterLab's notifications and dialogs.
 */
export function jupyterLabFeedback(trans: TranslationBundle): IFeedback {
  return {
    success: message => {
      Notification.success(message, { autoClose: 4000 });
    },
    error: message => {
      Notification.error(message, { autoClose: false });
    },
    confirm: async (title, body, accept) => {
      const result = await showDialog({
        title,
        body,
        buttons: [
          Dialog.cancelButton({ label: trans.__('Cancel') }),
          Dialog.warnButton({ label: accept })
        ]
      });
      return result.button.accept;
    },
    retryAfterConflict: async what => {
      const result = await showDialog({
        title: trans.__('%1 changed', what),
        body: trans.__(
          'Somebody changed %1 since you opened it. Reload it and apply your change to the new version?',
          what
        ),
        buttons: [
          Dialog.cancelButton({ label: trans.__('Cancel') }),
          Dialog.okButton({ label: trans.__('Reload and retry') })
        ]
      });
      return result.button.accept;
    }
  };
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
