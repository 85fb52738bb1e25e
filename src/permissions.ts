/**
 * What the current user's scopes let the panel show. The panel hides what the server would
 * refuse; the server still decides every request.
 *
 * Which scopes grant which: the server's scope catalog (`GET /api/rbac/scopes`) says, in each
 * `ACTION:RESOURCE` entry's `implies` (`write:users` implies `read:users`). The panel does not
 * keep an action hierarchy of its own.
 */
import { Action, IMe, IScopeCatalog } from './api';
import { parseScope } from './plainWords';

/** For each scope of a catalog, the `ACTION:RESOURCE` scopes it grants (itself included). */
const GRANTS = new WeakMap<IScopeCatalog, Map<string, Set<string>>>();

function grantsOf(catalog: IScopeCatalog): Map<string, Set<string>> {
  let grants = GRANTS.get(catalog);
  if (!grants) {
    grants = new Map(
      catalog.scopes.map(entry => [
        entry.scope,
        new Set([entry.scope, ...(entry.implies ?? [])])
      ])
    );
    GRANTS.set(catalog, grants);
  }
  return grants;
}

/**
 * Does the user hold some scope allowing `action` on `resource`: `all`, the bare resource
 * (every action), or a scope the catalog says grants `ACTION:RESOURCE`, filtered or not (a
 * filtered administrator sees the part the server lets them see)? A scope filtered to the user
 * themselves does not count.
 */
export function holds(
  me: IMe,
  catalog: IScopeCatalog,
  action: Action,
  resource: string
): boolean {
  const wanted = `${action}:${resource}`;
  const grants = grantsOf(catalog);
  return me.scopes.some(scope => {
    if (scope === 'all') {
      return true;
    }
    const { base, filter, value } = parseScope(scope);
    if (filter === 'user' && value === me.name) {
      return false; // only about themselves (`self`): that is "My permissions"
    }
    return base === resource || (grants.get(base)?.has(wanted) ?? false);
  });
}

/**
 * May this user ask about others (and so see the administration views)?
 */
export function mayAdminister(me: IMe, catalog: IScopeCatalog): boolean {
  return holds(me, catalog, 'read', 'users');
}
