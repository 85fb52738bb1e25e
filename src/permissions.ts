/**
 * What the current user's scopes let the panel show. The panel hides what the server would
 * refuse; the server still decides every request.
 */
import { IMe } from './api';
import { parseScope } from './plainWords';

/**
 * Does the user hold some scope allowing `action` on `resource`: `all`, the bare resource, or
 * this or a stronger action, filtered or not (a filtered administrator sees the part the
 * server lets them see)? A scope filtered to the user themselves does not count.
 */
export function holds(
  me: IMe,
  action: 'read' | 'write',
  resource: string
): boolean {
  const enough =
    action === 'read' ? ['read', 'write', 'execute'] : ['write', 'execute'];
  return me.scopes.some(scope => {
    if (scope === 'all') {
      return true;
    }
    const { base, filter, value } = parseScope(scope);
    if (filter === 'user' && value === me.name) {
      return false; // only about themselves (`self`): that is "My permissions"
    }
    return base === resource || enough.some(a => base === `${a}:${resource}`);
  });
}

/**
 * May this user ask about others (and so see the administration views)?
 */
export function mayAdminister(me: IMe): boolean {
  return holds(me, 'read', 'users');
}
