/**
 * Members: users and groups. For a user: their direct roles, their groups, their API tokens
 * (revoke), deleting them; inviting somebody new. For a group: its roles and its members;
 * creating and deleting groups. Each change is one request with the record's version tag.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { IGroup, IInvitation, IPage, IToken, IUser, RBACClient } from '../api';
import { IFeedback, messageOf, saveWithRetry } from '../feedback';
import { ErrorLine, NamesEditor, Pager, useSettled } from './common';

export interface IMembersViewProps {
  client: RBACClient;
  /** What the current user may change (the server decides each request anyway). */
  can: {
    writeUsers: boolean;
    writeGroups: boolean;
    writeRoles: boolean;
    readGroups: boolean;
  };
  /** The current user's name: they cannot delete themselves. */
  me: string;
  /** A user to show (from "Manage roles of X" in Collaborators). */
  focusUser?: string | null;
  pageSize: number;
  feedback: IFeedback;
  trans: TranslationBundle;
}

type Tab = 'users' | 'groups';

export function MembersView(props: IMembersViewProps): JSX.Element {
  const { trans } = props;
  const [tab, setTab] = React.useState<Tab>('users');
  React.useEffect(() => {
    if (props.focusUser) {
      setTab('users');
    }
  }, [props.focusUser]);
  const [roleNames, setRoleNames] = React.useState<string[]>([]);
  const [groupNames, setGroupNames] = React.useState<string[]>([]);
  const [namesVersion, setNamesVersion] = React.useState(0);

  // Names offered when adding a role or a group; best effort (a filtered admin may see fewer).
  React.useEffect(() => {
    props.client.roles({ limit: 1000 }).then(
      page => setRoleNames(page.items.map(role => role.name)),
      () => setRoleNames([])
    );
    if (props.can.readGroups) {
      props.client.groups({ limit: 1000 }).then(
        page => setGroupNames(page.items.map(group => group.name)),
        () => setGroupNames([])
      );
    }
  }, [namesVersion]);

  const tabs: [Tab, string][] = [
    ['users', trans.__('Users')],
    ['groups', trans.__('Groups')]
  ];
  return (
    <div className="jp-RBAC-Members">
      <div
        role="tablist"
        aria-label={trans.__('Members')}
        className="jp-RBAC-Tabs"
      >
        {tabs.map(([key, label]) => (
          <button
            key={key}
            type="button"
            role="tab"
            id={`jp-RBAC-tab-${key}`}
            aria-selected={tab === key}
            aria-controls={`jp-RBAC-tabpanel-${key}`}
            className={
              tab === key ? 'jp-RBAC-Tab jp-mod-current' : 'jp-RBAC-Tab'
            }
            onClick={() => setTab(key)}
            onKeyDown={event => {
              if (event.key === 'ArrowRight' || event.key === 'ArrowLeft') {
                setTab(tab === 'users' ? 'groups' : 'users');
              }
            }}
          >
            {label}
          </button>
        ))}
      </div>
      <div
        role="tabpanel"
        id={`jp-RBAC-tabpanel-${tab}`}
        aria-labelledby={`jp-RBAC-tab-${tab}`}
      >
        {tab === 'users' ? (
          <UsersTab {...props} roleNames={roleNames} groupNames={groupNames} />
        ) : (
          <GroupsTab
            {...props}
            roleNames={roleNames}
            onGroupsChanged={() => setNamesVersion(v => v + 1)}
          />
        )}
      </div>
    </div>
  );
}

interface ISuggestions {
  roleNames: string[];
  groupNames?: string[];
}

/**
 * A list of records read a page at a time, with a search box; `render` draws one item.
 */
