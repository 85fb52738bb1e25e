/**
 * What the person being invited will be able to do, in plain words: the server's answer for
 * the name, roles and groups picked so far (`POST /api/rbac/invitations/preview`), so the
 * preview is what the invitation will give, the `everyone` role and the groups' roles included.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { RBACClient } from '../../api';
import { messageOf } from '../../feedback';
import { useRequest } from '../../hooks/useRequest';
import {
  catalogWords,
  describeAbilities,
  describeSource
} from '../../plainWords';
import { useSettled } from '../common';

export interface IInvitePreviewProps {
  client: RBACClient;
  username: string;
  roles: string[];
  groups: string[];
  trans: TranslationBundle;
}

export function InvitePreview(props: IInvitePreviewProps): JSX.Element {
  const { client, trans } = props;
  const id = React.useId();
  // asked once typing pauses; a change of roles or groups asks at once
  const [username, setUsername] = React.useState(props.username.trim());
  useSettled(props.username, value => setUsername(value.trim()), 300);
  const catalog = useRequest(() => client.scopes(), [client]);
  const words = React.useMemo(
    () =>
      catalog.data ? catalogWords(catalog.data) : new Map<string, string>(),
    [catalog.data]
  );
  const preview = useRequest(
    () =>
      username
        ? client.previewInvitation({
            username,
            roles: props.roles,
            groups: props.groups
          })
        : Promise.resolve(null),
    [client, username, props.roles.join('\n'), props.groups.join('\n')]
  );
  const answer = preview.data;
  const abilities = answer
    ? describeAbilities(
        answer.effective_parts,
        words,
        answer.username,
        trans,
        'theirs'
      )
    : [];
  return (
    <section className="jp-RBAC-InvitePreview" aria-labelledby={`${id}-title`}>
      <h4 id={`${id}-title`}>
        {username
          ? trans.__('What %1 will be able to do', username)
          : trans.__('What they will be able to do')}
      </h4>
      {!username ? (
        <p>{trans.__('Type their user name to see it here.')}</p>
      ) : preview.error ? (
        <p role="status">
          {trans.__(
            'This invitation would be refused: %1',
            messageOf(preview.error)
          )}
        </p>
      ) : !answer || answer.username !== username ? (
        <p role="status">{trans.__('Working it out…')}</p>
      ) : (
        <>
          {answer.roles.length > 0 && (
            <p>
              {trans.__('Their roles:')}{' '}
              {answer.roles.map((role, index) => (
                <React.Fragment key={role.name}>
                  {index > 0 && ', '}
                  <strong>{role.name}</strong>
                  {role.via.length > 0 &&
                    ` (${role.via
                      .map(way => describeSource(way, trans, 'theirs'))
                      .join(', ')})`}
                </React.Fragment>
              ))}
            </p>
          )}
          {abilities.length ? (
            <ul aria-labelledby={`${id}-title`}>
              {abilities.map(text => (
                <li key={text}>{text}</li>
              ))}
            </ul>
          ) : (
            <p>{trans.__('Nothing yet: give them a role or a group.')}</p>
          )}
        </>
      )}
    </section>
  );
}
