/**
 * The users tab of Members: a searchable list of users, one user's details, the invitation form.
 */
import * as React from 'react';

import { IUser } from '../../api';
import { messageOf } from '../../feedback';
import { usePagedList } from '../../hooks/usePagedList';
import { InviteForm } from './InviteForm';
import { PrincipalList } from './PrincipalList';
import { IMembersViewProps, ISuggestions } from './props';
import { UserDetails } from './UserDetails';

export function UsersTab(props: IMembersViewProps & ISuggestions): JSX.Element {
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
            aria-label={trans.__('Open user %1', user.username)}
            onClick={() => setSelected(user.username)}
          >
            <span
              className="jp-RBAC-Avatar jp-RBAC-Avatar-small"
              aria-hidden="true"
              style={{ backgroundColor: user.color || undefined }}
            >
              {(user.display_name || user.username).slice(0, 1).toUpperCase()}
            </span>
            <span className="jp-RBAC-PrincipalName">
              <strong>{user.display_name || user.username}</strong>
              {user.display_name && user.display_name !== user.username && (
                <span className="jp-RBAC-UserName"> {user.username}</span>
              )}
            </span>
            <span className="jp-RBAC-Count">{user.roles.join(', ')}</span>
          </button>
        )}
      />
    </div>
  );
}
