/**
 * The invitations not yet accepted, each with who made it, until when, and a revoke button.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { IInvitation } from '../../api';

export function PendingInvitations(props: {
  invitations: IInvitation[];
  onRevoke: (invitation: IInvitation) => Promise<void>;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { trans } = props;
  if (props.invitations.length === 0) {
    return null;
  }
  return (
    <>
      <h4>{trans.__('Pending invitations')}</h4>
      <ul
        aria-label={trans.__('Pending invitations')}
        className="jp-RBAC-Tokens"
      >
        {props.invitations.map(item => (
          <li key={item.id}>
            <strong>{item.username}</strong>{' '}
            <span className="jp-RBAC-Count">
              {trans.__(
                'by %1, until %2',
                item.created_by,
                new Date(item.expires_at).toLocaleDateString()
              )}
            </span>
            <button
              type="button"
              className="jp-mod-styled jp-mod-warn"
              aria-label={trans.__(
                'Revoke the invitation of %1',
                item.username
              )}
              onClick={() => void props.onRevoke(item)}
            >
              {trans.__('Revoke')}
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}