function usePagedList<T>(
  load: (query: {
    q: string;
    offset: number;
    limit: number;
  }) => Promise<IPage<T>>,
  pageSize: number,
  onError: (reason: unknown) => void
): {
  page: IPage<T> | null;
  search: string;
  setSearch: (value: string) => void;
  offset: number;
  setOffset: (value: number) => void;
  reload: () => void;
} {
  const [search, setSearch] = React.useState('');
  const [query, setQuery] = React.useState('');
  const [offset, setOffset] = React.useState(0);
  const [page, setPage] = React.useState<IPage<T> | null>(null);
  const [reloads, setReloads] = React.useState(0);
  useSettled(search, value => {
    setOffset(0);
    setQuery(value.trim());
  });
  React.useEffect(() => {
    let current = true;
    load({ q: query, offset, limit: pageSize }).then(
      answer => current && setPage(answer),
      onError
    );
    return () => {
      current = false;
    };
  }, [query, offset, pageSize, reloads]);
  return {
    page,
    search,
    setSearch,
    offset,
    setOffset,
    reload: () => setReloads(n => n + 1)
  };
}

/**
 * One page of users or groups as a list of buttons (`render` draws one), with the pager.
 */
function PrincipalList<T extends { name: string }>(props: {
  page: IPage<T> | null;
  label: string;
  empty: string;
  onOffset: (offset: number) => void;
  trans: TranslationBundle;
  render: (item: T) => React.ReactNode;
}): JSX.Element {
  const { page, trans } = props;
  if (page === null) {
    return <p className="jp-RBAC-Loading">{trans.__('Loading…')}</p>;
  }
  return (
    <>
      <ul className="jp-RBAC-PrincipalList" aria-label={props.label}>
        {page.items.map(item => (
          <li key={item.name}>{props.render(item)}</li>
        ))}
      </ul>
      {page.items.length === 0 && (
        <p className="jp-RBAC-Empty">{props.empty}</p>
      )}
      <Pager
        offset={page.offset}
        limit={page.limit}
        total={page.total}
        onOffset={props.onOffset}
        trans={trans}
      />
    </>
  );
}

/**
 * Change one list of a user or a group (`save` computes it from the newest version), offering
 * "Reload and retry" when someone changed the record meanwhile; a failure is reported.
 */
async function changeList<R extends { etag: string }>(options: {
  what: string;
  failure: (message: string) => string;
  record: R;
  save: (current: R) => Promise<R>;
  reload: () => Promise<R>;
  feedback: IFeedback;
  onSaved: (saved: R) => void;
}): Promise<void> {
  const { feedback } = options;
  try {
    const saved = await saveWithRetry(
      options.what,
      options.record,
      options.save,
      options.reload,
      feedback
    );
    if (saved) {
      options.onSaved(saved);
    }
  } catch (reason) {
    feedback.error(options.failure(messageOf(reason)));
  }
}

// --- users ------------------------------------------------------------------------------

function UsersTab(props: IMembersViewProps & ISuggestions): JSX.Element {
  const { client, trans, feedback } = props;
  const [selected, setSelected] = React.useState<string | null>(
    props.focusUser ?? null
  );
  const [inviting, setInviting] = React.useState(false);
  React.useEffect(() => {
    if (props.focusUser) {
      setSelected(props.focusUser);
    }
  }, [props.focusUser]);
  const list = usePagedList<IUser>(
    query => client.users(query),
    props.pageSize,
    reason =>
      feedback.error(
        trans.__('Could not list the users: %1', messageOf(reason))
      )
  );

  if (selected) {
    return (
      <UserDetails
        {...props}
        name={selected}
        onClose={() => {
          setSelected(null);
          list.reload();
        }}
      />
    );
  }
  if (inviting) {
    return <InviteForm {...props} onClose={() => setInviting(false)} />;
  }
  return (
    <div>
      <div className="jp-RBAC-Toolbar">
        <input
          type="search"
          className="jp-mod-styled"
          aria-label={trans.__('Search users')}
          placeholder={trans.__('Search users')}
          value={list.search}
          onChange={event => list.setSearch(event.target.value)}
        />
        {props.can.writeUsers && (
          <button
            type="button"
            className="jp-mod-styled jp-mod-accept"
            onClick={() => setInviting(true)}
          >
            {trans.__('Invite')}
          </button>
        )}
      </div>
      <PrincipalList
        page={list.page}
        label={trans.__('Users')}
        empty={trans.__('No user matches.')}
        onOffset={list.setOffset}
        trans={trans}
        render={user => (
          <button
            type="button"
            className="jp-RBAC-Principal"
            aria-label={trans.__('Open user %1', user.name)}
            onClick={() => setSelected(user.name)}
          >
            <span
              className="jp-RBAC-Avatar jp-RBAC-Avatar-small"
              aria-hidden="true"
              style={{ backgroundColor: user.color || undefined }}
            >
              {(user.display_name || user.name).slice(0, 1).toUpperCase()}
            </span>
            <span className="jp-RBAC-PrincipalName">
              <strong>{user.display_name || user.name}</strong>
              {user.display_name && user.display_name !== user.name && (
                <span className="jp-RBAC-UserName"> {user.name}</span>
              )}
            </span>
            <span className="jp-RBAC-Count">{user.roles.join(', ')}</span>
          </button>
        )}
      />
    </div>
  );
}

