/**
 * The "Access" side panel (shield icon): "My permissions" for every user; Roles, Members, Check
 * access, the access matrix and the audit trail for those whose scopes let them read what
 * those show (the others are never rendered). Views read the server when first shown.
 */
import { Notification } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { LabIcon, ReactWidget, SidePanel } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import { AccordionPanel, Widget } from '@lumino/widgets';
import * as React from 'react';

import { IMe, IScopeCatalog, RBACClient } from './api';
import { CollaboratorsWidget } from './collaboratorsWidget';
import { AccessCheck, checkableResources } from './components/AccessCheck';
import { AccessMatrix } from './components/AccessMatrix';
import { AuditView } from './components/AuditView';
import { nameSearches } from './components/members/props';
import { MembersView } from './components/MembersView';
import { MyPermissionsSection } from './components/MyPermissionsSection';
import { RolesView } from './components/RolesView';
import { SharedWithMe } from './components/shares/SharedWithMe';
import { jupyterLabFeedback } from './dialogs';
import { CatalogCache, LazyView } from './lazyView';
import { holds, mayAdminister, PanelGrant } from './permissions';
import { catalogWords } from './plainWords';

export const PANEL_ID = 'jp-rbac-access';

const SHIELD_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16" height="16">
  <path class="jp-icon3" fill="#616161" d="M12 1 3 5v6c0 5.55 3.84 10.74 9 12 5.16-1.26 9-6.45 9-12V5l-9-4zm0 10.99h7c-.53 4.12-3.28 7.79-7 8.94V12H5V6.3l7-3.11v8.8z"/>
