/**
 * "Access control", the administration page in JupyterLab's main area: a tab for each thing an
 * administrator manages (roles, users, groups, invitations, tokens, the access matrix, the audit
 * trail), each shown only to those whose scopes let them read it (`beyond_self`), each a page at
 * a time from the server. The side panel keeps what a person needs beside their work.
 */
import { MainAreaWidget } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';

import { IMe, IScopeCatalog, RBACClient } from './api';
import { checkableResources } from './components/AccessCheck';
import { AccessMatrix } from './components/AccessMatrix';
import { AuditView } from './components/AuditView';
import { GroupsTab } from './components/members/GroupsTab';
import { nameSearches } from './components/members/props';
import { InvitationsTable } from './components/page/InvitationsTable';
import { Prepared } from './components/page/Prepared';
import { ITab, Tabs } from './components/page/Tabs';
import { TokensTable } from './components/page/TokensTable';
import { UsersTable } from './components/page/UsersTable';
import { RolesTable } from './components/page/RolesTable';
import { jupyterLabFeedback } from './dialogs';
import { CatalogCache } from './lazyView';
import { IPanelPreferences, shieldIcon } from './panel';
import { holds, mayAdminister } from './permissions';
import { catalogWords } from './plainWords';

export const ACCESS_PAGE_ID = 'jp-rbac-access-control';

/** The tabs of the page. */
export type PageTab =
  | 'roles'
  | 'users'
  | 'groups'
  | 'invitations'
  | 'tokens'
  | 'access-matrix'
  | 'audit';

/** Which tabs this user gets: what the server says they may read of others. */
export function pageTabsFor(me: IMe): PageTab[] {
  const tabs: PageTab[] = [];
  const may = (grant: Parameters<typeof holds>[1]): boolean => holds(me, grant);
  if (may('read_roles')) {
    tabs.push('roles');
  }
  if (may('read_users')) {
    tabs.push('users', 'invitations');
  }
  if (may('read_groups')) {
    tabs.push('groups');
  }
  if (may('read_tokens')) {
    tabs.push('tokens');
  }
  if (mayAdminister(me) && may('read_roles')) {
    tabs.push('access-matrix');
  }
  if (may('read_audit')) {
    tabs.push('audit');
  }
  return tabs;
}

/** May this user open the page at all? */
export function mayOpenAccessPage(me: IMe): boolean {
  return pageTabsFor(me).length > 0;
}

interface IPageProps {
  client: RBACClient;
  me: IMe;
  catalog: CatalogCache;
  preferences: IPanelPreferences;
  trans: TranslationBundle;
}

function AccessPage(
  props: IPageProps & { initial: PageTab; generation: number }
): JSX.Element {
  const { client, me, trans, preferences } = props;
  const [selected, setSelected] = React.useState<PageTab>(props.initial);
  const feedback = React.useMemo(() => jupyterLabFeedback(trans), [trans]);
  const may = (grant: Parameters<typeof holds>[1]): boolean => holds(me, grant);
  const loading = trans.__('Loading…');
  const can = {
    writeUsers: may('write_users'),
    writeGroups: may('write_groups'),
    writeRoles: may('write_roles'),
    readGroups: may('read_groups')
  };
  const members = {
    client,
    can,
    me: me.username,
    pageSize: preferences.pageSize,
    feedback,
    trans,
    ...nameSearches(client, can.readGroups)
  };
  const views: Record<PageTab, ITab> = {
    roles: {
      id: 'roles',
      label: trans.__('Roles'),
      render: () => (
        <Prepared
          loading={loading}
          prepare={async () => {
            const known = await props.catalog.get();
            const words = catalogWords(known);
            return () => (
              <RolesTable
                client={client}
                catalog={known.scopes}
                words={words}
                canWrite={can.writeRoles}
                pageSize={preferences.pageSize}
                feedback={feedback}
                trans={trans}
              />
            );
          }}
        />
      )
    },
    users: {
      id: 'users',
      label: trans.__('Users'),
      render: () => <UsersTable {...members} />
    },
    groups: {
      id: 'groups',
      label: trans.__('Groups'),
      render: () => <GroupsTab {...members} />
    },
    invitations: {
      id: 'invitations',
      label: trans.__('Invitations'),
      render: () => (
        <InvitationsTable
          client={client}
          canRevoke={can.writeUsers}
          pageSize={preferences.pageSize}
          feedback={feedback}
          trans={trans}
        />
      )
    },
    tokens: {
      id: 'tokens',
      label: trans.__('Tokens'),
      render: () => (
        <TokensTable
          client={client}
          canRevoke={may('write_tokens')}
          pageSize={preferences.pageSize}
          feedback={feedback}
          trans={trans}
        />
      )
    },
    'access-matrix': {
      id: 'access-matrix',
      label: trans.__('Access matrix'),
      render: () => (
        <Prepared
          loading={loading}
          prepare={async () => {
            const known = await props.catalog.get();
            const resources = checkableResources(known.scopes);
            return () => (
              <AccessMatrix
                client={client}
                searchRoles={members.searchRoles}
                resources={resources}
                hierarchy={known.hierarchy}
                trans={trans}
              />
            );
          }}
        />
      )
    },
    audit: {
      id: 'audit',
      label: trans.__('Audit'),
      render: () => (
        <AuditView
          client={client}
          refreshSeconds={preferences.auditRefreshSeconds}
          pageSize={preferences.pageSize}
          trans={trans}
        />
      )
    }
  };
  return (
    <div className="jp-RBAC-AccessPage">
      <h1 className="jp-RBAC-PageTitle">{trans.__('Access control')}</h1>
      <Tabs
        label={trans.__('Access control')}
        idPrefix="jp-RBAC-page"
        tabs={pageTabsFor(me).map(tab => views[tab])}
        selected={selected}
        onSelect={id => setSelected(id as PageTab)}
        generation={props.generation}
      />
    </div>
  );
}

/** The page's content: re-rendered when the preferences change. */
class AccessPageContent extends ReactWidget {
  constructor(
    private readonly props: IPageProps,
    private readonly initial: PageTab
  ) {
    super();
    this.addClass('jp-RBAC-AccessPageContent');
  }

  render(): JSX.Element {
    // each render of the widget is a change from outside (the preferences): the tabs draw again
    this.generation += 1;
    return (
      <AccessPage
        {...this.props}
        initial={this.initial}
        generation={this.generation}
      />
    );
  }

  private generation = 0;
}

export interface IAccessPageOpener {
  /** Open the page (one at a time: again, the open one), on `tab` when it is made. */
  open(tab?: PageTab): MainAreaWidget | null;
  /** Render the open page again (the preferences changed). */
  update(): void;
}

export function accessPageOpener(
  props: Omit<IPageProps, 'catalog'> & { scopeCatalog: IScopeCatalog },
  addToShell: (widget: MainAreaWidget) => void
): IAccessPageOpener {
  const catalog = new CatalogCache(props.client, props.scopeCatalog);
  let page: MainAreaWidget<AccessPageContent> | null = null;
  return {
    open: (tab?: PageTab) => {
      const tabs = pageTabsFor(props.me);
      if (!tabs.length) {
        return null;
      }
      if (page === null || page.isDisposed) {
        const content = new AccessPageContent(
          { ...props, catalog },
          tab && tabs.includes(tab) ? tab : tabs[0]
        );
        page = new MainAreaWidget({ content });
        page.id = ACCESS_PAGE_ID;
        page.title.label = props.trans.__('Access control');
        page.title.icon = shieldIcon;
        page.title.closable = true;
        addToShell(page);
      }
      return page;
    },
    update: () => page?.content.update()
  };
}
