/**
 * What the current user's scopes let the panel show. The panel hides what the server would
 * refuse; the server still decides every request.
 *
 * The server says it: `GET /api/rbac/me` answers `beyond_self.ACTION_RESOURCE` (may this user
 * do ACTION on some of RESOURCE beyond themselves?) from their compiled permissions. The panel keeps
 * no rule of its own about which scopes grant which.
 */
import { IBeyondSelf, IMe } from './api';

/** A view's need, as `beyond_self` names it: `read_roles`, `write_users`, ... */
export type PanelGrant = keyof IBeyondSelf;

/**
 * Does the server say the user may do this (on some of the resource, not only on themselves)?
 */
export function holds(me: IMe, grant: PanelGrant): boolean {
  return me.beyond_self[grant] === true;
}

/**
 * May this user ask about others (and so see the administration views)?
 */
export function mayAdminister(me: IMe): boolean {
  return holds(me, 'read_users');
}
