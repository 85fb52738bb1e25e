/**
 * "Shared with me": the folders and files others shared with the user (by name or with a group
 * of theirs), each with its role and who shared it; a click opens it. Read from the server each
 * time the section is shown, and when the user's permissions change.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { IShare, RBACClient } from '../../api';
import { useRequest } from '../../hooks/useRequest';
import { ErrorLine } from '../common';
import { roleLabel } from './ShareDialog';

export interface ISharedWithMeProps {
  client: RBACClient;
  username: string;
  /** Moves on each time the section is shown or the permissions change: it reads again. */
  generation: number;
  /** Open a folder in the file browser, or a file in the main area. */
  open: (path: string, isFolder: boolean) => void;
  trans: TranslationBundle;
}

export function SharedWithMe(props: ISharedWithMeProps): JSX.Element {
  const { client, username, trans } = props;
  const request = useRequest(
    () => client.shares({ user: username }),
    [client, username, props.generation],
    { manual: props.generation === 0 }
  );
  if (!request.data) {
    return request.error ? (
      <ErrorLine message={(request.error as Error).message} />
    ) : (
      <p className="jp-RBAC-Loading">{trans.__('Loading…')}</p>
    );
  }
  // what the user made themselves, or gave a group they are in, is not "shared with" them
  const shares = request.data.items.filter(
    share => share.shared_by !== username
  );
  if (!shares.length) {
    return (
      <p className="jp-RBAC-Notice">
        {trans.__('Nothing is shared with you yet.')}
      </p>
    );
  }
  return (
    <ul
      className="jp-RBAC-SharedWithMe"
      aria-label={trans.__('Shared with me')}
    >
      {shares.map(share => (
        <li key={share.id} className={share.expired ? 'jp-mod-expired' : ''}>
          <button
            type="button"
            className="jp-RBAC-LinkButton"
            disabled={share.expired}
            title={trans.__('Open %1', share.path || '/')}
            onClick={() => props.open(share.path, share.type === 'directory')}
          >
            {share.path || '/'}
            {share.type === 'directory' ? '/' : ''}
          </button>
          <span className="jp-RBAC-Source">{describe(share, trans)}</span>
        </li>
      ))}
    </ul>
  );
}

/** "Editor, shared by ann with group class, until 31/01/2027". */
function describe(share: IShare, trans: TranslationBundle): string {
  const parts = [
    roleLabel(share.role, trans),
    share.group
      ? trans.__('shared by %1 with group %2', share.shared_by, share.group)
      : trans.__('shared by %1', share.shared_by)
  ];
  if (share.expired) {
    parts.push(trans.__('expired'));
  } else if (share.expires_at) {
    parts.push(
      trans.__('until %1', new Date(share.expires_at).toLocaleDateString())
    );
  }
  return parts.join(', ');
}
