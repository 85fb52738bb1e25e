/**
 * The API tokens of a user, each with who made it, when it expires and a revoke button.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { IToken } from '../../api';

export function TokenList(props: {
  /** Whose tokens: a token someone else made says who. */
  user: string;
  tokens: IToken[];
  onRevoke: (token: IToken) => Promise<void>;
  trans: TranslationBundle;
}): JSX.Element {
  const { trans } = props;
  return (
    <>
      <h4>{trans.__('API tokens')}</h4>
      {props.tokens.length === 0 && (
        <p className="jp-RBAC-Empty">{trans.__('None')}</p>
      )}
      <ul
        aria-label={trans.__('API tokens of %1', props.user)}
        className="jp-RBAC-Tokens"
      >
        {props.tokens.map(token => (
          <li key={token.id}>
            <code>{token.prefix}…</code>{' '}
            {token.note && (
              <span className="jp-RBAC-TokenNote">{token.note}</span>
            )}
            {token.created_by !== props.user && (
              <span className="jp-RBAC-Count jp-RBAC-TokenMaker">
                {token.created_by === null
                  ? trans.__('maker not recorded')
                  : trans.__('made by %1', token.created_by)}
              </span>
            )}
            <span className="jp-RBAC-Count">
              {token.expires_at
                ? trans.__(
                    'expires %1',
                    new Date(token.expires_at).toLocaleDateString()
                  )
                : trans.__('never expires')}
            </span>
            <button
              type="button"
              className="jp-mod-styled jp-mod-warn"
              aria-label={trans.__('Revoke token %1', token.prefix)}
              onClick={() => void props.onRevoke(token)}
            >
              {trans.__('Revoke')}
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}
