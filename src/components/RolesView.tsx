/**
 * Roles: a searchable, sortable list read one page at a time from the server (so 1,000 roles
 * cost one page), and the role editor to create, edit and duplicate them; deleting asks first.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { IRole, IScopeEntry, RBACClient } from '../api';
import { confirmDiscard, IFeedback, messageOf } from '../feedback';
import { usePagedList } from '../hooks/usePagedList';
import { Badge, Pager } from './common';
import { RoleChangeButtons } from './RoleChangeButtons';
import { RoleEditor } from './RoleEditor';
import { Editing, roleActions } from './roleActions';

export interface IRolesViewProps {
  client: RBACClient;
  catalog: IScopeEntry[];
  words: Map<string, string>;
  /** Does the current user hold some `write:roles`? Hides what the server would refuse. */
  canWrite: boolean;
  pageSize: number;
  feedback: IFeedback;
  trans: TranslationBundle;
}

export function RolesView(props: IRolesViewProps): JSX.Element {
  const { client, trans, feedback } = props;
  const [sort, setSort] = React.useState('name');
  const [editing, setEditing] = React.useState<Editing>(null);
  const id = React.useId();
  const list = usePagedList<IRole>(
    ({ q, offset, limit }) => client.roles({ q, sort, offset, limit }),
    props.pageSize,
    reason =>
      feedback.error(
        trans.__('Could not list the roles: %1', messageOf(reason))
      ),
    [sort]
  );
  const { page, reload } = list;

  const { save, remove } = roleActions({
    client,
    feedback,
    trans,
    editing,
    setEditing,
    reload
  });

  if (editing) {
    return (
      <RoleEditor
        key={editing.role?.name ?? 'new'}
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
            trans.__('The role has changes that are not saved.'),
            trans
          )
        }
        trans={trans}
      />
    );
  }

  return (
    <div className="jp-RBAC-Roles">
      <div className="jp-RBAC-Toolbar">
        <input
          type="search"
          className="jp-mod-styled"
          aria-label={trans.__('Search roles')}
          placeholder={trans.__('Search roles')}
          value={list.search}
          onChange={event => list.setSearch(event.target.value)}
        />
        <label htmlFor={`${id}-sort`} className="jp-RBAC-VisuallyHidden">
          {trans.__('Sort roles by')}
        </label>
        <select
          id={`${id}-sort`}
          className="jp-mod-styled"
          value={sort}
          onChange={event => {
            list.setOffset(0);
            setSort(event.target.value);
          }}
        >
          <option value="name">{trans.__('Name A–Z')}</option>
          <option value="-name">{trans.__('Name Z–A')}</option>
          <option value="-updated_at">{trans.__('Recently changed')}</option>
          <option value="created_at">{trans.__('Oldest first')}</option>
        </select>
        {props.canWrite && (
          <button
            type="button"
            className="jp-mod-styled jp-mod-accept"
            onClick={() => setEditing({ role: null })}
          >
            {trans.__('New role')}
          </button>
        )}
      </div>
      {page === null ? (
        <p className="jp-RBAC-Loading">{trans.__('Loading…')}</p>
      ) : (
        <>
          <ul className="jp-RBAC-RoleList" aria-label={trans.__('Roles')}>
            {page.items.map(role => (
              <li key={role.name} className="jp-RBAC-RoleItem">
                <div className="jp-RBAC-RoleHead">
                  <strong>{role.name}</strong>
                  {role.builtin && (
                    <Badge
                      label={trans.__('default')}
                      title={trans.__('A default role: it cannot be deleted.')}
                    />
                  )}
                  {role.managed_by === 'config' && (
                    <Badge
                      label={trans.__('config')}
                      title={trans.__(
                        "Declared in the server's configuration."
                      )}
                    />
                  )}
                  <span className="jp-RBAC-Count">
                    {trans._n('%1 scope', '%1 scopes', role.scopes.length)}
                  </span>
                </div>
                {role.description && (
                  <p className="jp-RBAC-Description">{role.description}</p>
                )}
                <div className="jp-RBAC-RowActions">
                  <button
                    type="button"
                    className="jp-mod-styled"
                    aria-label={trans.__('Open role %1', role.name)}
                    onClick={() => setEditing({ role })}
                  >
                    {props.canWrite && role.editable
                      ? trans.__('Edit')
                      : trans.__('View')}
                  </button>
                  {props.canWrite && (
                    <RoleChangeButtons
                      role={role}
                      onEdit={setEditing}
                      onDelete={role => void remove(role)}
                      trans={trans}
                    />
                  )}
                </div>
              </li>
            ))}
          </ul>
          {page.items.length === 0 && (
            <p className="jp-RBAC-Empty">{trans.__('No role matches.')}</p>
          )}
          <Pager
            offset={page.offset}
            limit={page.limit}
            total={page.total}
            onOffset={list.setOffset}
            trans={trans}
          />
        </>
      )}
    </div>
  );
}
