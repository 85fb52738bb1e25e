/**
 * The access matrix: for the users who hold a chosen set of roles, what each may do on each
 * resource, read from their effective scopes (`GET /api/rbac/users/NAME/permissions`, the same
 * scopes the server enforces), in the parts the server's parser gives (`effective_parts`: which
 * actions on which resources each grants, and its filter). A cell shows the strongest action
 * held without a filter, and the filtered ones ("write: shared/**"). It describes; "Check
 * access" asks the server about one request, and the server decides every real one.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { IScopePart, RBACClient } from '../api';
import { messageOf } from '../feedback';
import { useRequest } from '../hooks/useRequest';
import { ErrorLine, NamesEditor, NameSearch } from './common';

export interface IAccessMatrixProps {
  client: RBACClient;
  /** Finds the roles to choose from as one types, on the server. */
  searchRoles: NameSearch;
  /** The resources (columns), from the scope catalog. */
  resources: string[];
  /** For each action, the actions it implies (the catalog's hierarchy). */
  hierarchy: { [action: string]: string[] };
  trans: TranslationBundle;
}

/** At most this many users are shown; the form says when there are more. */
export const MATRIX_MAX_USERS = 50;

const ACTIONS = ['read', 'write', 'execute'];

export function AccessMatrix(props: IAccessMatrixProps): JSX.Element {
  const { client, trans } = props;
  const [chosen, setChosen] = React.useState<string[]>([]);
  // Read when asked ("Show"), for the roles chosen then.
  const matrix = useRequest(
    async () => {
      const names = new Set<string>();
      let truncated = false;
      for (const role of chosen) {
        const page = await client.users({ role, limit: MATRIX_MAX_USERS });
        truncated = truncated || page.total > page.items.length;
        page.items.forEach(user => names.add(user.username));
      }
      const users = [...names].sort().slice(0, MATRIX_MAX_USERS);
      return {
        truncated: truncated || names.size > users.length,
        rows: await Promise.all(users.map(name => client.permissions(name)))
      };
    },
    [],
    { manual: true }
  );
  const rows = matrix.data?.rows ?? null;
  const truncated = matrix.data?.truncated ?? false;
  const error = matrix.error ? messageOf(matrix.error) : '';
  const loading = matrix.loading;

  const show = (event: React.FormEvent): void => {
    event.preventDefault();
    void matrix.reload();
  };

  return (
    <div className="jp-RBAC-Matrix">
      <form onSubmit={show} aria-label={trans.__('Access matrix')}>
        <NamesEditor
          label={trans.__('Users holding any of these roles')}
          names={chosen}
          search={props.searchRoles}
          editable
          onAdd={async role => setChosen(known => [...known, role])}
          onRemove={async role =>
            setChosen(known => known.filter(r => r !== role))
          }
          trans={trans}
        />
        <button
          type="submit"
          className="jp-mod-styled jp-mod-accept"
          disabled={!chosen.length || loading}
        >
          {trans.__('Show')}
        </button>
      </form>
      <ErrorLine message={error} />
      {rows && (
        <div
          className="jp-RBAC-MatrixScroll"
          role="region"
          aria-label={trans.__('The access matrix (scrolls)')}
          tabIndex={0}
        >
          <table className="jp-RBAC-MatrixTable">
            <caption>
              {trans.__('What each user may do, from their effective scopes')}
            </caption>
            <thead>
              <tr>
                <th scope="col">{trans.__('User')}</th>
                {props.resources.map(resource => (
                  <th scope="col" key={resource}>
                    {resource}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map(row => (
                <tr key={row.name}>
                  <th scope="row">{row.name}</th>
                  {props.resources.map(resource => (
                    <td key={resource}>
                      {cellWords(
                        accessTo(
                          resource,
                          row.effective_parts ?? [],
                          props.hierarchy
                        ),
                        trans
                      )}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {truncated && (
            <p className="jp-RBAC-Count">
              {trans.__(
                'Only the first %1 users are shown: choose fewer roles.',
                MATRIX_MAX_USERS
              )}
            </p>
          )}
        </div>
      )}
    </div>
  );
}

/** What a user's scopes allow on one resource. */
export interface IAccess {
  /** The strongest action held without a filter, or '' for none. */
  everywhere: string;
  /** Narrower grants: "write" on "path=shared/**". */
  filtered: { action: string; filter: string }[];
}

/**
 * The strongest unfiltered action on `resource`, and the filtered grants stronger than it. What
 * each scope covers is the server's word (`actions`, strongest first, and `resources`: `all`
 * and a bare resource come spelled out).
 */
export function accessTo(
  resource: string,
  parts: IScopePart[],
  hierarchy: { [action: string]: string[] }
): IAccess {
  const rank = (action: string): number => ACTIONS.indexOf(action);
  const implied = (action: string): number =>
    Math.max(rank(action), ...(hierarchy[action] ?? []).map(rank));
  let everywhere = -1;
  const filtered: { action: string; filter: string }[] = [];
  for (const part of parts) {
    const action = part.actions[0];
    if (!action || !part.resources.includes(resource)) {
      continue;
    }
    if (part.filter) {
      const { name, value } = part.filter;
      filtered.push({ action, filter: `${name}=${value}` });
    } else {
      everywhere = Math.max(everywhere, implied(action));
    }
  }
  return {
    everywhere: everywhere >= 0 ? ACTIONS[everywhere] : '',
    filtered: filtered.filter(grant => implied(grant.action) > everywhere)
  };
}

function cellWords(access: IAccess, trans: TranslationBundle): string {
  const parts = access.everywhere ? [access.everywhere] : [];
  for (const grant of access.filtered) {
    parts.push(trans.__('%1 (%2)', grant.action, grant.filter));
  }
  return parts.length ? parts.join(', ') : '—';
}