function UserDetails(
  props: IMembersViewProps &
    ISuggestions & { name: string; onClose: () => void }
): JSX.Element {
  const { client, trans, feedback, name } = props;
  const [user, setUser] = React.useState<IUser | null>(null);
  const [tokens, setTokens] = React.useState<IToken[] | null>(null);

  const load = (): void => {
    client
      .user(name)
      .then(setUser, reason => feedback.error(messageOf(reason)));
    client.tokens(name).then(setTokens, () => setTokens(null));
  };
  React.useEffect(load, [name]);

  if (!user) {
    return <p className="jp-RBAC-Loading">{trans.__('Loading…')}</p>;
  }

  const change = (
    field: 'roles' | 'groups',
    compute: (names: string[]) => string[]
  ): Promise<void> =>
    changeList({
      what: trans.__('User %1', name),
      failure: message =>
        trans.__('Could not change user %1: %2', name, message),
      record: user,
      save: current =>
        client.updateUser(
          name,
          { [field]: compute(current[field]) },
          current.etag
        ),
      reload: () => client.user(name),
      feedback,
      onSaved: setUser
    });
  const revoke = async (token: IToken): Promise<void> => {
    try {
      await client.revokeToken(name, token.id);
      feedback.success(trans.__('Token %1… revoked.', token.prefix));
    } catch (reason) {
      feedback.error(
        trans.__('Could not revoke the token: %1', messageOf(reason))
      );
    }
    load();
  };
  const remove = async (): Promise<void> => {
    if (
      !(await feedback.confirm(
        trans.__('Delete user %1?', name),
        trans.__('Their tokens stop working and their roles are gone.'),
        trans.__('Delete')
      ))
    ) {
      return;
    }
    try {
      await client.deleteUser(name, user.etag);
      feedback.success(trans.__('User %1 deleted.', name));
      props.onClose();
    } catch (reason) {
      feedback.error(
        trans.__('Could not delete user %1: %2', name, messageOf(reason))
      );
    }
  };

  return (
    <section className="jp-RBAC-Details" aria-label={trans.__('User %1', name)}>
      <button
        type="button"
        className="jp-mod-styled jp-RBAC-Back"
        onClick={props.onClose}
      >
        {trans.__('‹ All users')}
      </button>
      <h3>
        {user.display_name || user.name}{' '}
        <span className="jp-RBAC-UserName">{user.name}</span>
      </h3>
      <NamesEditor
        label={trans.__('Roles')}
        names={user.roles}
        suggestions={props.roleNames}
        editable={props.can.writeUsers && props.can.writeRoles}
        onAdd={role => change('roles', roles => [...roles, role])}
        onRemove={role =>
          change('roles', roles => roles.filter(r => r !== role))
        }
        trans={trans}
      />
      <NamesEditor
        label={trans.__('Groups')}
        names={user.groups}
        suggestions={props.groupNames ?? []}
        editable={props.can.writeUsers && props.can.writeGroups}
        onAdd={group => change('groups', groups => [...groups, group])}
        onRemove={group =>
          change('groups', groups => groups.filter(g => g !== group))
        }
        trans={trans}
      />
      {tokens !== null && (
        <>
          <h4>{trans.__('API tokens')}</h4>
          {tokens.length === 0 && (
            <p className="jp-RBAC-Empty">{trans.__('None')}</p>
          )}
          <ul
            aria-label={trans.__('API tokens of %1', name)}
            className="jp-RBAC-Tokens"
          >
            {tokens.map(token => (
              <li key={token.id}>
                <code>{token.prefix}…</code> {token.note}
                {token.created_by !== name && (
                  <span className="jp-RBAC-Count jp-RBAC-TokenMaker">
                    {token.created_by === null
                      ? trans.__('maker not recorded')
                      : trans.__('made by %1', token.created_by)}
                  </span>
                )}
                <span className="jp-RBAC-Count">
                  {token.expires_at
                    ? trans.__(
                        'expires %1',
                        new Date(token.expires_at).toLocaleDateString()
                      )
                    : trans.__('never expires')}
                </span>
                <button
                  type="button"
                  className="jp-mod-styled jp-mod-warn"
                  aria-label={trans.__('Revoke token %1', token.prefix)}
                  onClick={() => void revoke(token)}
                >
                  {trans.__('Revoke')}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {props.can.writeUsers && name !== props.me && (
        <button
          type="button"
          className="jp-mod-styled jp-mod-warn"
          onClick={() => void remove()}
        >
          {trans.__('Delete user')}
        </button>
      )}
    </section>
  );
}

function InviteForm(
  props: IMembersViewProps & ISuggestions & { onClose: () => void }
): JSX.Element {
  const { client, trans, feedback } = props;
  const [username, setUsername] = React.useState('');
  const [displayName, setDisplayName] = React.useState('');
  const [roles, setRoles] = React.useState<string[]>([]);
  const [groups, setGroups] = React.useState<string[]>([]);
  const [error, setError] = React.useState('');
  const [invitation, setInvitation] = React.useState<IInvitation | null>(null);
  const [pending, setPending] = React.useState<IInvitation[]>([]);
  const id = React.useId();

  const loadPending = (): void => {
    client.invitations().then(setPending, () => setPending([]));
  };
  React.useEffect(loadPending, []);
  const revoke = async (item: IInvitation): Promise<void> => {
    try {
      await client.revokeInvitation(item.id);
      feedback.success(
        trans.__('The invitation of %1 is revoked.', item.username)
      );
    } catch (reason) {
      feedback.error(
        trans.__('Could not revoke the invitation: %1', messageOf(reason))
      );
    }
    loadPending();
  };

  const submit = async (event: React.FormEvent): Promise<void> => {
    event.preventDefault();
    setError('');
    try {
      setInvitation(
        await client.invite({
          username: username.trim(),
          display_name: displayName.trim(),
          roles,
          groups
        })
      );
    } catch (reason) {
      setError(messageOf(reason));
    }
  };

  if (invitation) {
    return (
      <section className="jp-RBAC-Details" aria-label={trans.__('Invitation')}>
        <h3>{trans.__('Invitation for %1', invitation.username)}</h3>
        <p>
          {trans.__(
            'Send this link to them; it works once, until %1. It is not shown again.',
            new Date(invitation.expires_at).toLocaleString()
          )}
        </p>
        <input
          className="jp-mod-styled jp-RBAC-Link"
          readOnly
          value={invitation.url ?? ''}
          aria-label={trans.__('Invitation link')}
          onFocus={event => event.target.select()}
        />
        <div className="jp-RBAC-Buttons">
          <button
            type="button"
            className="jp-mod-styled"
            onClick={() =>
              void navigator.clipboard?.writeText(invitation.url ?? '').then(
                () => feedback.success(trans.__('Link copied.')),
                () =>
                  feedback.error(
                    trans.__('Could not copy: select the link and copy it.')
                  )
              )
            }
          >
            {trans.__('Copy link')}
          </button>
          <button
            type="button"
            className="jp-mod-styled jp-mod-accept"
            onClick={props.onClose}
          >
            {trans.__('Done')}
          </button>
        </div>
      </section>
    );
  }

  const pick = (names: string[], set: (next: string[]) => void) => ({
    names,
    onAdd: async (name: string) => set([...names, name]),
    onRemove: async (name: string) => set(names.filter(n => n !== name))
  });
  return (
    <form
      className="jp-RBAC-Details"
      aria-label={trans.__('Invite someone')}
      onSubmit={submit}
    >
      <h3>{trans.__('Invite someone')}</h3>
      <label htmlFor={`${id}-user`}>{trans.__('User name')}</label>
      <input
        id={`${id}-user`}
        className="jp-mod-styled"
        required
        value={username}
        onChange={event => setUsername(event.target.value)}
      />
      <label htmlFor={`${id}-display`}>
        {trans.__('Display name (optional)')}
      </label>
      <input
        id={`${id}-display`}
        className="jp-mod-styled"
        value={displayName}
        onChange={event => setDisplayName(event.target.value)}
      />
      <NamesEditor
        label={trans.__('Roles')}
        suggestions={props.roleNames}
        editable
        trans={trans}
        {...pick(roles, setRoles)}
      />
      <NamesEditor
        label={trans.__('Groups')}
        suggestions={props.groupNames ?? []}
        editable
        trans={trans}
        {...pick(groups, setGroups)}
      />
      <ErrorLine message={error} />
      <div className="jp-RBAC-Buttons">
        <button
          type="button"
          className="jp-mod-styled jp-mod-reject"
          onClick={props.onClose}
        >
          {trans.__('Cancel')}
        </button>
        <button type="submit" className="jp-mod-styled jp-mod-accept">
          {trans.__('Create invitation link')}
        </button>
      </div>
      {pending.length > 0 && (
        <>
          <h4>{trans.__('Pending invitations')}</h4>
          <ul
            aria-label={trans.__('Pending invitations')}
            className="jp-RBAC-Tokens"
          >
            {pending.map(item => (
              <li key={item.id}>
                <strong>{item.username}</strong>{' '}
                <span className="jp-RBAC-Count">
                  {trans.__(
                    'by %1, until %2',
                    item.created_by,
                    new Date(item.expires_at).toLocaleDateString()
                  )}
                </span>
                <button
                  type="button"
                  className="jp-mod-styled jp-mod-warn"
                  aria-label={trans.__(
                    'Revoke the invitation of %1',
                    item.username
                  )}
                  onClick={() => void revoke(item)}
                >
                  {trans.__('Revoke')}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </form>
  );
}

// --- groups -----------------------------------------------------------------------------

function GroupsTab(
  props: IMembersViewProps & ISuggestions & { onGroupsChanged: () => void }
): JSX.Element {
  const { client, trans, feedback } = props;
  const [selected, setSelected] = React.useState<string | null>(null);
  const [newName, setNewName] = React.useState('');
  const [error, setError] = React.useState('');
  const list = usePagedList<IGroup>(
    query => client.groups(query),
    props.pageSize,
    reason =>
      feedback.error(
        trans.__('Could not list the groups: %1', messageOf(reason))
      )
  );

  const create = async (event: React.FormEvent): Promise<void> => {
    event.preventDefault();
    setError('');
    try {
      const group = await client.createGroup({ name: newName.trim() });
      feedback.success(trans.__('Group %1 created.', group.name));
      setNewName('');
      props.onGroupsChanged();
      setSelected(group.name);
    } catch (reason) {
      setError(messageOf(reason));
    }
  };

  if (selected) {
    return (
      <GroupDetails
        {...props}
        name={selected}
        onClose={() => {
          setSelected(null);
          list.reload();
        }}
      />
    );
  }
  return (
    <div>
      <div className="jp-RBAC-Toolbar">
        <input
          type="search"
          className="jp-mod-styled"
          aria-label={trans.__('Search groups')}
          placeholder={trans.__('Search groups')}
          value={list.search}
          onChange={event => list.setSearch(event.target.value)}
        />
      </div>
      {props.can.writeGroups && (
        <form
          className="jp-RBAC-AddName"
          onSubmit={create}
          aria-label={trans.__('New group')}
        >
          <input
            className="jp-mod-styled"
            aria-label={trans.__('New group name')}
            placeholder={trans.__('New group name')}
            value={newName}
            onChange={event => setNewName(event.target.value)}
          />
          <button
            type="submit"
            className="jp-mod-styled jp-mod-accept"
            disabled={!newName.trim()}
          >
            {trans.__('Create group')}
          </button>
        </form>
      )}
      <ErrorLine message={error} />
      <PrincipalList
        page={list.page}
        label={trans.__('Groups')}
        empty={trans.__('No group matches.')}
        onOffset={list.setOffset}
        trans={trans}
        render={group => (
          <button
            type="button"
            className="jp-RBAC-Principal"
            aria-label={trans.__('Open group %1', group.name)}
            onClick={() => setSelected(group.name)}
          >
            <span className="jp-RBAC-PrincipalName">
              <strong>{group.name}</strong>
            </span>
            <span className="jp-RBAC-Count">
              {trans._n('%1 member', '%1 members', group.members.length)}
            </span>
          </button>
        )}
      />
    </div>
  );
}

function GroupDetails(
  props: IMembersViewProps &
    ISuggestions & {
      name: string;
      onClose: () => void;
      onGroupsChanged: () => void;
    }
): JSX.Element {
  const { client, trans, feedback, name } = props;
  const [group, setGroup] = React.useState<IGroup | null>(null);
  const [userNames, setUserNames] = React.useState<string[]>([]);

  React.useEffect(() => {
    client
      .group(name)
      .then(setGroup, reason => feedback.error(messageOf(reason)));
    client.users({ limit: 1000 }).then(
      page => setUserNames(page.items.map(user => user.name)),
      () => setUserNames([])
    );
  }, [name]);

  if (!group) {
    return <p className="jp-RBAC-Loading">{trans.__('Loading…')}</p>;
  }
  const change = (
    field: 'members' | 'roles',
    compute: (names: string[]) => string[]
  ): Promise<void> =>
    changeList({
      what: trans.__('Group %1', name),
      failure: message =>
        trans.__('Could not change group %1: %2', name, message),
      record: group,
      save: current =>
        client.updateGroup(
          name,
          { [field]: compute(current[field]) },
          current.etag
        ),
      reload: () => client.group(name),
      feedback,
      onSaved: setGroup
    });
  const remove = async (): Promise<void> => {
    if (
      !(await feedback.confirm(
        trans.__('Delete group %1?', name),
        trans.__('Its members lose the roles it gives them.'),
        trans.__('Delete')
      ))
    ) {
      return;
    }
    try {
      await client.deleteGroup(name, group.etag);
      feedback.success(trans.__('Group %1 deleted.', name));
      props.onGroupsChanged();
      props.onClose();
    } catch (reason) {
      feedback.error(
        trans.__('Could not delete group %1: %2', name, messageOf(reason))
      );
    }
  };
  return (
    <section
      className="jp-RBAC-Details"
      aria-label={trans.__('Group %1', name)}
    >
      <button
        type="button"
        className="jp-mod-styled jp-RBAC-Back"
        onClick={props.onClose}
      >
        {trans.__('‹ All groups')}
      </button>
      <h3>{group.name}</h3>
      {group.description && (
        <p className="jp-RBAC-Description">{group.description}</p>
      )}
      <NamesEditor
        label={trans.__('Roles')}
        names={group.roles}
        suggestions={props.roleNames}
        editable={props.can.writeGroups && props.can.writeRoles}
        onAdd={role => change('roles', roles => [...roles, role])}
        onRemove={role =>
          change('roles', roles => roles.filter(r => r !== role))
        }
        trans={trans}
      />
      <NamesEditor
        label={trans.__('Members')}
        names={group.members}
        suggestions={userNames}
        editable={props.can.writeGroups}
        onAdd={member => change('members', members => [...members, member])}
        onRemove={member =>
          change('members', members => members.filter(m => m !== member))
        }
        trans={trans}
      />
      {props.can.writeGroups && (
        <button
          type="button"
          className="jp-mod-styled jp-mod-warn"
          onClick={() => void remove()}
        >
          {trans.__('Delete group')}
        </button>
      )}
    </section>
  );
}
