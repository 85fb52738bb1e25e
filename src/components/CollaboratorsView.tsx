/**
 * Collaborators: who is connected to this server, as the server verified them (never what a
 * client says of itself), with their roles and the documents they have open, each as editor or
 * viewer. Clicking a document opens it here too; administrators can go on to a person's roles.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { ICollaborator } from '../api';
import { Badge } from './common';

export interface ICollaboratorsViewProps {
  collaborators: ICollaborator[];
  /** The current user, marked "you". */
  me: string;
  onOpen: (path: string) => void;
  /** Given to administrators only: show this user in Members. */
  onShowUser?: (name: string) => void;
  trans: TranslationBundle;
}

export function CollaboratorsView(props: ICollaboratorsViewProps): JSX.Element {
  const { trans } = props;
  if (!props.collaborators.length) {
    return <p className="jp-RBAC-Empty">{trans.__('Nobody is here.')}</p>;
  }
  return (
    <ul
      className="jp-RBAC-Collaborators"
      aria-label={trans.__('Collaborators')}
    >
      {props.collaborators.map(person => (
        <li
          key={person.username}
          className="jp-RBAC-Collaborator"
          aria-label={person.display_name || person.username}
        >
          <div className="jp-RBAC-CollaboratorHead">
            <Avatar person={person} />
            <span className="jp-RBAC-PrincipalName">
              <strong>{person.display_name || person.username}</strong>{' '}
              <span className="jp-RBAC-UserName">
                {[
                  person.display_name && person.display_name !== person.username
                    ? person.username
                    : '',
                  person.username === props.me ? trans.__('(you)') : ''
                ]
                  .filter(Boolean)
                  .join(' ')}
              </span>
            </span>
          </div>
          <div
            className="jp-RBAC-Chips"
            aria-label={trans.__('Roles of %1', person.username)}
          >
            {person.roles
              .filter(role => role !== 'user') // everybody holds it
              .map(role => (
                <Badge
                  key={role}
                  label={role}
                  title={trans.__('Role %1', role)}
                />
              ))}
            {props.onShowUser && (
              <button
                type="button"
                className="jp-RBAC-Link jp-RBAC-LinkButton"
                onClick={() => props.onShowUser?.(person.username)}
              >
                {trans.__('Manage roles of %1', person.username)}
              </button>
            )}
          </div>
          {person.documents.length > 0 && (
            <ul
              className="jp-RBAC-Documents"
              aria-label={trans.__('Documents %1 has open', person.username)}
            >
              {person.documents.map(document => (
                <li key={document.path}>
                  <button
                    type="button"
                    className="jp-RBAC-LinkButton"
                    title={trans.__('Open %1', document.path)}
                    onClick={() => props.onOpen(document.path)}
                  >
                    {document.path}
                  </button>{' '}
                  <Badge
                    label={
                      document.mode === 'editor'
                        ? trans.__('editor')
                        : trans.__('viewer')
                    }
                    title={
                      document.mode === 'editor'
                        ? trans.__('Their changes reach everybody.')
                        : trans.__(
                            'They see changes live; theirs are not applied.'
                          )
                    }
                  />
                  {document.since && ' '}
                  {document.since && (
                    <time className="jp-RBAC-Count" dateTime={document.since}>
                      {trans.__(
                        'since %1',
                        new Date(document.since).toLocaleTimeString([], {
                          hour: '2-digit',
                          minute: '2-digit'
                        })
                      )}
                    </time>
                  )}
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ul>
  );
}

/** A picture, or initials on the person's color. */
function Avatar(props: { person: ICollaborator }): JSX.Element {
  const { person } = props;
  const name = person.display_name || person.username;
  if (person.avatar_url) {
    return (
      <img
        className="jp-RBAC-Avatar"
        src={person.avatar_url}
        alt=""
        aria-hidden="true"
      />
    );
  }
  return (
    <span
      className="jp-RBAC-Avatar"
      aria-hidden="true"
      style={{ backgroundColor: person.color || undefined }}
    >
      {person.initials || name.slice(0, 1).toUpperCase()}
    </span>
  );
}
