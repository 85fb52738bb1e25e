/**
 * Shared test data: the current user as `GET /api/rbac/me` describes them, and a scope catalog
 * as `GET /api/rbac/scopes` does.
 */
import {
  Action,
  IBeyondSelf,
  ICodeReach,
  IDraftScopePart,
  IMe,
  IScopeCatalog,
  IScopeEntry,
  IScopePart
} from '../api';

const STRONGEST_FIRST: { [action: string]: Action[] } = {
  read: ['read'],
  write: ['write', 'read'],
  execute: ['execute', 'write', 'read']
};

/**
 * A scope in parts, as the server's parser gives them: `ACTION:RESOURCE` (a bare resource for a
 * null action), filtered or not.
 */
export function scopePart(
  action: Action | null,
  resource: string,
  filter: IScopePart['filter'] = null
): IScopePart {
  const base = action ? `${action}:${resource}` : resource;
  return {
    scope: filter ? `${base}!${filter.name}=${filter.value}` : base,
    base,
    action,
    resource,
    filter,
    actions: STRONGEST_FIRST[action ?? 'execute'],
    resources: [resource]
  };
}

/** A scope not saved yet, as `GET /api/rbac/scopes/parts` gives one the grammar accepts. */
export function draftPart(part: IScopePart): IDraftScopePart {
  return { ...part, error: null };
}

/** A scope the grammar refuses, as `GET /api/rbac/scopes/parts` gives it: no parts, the reason. */
export function refusedPart(scope: string, error: string): IDraftScopePart {
  return {
    scope,
    base: null,
    action: null,
    resource: null,
    filter: null,
    actions: [],
    resources: [],
    error
  };
}

/** `all` in parts: every action on every resource (here the fixtures' resources). */
export const ALL_PART: IScopePart = {
  scope: 'all',
  base: 'all',
  action: null,
  resource: null,
  filter: null,
  actions: ['execute', 'write', 'read'],
  resources: ['contents', 'kernels', 'users', 'groups', 'roles', 'audit']
};

/** A user the server lets do nothing beyond themselves. */
export const NOTHING_BEYOND_SELF: IBeyondSelf = {
  read_roles: false,
  write_roles: false,
  read_users: false,
  write_users: false,
  read_groups: false,
  write_groups: false,
  read_audit: false,
  read_collaborators: false,
  read_tokens: false,
  write_tokens: false
};

/** A viewer's code on a server that confines code: it reads the whole served folder. */
export const READS_EVERYTHING: ICodeReach = {
  sandbox: 'landlock',
  confined: true,
  may_run_code: true,
  write: [],
  read: [''],
  write_files: [],
  read_files: [],
  left_out: [],
  summary:
    "kernels and terminals run in a Landlock sandbox (ABI 7) built from their user's scopes"
};

export const ALICE: IMe = {
  username: 'alice',
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
  scope_parts: [scopePart('read', 'contents'), scopePart('read', 'lab')],
  token_limited: false,
  can: { start_kernels: false, open_terminals: false },
  why_not: {},
  beyond_self: NOTHING_BEYOND_SELF,
  share_everywhere: false,
  code: READS_EVERYTHING
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
