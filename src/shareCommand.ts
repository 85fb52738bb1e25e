/**
 * "Share…" in the file browser's context menu, on the folders and files the server says the
 * user may share (`rbac_shareable` in the folder's listing, judged by the server's own rule;
 * everything, for who `share_everywhere`); it opens the share dialog.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { Contents } from '@jupyterlab/services';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';
import * as React from 'react';

import { RBACClient } from './api';
import { ShareDialog } from './components/shares/ShareDialog';

export const SHARE_COMMAND = 'jupyter-rbac:share';

/** An entry of a folder listing, with what jupyter-rbac adds to it. */
export type ListedItem = Contents.IModel & { rbac_shareable?: boolean };

/**
 * May the user share this item, as the server says: in its listing (`rbac_shareable`), or,
 * for who may share everything (listings then say nothing), anything but a name with `*`.
 */
export function isShareable(
  item: Contents.IModel | undefined,
  shareEverywhere: boolean
): boolean {
  const shareable = (item as ListedItem | undefined)?.rbac_shareable;
  if (item === undefined || shareable === false) {
    return false;
  }
  return shareable === true || (shareEverywhere && !item.path.includes('*'));
}

/**
 * Add the command; `selected` is the file browser's first selected item (none: nothing).
 */
export function addShareCommand(
  commands: CommandRegistry,
  client: RBACClient,
  selected: () => Contents.IModel | undefined,
  trans: TranslationBundle,
  shareEverywhere: () => boolean,
  afterwards: () => void = () => undefined
): void {
  commands.addCommand(SHARE_COMMAND, {
    label: trans.__('Share…'),
    caption: trans.__('Share with people or groups, as Viewer or Editor'),
    isVisible: () => isShareable(selected(), shareEverywhere()),
    execute: async args => {
      const path = (args.path as string | undefined) ?? selected()?.path;
      if (path === undefined) {
        return;
      }
      await openShareDialog(client, path, trans);
      afterwards(); // what is shared may have changed
    }
  });
}

/** The share dialog of `path`, until its Done button. */
export async function openShareDialog(
  client: RBACClient,
  path: string,
  trans: TranslationBundle
): Promise<void> {
  const body = ReactWidget.create(
    React.createElement(ShareDialog, { client, path, trans })
  );
  body.addClass('jp-RBAC-ShareDialogBody');
  await showDialog({
    title: trans.__('Share “%1”', path.split('/').pop() || '/'),
    body,
    buttons: [Dialog.okButton({ label: trans.__('Done') })]
  });
}
