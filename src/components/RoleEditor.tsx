/**
 * Create or edit a role: its name (new roles only), description and scopes, with a preview of
 * what it grants in plain words (the scopes read by the server's parser, saved or not). The
 * server's refusal (a bad scope, a scope you do not hold, a taken name) is shown inline; nothing
 * typed is lost.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { IDraftScopePart, IRole, IScopeEntry, RBACClient } from '../api';
import { messageOf } from '../feedback';
import { useRequest } from '../hooks/useRequest';
import { describeScope } from '../plainWords';
import { Badge, ErrorLine } from './common';
import { ScopePicker } from './ScopePicker';

/** What the editor saves. */
export interface IRoleFields {
  name: string;
  description: string;
  scopes: string[];
}

export interface IRoleEditorProps {
  /** The role edited; `null` for a new one. */
  role: IRole | null;
  /** A new role's first values (when duplicating). */
  initial?: IRoleFields;
  /** Reads the scopes of the preview (`scopeParts`). */
  client: RBACClient;
  catalog: IScopeEntry[];
  words: Map<string, string>;
  /** May the current user change roles at all? */
  canWrite: boolean;
  /** Save; a rejection's message is shown in the form. */
  onSave: (fields: IRoleFields) => Promise<void>;
  onClose: () => void;
  /**
   * Asked before Escape drops what was typed; without it, Escape with changes does nothing
   * (Cancel still closes).
   */
  confirmDiscard?: () => Promise<boolean>;
  trans: TranslationBundle;
}

export function RoleEditor(props: IRoleEditorProps): JSX.Element {
  const { role, trans } = props;
  const start = role ??
    props.initial ?? { name: '', description: '', scopes: [] };
  const [name, setName] = React.useState(start.name);
  const [description, setDescription] = React.useState(start.description);
  const [scopes, setScopes] = React.useState<string[]>(start.scopes);
  const [error, setError] = React.useState('');
  const [saving, setSaving] = React.useState(false);
  // once per change of the list (an empty one has nothing to ask); a scope not answered yet
  // is shown as written
  const drafts = useRequest(() => props.client.scopeParts(scopes), [scopes], {
    manual: scopes.length === 0
  });
  const parts = new Map(drafts.data?.map(part => [part.scope, part]));
  const id = React.useId();
  const editable = props.canWrite && (role === null || role.editable);
  const title = role
    ? editable
      ? trans.__('Edit role %1', role.name)
      : trans.__('Role %1', role.name)
    : trans.__('New role');

  const submit = async (event: React.FormEvent): Promise<void> => {
    event.preventDefault();
    setError('');
    setSaving(true);
    try {
      await props.onSave({ name: name.trim(), description, scopes });
    } catch (reason) {
      setError(messageOf(reason));
    } finally {
      setSaving(false);
    }
  };

  /** A scope in plain words; as written until the server has read it; its refusal if any. */
  const previewLine = (scope: string, part?: IDraftScopePart): string => {
    if (!part) {
      return scope;
    }
    return part.error ?? describeScope(part, props.words, '{user}', trans);
  };

  return (
    <form
      className="jp-RBAC-RoleEditor"
      aria-labelledby={`${id}-title`}
      onSubmit={submit}
      onKeyDown={event => {
        if (event.key !== 'Escape') {
          return;
        }
        event.preventDefault(); // handled here: a pane around the form does not close too
        const changed =
          name !== start.name ||
          description !== start.description ||
          scopes.join('\n') !== start.scopes.join('\n');
        if (!changed) {
          props.onClose();
        } else if (props.confirmDiscard) {
          void props
            .confirmDiscard()
            .then(discard => discard && props.onClose());
        }
      }}
    >
      <h3 id={`${id}-title`}>
        {title}{' '}
        {role?.builtin && (
          <Badge
            label={trans.__('default')}
            title={trans.__('A default role: it cannot be deleted.')}
          />
        )}
        {role?.managed_by === 'config' && (
          <Badge
            label={trans.__('config')}
            title={trans.__("Declared in the server's configuration.")}
          />
        )}
      </h3>
      {role && !role.editable && (
        <p className="jp-RBAC-Notice">
          {role.managed_by === 'config'
            ? trans.__(
                "Its scopes and description are set in the server's configuration; who holds it can change in Members."
              )
            : trans.__(
                'Its scopes and description are fixed; who holds it can change in Members.'
              )}
        </p>
      )}
      {role === null && (
        <>
          <label htmlFor={`${id}-name`}>{trans.__('Name')}</label>
          <input
            id={`${id}-name`}
            className="jp-mod-styled"
            value={name}
            required
            autoFocus
            pattern="[A-Za-z0-9_@+\-][A-Za-z0-9_.@+\-]{0,127}"
            title={trans.__(
              "Letters, digits and . _ @ + - (not starting with '.')"
            )}
            onChange={event => setName(event.target.value)}
          />
        </>
      )}
      <label htmlFor={`${id}-description`}>{trans.__('Description')}</label>
      <textarea
        id={`${id}-description`}
        className="jp-mod-styled"
        value={description}
        rows={2}
        readOnly={!editable}
        onChange={event => setDescription(event.target.value)}
      />
      <h4 id={`${id}-scopes`}>{trans.__('Scopes')}</h4>
      {scopes.length === 0 && (
        <p className="jp-RBAC-Empty">
          {trans.__('No scopes yet: the role grants nothing.')}
        </p>
      )}
      <ul aria-labelledby={`${id}-scopes`} className="jp-RBAC-ScopeList">
        {scopes.map(scope => (
          <li key={scope}>
            <code>{scope}</code>
            {editable && (
              <button
                type="button"
                className="jp-RBAC-ChipRemove"
                aria-label={trans.__('Remove scope %1', scope)}
                onClick={() => setScopes(scopes.filter(s => s !== scope))}
              >
                ×
              </button>
            )}
          </li>
        ))}
      </ul>
      {editable && (
        <ScopePicker
          catalog={props.catalog}
          trans={trans}
          onAdd={scope =>
            setScopes(scopes.includes(scope) ? scopes : [...scopes, scope])
          }
        />
      )}
      <h4 id={`${id}-preview`}>{trans.__('What it grants')}</h4>
      <ul
        aria-labelledby={`${id}-preview`}
        aria-busy={drafts.loading}
        className="jp-RBAC-Preview"
      >
        {scopes.map(scope => (
          <li key={scope}>{previewLine(scope, parts.get(scope))}</li>
        ))}
      </ul>
      {role && (
        <p className="jp-RBAC-Holders">
          {role.users.length + role.groups.length
            ? trans.__(
                'Held by: %1',
                [
                  ...role.users,
                  ...role.groups.map(group => trans.__('group %1', group))
                ].join(', ')
              )
            : trans.__(
                'Nobody holds it directly; give it to users or groups in Members.'
              )}
        </p>
      )}
      <ErrorLine message={error} />
      <div className="jp-RBAC-Buttons">
        <button
          type="button"
          className="jp-mod-styled jp-mod-reject"
          onClick={props.onClose}
        >
          {editable ? trans.__('Cancel') : trans.__('Close')}
        </button>
        {editable && (
          <button
            type="submit"
            className="jp-mod-styled jp-mod-accept"
            disabled={saving}
          >
            {role ? trans.__('Save') : trans.__('Create role')}
          </button>
        )}
      </div>
    </form>
  );
}
