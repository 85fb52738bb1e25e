/**
 * The link of an invitation (or a sign-in link) just made, to copy and send: it is shown this
 * once.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { INewInvitation } from '../../api';
import { IFeedback } from '../../feedback';

export function InvitationLink(props: {
  invitation: INewInvitation;
  onDone: () => void;
  feedback: IFeedback;
  trans: TranslationBundle;
}): JSX.Element {
  const { invitation, feedback, trans } = props;
  const signIn = invitation.sign_in;
  return (
    <section
      className="jp-RBAC-Details"
      aria-label={signIn ? trans.__('Sign-in link') : trans.__('Invitation')}
    >
      <h3>
        {signIn
          ? trans.__('Sign-in link for %1', invitation.username)
          : trans.__('Invitation for %1', invitation.username)}
      </h3>
      <p>
        {trans.__(
          'Send this link to them; it works once, until %1. It is not shown again.',
          new Date(invitation.expires_at).toLocaleString()
        )}
      </p>
      <input
        className="jp-mod-styled jp-RBAC-Link"
        readOnly
        value={invitation.url}
        aria-label={
          signIn ? trans.__('Sign-in link') : trans.__('Invitation link')
        }
        onFocus={event => event.target.select()}
      />
      <div className="jp-RBAC-Buttons">
        <button
          type="button"
          className="jp-mod-styled"
          onClick={() =>
            void navigator.clipboard?.writeText(invitation.url).then(
              () => feedback.success(trans.__('Link copied.')),
              () =>
                feedback.error(
                  trans.__('Could not copy: select the link and copy it.')
                )
            )
          }
        >
          {trans.__('Copy link')}
        </button>
        <button
          type="button"
          className="jp-mod-styled jp-mod-accept"
          onClick={props.onDone}
        >
          {trans.__('Done')}
        </button>
      </div>
    </section>
  );
}
