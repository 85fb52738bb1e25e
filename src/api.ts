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

  /**
   * Send a request to `{baseUrl}api/rbac/{path}` and return the parsed JSON body.
   */
  private async request<T>(path: string, init: RequestInit = {}): Promise<T> {
    const url = URLExt.join(this.serverSettings.baseUrl, 'api/rbac', path);
    const response = await ServerConnection.makeRequest(
      url,
      init,
      this.serverSettings
    );
    if (!response.ok) {
      throw await errorFromResponse(response);
    }
    return (await response.json()) as T;
  }
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
