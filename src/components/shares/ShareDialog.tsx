/**
 * The share dialog of a folder or file: who has access and how (through a role, a group, or a
 * share and who made it), a person or group found as one types, Viewer or Editor, an optional
 * last day; and each share's role changed or removed. The server decides every change: a
 * refusal shows its message (with the scope that is missing).
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import {
  IGrant,
  IPersonWithAccess,
  IShare,
  IShareAccess,
  IShareRecipients,
  RBACClient,
  RBACError
} from '../../api';
import { useRequest } from '../../hooks/useRequest';
import { ErrorLine, useSettled } from '../common';

/** The roles a share offers, as people call them. */
export const SHARE_ROLES = ['viewer', 'editor'] as const;

/** Whom a share is being made for. */
export interface IRecipient {
  kind: 'user' | 'group';
  name: string;
  label: string;
}

export interface IShareDialogProps {
  client: RBACClient;
  path: string;
  trans: TranslationBundle;
}

export function ShareDialog(props: IShareDialogProps): JSX.Element {
  const { client, path, trans } = props;
  const [problem, setProblem] = React.useState<string | null>(null);
  const access = useRequest(() => client.shareAccess(path), [client, path], {
    onError: reason => setProblem(messageOf(reason))
  });
  const run = async (change: () => Promise<unknown>): Promise<boolean> => {
    setProblem(null);
    try {
      await change();
      await access.reload();
      return true;
    } catch (reason) {
      setProblem(messageOf(reason));
      return false;
    }
  };
  return (
    <div className="jp-RBAC-ShareDialog">
      <NewShare
        client={client}
        trans={trans}
        onShare={(recipient, role, expiresAt) =>
          run(() =>
            client.share({
              path,
              role,
              [recipient.kind]: recipient.name,
              ...(expiresAt ? { expires_at: expiresAt } : {})
            })
          )
        }
      />
      <ErrorLine message={problem} />
      {access.data ? (
        <WhoHasAccess
          access={access.data}
          trans={trans}
          onRole={(share, role) =>
            run(() => client.updateShare(share.id, { role }, share.etag))
          }
          onRemove={share => run(() => client.unshare(share.id))}
        />
      ) : access.loading ? (
        <p className="jp-RBAC-Notice">{trans.__('Loading who has access…')}</p>
      ) : null}
    </div>
  );
}

/** The person or group, the role, the last day, and Share. */
function NewShare(props: {
  client: RBACClient;
  trans: TranslationBundle;
  onShare: (
    recipient: IRecipient,
    role: string,
    expiresAt: string | null
  ) => Promise<boolean>;
}): JSX.Element {
  const { trans } = props;
  const [text, setText] = React.useState('');
  const [recipient, setRecipient] = React.useState<IRecipient | null>(null);
  const [role, setRole] = React.useState<string>('viewer');
  const [lastDay, setLastDay] = React.useState('');
  const [busy, setBusy] = React.useState(false);
  const found = useRecipients(props.client, recipient ? null : text);
  const share = async (event: React.FormEvent): Promise<void> => {
    event.preventDefault();
    if (!recipient) {
      return;
    }
    setBusy(true);
    const shared = await props.onShare(recipient, role, endOfDay(lastDay));
    setBusy(false);
    if (shared) {
      setRecipient(null);
      setText('');
      setLastDay('');
    }
  };
  return (
    <form className="jp-RBAC-NewShare" onSubmit={share}>
      {recipient ? (
        <p className="jp-RBAC-Recipient">
          <span>{recipient.label}</span>
          <button
            type="button"
            className="jp-mod-styled"
            aria-label={trans.__('Choose someone else')}
            onClick={() => setRecipient(null)}
          >
            ×
          </button>
        </p>
      ) : (
        <>
          <input
            className="jp-mod-styled"
            type="search"
            aria-label={trans.__('Share with')}
            placeholder={trans.__('Add a person or group')}
            value={text}
            onChange={event => setText(event.target.value)}
          />
          <Suggestions found={found} trans={trans} onPick={setRecipient} />
        </>
      )}
      <fieldset className="jp-RBAC-ShareRole">
        <legend>{trans.__('They may')}</legend>
        {SHARE_ROLES.map(name => (
          <label key={name}>
            <input
              type="radio"
              name="role"
              value={name}
              checked={role === name}
              onChange={() => setRole(name)}
            />
            {roleLabel(name, trans)}
          </label>
        ))}
      </fieldset>
      <label className="jp-RBAC-ShareExpiry">
        {trans.__('Until (optional)')}
        <input
          className="jp-mod-styled"
          type="date"
          value={lastDay}
          min={today()}
          onChange={event => setLastDay(event.target.value)}
        />
      </label>
      <button
        type="submit"
        className="jp-mod-styled jp-mod-accept"
        disabled={!recipient || busy}
      >
        {trans.__('Share')}
      </button>
    </form>
  );
}

/** The people and groups found for what was typed, once typing pauses. */
function useRecipients(
  client: RBACClient,
  text: string | null
): IShareRecipients | null {
  const [settled, setSettled] = React.useState('');
  const [found, setFound] = React.useState<IShareRecipients | null>(null);
  useSettled(text ?? '', value => setSettled(value.trim()), 200);
  React.useEffect(() => {
    if (text === null || !settled) {
      setFound(null);
      return;
    }
    let current = true;
    client.shareRecipients(settled).then(
      answer => current && setFound(answer),
      () => current && setFound(null)
    );
    return () => {
      current = false;
    };
  }, [client, settled, text === null]);
  return found;
}

