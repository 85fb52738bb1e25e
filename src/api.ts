/**
 * The typed client for the jupyter-rbac REST API (`/api/rbac/*`).
 *
 * Every request goes through `ServerConnection.makeRequest`, which adds the
 * base URL, the XSRF header and the token. Components and plugins use this
 * client and never call `fetch` themselves.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/**
 * The current user as the server sees them: `GET /api/rbac/me`.
 */
export interface IMe {
  /** The user name (unique). */
  name: string;
  /** A human-friendly name; may equal `name`. */
  display_name: string;
  /** Up to two letters for avatars ("AL" for "Ada Lovelace"). */
  initials?: string;
  /** A CSS color for this user's avatar and cursor. */
  color?: string;
  /** A picture of the user, if they have one. */
  avatar_url?: string | null;
  /** The roles the user holds directly or through a group. */
  roles: string[];
  /** The groups the user belongs to. */
  groups: string[];
  /**
   * For each role, how the user holds it: `direct`, `everyone`, `group:NAME`,
   * `hub` (JupyterHub) or `oidc` (the sign-in provider).
   */
  role_sources?: { [role: string]: string[] };
  /** True when signed in with a token limited to some scopes. */
  token_limited?: boolean;
  /** The effective (expanded) scopes of the user. */
  scopes: string[];
  /** What the server says this user may do, for the frontend to adapt to. */
  can: {
    /** Whether the user may start a kernel for a notebook of their own. */
    start_kernels: boolean;
  };
}

/**
 * One entry of the scope catalog (`GET /api/rbac/scopes`).
 */
export interface IScopeEntry {
  /** The scope, without a filter: `read:contents`, `kernels`, `all`. */
  scope: string;
  /** What it allows, in plain words. */
  description: string;
  /** The filters it takes (`path`, `user`, `group`). */
  filters: string[];
}

/**
 * The scope catalog: every scope the server knows.
 */
export interface IScopeCatalog {
  scopes: IScopeEntry[];
  /** For each action, the actions it implies. */
  hierarchy: { [action: string]: string[] };
}

/**
 * "May this user do this?" (`POST /api/rbac/check`).
 */
export interface ICheckQuestion {
  user: string;
  action: 'read' | 'write' | 'execute';
  resource: string;
  /** A path under the server's root, for resources filtered by path. */
  path?: string;
  /** Who started the kernel, terminal or session, for resources filtered by owner. */
  owner?: string;
}

/**
 * The server's answer, and why.
 */
export interface IDecision {
  allowed: boolean;
  /** The first scope that allows it, with its role and how the user holds that role. */
  granted_by: { scope: string; role: string; via: string[] } | null;
  /** When refused: the scope that would be needed. */
  missing_scope: string | null;
}

/** What every role, user and group carries to identify its version. */
export interface IVersioned {
  revision: number;
  created_at: string;
  updated_at: string;
  /** The version tag to send as `If-Match` when changing the record. */
  etag: string;
}

/** A role: a named set of scopes, held by users and groups. */
export interface IRole extends IVersioned {
  name: string;
  description: string;
  scopes: string[];
  /** One of the default roles (never deletable). */
  builtin: boolean;
  /** `config` for roles declared in the server's configuration. */
  managed_by: 'config' | null;
  /** Users who hold the role directly. */
  users: string[];
  groups: string[];
  /** May its scopes and description change? */
  editable: boolean;
  deletable: boolean;
}

/** A user record (`GET /api/rbac/users/NAME`). */
export interface IUser extends IVersioned {
  name: string;
  display_name: string;
  /** Direct roles only. */
  roles: string[];
  groups: string[];
  avatar_url: string;
  color: string;
  password_set: boolean;
}

/** A group of users, and the roles it gives them. */
export interface IGroup extends IVersioned {
  name: string;
  description: string;
  members: string[];
  roles: string[];
}

/** An API token, never with its secret. */
export interface IToken {
  id: number;
  user: string;
  note: string;
  /** The secret's first characters, to recognise it. */
  prefix: string;
  scopes: string[] | null;
  one_time: boolean;
  created_at: string;
  expires_at: string | null;
  /**
   * Who made it: its owner, someone else, "system" or "cli:NAME"; null if not recorded.
   * A token someone else made acts within its scopes but never changes its owner's account.
   */
  created_by: string | null;
}

