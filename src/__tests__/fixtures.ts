/**
 * Shared test data: the current user as `GET /api/rbac/me` describes them, and a scope catalog
 * as `GET /api/rbac/scopes` does.
 */
import { IMe, IScopeCatalog, IScopeEntry } from '../api';

export const ALICE: IMe = {
  name: 'alice',
  display_name: 'Alice',
  initials: 'A',
  avatar_url: null,
  color: null,
  account: { editable: [], passwords: false, password_set: false },
  roles: ['user', 'viewer'],
  role_sources: { user: ['everyone'], viewer: ['direct'] },
  groups: ['analyst'],
  scopes: ['read:contents', 'read:lab'],
  token_limited: false,
  can: { start_kernels: false }
};

const ACTIONS = ['read', 'write', 'execute'] as const;

/** The catalog's entries for a resource, each action implying the weaker ones as the server says. */
function resource(name: string): IScopeEntry[] {
  return [
    { scope: name, description: `Every action on ${name}`, filters: [] },
    ...ACTIONS.map((action, rank) => ({
      scope: `${action}:${name}`,
      description: `${action} ${name}`,
      filters: [],
      implies: ACTIONS.slice(0, rank).map(weaker => `${weaker}:${name}`)
    }))
  ];
}

export const CATALOG: IScopeCatalog = {
  scopes: [
    { scope: 'all', description: 'Everything', filters: [] },
    ...['users', 'groups', 'roles', 'audit', 'collaborators'].flatMap(resource)
  ],
  hierarchy: {
    read: ['read'],
    write: ['write', 'read'],
    execute: ['execute', 'write', 'read']
  }
};