</svg>`;

export const shieldIcon = new LabIcon({
  name: 'jupyter-rbac:shield',
  svgstr: SHIELD_SVG
});

/**
 * "My permissions", read from the server each time it is shown.
 */
export class MyPermissionsWidget extends ReactWidget {
  constructor(
    private readonly client: RBACClient,
    private readonly trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-RBAC-MyPermissionsWidget');
    this.title.label = trans.__('My permissions');
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this.shown += 1;
    this.update();
  }

  /** Read again now if shown (the user's permissions changed), else when next shown. */
  refresh(): void {
    if (this.isVisible) {
      this.shown += 1;
      this.update();
    }
  }

  render(): JSX.Element {
    return (
      <MyPermissionsSection
        client={this.client}
        shown={this.shown}
        onError={reason =>
          Notification.error(
            this.trans.__(
              'Could not read your permissions: %1',
              (reason as Error).message
            )
          )
        }
        trans={this.trans}
      />
    );
  }

  private shown = 0;
}

/**
 * "Shared with me", read from the server each time it is shown and when `refresh` is called
 * (the user's permissions changed: something was shared with them, or taken back).
 */
export class SharedWithMeWidget extends ReactWidget {
  constructor(
    private readonly client: RBACClient,
    private readonly username: string,
    private readonly open: (path: string, isFolder: boolean) => void,
    private readonly trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-RBAC-SharedWithMeWidget');
    this.title.label = trans.__('Shared with me');
  }

  /** Read again now if shown (else when next shown). */
  refresh(): void {
    if (this.isVisible) {
      this.generation += 1;
      this.update();
    }
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this.generation += 1;
    this.update();
  }

  render(): JSX.Element {
    return (
      <SharedWithMe
        client={this.client}
        username={this.username}
        generation={this.generation}
        open={this.open}
        trans={this.trans}
      />
    );
  }

  private generation = 0;
}

/** The panel's preferences, from the settings (`schema/plugin.json`). */
export interface IPanelPreferences {
  /** Items per page in the role, user and group lists and the audit trail. */
  pageSize: number;
  /** Seconds between two looks for new audit events; 0 for none. */
  auditRefreshSeconds: number;
}

/** The sections of the panel; the commands open them by id. */
export type SectionId =
  | 'my-permissions'
  | 'shared-with-me'
  | 'collaborators'
  | 'roles'
  | 'members'
  | 'check-access'
  | 'access-matrix'
  | 'audit';

export interface IAccessPanel {
  panel: SidePanel;
  /** The sections this user sees. */
  sections: Map<SectionId, Widget>;
  /** Expand a section; false if this user does not have it. */
  show: (section: SectionId) => boolean;
}

/** What the panel asks of JupyterLab. */
export interface IPanelActions {
  /** Open a document in the main area. */
  openDocument: (path: string) => void;
  /** Show a folder in the file browser. */
  openFolder: (path: string) => void;
  /** Open the Access control page; none for those who may not. */
  openAccessPage?: () => void;
}

/**
 * The Access panel, with the sections this user's scopes allow.
 */
export function createAccessPanel(
  client: RBACClient,
  trans: TranslationBundle,
  me: IMe,
  scopeCatalog: IScopeCatalog,
  preferences: IPanelPreferences,
  actions: IPanelActions
): IAccessPanel {
  const panel = new SidePanel();
  panel.id = PANEL_ID;
  panel.title.icon = shieldIcon;
  panel.title.caption = trans.__('Access');
  panel.node.setAttribute('aria-label', trans.__('Access'));
  const openPage = actions.openAccessPage;
  panel.header.addWidget(
    ReactWidget.create(
      <div className="jp-RBAC-PanelHeader">
        <h2 className="jp-RBAC-PanelTitle">{trans.__('Access')}</h2>
        {openPage && (
          <button
            type="button"
            className="jp-mod-styled jp-RBAC-OpenPage"
            onClick={openPage}
          >
            {trans.__('Open Access control')}
          </button>
        )}
      </div>
    )
  );
  const feedback = jupyterLabFeedback(trans);
  const catalog = new CatalogCache(client, scopeCatalog);
  const may = (grant: PanelGrant): boolean => holds(me, grant);
  const loading = trans.__('Loading…');
  const sections = new Map<SectionId, Widget>();
  const add = (id: SectionId, widget: Widget): void => {
    widget.id = `jp-rbac-section-${id}`;
    // Each section scrolls on its own: the keyboard must reach it even when nothing in it takes
    // focus (My permissions for a viewer, say), or its end cannot be read (WCAG 2.1.1).
    widget.node.tabIndex = 0;
    sections.set(id, widget);
    panel.addWidget(widget);
  };
  const lazy = (
    label: string,
    className: string,
    prepare: () => Promise<() => JSX.Element>
  ) => new LazyView(label, className, prepare, loading);

  add('my-permissions', new MyPermissionsWidget(client, trans));
  add(
    'shared-with-me',
    new SharedWithMeWidget(
      client,
      me.username,
      (path, isFolder) =>
        isFolder ? actions.openFolder(path) : actions.openDocument(path),
      trans
    )
  );
  // "Manage roles of X" from Collaborators opens X in Members.
  const focus: { user: string | null } = { user: null };
  if (may('read_collaborators')) {
    const showUser = may('read_users')
      ? (name: string) => {
          focus.user = name;
          sections.get('members')?.update();
          show('members');
        }
      : undefined;
    add(
      'collaborators',
      new CollaboratorsWidget(
        client,
        me.username,
        trans,
        actions.openDocument,
        showUser
      )
    );
  }
  if (may('read_roles')) {
    add(
      'roles',
      lazy(trans.__('Roles'), 'jp-RBAC-RolesWidget', async () => {
        const known = await catalog.get();
        const words = catalogWords(known);
        return () => (
          <RolesView
            client={client}
            catalog={known.scopes}
            words={words}
            canWrite={may('write_roles')}
            pageSize={preferences.pageSize}
            feedback={feedback}
            trans={trans}
          />
        );
      })
    );
  }
  if (may('read_users') || may('read_groups')) {
    const can = {
      writeUsers: may('write_users'),
      writeGroups: may('write_groups'),
      writeRoles: may('write_roles'),
      readGroups: may('read_groups')
    };
    add(
      'members',
      lazy(trans.__('Members'), 'jp-RBAC-MembersWidget', async () => () => (
        <MembersView
          client={client}
          me={me.username}
          focusUser={focus.user}
          can={can}
          pageSize={preferences.pageSize}
          feedback={feedback}
          trans={trans}
        />
      ))
    );
  }
  if (mayAdminister(me)) {
    add(
      'check-access',
      lazy(trans.__('Check access'), 'jp-RBAC-AccessCheckWidget', async () => {
        const resources = checkableResources((await catalog.get()).scopes);
        return () => (
          <AccessCheck
            defaultUser={me.username}
            resources={resources}
            onCheck={question => client.check(question)}
            trans={trans}
          />
        );
      })
    );
  }
  if (mayAdminister(me) && may('read_roles')) {
    add(
      'access-matrix',
      lazy(trans.__('Access matrix'), 'jp-RBAC-MatrixWidget', async () => {
        const known = await catalog.get();
        const resources = checkableResources(known.scopes);
        const { searchRoles } = nameSearches(client, false);
        return () => (
          <AccessMatrix
            client={client}
            searchRoles={searchRoles}
            resources={resources}
            hierarchy={known.hierarchy}
            trans={trans}
          />
        );
      })
    );
  }
  if (may('read_audit')) {
    add(
      'audit',
      lazy(trans.__('Audit'), 'jp-RBAC-AuditWidget', async () => () => (
        <AuditView
          client={client}
          refreshSeconds={preferences.auditRefreshSeconds}
          pageSize={preferences.pageSize}
          trans={trans}
        />
      ))
    );
  }

  // One section open at a time, with the panel's whole height; "My permissions" first. A
  // collapsed section asks the server nothing.
  const accordion = panel.content as AccordionPanel;
  const collapseAllBut = (open: number): void =>
    accordion.widgets.forEach(
      (_, index) => index !== open && accordion.collapse(index)
    );
  collapseAllBut(0);
  accordion.expansionToggled.connect((_, index) => {
    if (!accordion.widgets[index].isHidden) {
      collapseAllBut(index);
    }
  });
  const show = (section: SectionId): boolean => {
    const widget = sections.get(section);
    if (!widget) {
      return false;
    }
    accordion.expand(accordion.widgets.indexOf(widget));
    return true;
  };
  return { panel, sections, show };
}
