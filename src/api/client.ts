/**
 * The typed client for the jupyter-rbac REST API (`/api/rbac/*`).
 *
 * Every request goes through `ServerConnection.makeRequest`, which adds the
 * base URL, the XSRF header and the token. Components and plugins use this
 * client and never call `fetch` themselves.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { errorFromResponse } from './errors';
import type {
  IAuditExportQuery,
  IAuditPage,
  IAuditQuery,
  ICheckQuestion,
  ICollaborator,
  IDecision,
  IDraftScopePart,
  IGroup,
  IGroupCreate,
  IGroupPatch,
  IInvitation,
  IInvitationPreviewRequest,
  IInvitationQuery,
  IInvitationRequest,
  IListQuery,
  IMe,
  INewInvitation,
  IPage,
  IPermissions,
  IPermissionsPreview,
  IRole,
  IRoleCreate,
  IRolePatch,
  IScopeCatalog,
  IShare,
  IShareAccess,
  IShareCreate,
  ISharePatch,
  IShareQuery,
  IShareRecipients,
  IToken,
  ITokenQuery,
  IUser,
  IUserCreate,
  IUserPatch
} from './types';

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
   * Scopes not saved yet (a role being edited), each in parts as the server's parser reads it,
   * in the order given: the panel never splits scope text itself. A scope the grammar refuses
   * says why in `error`. No scopes: no request.
   */
  async scopeParts(scopes: string[]): Promise<IDraftScopePart[]> {
    if (scopes.length === 0) {
      return [];
    }
    const query = new URLSearchParams(scopes.map(scope => ['scope', scope]));
    const answer = await this.request<{ parts: IDraftScopePart[] }>(
      `scopes/parts?${query.toString()}`
    );
    return answer.parts;
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

  createRole(role: IRoleCreate): Promise<IRole> {
    return this.send<IRole>('POST', 'roles', role);
  }

  /**
   * Change the fields given. With `etag`, the server refuses (412) if the role changed since.
   */
  updateRole(name: string, change: IRolePatch, etag?: string): Promise<IRole> {
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

  createUser(user: IUserCreate): Promise<IUser> {
    return this.send<IUser>('POST', 'users', user);
  }

  updateUser(name: string, change: IUserPatch, etag?: string): Promise<IUser> {
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

  /** End every browser session of the user (their API tokens stay valid). */
  signOutUser(name: string): Promise<void> {
    return this.send<void>(
      'DELETE',
      `users/${encodeURIComponent(name)}/sessions`
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

  /** One page of every token the reader may see, newest first unless sorted otherwise. */
  allTokens(query: ITokenQuery = {}): Promise<IPage<IToken>> {
    return this.request<IPage<IToken>>('tokens' + queryString(query));
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

  createGroup(group: IGroupCreate): Promise<IGroup> {
    return this.send<IGroup>('POST', 'groups', group);
  }

  updateGroup(
    name: string,
    change: IGroupPatch,
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
  invite(invitation: IInvitationRequest): Promise<INewInvitation> {
    return this.send<INewInvitation>('POST', 'invitations', invitation);
  }

  /** What someone invited with these roles and groups could do; nothing is made. */
  previewInvitation(
    request: IInvitationPreviewRequest
  ): Promise<IPermissionsPreview> {
    return this.send<IPermissionsPreview>(
      'POST',
      'invitations/preview',
      request
    );
  }

  /** Pending invitations (the first page: the sidebar's short list). */
  async invitations(): Promise<IInvitation[]> {
    return (await this.invitationPage()).items;
  }

  /** One page of the invitations of a state (pending unless `state` says otherwise). */
  invitationPage(query: IInvitationQuery = {}): Promise<IPage<IInvitation>> {
    return this.request<IPage<IInvitation>>('invitations' + queryString(query));
  }

  revokeInvitation(id: number): Promise<void> {
    return this.send<void>('DELETE', `invitations/${id}`);
  }

  // --- shares --------------------------------------------------------------------------

  /** One page of the shares the reader may see: of a path, given to a user or a group. */
  shares(query: IShareQuery = {}): Promise<IPage<IShare>> {
    return this.request<IPage<IShare>>('shares' + queryString(query));
  }

  /** Share a folder or file with a user or group. */
  share(share: IShareCreate): Promise<IShare> {
    return this.send<IShare>('POST', 'shares', share);
  }

  /** Change a share's role or expiry; with `etag`, refused (412) if it changed since. */
  updateShare(id: number, change: ISharePatch, etag?: string): Promise<IShare> {
    return this.send<IShare>('PATCH', `shares/${id}`, change, etag);
  }

  /** Remove a share: its recipient loses what it gave at their next request. */
  unshare(id: number): Promise<void> {
    return this.send<void>('DELETE', `shares/${id}`);
  }

  /** Who may open and change `path`, and through what. */
  shareAccess(path: string): Promise<IShareAccess> {
    return this.request<IShareAccess>('shares/access' + queryString({ path }));
  }

  /** Users and groups whose name contains `q`: whom to share with. */
  shareRecipients(q: string): Promise<IShareRecipients> {
    return this.request<IShareRecipients>(
      'shares/recipients' + queryString({ q })
    );
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
   * The audit trail these filters pick, as a file (CSV unless `format` says `jsonl`), with the
   * name the server gives it. Fetched like every request (the token in a header, never in an
   * address), so that a refusal is an error here rather than a downloaded error page.
   */
  async exportAudit(
    query: IAuditExportQuery = {}
  ): Promise<{ file: Blob; name: string }> {
    const url =
      URLExt.join(this.serverSettings.baseUrl, 'api/rbac/audit/export') +
      queryString(query);
    const response = await ServerConnection.makeRequest(
      url,
      {},
      this.serverSettings
    );
    if (!response.ok) {
      throw await errorFromResponse(response);
    }
    const disposition = response.headers.get('Content-Disposition') ?? '';
    const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'audit';
    return { file: await response.blob(), name };
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
