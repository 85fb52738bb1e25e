/**
 * The groups tab of Members: a searchable list of groups, creating one, one group's details.
 */
import * as React from 'react';

import { IGroup } from '../../api';
import { messageOf } from '../../feedback';
import { usePagedList } from '../../hooks/usePagedList';
import { ErrorLine } from '../common';
import { GroupDetails } from './GroupDetails';
import { PrincipalList } from './PrincipalList';
import { IMembersViewProps, ISuggestions } from './props';

export function GroupsTab(
  props: IMembersViewProps & ISuggestions
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
