/**
 * Members: users and groups. For a user: their direct roles, their groups, their API tokens
 * (revoke), deleting them; inviting somebody new. For a group: its roles and its members;
 * creating and deleting groups. Each change is one request with the record's version tag.
 */
import * as React from 'react';

import { GroupsTab } from './members/GroupsTab';
import { IMembersViewProps, nameSearches } from './members/props';
import { UsersTab } from './members/UsersTab';

export type { IMembersViewProps } from './members/props';

type Tab = 'users' | 'groups';

/** Members: a tab of users and a tab of groups. */
export function MembersView(props: IMembersViewProps): JSX.Element {
  const { trans } = props;
  const [tab, setTab] = React.useState<Tab>('users');
  React.useEffect(() => {
    if (props.focusUser) {
      setTab('users');
    }
  }, [props.focusUser]);
  // Names offered when adding a role, a group or a member: searched on the server as one types.
  const searches = React.useMemo(
    () => nameSearches(props.client, props.can.readGroups),
    [props.client, props.can.readGroups]
  );

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
          <UsersTab {...props} {...searches} />
        ) : (
          <GroupsTab {...props} {...searches} />
        )}
      </div>
    </div>
  );
}
