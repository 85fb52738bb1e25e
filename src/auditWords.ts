/**
 * An audit event as a sentence: "admin gave role dev to vera", "ann accepted the invitation of
 * admin", "vera was refused PUT /api/contents/x.txt: it needs write:contents". The action's code
 * stays beside it (the filters use it); an action this list does not know reads as its code.
 */
import { TranslationBundle } from '@jupyterlab/translation';

import { IAuditEvent } from './api';

function names(value: unknown): string {
  if (Array.isArray(value)) {
    return value.join(', ');
  }
  if (value && typeof value === 'object') {
    // a change of a list: {added: [...], removed: [...]}
    const { added = [], removed = [] } = value as {
      added?: string[];
      removed?: string[];
    };
    return [...added, ...removed].join(', ');
  }
  return '';
}

/** To whom a role was given or from whom taken: "vera and group dev". */
function holders(event: IAuditEvent, trans: TranslationBundle): string {
  const users = names(event.detail.users);
  const groups = names(event.detail.groups);
  if (users && groups) {
    return trans.__('%1 and groups %2', users, groups);
  }
  return users || (groups ? trans.__('groups %1', groups) : trans.__('nobody'));
}

/** Whom a share was given: "bob", "group class". */
function recipient(event: IAuditEvent, trans: TranslationBundle): string {
  const { user, group } = event.detail as { user?: string; group?: string };
  return user ?? (group ? trans.__('group %1', group) : trans.__('somebody'));
}

export function auditSentence(
  event: IAuditEvent,
  trans: TranslationBundle
): string {
  const who = event.actor || trans.__('somebody unknown');
  const what = event.target;
  const detail = event.detail;
  switch (event.action) {
    case 'role.create':
      return trans.__('%1 created role %2', who, what);
    case 'role.update':
      return trans.__('%1 changed role %2', who, what);
    case 'role.delete':
      return trans.__('%1 deleted role %2', who, what);
    case 'role.assign':
      return trans.__(
        '%1 gave role %2 to %3',
        who,
        what,
        holders(event, trans)
      );
    case 'role.unassign':
      return trans.__(
        '%1 took role %2 from %3',
        who,
        what,
        holders(event, trans)
      );
    case 'user.create':
      return trans.__('%1 created user %2', who, what);
    case 'user.update':
      return trans.__('%1 changed user %2', who, what);
    case 'user.delete':
      return trans.__('%1 deleted user %2', who, what);
    case 'user.password':
      return who === what
        ? trans.__('%1 changed their password', who)
        : trans.__("%1 changed %2's password", who, what);
    case 'user.end_sessions':
      return who === what
        ? trans.__('%1 signed out of every browser', who)
        : trans.__('%1 signed %2 out of every browser', who, what);
    case 'user.login':
      return trans.__('%1 signed in', what || who);
    case 'user.login_failed':
      return trans.__('a sign-in as %1 failed', what || who);
    case 'group.create':
      return trans.__('%1 created group %2', who, what);
    case 'group.update':
      return trans.__('%1 changed group %2', who, what);
    case 'group.delete':
      return trans.__('%1 deleted group %2', who, what);
    case 'group.add_members':
      return trans.__(
        '%1 added %2 to group %3',
        who,
        names(detail.members),
        what
      );
    case 'group.remove_members':
      return trans.__(
        '%1 took %2 out of group %3',
        who,
        names(detail.members),
        what
      );
    case 'token.create':
      return who === what
        ? trans.__('%1 made a token', who)
        : trans.__('%1 made a token for %2', who, what);
    case 'token.delete':
      return who === what
        ? trans.__('%1 revoked a token of theirs', who)
        : trans.__(
            '%1 revoked a token of %2',
            who,
            what || String(detail.user ?? '')
          );
    case 'token.consume':
      return trans.__('a one-time sign-in link was used');
    case 'invitation.create':
      return detail.sign_in
        ? trans.__('%1 made a sign-in link for %2', who, what)
        : trans.__('%1 invited %2', who, what);
    case 'invitation.accept':
      if (detail.sign_in) {
        const from = String(detail.invited_by ?? trans.__('somebody'));
        return detail.password_changed
          ? trans.__(
              '%1 signed in with a link from %2 and chose a new password',
              what || who,
              from
            )
          : trans.__('%1 signed in with a link from %2', what || who, from);
      }
      return trans.__(
        '%1 accepted the invitation of %2',
        what || who,
        String(detail.invited_by ?? trans.__('somebody'))
      );
    case 'invitation.delete':
      return trans.__('%1 revoked the invitation of %2', who, what);
    case 'share.create':
      return trans.__(
        '%1 shared %2 with %3 as %4',
        who,
        what || '/',
        recipient(event, trans),
        String(detail.role ?? '')
      );
    case 'share.update':
      return trans.__(
        "%1 changed %3's share of %2",
        who,
        what || '/',
        recipient(event, trans)
      );
    case 'share.delete':
      return trans.__(
        '%1 stopped sharing %2 with %3',
        who,
        what || '/',
        recipient(event, trans)
      );
    case 'request.denied':
      return trans.__(
        '%1 was refused %2: it needs %3',
        who,
        what,
        String(detail.missing_scope ?? '')
      );
    case 'policy.import':
      return trans.__('%1 imported a policy', who);
    case 'sandbox.stopped':
      return trans.__(
        'the server stopped %1 of %2',
        what,
        String(detail.user ?? who)
      );
    case 'lab.settings.reset':
      return trans.__("%1 reset %2's JupyterLab settings", who, what);
    case 'lab.workspaces.reset':
      return trans.__("%1 reset %2's layouts", who, what);
    case 'lab.defaults.change':
      return trans.__('%1 changed the defaults of %2', who, what);
    case 'lab.defaults.reset':
      return trans.__('%1 reset the defaults of %2', who, what);
    default:
      return `${who} ${event.action} ${what}`.trim();
  }
}
