/**
 * The jupyter-rbac JupyterLab plugin: the Access panel (your permissions; roles, members, access
 * and the audit trail for administrators), who you are in the status bar, a JupyterLab that
 * offers only what you may do (Launcher tiles, "New", Upload, Rename, Delete, kernels; it
 * follows when your permissions change), and a warning when the server stops a sandboxed
 * kernel or terminal of yours.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, IToolbarWidgetRegistry } from '@jupyterlab/apputils';
import {
  IDefaultFileBrowser,
  IFileBrowserFactory
} from '@jupyterlab/filebrowser';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';
import { ITranslator } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import { Signal } from '@lumino/signaling';
import * as React from 'react';

import { Abilities, IRefusal } from './abilities';
import { IMe, IScopeCatalog, RBACClient } from './api';
import { MeStatus } from './components/MeStatus';
import { withoutKernelStart } from './kernels';
import { offerOnlyUsableTiles } from './launcherOffers';
import { offerWhatTheyMay } from './offers';
import { ReadOnlyDocuments } from './readOnly';
import { offerUploadWhereAllowed } from './uploadOffer';
import { notifySandboxStops } from './sandboxStops';
import {
  createAccessPanel,
  MyPermissionsWidget,
  IPanelPreferences,
  SectionId,
  SharedWithMeWidget
} from './panel';
import { addShareCommand, SHARE_COMMAND } from './shareCommand';
import { SharedMarks } from './sharedMarks';
import { accessPageOpener, mayOpenAccessPage, PageTab } from './accessPage';

export type { IMe } from './api';
export { RBACClient, RBACError } from './api';
export { MeStatus } from './components/MeStatus';
export { withoutKernelStart } from './kernels';

const PLUGIN_ID = 'jupyter-rbac:plugin';

/** Opens the Access control page (in the palette, the Settings menu and the side panel). */
export const OPEN_ACCESS_PAGE = 'jupyter-rbac:open-access-control';

/** The panel's commands: id, the section it opens, its label and caption (translated later). */
const SECTION_COMMANDS: [string, SectionId][] = [
  ['jupyter-rbac:my-permissions', 'my-permissions'],
  ['jupyter-rbac:shared-with-me', 'shared-with-me'],
  ['jupyter-rbac:collaborators', 'collaborators'],
  ['jupyter-rbac:manage-roles', 'roles'],
  ['jupyter-rbac:manage-members', 'members'],
  ['jupyter-rbac:check-access', 'check-access'],
  ['jupyter-rbac:access-matrix', 'access-matrix'],
  ['jupyter-rbac:audit', 'audit']
];

/** The user's preferences (`schema/plugin.json`), with the defaults when there are none. */
interface IPreferences extends IPanelPreferences {
  showInStatusBar: boolean;
}

const DEFAULT_PREFERENCES: IPreferences = {
  showInStatusBar: true,
  pageSize: 50,
  auditRefreshSeconds: 5
};

/**
 * Read the preferences; `onChange` hears later changes. The defaults when settings are missing.
 */
