/**
 * The jupyter-rbac JupyterLab plugin: shows who the user is and which roles
 * they hold in the status bar, from `GET /api/rbac/me`, and does not try to
 * start kernels for users who may not.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';
import { ITranslator } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import { Signal } from '@lumino/signaling';
import * as React from 'react';

import { IMe, RBACClient } from './api';
import { MeStatus } from './components/MeStatus';
import { withoutKernelStart } from './kernels';
import { createAccessPanel, mayAdminister } from './panel';

export type { IMe } from './api';
export { RBACClient, RBACError } from './api';
export { MeStatus } from './components/MeStatus';
export { withoutKernelStart } from './kernels';

const PLUGIN_ID = 'jupyter-rbac:plugin';
const MY_PERMISSIONS_COMMAND = 'jupyter-rbac:my-permissions';
const CHECK_ACCESS_COMMAND = 'jupyter-rbac:check-access';

/**
 * Read `showInStatusBar` from the user's settings; true when there are none.
 */
async function loadShowInStatusBar(
  registry: ISettingRegistry | null,
  onChange: (show: boolean) => void
): Promise<boolean> {
  if (!registry) {
    return true;
  }
  try {
    const settings = await registry.load(PLUGIN_ID);
    const read = (): boolean =>
      settings.get('showInStatusBar').composite !== false;
    settings.changed.connect(() => onChange(read()));
    return read();
  } catch (reason) {
    console.warn('jupyter-rbac: could not load settings.', reason);
    return true;
  }
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'Role Based Access Control for Jupyter Server.',
  autoStart: true,
  requires: [ITranslator],
  optional: [IStatusBar, ISettingRegistry, ILayoutRestorer, ICommandPalette],
  activate: async (
    app: JupyterFrontEnd,
    translator: ITranslator,
    statusBar: IStatusBar | null,
    settingRegistry: ISettingRegistry | null,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null
  ): Promise<void> => {
    const trans = translator.load('jupyter_rbac');
    const client = new RBACClient(app.serviceManager.serverSettings);

    let me: IMe;
    try {
      me = await client.me();
    } catch (reason) {
      console.warn('jupyter-rbac: could not read the current user.', reason);
      return;
    }

    if (me.can && !me.can.start_kernels) {
      app.docRegistry.addWidgetExtension('Notebook', withoutKernelStart());
    }

    // The Access panel: every user sees their own permissions there.
    const panel = createAccessPanel(client, trans, me);
    app.shell.add(panel, 'left', { rank: 1000 });
    restorer?.add(panel, 'jupyter-rbac-access');
    app.commands.addCommand(MY_PERMISSIONS_COMMAND, {
      label: trans.__('Access: My permissions'),
      caption: trans.__('Who you are, your roles, and what you may do'),
      execute: () => app.shell.activateById(panel.id)
    });
    palette?.addItem({
      command: MY_PERMISSIONS_COMMAND,
      category: trans.__('Access')
    });
    if (mayAdminister(me)) {
      app.commands.addCommand(CHECK_ACCESS_COMMAND, {
        label: trans.__('Access: Check access'),
        caption: trans.__('May a user do something, and why?'),
        execute: () => app.shell.activateById(panel.id)
      });
      palette?.addItem({ command: CHECK_ACCESS_COMMAND, category: trans.__('Access') });
    }

    if (!statusBar) {
      return;
    }
    // The item's visibility follows the `showInStatusBar` setting, live.
    const activeStateChanged = new Signal<unknown, void>({});
    let show = await loadShowInStatusBar(settingRegistry, value => {
      show = value;
      activeStateChanged.emit();
    });

    const item = ReactWidget.create(
      React.createElement(MeStatus, { me, trans })
    );
    item.addClass('jp-RBAC-MeStatusItem');
    statusBar.registerStatusItem(PLUGIN_ID, {
      item,
      align: 'right',
      rank: 100,
      isActive: () => show,
      activeStateChanged
    });
  }
};

export default plugin;