/** One scope a user holds, the role it comes from and how they hold that role. */
export interface IGrant {
  scope: string;
  role: string;
  via: string[];
}

/** `GET /api/rbac/users/NAME/permissions`. */
export interface IPermissions {
  name: string;
  groups: string[];
  roles: { name: string; via: string[] }[];
  scopes: IGrant[];
  /** The scopes in force, templates filled in. */
  effective: string[];
}

/** An invitation; `url` and `path` only in the answer that created it. */
export interface IInvitation {
  id: number;
  username: string;
  display_name: string;
  roles: string[];
  groups: string[];
  password_allowed: boolean;
  created_by: string;
  created_at: string;
  expires_at: string;
  accepted_at: string | null;
  state: string;
  url?: string;
  path?: string;
}

/** A new invitation's fields. */
export interface IInvitationRequest {
  username: string;
  display_name?: string;
  roles?: string[];
  groups?: string[];
}

/** One event of the audit trail. */
export interface IAuditEvent {
  id: number;
  at: string;
  actor: string;
  kind: string;
  action: string;
  target: string;
  detail: { [key: string]: unknown };
}

/** One page of a list. */
export interface IPage<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** One page of the audit trail; `next_cursor` is the `before` of the next page. */
export interface IAuditPage extends IPage<IAuditEvent> {
  next_cursor: number | null;
}

/** Paging, sorting and searching of the role, user and group lists. */
export interface IListQuery {
  limit?: number;
  offset?: number;
  /** A sort key; a leading `-` sorts descending. */
  sort?: string;
  /** Only names (and descriptions) containing this text. */
  q?: string;
  /** Users only: those who hold this role. */
  role?: string;
  /** Users only: members of this group. */
  group?: string;
}

/** Filters of the audit trail, combined with AND. */
export interface IAuditQuery {
  limit?: number;
  before?: number;
  actor?: string;
  target?: string;
  kind?: string;
  action?: string;
}

/** A document somebody has open in a collaboration room. */
export interface IOpenDocument {
  path: string;
  /** `editor`: their edits reach the room; `viewer`: the server drops them. */
  mode: 'editor' | 'viewer';
  since: string;
}

/** Somebody connected to this server, as the server verified them. */
export interface ICollaborator {
  name: string;
  display_name: string;
  initials: string | null;
  color: string | null;
  avatar_url: string | null;
  roles: string[];
  since: string;
  last_seen: string;
  /** Open websockets by kind (document, kernel, terminal, ...). */
  connections: { [kind: string]: number };
  documents: IOpenDocument[];
}

/**
 * The error body of the jupyter-rbac API: `{"message": ..., "missing_scope": ...}`.
 */
interface IErrorBody {
  message?: string;
  missing_scope?: string;
}

/**
 * An error answered by the jupyter-rbac API.
 *
 * `message` is the server's message; `missingScope` names the scope that was
 * missing when the server answered 403, and is `null` otherwise.
 */
export class RBACError extends ServerConnection.ResponseError {
  constructor(
    response: Response,
    message: string,
    readonly missingScope: string | null = null
  ) {
    super(response, message);
    this.name = 'RBACError';
  }

  /** The HTTP status of the response. */
  get status(): number {
    return this.response.status;
  }
}

/**
 * A client for the jupyter-rbac REST API.
 */
export class RBACClient {
  /**
   * @param serverSettings - the connection settings; JupyterLab's default
   *   settings (page config) when omitted.
   */
  constructor(serverSettings?: ServerConnection.ISettings) {
    this.serverSettings = serverSettings ?? ServerConnection.makeSettings();
  }

  /** The connection settings used for every request. */
  readonly serverSettings: ServerConnection.ISettings;

  /**
   * Who the current user is, with their roles, groups and effective scopes.
   *
   * @throws {RBACError} when the server answers with an error status.
   * @throws {ServerConnection.NetworkError} when the server cannot be reached.
   */
  me(): Promise<IMe> {
    return this.request<IMe>('me');
  }

  /**
   * Every scope the server knows, with what it allows in plain words.
   */
  scopes(): Promise<IScopeCatalog> {
    return this.request<IScopeCatalog>('scopes');
  }