async function loadPreferences(
  registry: ISettingRegistry | null,
  onChange: (preferences: IPreferences) => void
): Promise<IPreferences> {
  if (!registry) {
    return { ...DEFAULT_PREFERENCES };
  }
  try {
    const settings = await registry.load(PLUGIN_ID);
    const read = (): IPreferences => ({
      ...DEFAULT_PREFERENCES,
      ...(settings.composite as Partial<IPreferences>)
    });
    settings.changed.connect(() => onChange(read()));
    return read();
  } catch (reason) {
    console.warn('jupyter-rbac: could not load settings.', reason);
    return { ...DEFAULT_PREFERENCES };
  }
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'Role Based Access Control for Jupyter Server.',
  autoStart: true,
  requires: [ITranslator],
  optional: [
    IStatusBar,
    ISettingRegistry,
    ILayoutRestorer,
    ICommandPalette,
    IToolbarWidgetRegistry,
    IDefaultFileBrowser,
    IFileBrowserFactory
  ],
  activate: async (
    app: JupyterFrontEnd,
    translator: ITranslator,
    statusBar: IStatusBar | null,
    settingRegistry: ISettingRegistry | null,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    toolbarRegistry: IToolbarWidgetRegistry | null,
    defaultBrowser: IDefaultFileBrowser | null,
    browserFactory: IFileBrowserFactory | null
  ): Promise<void> => {
    const trans = translator.load('jupyter_rbac');
    const client = new RBACClient(app.serviceManager.serverSettings);

    // Who the user is, and the scope catalog that says what their scopes grant.
    let me: IMe;
    let catalog: IScopeCatalog;
    try {
      [me, catalog] = await Promise.all([client.me(), client.scopes()]);
    } catch (reason) {
      console.warn('jupyter-rbac: could not read the current user.', reason);
      return;
    }

    // The server stops a sandboxed process whose user lost some of what it was started with.
    notifySandboxStops(app.serviceManager.events.stream, me.username, trans);

    // What JupyterLab offers follows what the server says the user may do, now and later.
    const abilities = new Abilities(me, {
      readMe: () => client.me(),
      readFolder: path =>
        app.serviceManager.contents.get(path, { content: false })
    });
    abilities.listen(app.serviceManager.events.stream);
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') {
        void abilities.refresh().catch(() => undefined); // back to the tab: ask again
      }
    });
    const describe = (refusal: IRefusal): string =>
      refusal.missingScope
        ? trans.__('You need the scope %1', refusal.missingScope)
        : refusal.message;
    app.docRegistry.addWidgetExtension(
      'Notebook',
      withoutKernelStart(() => abilities.refusal('start_kernels') !== null)
    );
    offerWhatTheyMay({
      commands: app.commands,
      abilities,
      browser: () => browserFactory?.tracker.currentWidget ?? defaultBrowser,
      describe,
      askAgainOn: [
        ...(defaultBrowser ? [defaultBrowser.model.pathChanged] : []),
        ...(browserFactory ? [browserFactory.tracker.currentChanged] : [])
      ]
    });
    offerOnlyUsableTiles(app.commands);
    if (toolbarRegistry) {
      // once the file browser has registered its own Upload button
      void app.restored.then(() =>
        offerUploadWhereAllowed(toolbarRegistry, abilities, describe)
      );
    }
    // Documents open read-only where the user may not write, and follow their permissions.
    const readOnly = new ReadOnlyDocuments(
      async path =>
        (await app.serviceManager.contents.get(path, { content: false }))
          .writable === true
    );
    for (const factory of ['Notebook', 'Editor']) {
      app.docRegistry.addWidgetExtension(factory, readOnly.extension());
    }
    readOnly.follow(abilities.refreshed);

    // Settings apply live: the panel's views read them when they render.
    const activeStateChanged = new Signal<unknown, void>({});
    const preferences = await loadPreferences(settingRegistry, changed => {
      Object.assign(preferences, changed);
      access.sections.forEach(section => section.update());
      accessPage.update();
      activeStateChanged.emit();
    });

    // The Access control page, for those who may read something of others.
    const accessPage = accessPageOpener(
      { client, me, preferences, trans, scopeCatalog: catalog },
      page => app.shell.add(page, 'main')
    );
    const mayOpenPage = mayOpenAccessPage(me);
    app.commands.addCommand(OPEN_ACCESS_PAGE, {
      label: args =>
        args.isPalette
          ? trans.__('Access: Open access control')
          : trans.__('Access Control'),
      caption: trans.__(
        'Roles, users, groups, invitations, tokens and the audit trail'
      ),
      isVisible: () => mayOpenPage,
      isEnabled: () => mayOpenPage,
      execute: args => {
        const page = accessPage.open(args.tab as PageTab | undefined);
        if (page) {
          app.shell.activateById(page.id);
        }
      }
    });
    if (mayOpenPage) {
      palette?.addItem({
        command: OPEN_ACCESS_PAGE,
        category: trans.__('Access'),
        args: { isPalette: true }
      });
    }

    // The Access panel: every user sees their own permissions there.
    const access = createAccessPanel(client, trans, me, catalog, preferences, {
      openDocument: path =>
        void app.commands.execute('docmanager:open', { path }),
      openFolder: path =>
        void app.commands.execute('filebrowser:go-to-path', {
          path: `/${path}`
        }),
      openAccessPage: mayOpenPage
        ? () => void app.commands.execute(OPEN_ACCESS_PAGE)
        : undefined
    });
    app.shell.add(access.panel, 'left', { rank: 1000 });
    restorer?.add(access.panel, 'jupyter-rbac-access');
    const labels: { [section in SectionId]: [string, string] } = {
      'my-permissions': [
        trans.__('Access: My permissions'),
        trans.__('Who you are, your roles, and what you may do')
      ],
      'shared-with-me': [
        trans.__('Access: Shared with me'),
        trans.__('Folders and files others shared with you')
      ],
      collaborators: [
        trans.__('Access: Collaborators'),
        trans.__('Who is here, and which documents they have open')
      ],
      roles: [
        trans.__('Access: Manage roles'),
        trans.__('Create, edit and delete roles')
      ],
      members: [
        trans.__('Access: Manage members'),
        trans.__('Users, groups, their roles; invitations and tokens')
      ],
      'check-access': [
        trans.__('Access: Check access'),
        trans.__('May a user do something, and why?')
      ],
      'access-matrix': [
        trans.__('Access: Access matrix'),
        trans.__('What the holders of some roles may do')
      ],
      audit: [
        trans.__('Access: Audit trail'),
        trans.__('Policy changes and refused requests')
      ]
    };
    // Something shared with the user, or taken back: "My permissions" and "Shared with me"
    // read again.
    abilities.refreshed.connect(() => {
      for (const section of access.sections.values()) {
        if (
          section instanceof SharedWithMeWidget ||
          section instanceof MyPermissionsWidget
        ) {
          section.refresh();
        }
      }
    });

    // "Share…" on what the user may share, in the file browser's context menu; the browser
    // marks what is shared by them or with them.
    const marks = new SharedMarks(client, () => abilities.me, trans);
    const browser = () =>
      browserFactory?.tracker.currentWidget ?? defaultBrowser;
    addShareCommand(
      app.commands,
      client,
      () => browser()?.selectedItems().next()?.value ?? undefined,
      trans,
      () => abilities.me.share_everywhere,
      () => void marks.refresh()
    );
    if (defaultBrowser) {
      marks.watch(defaultBrowser);
    }
    browserFactory?.tracker.widgetAdded.connect((_, added) =>
      marks.watch(added)
    );
    abilities.refreshed.connect(() => void marks.refresh());
    void marks.refresh();
    app.contextMenu.addItem({
      command: SHARE_COMMAND,
      selector: '.jp-DirListing-item[data-isdir]',
      rank: 11
    });

    for (const [command, section] of SECTION_COMMANDS) {
      if (!access.sections.has(section)) {
        continue; // not rendered for this user: no command either
      }
      const [label, caption] = labels[section];
      app.commands.addCommand(command, {
        label,
        caption,
        execute: () => {
          app.shell.activateById(access.panel.id);
          access.show(section);
        }
      });
      palette?.addItem({ command, category: trans.__('Access') });
    }

    if (!statusBar) {
      return;
    }
    const item = ReactWidget.create(
      React.createElement(MeStatus, { me, trans })
    );
    item.addClass('jp-RBAC-MeStatusItem');
    statusBar.registerStatusItem(PLUGIN_ID, {
      item,
      align: 'right',
      rank: 100,
      isActive: () => preferences.showInStatusBar,
      activeStateChanged
    });
  }
};

export default plugin;
