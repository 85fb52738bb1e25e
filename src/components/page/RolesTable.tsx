/**
 * The Roles tab: a table of roles a page at a time from the server (searched, sorted there):
 * name, description, how many scopes, who holds it, where it comes from (a default role, the
 * server's configuration, or made here); the editor opens beside the table.
 */
import * as React from 'react';

import { IRole } from '../../api';
import { confirmDiscard, messageOf } from '../../feedback';
import { usePagedList } from '../../hooks/usePagedList';
import { RoleChangeButtons } from '../RoleChangeButtons';
import { RoleEditor } from '../RoleEditor';
import { Editing, roleActions } from '../roleActions';
import { IRolesViewProps } from '../RolesView';
import { IColumn } from './DataTable';
import { PagedTable } from './PagedTable';
import { SidePane, useBeside } from './SidePane';

export function RolesTable(props: IRolesViewProps): JSX.Element {
  const { client, trans, feedback } = props;
  const [sort, setSort] = React.useState('name');
  const {
    beside: editing,
    open,
    set: setEditing,
    hasWork
  } = useBeside<NonNullable<Editing>>(
    null,
    feedback.confirm.bind(feedback),
    trans
  );
  const list = usePagedList<IRole>(
    ({ q, offset, limit }) => client.roles({ q, sort, offset, limit }),
    props.pageSize,
    reason =>
      feedback.error(
        trans.__('Could not list the roles: %1', messageOf(reason))
      ),
    [sort]
  );
  const { save, remove } = roleActions({
    client,
    feedback,
    trans,
    editing,
    setEditing,
    reload: list.reload
  });

  const columns: IColumn<IRole>[] = [
    {
      id: 'name',
      label: trans.__('Role'),
      sortKey: 'name',
      render: role => (
        <button
          type="button"
          className="jp-RBAC-LinkButton"
          aria-label={trans.__('Open role %1', role.name)}
          onClick={() => void open({ role })}
        >
          <strong>{role.name}</strong>
        </button>
      )
    },
    {
      id: 'description',
      label: trans.__('Description'),
      render: role => role.description || '—'
    },
    {
      id: 'scopes',
      label: trans.__('Scopes'),
      render: role => trans._n('%1 scope', '%1 scopes', role.scopes.length)
    },
    {
      id: 'holders',
      label: trans.__('Held by'),
      render: role => holders(role, trans)
    },
    {
      id: 'source',
      label: trans.__('Source'),
      render: role => source(role, trans)
    },
    {
      id: 'changed',
      label: trans.__('Changed'),
      sortKey: 'updated_at',
      render: role => new Date(role.updated_at).toLocaleDateString()
    }
  ];
  if (props.canWrite) {
    columns.push({
      id: 'actions',
      label: trans.__('Actions'),
      render: role => (
        <span className="jp-RBAC-RowActions">
          <RoleChangeButtons
            role={role}
            onEdit={next => void open(next)}
            onDelete={role => void remove(role)}
            trans={trans}
          />
        </span>
      )
    });
  }

  const label = editing?.role
    ? trans.__('Role %1', editing.role.name)
    : trans.__('New role');
  return (
    <div className="jp-RBAC-WithSide">
      <PagedTable
        label={trans.__('Roles')}
        list={list}
        searchLabel={trans.__('Search roles')}
        searchPlaceholder={trans.__('Role name or description')}
        columns={columns}
        rowKey={role => role.name}
        sort={sort}
        onSort={setSort}
        empty={trans.__('No role matches.')}
        pageSize={props.pageSize}
        trans={trans}
        trailing={
          props.canWrite && (
            <button
              type="button"
              className="jp-mod-styled jp-mod-accept"
              onClick={() => void open({ role: null })}
            >
              {trans.__('New role')}
            </button>
          )
        }
      />
      {editing && (
        <SidePane
          key={editing.role?.name ?? 'new'}
          label={label}
          onClose={() => setEditing(null)}
          confirm={feedback.confirm.bind(feedback)}
          trans={trans}
          hasWork={hasWork}
        >
          <RoleEditor
            role={editing.role}
            initial={editing.role ? undefined : editing.initial}
            client={client}
            catalog={props.catalog}
            words={props.words}
            canWrite={props.canWrite}
            onSave={save}
            onClose={() => setEditing(null)}
            confirmDiscard={() =>
              confirmDiscard(
                feedback.confirm.bind(feedback),
                trans.__('%1 has changes that are not saved.', label),
                trans
              )
            }
            trans={trans}
          />
        </SidePane>
      )}
    </div>
  );
}

/** "2 users, 1 group", "nobody". */
function holders(role: IRole, trans: IRolesViewProps['trans']): string {
  const parts = [];
  if (role.users.length) {
    parts.push(trans._n('%1 user', '%1 users', role.users.length));
  }
  if (role.groups.length) {
    parts.push(trans._n('%1 group', '%1 groups', role.groups.length));
  }
  return parts.length ? parts.join(', ') : trans.__('nobody directly');
}

/** Where a role comes from: a default role, the server's configuration, or made here. */
function source(role: IRole, trans: IRolesViewProps['trans']): string {
  if (role.builtin) {
    return trans.__('default');
  }
  return role.managed_by === 'config'
    ? trans.__('configuration')
    : trans.__('made here');
}
