/**
 * Inviting somebody new: the form, then the link made; the invitations still pending.
 */
import * as React from 'react';

import { IInvitation, INewInvitation } from '../../api';
import { messageOf } from '../../feedback';
import { useRequest } from '../../hooks/useRequest';
import { ErrorLine, NamesEditor } from '../common';
import { BulkInvite } from './BulkInvite';
import { InvitationLink } from './InvitationLink';
import { InvitePreview } from './InvitePreview';
import { PendingInvitations } from './PendingInvitations';
import { IMembersViewProps, ISuggestions } from './props';

/** Inviting somebody: their name, roles and groups; the invitations still pending. */
export function InviteForm(
  props: IMembersViewProps & ISuggestions & { onClose: () => void }
): JSX.Element {
  const { client, trans, feedback } = props;
  const [username, setUsername] = React.useState('');
  const [displayName, setDisplayName] = React.useState('');
  const [roles, setRoles] = React.useState<string[]>([]);
  const [groups, setGroups] = React.useState<string[]>([]);
  const [error, setError] = React.useState('');
  const [days, setDays] = React.useState(7);
  const [password, setPassword] = React.useState(true);
  const [several, setSeveral] = React.useState(false);
  const options = { expires_in: days * 24 * 3600, password };
  const [invitation, setInvitation] = React.useState<INewInvitation | null>(
    null
  );
  // A failure leaves the list empty: the form works without it.
  const pending = useRequest(() => client.invitations().catch(() => []), []);
  const id = React.useId();
  const revoke = async (item: IInvitation): Promise<void> => {
    try {
      await client.revokeInvitation(item.id);
      feedback.success(
        trans.__('The invitation of %1 is revoked.', item.username)
      );
    } catch (reason) {
      feedback.error(
        trans.__('Could not revoke the invitation: %1', messageOf(reason))
      );
    }
    void pending.reload();
  };

  const submit = async (event: React.FormEvent): Promise<void> => {
    event.preventDefault();
    setError('');
    try {
      setInvitation(
        await client.invite({
          username: username.trim(),
          display_name: displayName.trim(),
          roles,
          groups,
          ...options
        })
      );
    } catch (reason) {
      setError(messageOf(reason));
    }
  };

  if (invitation) {
    return (
      <InvitationLink
        invitation={invitation}
        onDone={props.onClose}
        feedback={feedback}
        trans={trans}
      />
    );
  }

  const pick = (names: string[], set: (next: string[]) => void) => ({
    names,
    onAdd: async (name: string) => set([...names, name]),
    onRemove: async (name: string) => set(names.filter(n => n !== name))
  });
  return (
    <form
      className="jp-RBAC-Details"
      aria-label={trans.__('Invite someone')}
      onSubmit={submit}
    >
      <h3>{trans.__('Invite someone')}</h3>
      <label htmlFor={`${id}-days`}>{trans.__('The link works for')}</label>
      <select
        id={`${id}-days`}
        className="jp-mod-styled"
        value={days}
        onChange={event => setDays(Number(event.target.value))}
      >
        <option value={1}>{trans.__('1 day')}</option>
        <option value={7}>{trans.__('7 days')}</option>
        <option value={30}>{trans.__('30 days')}</option>
      </select>
      <label className="jp-RBAC-Check">
        <input
          type="checkbox"
          checked={password}
          onChange={event => setPassword(event.target.checked)}
        />
        {trans.__('They may choose a password')}
      </label>
      <label className="jp-RBAC-Check">
        <input
          type="checkbox"
          checked={several}
          onChange={event => setSeveral(event.target.checked)}
        />
        {trans.__('Invite several people at once')}
      </label>
      {several ? (
        <BulkInvite client={client} options={options} trans={trans} />
      ) : (
        <>
          <label htmlFor={`${id}-user`}>{trans.__('User name')}</label>
          <input
            id={`${id}-user`}
            className="jp-mod-styled"
            required
            value={username}
            onChange={event => setUsername(event.target.value)}
          />
          <label htmlFor={`${id}-display`}>
            {trans.__('Display name (optional)')}
          </label>
          <input
            id={`${id}-display`}
            className="jp-mod-styled"
            value={displayName}
            onChange={event => setDisplayName(event.target.value)}
          />
          <NamesEditor
            label={trans.__('Roles')}
            search={props.searchRoles}
            onlyKnown
            editable
            trans={trans}
            {...pick(roles, setRoles)}
          />
          <NamesEditor
            label={trans.__('Groups')}
            search={props.searchGroups}
            onlyKnown
            editable
            trans={trans}
            {...pick(groups, setGroups)}
          />
          <InvitePreview
            client={client}
            username={username}
            roles={roles}
            groups={groups}
            trans={trans}
          />
          <ErrorLine message={error} />
          <div className="jp-RBAC-Buttons">
            <button
              type="button"
              className="jp-mod-styled jp-mod-reject"
              onClick={props.onClose}
            >
              {trans.__('Cancel')}
            </button>
            <button type="submit" className="jp-mod-styled jp-mod-accept">
              {trans.__('Create invitation link')}
            </button>
          </div>
        </>
      )}
      <PendingInvitations
        invitations={pending.data ?? []}
        onRevoke={revoke}
        trans={trans}
      />
    </form>
  );
}
