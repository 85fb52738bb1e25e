/**
 * "My permissions" as the Access panel shows it: read from the server (`/me` and the scope
 * catalog) each time the section is shown, and never while it is collapsed.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { RBACClient } from '../api';
import { useRequest } from '../hooks/useRequest';
import { catalogWords } from '../plainWords';
import { MyPermissions } from './MyPermissions';

export interface IMyPermissionsSectionProps {
  client: RBACClient;
  /** How many times the section was shown: each time, it reads again; 0 reads nothing. */
  shown: number;
  /** Told when the server could not be read (the last answer stays shown). */
  onError: (reason: unknown) => void;
  trans: TranslationBundle;
}

export function MyPermissionsSection(
  props: IMyPermissionsSectionProps
): JSX.Element {
  const { client, trans } = props;
  const request = useRequest(
    async () => {
      const [me, catalog] = await Promise.all([client.me(), client.scopes()]);
      return { me, words: catalogWords(catalog) };
    },
    [props.shown],
    { onError: props.onError, manual: props.shown === 0 }
  );
  if (!request.data) {
    return <p className="jp-RBAC-Loading">{trans.__('Loading…')}</p>;
  }
  return (
    <MyPermissions
      me={request.data.me}
      words={request.data.words}
      trans={trans}
    />
  );
}