function Suggestions(props: {
  found: IShareRecipients | null;
  trans: TranslationBundle;
  onPick: (recipient: IRecipient) => void;
}): JSX.Element | null {
  const { found, trans } = props;
  if (!found) {
    return null;
  }
  const offered: IRecipient[] = [
    ...found.users.map(user => ({
      kind: 'user' as const,
      name: user.username,
      label:
        user.display_name && user.display_name !== user.username
          ? `${user.display_name} (${user.username})`
          : user.username
    })),
    ...found.groups.map(group => ({
      kind: 'group' as const,
      name: group.name,
      label: trans._n(
        'group %2 (%1 member)',
        'group %2 (%1 members)',
        group.members,
        group.name
      )
    }))
  ];
  if (!offered.length) {
    return <p className="jp-RBAC-Notice">{trans.__('Nobody by that name')}</p>;
  }
  return (
    <ul
      className="jp-RBAC-Suggestions"
      aria-label={trans.__('People and groups')}
    >
      {offered.map(recipient => (
        <li key={`${recipient.kind}:${recipient.name}`}>
          <button
            type="button"
            className="jp-mod-styled"
            onClick={() => props.onPick(recipient)}
          >
            {recipient.label}
          </button>
        </li>
      ))}
    </ul>
  );
}

/** The shares of the place (to change or remove), then everyone who has access and how. */
function WhoHasAccess(props: {
  access: IShareAccess;
  trans: TranslationBundle;
  onRole: (share: IShare, role: string) => Promise<boolean>;
  onRemove: (share: IShare) => Promise<boolean>;
}): JSX.Element {
  const { access, trans } = props;
  return (
    <>
      <h3>{trans.__('Shared with')}</h3>
      {access.shares.length ? (
        <ul className="jp-RBAC-Shares" aria-label={trans.__('Shared with')}>
          {access.shares.map(share => (
            <li key={share.id}>
              <span className="jp-RBAC-ShareRecipient">
                {share.user ?? trans.__('group %1', share.group ?? '')}
              </span>
              {SHARE_ROLES.includes(share.role as 'viewer') ? (
                <select
                  className="jp-mod-styled"
                  aria-label={trans.__(
                    'Role of %1',
                    share.user ?? share.group ?? ''
                  )}
                  value={share.role}
                  onChange={event =>
                    void props.onRole(share, event.target.value)
                  }
                >
                  {SHARE_ROLES.map(name => (
                    <option key={name} value={name}>
                      {roleLabel(name, trans)}
                    </option>
                  ))}
                </select>
              ) : (
                <span>{share.role}</span>
              )}
              <span className="jp-RBAC-Source">
                {describeShare(share, trans)}
              </span>
              <button
                type="button"
                className="jp-mod-styled"
                aria-label={trans.__(
                  'Stop sharing with %1',
                  share.user ?? share.group ?? ''
                )}
                onClick={() => void props.onRemove(share)}
              >
                {trans.__('Remove')}
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="jp-RBAC-Notice">
          {trans.__('Not shared with anyone yet.')}
        </p>
      )}
      <h3>{trans.__('Who has access')}</h3>
      <ul
        className="jp-RBAC-PeopleWithAccess"
        aria-label={trans.__('Who has access')}
      >
        {access.people.map(person => (
          <li key={person.username}>
            <span>{person.display_name}</span>{' '}
            <span className="jp-RBAC-Badge">
              {person.access === 'edit'
                ? trans.__('can edit')
                : trans.__('can view')}
            </span>{' '}
            <span className="jp-RBAC-Source">
              {describeAccess(person, trans)}
            </span>
          </li>
        ))}
      </ul>
      {access.others > 0 ? (
        <p className="jp-RBAC-Notice">
          {trans._n(
            'and %1 more person you may not see',
            'and %1 more people you may not see',
            access.others
          )}
        </p>
      ) : null}
    </>
  );
}

/** "Viewer", "Editor". */
export function roleLabel(role: string, trans: TranslationBundle): string {
  return role === 'editor'
    ? trans.__('Editor')
    : role === 'viewer'
      ? trans.__('Viewer')
      : role;
}

/** "shared by ann, until 31 Jan 2027". */
function describeShare(share: IShare, trans: TranslationBundle): string {
  const by = trans.__('shared by %1', share.shared_by);
  if (share.expired) {
    return `${by}, ${trans.__('expired')}`;
  }
  return share.expires_at
    ? `${by}, ${trans.__('until %1', new Date(share.expires_at).toLocaleDateString())}`
    : by;
}

/** "through the role editor (group developer)", "shared by ann". */
export function describeAccess(
  person: IPersonWithAccess,
  trans: TranslationBundle
): string {
  const grant: IGrant | null = person.granted_by;
  if (!grant) {
    return '';
  }
  if (grant.share) {
    return trans.__('shared by %1', grant.share.shared_by);
  }
  const ways = grant.via.map(way =>
    way === 'direct'
      ? trans.__('directly')
      : way === 'everyone'
        ? trans.__('as everyone')
        : way.startsWith('group:')
          ? trans.__('through group %1', way.slice('group:'.length))
          : way
  );
  return trans.__('through the role %1 (%2)', grant.role, ways.join(', '));
}

function messageOf(reason: unknown): string {
  return reason instanceof RBACError || reason instanceof Error
    ? reason.message
    : String(reason);
}

/** The end of the chosen day in the browser's time zone, as ISO 8601; null for no day. */
function endOfDay(day: string): string | null {
  return day ? new Date(`${day}T23:59:59`).toISOString() : null;
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}
