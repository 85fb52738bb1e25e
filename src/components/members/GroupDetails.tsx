/**
 * One group of Members: its roles and members, deleting the group.
 */
import * as React from 'react';

import { messageOf } from '../../feedback';
import { useRequest } from '../../hooks/useRequest';
import { NamesEditor } from '../common';
import { changeList } from './changeList';
import { IMembersViewProps, ISuggestions } from './props';

/** One group: its roles and members, deleting it. */
export function GroupDetails(
  props: IMembersViewProps &
    ISuggestions & {
      name: string;
      onClose: () => void;
    }
): JSX.Element {
  const { client, trans, feedback, name } = props;
  const request = useRequest(() => client.group(name), [name], {
    onError: reason => feedback.error(messageOf(reason))
  });
  const group = request.data;

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
      onSaved: request.setData
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
        search={props.searchRoles}
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
        search={props.searchUsers}
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
