/**
 * `IFeedback` through JupyterLab's own notifications and dialogs.
 */
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';

import { IFeedback } from './feedback';

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
