/**
 * "My permissions": who I am, my groups, my roles (and how I hold each), what I may do, in plain
 * words, and where my code runs. Shown to every user; it decides nothing (the server checks
 * every request).
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { IMe } from '../api';
import { describeAbilities, describeSource } from '../plainWords';
import { CodeReach } from './CodeReach';

export interface IMyPermissionsProps {
  /** The current user, from `GET /api/rbac/me`. */
  me: IMe;
  /** The catalog's words for each scope. */
  words: Map<string, string>;
  /** The translation bundle of this extension. */
  trans: TranslationBundle;
}

export function MyPermissions(props: IMyPermissionsProps): JSX.Element {
  const { me, words, trans } = props;
  const name = me.display_name || me.username;
  const sources = me.role_sources ?? {};
  const abilities = describeAbilities(
    me.scope_parts,
    words,
    me.username,
    trans
  );
  return (
    <div className="jp-RBAC-MyPermissions">
      <header className="jp-RBAC-Identity">
        <span
          className="jp-RBAC-Avatar"
          aria-hidden="true"
          style={{ backgroundColor: me.color || undefined }}
        >
          {me.initials || name.slice(0, 1).toUpperCase()}
        </span>
        <span>
          <strong className="jp-RBAC-DisplayName">{name}</strong>
          {name !== me.username && (
            <span className="jp-RBAC-UserName">{me.username}</span>
          )}
        </span>
      </header>
      {me.token_limited && (
        <p className="jp-RBAC-Notice" role="note">
          {trans.__(
            'You are signed in with a token limited to some scopes: you may do less than your roles allow.'
          )}
        </p>
      )}
      <h3 id="jp-RBAC-groups-title">{trans.__('My groups')}</h3>
      {me.groups.length ? (
        <ul aria-labelledby="jp-RBAC-groups-title">
          {me.groups.map(group => (
            <li key={group}>{group}</li>
          ))}
        </ul>
      ) : (
        <p>{trans.__('You are in no group.')}</p>
      )}
      <h3 id="jp-RBAC-roles-title">{trans.__('My roles')}</h3>
      <ul aria-labelledby="jp-RBAC-roles-title">
        {me.roles.map(role => (
          <li key={role}>
            <strong>{role}</strong>
            {(sources[role] ?? []).length > 0 && (
              <span className="jp-RBAC-Source">
                {' '}
                {trans.__(
                  '(%1)',
                  (sources[role] ?? [])
                    .map(source => describeSource(source, trans))
                    .join(', ')
                )}
              </span>
            )}
          </li>
        ))}
      </ul>
      <h3 id="jp-RBAC-abilities-title">{trans.__('What I may do')}</h3>
      {abilities.length ? (
        <ul aria-labelledby="jp-RBAC-abilities-title">
          {abilities.map(text => (
            <li key={text}>{text}</li>
          ))}
        </ul>
      ) : (
        <p>{trans.__('Nothing yet: ask an administrator for a role.')}</p>
      )}
      <CodeReach code={me.code} trans={trans} />
    </div>
  );
}