  /**
   * May `question.user` do this? The answer names the role and scope that decide it, or the
   * scope that is missing.
   */
  check(question: ICheckQuestion): Promise<IDecision> {
    return this.request<IDecision>('check', {
      method: 'POST',
      body: JSON.stringify(question)
    });
  }

  // --- roles ---------------------------------------------------------------------------

  /** One page of roles. */
  roles(query: IListQuery = {}): Promise<IPage<IRole>> {
    return this.request<IPage<IRole>>('roles' + queryString(query));
  }

  role(name: string): Promise<IRole> {
    return this.request<IRole>(`roles/${encodeURIComponent(name)}`);
  }

  createRole(
    role: Pick<IRole, 'name' | 'description' | 'scopes'> &
      Partial<Pick<IRole, 'users' | 'groups'>>
  ): Promise<IRole> {
    return this.send<IRole>('POST', 'roles', role);
  }

  /**
   * Change the fields given. With `etag`, the server refuses (412) if the role changed since.
   */
  updateRole(
    name: string,
    change: Partial<Pick<IRole, 'description' | 'scopes' | 'users' | 'groups'>>,
    etag?: string
  ): Promise<IRole> {
    return this.send<IRole>(
      'PATCH',
      `roles/${encodeURIComponent(name)}`,
      change,
      etag
    );
  }

  deleteRole(name: string, etag?: string): Promise<void> {
    return this.send<void>(
      'DELETE',
      `roles/${encodeURIComponent(name)}`,
      undefined,
      etag
    );
  }

  // --- users ---------------------------------------------------------------------------

  users(query: IListQuery = {}): Promise<IPage<IUser>> {
    return this.request<IPage<IUser>>('users' + queryString(query));
  }

  user(name: string): Promise<IUser> {
    return this.request<IUser>(`users/${encodeURIComponent(name)}`);
  }

  createUser(user: {
    name: string;
    display_name?: string;
    roles?: string[];
    groups?: string[];
  }): Promise<IUser> {
    return this.send<IUser>('POST', 'users', user);
  }

  updateUser(
    name: string,
    change: Partial<Pick<IUser, 'display_name' | 'roles' | 'groups'>>,
    etag?: string
  ): Promise<IUser> {
    return this.send<IUser>(
      'PATCH',
      `users/${encodeURIComponent(name)}`,
      change,
      etag
    );
  }

  deleteUser(name: string, etag?: string): Promise<void> {
    return this.send<void>(
      'DELETE',
      `users/${encodeURIComponent(name)}`,
      undefined,
      etag
    );
  }

  /** Every role the user holds and how, and their effective scopes. */
  permissions(name: string): Promise<IPermissions> {
    return this.request<IPermissions>(
      `users/${encodeURIComponent(name)}/permissions`
    );
  }

  async tokens(user: string): Promise<IToken[]> {
    const list = await this.request<{ items: IToken[] }>(
      `users/${encodeURIComponent(user)}/tokens`
    );
    return list.items;
  }

  revokeToken(user: string, id: number): Promise<void> {
    return this.send<void>(
      'DELETE',
      `users/${encodeURIComponent(user)}/tokens/${id}`
    );
  }

  // --- groups --------------------------------------------------------------------------

  groups(query: IListQuery = {}): Promise<IPage<IGroup>> {
    return this.request<IPage<IGroup>>('groups' + queryString(query));
  }

  group(name: string): Promise<IGroup> {
    return this.request<IGroup>(`groups/${encodeURIComponent(name)}`);
  }

  createGroup(group: {
    name: string;
    description?: string;
    members?: string[];
    roles?: string[];
  }): Promise<IGroup> {
    return this.send<IGroup>('POST', 'groups', group);
  }

  updateGroup(
    name: string,
    change: Partial<Pick<IGroup, 'description' | 'members' | 'roles'>>,
    etag?: string
  ): Promise<IGroup> {
    return this.send<IGroup>(
      'PATCH',
      `groups/${encodeURIComponent(name)}`,
      change,
      etag
    );
  }

  deleteGroup(name: string, etag?: string): Promise<void> {
    return this.send<void>(
      'DELETE',
      `groups/${encodeURIComponent(name)}`,
      undefined,
      etag
    );
  }

  // --- invitations ---------------------------------------------------------------------

