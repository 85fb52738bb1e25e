/**
 * Inviting many people at once: one line each (pasted, or read from a CSV file), and one link
 * each, made one after another; a line the server refuses says why, and the others go on.
 *
 * A line: `user name, display name, roles, groups` (the last three optional; roles and groups
 * separated by spaces), as a spreadsheet exports it: `ann, Ann Lee, editor, developer`.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { IInvitationRequest, INewInvitation, RBACClient } from '../../api';
import { messageOf } from '../../feedback';
import { ErrorLine } from '../common';

/** One line read: the invitation it asks for, or why it cannot be one. */
export type BulkLine =
  | { line: number; request: IInvitationRequest }
  | { line: number; problem: string };

/** The invitations the text asks for, line by line (a header line and blank lines skipped). */
export function parseInvitations(
  text: string,
  options: Pick<IInvitationRequest, 'password' | 'expires_in'>,
  trans: TranslationBundle
): BulkLine[] {
  const lines: BulkLine[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const cells = splitCsvLine(raw).map(cell => cell.trim());
    const [username = '', displayName = '', roles = '', groups = ''] = cells;
    const line = index + 1;
    if (!raw.trim() || (index === 0 && /^user ?name$/i.test(username))) {
      return;
    }
    if (cells.length > 4) {
      lines.push({
        line,
        problem: trans.__(
          'line %1: at most 4 fields (user name, display name, roles, groups)',
          line
        )
      });
      return;
    }
    lines.push({
      line,
      request: {
        username,
        display_name: displayName,
        roles: roles.split(/\s+/).filter(Boolean),
        groups: groups.split(/\s+/).filter(Boolean),
        ...options
      }
    });
  });
  return lines;
}

/** The cells of one CSV line: commas separate, double quotes keep commas ("a, b"). */
export function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        cell += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      cells.push(cell);
      cell = '';
    } else {
      cell += char;
    }
  }
  cells.push(cell);
  return cells;
}

type Outcome =
  | { line: number; username: string; invitation: INewInvitation }
  | { line: number; username: string; problem: string };

export function BulkInvite(props: {
  client: RBACClient;
  options: Pick<IInvitationRequest, 'password' | 'expires_in'>;
  trans: TranslationBundle;
}): JSX.Element {
  const { client, trans } = props;
  const [text, setText] = React.useState('');
  const [busy, setBusy] = React.useState(false);
  const [outcomes, setOutcomes] = React.useState<Outcome[]>([]);
  const [error, setError] = React.useState('');
  const id = React.useId();

  const inviteAll = async (): Promise<void> => {
    setBusy(true);
    setError('');
    const done: Outcome[] = [];
    for (const item of parseInvitations(text, props.options, trans)) {
      if ('problem' in item) {
        done.push({ line: item.line, username: '', problem: item.problem });
        continue;
      }
      try {
        const invitation = await client.invite(item.request);
        done.push({
          line: item.line,
          username: item.request.username,
          invitation
        });
      } catch (reason) {
        done.push({
          line: item.line,
          username: item.request.username,
          problem: messageOf(reason)
        });
      }
      setOutcomes([...done]);
    }
    setOutcomes(done);
    if (!done.length) {
      setError(trans.__('Nothing to invite: write one person per line.'));
    }
    setBusy(false);
  };

  return (
    <div className="jp-RBAC-BulkInvite">
      <label htmlFor={`${id}-lines`}>
        {trans.__(
          'One person per line: user name, display name, roles, groups (roles and groups separated by spaces)'
        )}
      </label>
      <textarea
        id={`${id}-lines`}
        className="jp-mod-styled"
        rows={6}
        value={text}
        placeholder={trans.__('for example: ann, Ann Lee, editor, developer')}
        onChange={event => setText(event.target.value)}
      />
      <label htmlFor={`${id}-file`}>{trans.__('Or read a CSV file')}</label>
      <input
        id={`${id}-file`}
        type="file"
        accept=".csv,text/csv,text/plain"
        onChange={event => {
          const file = event.target.files?.[0];
          if (file) {
            void file
              .text()
              .then(setText, reason => setError(messageOf(reason)));
          }
        }}
      />
      <ErrorLine message={error} />
      <button
        type="button"
        className="jp-mod-styled jp-mod-accept"
        disabled={busy || !text.trim()}
        onClick={() => void inviteAll()}
      >
        {trans.__('Create one link each')}
      </button>
      {outcomes.length > 0 && (
        <table className="jp-RBAC-Table">
          <caption>
            {trans.__('Invitations made (each link is shown this once)')}
          </caption>
          <thead>
            <tr>
              <th scope="col">{trans.__('Line')}</th>
              <th scope="col">{trans.__('User')}</th>
              <th scope="col">{trans.__('Link, or why not')}</th>
            </tr>
          </thead>
          <tbody>
            {outcomes.map(outcome => (
              <tr key={outcome.line}>
                <td>{outcome.line}</td>
                <td>{outcome.username}</td>
                <td>
                  {'invitation' in outcome ? (
                    <input
                      className="jp-mod-styled jp-RBAC-Link"
                      readOnly
                      value={outcome.invitation.url}
                      aria-label={trans.__(
                        'Invitation link of %1',
                        outcome.username
                      )}
                      onFocus={event => event.target.select()}
                    />
                  ) : (
                    <span className="jp-RBAC-Error">{outcome.problem}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
