/**
 * One user of Members: direct roles, groups, API tokens (revoke), deleting the user.
 */
import * as React from 'react';

import { INewInvitation, IToken } from '../../api';
import { messageOf } from '../../feedback';
import { useRequest } from '../../hooks/useRequest';
import { NamesEditor } from '../common';
import { changeList } from './changeList';
import { InvitationLink } from './InvitationLink';
import { IMembersViewProps, ISuggestions } from './props';
import { TokenList } from './TokenList';

/**
 * One user: their direct roles and groups, their API tokens, deleting them. `onChanged` is told
 * of every change saved, so that a list beside it shows the user as they are now.
 */
export function UserDetails(
  props: IMembersViewProps &
    ISuggestions & {
      name: string;
      onClose: () => void;
      onChanged?: () => void;
    }
): JSX.Element {
  const { client, trans, feedback, name } = props;
  const request = useRequest(() => client.user(name), [name], {
    onError: reason => feedback.error(messageOf(reason))
  });
  const tokens = useRequest(() => client.tokens(name), [name]);
  const [signInLink, setSignInLink] = React.useState<INewInvitation | null>(
    null
  );
  const user = request.data;

  if (!user) {
    return <p className="jp-RBAC-Loading">{trans.__('Loading…')}</p>;
  }
  if (signInLink) {
    return (
      <InvitationLink
        invitation={signInLink}
        onDone={() => setSignInLink(null)}
        feedback={feedback}
        trans={trans}
      />
    );
  }

  const change = (
    field: 'roles' | 'groups',
    compute: (names: string[]) => string[]
  ): Promise<void> =>
    changeList({
      what: trans.__('User %1', name),
      failure: message =>
        trans.__('Could not change user %1: %2', name, message),
      record: user,
      save: current =>
        client.updateUser(
          name,
          { [field]: compute(current[field]) },
          current.etag
        ),
      reload: () => client.user(name),
      feedback,
      onSaved: saved => {
        request.setData(saved);
        props.onChanged?.();
      }
    });
  const revoke = async (token: IToken): Promise<void> => {
    try {
      await client.revokeToken(name, token.id);
      feedback.success(trans.__('Token %1… revoked.', token.prefix));
    } catch (reason) {
      feedback.error(
        trans.__('Could not revoke the token: %1', messageOf(reason))
      );
    }
    void request.reload();
    void tokens.reload();
  };
  const signOut = async (): Promise<void> => {
    try {
      await client.signOutUser(name);
      feedback.success(trans.__('%1 is signed out of every browser.', name));
    } catch (reason) {
      feedback.error(
        trans.__('Could not sign %1 out: %2', name, messageOf(reason))
      );
    }
  };
  const makeSignInLink = async (): Promise<void> => {
    try {
      setSignInLink(await client.invite({ username: name, sign_in: true }));
    } catch (reason) {
      feedback.error(
        trans.__(
          'Could not make a sign-in link for %1: %2',
          name,
          messageOf(reason)
        )
      );
    }
  };
  const remove = async (): Promise<void> => {
    if (
      !(await feedback.confirm(
        trans.__('Delete user %1?', name),
        trans.__('Their tokens stop working and their roles are gone.'),
        trans.__('Delete')
      ))
    ) {
      return;
    }
    try {
      await client.deleteUser(name, user.etag);
      feedback.success(trans.__('User %1 deleted.', name));
      props.onClose();
    } catch (reason) {
      feedback.error(
        trans.__('Could not delete user %1: %2', name, messageOf(reason))
      );
    }
  };

  return (
    <section className="jp-RBAC-Details" aria-label={trans.__('User %1', name)}>
      <button
        type="button"
        className="jp-mod-styled jp-RBAC-Back"
        onClick={props.onClose}
      >
        {trans.__('‹ All users')}
      </button>
      <h3>
        {user.display_name || user.username}
        {user.display_name && user.display_name !== user.username && (
          <span className="jp-RBAC-UserName"> {user.username}</span>
        )}
      </h3>
      <NamesEditor
        label={trans.__('Roles')}
        names={user.roles}
        search={props.searchRoles}
        editable={props.can.writeUsers && props.can.writeRoles}
        onAdd={role => change('roles', roles => [...roles, role])}
        onRemove={role =>
          change('roles', roles => roles.filter(r => r !== role))
        }
        trans={trans}
      />
      <NamesEditor
        label={trans.__('Groups')}
        names={user.groups}
        search={props.searchGroups}
        editable={props.can.writeUsers && props.can.writeGroups}
        onAdd={group => change('groups', groups => [...groups, group])}
        onRemove={group =>
          change('groups', groups => groups.filter(g => g !== group))
        }
        trans={trans}
      />
      {tokens.data !== null && !tokens.error && (
        <TokenList
          user={name}
          tokens={tokens.data}
          onRevoke={revoke}
          trans={trans}
        />
      )}
      {props.can.writeUsers && name !== props.me && (
        <div className="jp-RBAC-Buttons">
          <button
            type="button"
            className="jp-mod-styled"
            title={trans.__(
              'Ends every browser session of %1; their API tokens stay valid.',
              name
            )}
            onClick={() => void signOut()}
          >
            {trans.__('Sign out everywhere')}
          </button>
          <button
            type="button"
            className="jp-mod-styled"
            title={trans.__(
              'A link that signs %1 in once (and lets them choose a new password), to send them when they cannot sign in.',
              name
            )}
            onClick={() => void makeSignInLink()}
          >
            {trans.__('New sign-in link')}
          </button>
          <button
            type="button"
            className="jp-mod-styled jp-mod-warn"
            onClick={() => void remove()}
          >
            {trans.__('Delete user')}
          </button>
        </div>
      )}
    </section>
  );
}