  /** Invite somebody: the answer holds the link, shown this once. */
  invite(invitation: IInvitationRequest): Promise<IInvitation> {
    return this.send<IInvitation>('POST', 'invitations', invitation);
  }

  async invitations(): Promise<IInvitation[]> {
    const list = await this.request<{ items: IInvitation[] }>('invitations');
    return list.items;
  }

  revokeInvitation(id: number): Promise<void> {
    return this.send<void>('DELETE', `invitations/${id}`);
  }

  // --- collaborators -------------------------------------------------------------------

  async collaborators(): Promise<ICollaborator[]> {
    const answer = await this.request<{ collaborators: ICollaborator[] }>(
      'collaborators'
    );
    return answer.collaborators;
  }

  /**
   * Hear who is here, now and after every change (a websocket). `onClose` hears the close
   * code: 1008 when the server revoked the right to watch.
   */
  watchCollaborators(
    onChange: (collaborators: ICollaborator[]) => void,
    onClose: (code: number) => void
  ): WebSocket {
    const settings = this.serverSettings;
    let url = URLExt.join(settings.wsUrl, 'api/rbac/collaborators/stream');
    if (settings.token && settings.appendToken) {
      url += `?token=${encodeURIComponent(settings.token)}`;
    }
    const socket = new settings.WebSocket(url);
    socket.onmessage = event => {
      onChange(
        (JSON.parse(String(event.data)) as { collaborators: ICollaborator[] })
          .collaborators
      );
    };
    socket.onclose = event => onClose(event.code);
    return socket;
  }

  // --- audit ---------------------------------------------------------------------------

  /**
   * One page of the audit trail, newest first. With `etag` (the `ETag` of an earlier answer),
   * resolves to `null` when nothing changed (304), so polling costs almost nothing.
   */
  async audit(
    query: IAuditQuery = {},
    etag?: string
  ): Promise<{ page: IAuditPage; etag: string } | null> {
    const url =
      URLExt.join(this.serverSettings.baseUrl, 'api/rbac/audit') +
      queryString(query);
    const headers: HeadersInit = etag ? { 'If-None-Match': etag } : {};
    const response = await ServerConnection.makeRequest(
      url,
      { headers, cache: 'no-store' },
      this.serverSettings
    );
    if (response.status === 304) {
      return null;
    }
    if (!response.ok) {
      throw await errorFromResponse(response);
    }
    return {
      page: (await response.json()) as IAuditPage,
      etag: response.headers.get('ETag') ?? ''
    };
  }

  /**
   * Send a JSON body with `method`; `etag` goes in `If-Match`. A 204 resolves to undefined.
   */
  private async send<T>(
    method: string,
    path: string,
    body?: unknown,
    etag?: string
  ): Promise<T> {
    const headers: HeadersInit = { 'Content-Type': 'application/json' };
    if (etag) {
      headers['If-Match'] = etag;
    }
    const init: RequestInit = { method, headers };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
    }
    return this.request<T>(path, init);
  }

  /**
   * Send a request to `{baseUrl}api/rbac/{path}` and return the parsed JSON body.
   */
  private async request<T>(path: string, init: RequestInit = {}): Promise<T> {
    // The query string stays out of the join, which would encode its `?`.
    const [route, query] = path.split('?', 2);
    const url =
      URLExt.join(this.serverSettings.baseUrl, 'api/rbac', route) +
      (query ? `?${query}` : '');
    const response = await ServerConnection.makeRequest(
      url,
      init,
      this.serverSettings
    );
    if (!response.ok) {
      throw await errorFromResponse(response);
    }
    if (response.status === 204) {
      return undefined as T;
    }
    return (await response.json()) as T;
  }
}

/**
 * `?a=1&b=x` from the defined, non-empty fields of a query; empty when there are none.
 */
function queryString(query: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') {
      params.set(key, String(value));
    }
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * Build an `RBACError` from an error response, keeping the server's message.
 */
async function errorFromResponse(response: Response): Promise<RBACError> {
  let body: IErrorBody = {};
  try {
    body = (await response.json()) as IErrorBody;
  } catch {
    // Not JSON (e.g. a proxy's HTML page): fall back to the status text.
  }
  const message =
    body.message ||
    `${response.status} ${response.statusText || 'Error'}`.trim();
  return new RBACError(response, message, body.missing_scope ?? null);
}
