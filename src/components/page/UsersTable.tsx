/**
 * The Users tab: a table of users a page at a time from the server (searched, filtered by a
 * role or a group, sorted there) with every role each holds and how, their groups and when they
 * were last seen. A user, or the invitation form, opens beside the table; the focus moves there
 * and comes back to where it was when it closes.
 */
import * as React from 'react';

import { IUser } from '../../api';
import { messageOf } from '../../feedback';
import { usePagedList } from '../../hooks/usePagedList';
import { NameField, useSettled } from '../common';
import { InviteForm } from '../members/InviteForm';
import { IMembersViewProps, ISuggestions } from '../members/props';
import { UserDetails } from '../members/UserDetails';
import { IColumn, Moment } from './DataTable';
import { PagedTable } from './PagedTable';
import { SidePane, useBeside } from './SidePane';

type Beside = { user: string } | 'invite';

export function UsersTable(
  props: IMembersViewProps & ISuggestions
): JSX.Element {
  const { client, trans, feedback } = props;
  const [sort, setSort] = React.useState('username');
  const [role, setRole] = React.useState('');
  const [group, setGroup] = React.useState('');
  const [filters, setFilters] = React.useState({ role: '', group: '' });
  useSettled(role, value => setFilters(f => ({ ...f, role: value.trim() })));
  useSettled(group, value => setFilters(f => ({ ...f, group: value.trim() })));
  const {
    beside,
    open,
    set: setBeside,
    hasWork
  } = useBeside<Beside>(
    props.focusUser ? { user: props.focusUser } : null,
    feedback.confirm.bind(feedback),
    trans
  );
  const list = usePagedList<IUser>(
    query =>
      client.users({
        ...query,
        sort,
        role: filters.role || undefined,
        group: filters.group || undefined
      }),
    props.pageSize,
    reason =>
      feedback.error(
        trans.__('Could not list the users: %1', messageOf(reason))
      ),
    [sort, filters.role, filters.group]
  );
  const close = (): void => {
    setBeside(null);
    list.reload();
  };

  const columns: IColumn<IUser>[] = [
    {
      id: 'user',
      label: trans.__('User'),
      sortKey: 'username',
      render: user => (
        <button
          type="button"
          className="jp-RBAC-LinkButton"
          aria-label={trans.__('Open user %1', user.username)}
          onClick={() => void open({ user: user.username })}
        >
          <strong>{user.username}</strong>
        </button>
      )
    },
    {
      id: 'display-name',
      label: trans.__('Display name'),
      sortKey: 'display_name',
      render: user =>
        user.display_name !== user.username ? user.display_name : '—'
    },
    {
      id: 'roles',
      label: trans.__('Roles, and how each is held'),
      render: user => (
        <ul className="jp-RBAC-Held">
          {Object.entries(user.held_roles).map(([name, via]) => (
            <li key={name}>
              {name}{' '}
              <span className="jp-RBAC-Via">
                ({via.map(v => viaWords(v, trans)).join(', ')})
              </span>
            </li>
          ))}
        </ul>
      )
    },
    {
      id: 'groups',
      label: trans.__('Groups'),
      render: user => (user.groups.length ? user.groups.join(', ') : '—')
    },
    {
      id: 'last-seen',
      label: trans.__('Last seen'),
      sortKey: 'last_seen_at',
      render: user => (
        <Moment iso={user.last_seen_at} never={trans.__('never')} />
      )
    }
  ];

  return (
    <div className="jp-RBAC-WithSide">
      <PagedTable
        label={trans.__('Users')}
        list={list}
        searchLabel={trans.__('Search users by name')}
        searchPlaceholder={trans.__('User or display name')}
        columns={columns}
        rowKey={user => user.username}
        sort={sort}
        onSort={setSort}
        empty={trans.__('No user matches.')}
        pageSize={props.pageSize}
        trans={trans}
        trailing={
          <>
            <NameField
              label={trans.__('Only users holding the role')}
              placeholder={trans.__('Holding role…')}
              value={role}
              onChange={setRole}
              search={props.searchRoles}
            />
            {props.searchGroups && (
              <NameField
                label={trans.__('Only members of the group')}
                placeholder={trans.__('In group…')}
                value={group}
                onChange={setGroup}
                search={props.searchGroups}
              />
            )}
            {props.can.writeUsers && (
              <button
                type="button"
                className="jp-mod-styled jp-mod-accept"
                onClick={() => void open('invite')}
              >
                {trans.__('Invite…')}
              </button>
            )}
          </>
        }
      />
      {beside !== null && (
        <SidePane
          label={
            beside === 'invite'
              ? trans.__('Invite somebody')
              : trans.__('User %1', beside.user)
          }
          onClose={close}
          confirm={feedback.confirm.bind(feedback)}
          hasWork={hasWork}
          trans={trans}
        >
          {beside === 'invite' ? (
            <InviteForm {...props} onClose={close} />
          ) : (
            <UserDetails
              {...props}
              name={beside.user}
              onClose={close}
              onChanged={list.reload}
            />
          )}
        </SidePane>
      )}
    </div>
  );
}

/** How a role is held, in words: "direct", "everyone", "group dev". */
export function viaWords(
  via: string,
  trans: IMembersViewProps['trans']
): string {
  if (via === 'direct') {
    return trans.__('given directly');
  }
  if (via === 'everyone') {
    return trans.__('every user');
  }
  if (via.startsWith('group:')) {
    return trans.__('group %1', via.slice('group:'.length));
  }
  return via;
}
