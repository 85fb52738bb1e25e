/**
 * The wire types of the jupyter-rbac REST API, as the rest of the extension names them.
 *
 * Every type here is an alias of one generated from `jupyter_rbac/openapi.yaml` (see
 * `generate-api-types.mjs`): when the spec changes, the client and the views that no longer
 * match it fail to compile.
 */
import type { components, operations } from '../generated/openapi';

type Schemas = components['schemas'];

/** The current user as the server sees them: `GET /api/rbac/me`. */
export type IMe = Schemas['Me'];

/**
 * One scope in parts, as the server's parser reads it (`scope_parts` of `GET /api/rbac/me`,
 * `effective_parts` of a user's permissions): the panel never splits scope text itself.
 */
export type IScopePart = Schemas['ScopePart'];

/**
 * A scope not saved yet, in parts (`GET /api/rbac/scopes/parts`), with the grammar's refusal
 * in `error` if there is one.
 */
export type IDraftScopePart = Schemas['DraftScopePart'];

/**
 * The server's hints for the administration views: may the current user do ACTION on some of
 * RESOURCE beyond themselves (`beyond_self.ACTION_RESOURCE` of `GET /api/rbac/me`)?
 */
export type IBeyondSelf = IMe['beyond_self'];

/**
 * Where the code of the kernels and terminals the current user starts may reach (`code` of
 * `GET /api/rbac/me`): the server's sandbox, and the folders and files it is built from.
 */
export type ICodeReach = Schemas['CodeReach'];

/** One entry of the scope catalog (`GET /api/rbac/scopes`). */
export type IScopeEntry = Schemas['ScopeCatalog']['scopes'][number];

/** The scope catalog: every scope the server knows, and the action hierarchy. */
export type IScopeCatalog = Schemas['ScopeCatalog'];

/** An action of a scope: `read`, `write` or `execute`. */
export type Action = Schemas['Action'];

/** "May this user do this?" (`POST /api/rbac/check`). */
export type ICheckQuestion = Schemas['CheckRequest'];

/** The server's answer, and why: the grant that allows it, or the scope that is missing. */
export type IDecision = Schemas['CheckResult'];

/** A role: a named set of scopes, held by users and groups. */
export type IRole = Schemas['Role'];

/** A user record (`GET /api/rbac/users/NAME`); `roles` are the direct roles only. */
export type IUser = Schemas['User'];

/** A group of users, and the roles it gives them. */
export type IGroup = Schemas['Group'];

/** An API token, never with its secret. */
export type IToken = Schemas['Token'];

/** One scope a user holds, the role it comes from and how they hold that role. */
export type IGrant = Schemas['Grant'];

/** `GET /api/rbac/users/NAME/permissions`. */
export type IPermissions = Schemas['Permissions'];

/** An invitation as listed. */
export type IInvitation = Schemas['Invitation'];

/** The invitation just made, with its link (shown this once). */
export type INewInvitation = Schemas['NewInvitation'];

/** A new invitation's fields. */
export type IInvitationRequest = Schemas['InvitationCreate'];

/** What an invitee would be able to do: `POST /api/rbac/invitations/preview`. */
export type IInvitationPreviewRequest = Schemas['InvitationPreview'];
export type IPermissionsPreview = Schemas['PermissionsPreview'];

/** The fields of a new role, user or group, and the changes of one. */
export type IRoleCreate = Schemas['RoleCreate'];
export type IRolePatch = Schemas['RolePatch'];
export type IUserCreate = Schemas['UserCreate'];
export type IUserPatch = Schemas['UserPatch'];
export type IGroupCreate = Schemas['GroupCreate'];
export type IGroupPatch = Schemas['GroupPatch'];

/**
 * One event of the audit trail. Its `detail` depends on the action: the spec names the fields
 * every action shares, the others are read as they come.
 */
export type IAuditEvent = Omit<Schemas['AuditEvent'], 'detail'> & {
  detail: Schemas['AuditEvent']['detail'] & { [key: string]: unknown };
};

/** One page of a list. */
export type IPage<T> = Schemas['Paging'] & { items: T[] };

/** One page of the audit trail; `next_cursor` is the `before` of the next page. */
export type IAuditPage = Omit<Schemas['AuditPage'], 'items' | 'total'> & {
  items: IAuditEvent[];
  total: number;
};

type QueryOf<K extends keyof operations> = NonNullable<
  operations[K]['parameters']['query']
>;

/**
 * Paging, sorting and searching of the role, user and group lists (`role` and `group` filter
 * users only). The sort keys differ per list: the views hold them as text.
 */
export type IListQuery = Omit<QueryOf<'listUsers'>, 'sort'> & {
  sort?: string;
};

/** Filters of the audit trail, combined with AND. */
export type IAuditQuery = QueryOf<'listAuditEvents'>;

/** The audit trail as a file: its format and the same filters. */
export type IAuditExportQuery = QueryOf<'exportAuditEvents'>;

/** Paging, sorting and searching every token the reader may see; `user`: one owner's. */
export type ITokenQuery = QueryOf<'listAllTokens'>;

/** Paging, sorting and searching the invitations of one state. */
export type IInvitationQuery = Omit<QueryOf<'listInvitations'>, 'all'>;

/** The states an invitation can be in (listed by `state`). */
export type InvitationState = NonNullable<IInvitationQuery['state']>;

/** Somebody connected to this server, as the server verified them. */
export type ICollaborator = Schemas['Collaborator'];

/** A document somebody has open in a collaboration room. */
export type IOpenDocument = ICollaborator['documents'][number];

/** The error body of the jupyter-rbac API: `{"message": ..., "missing_scope": ...}`. */
export type IErrorBody = Partial<Schemas['Error'] & Schemas['ScopeDenied']>;

/** A role given to a user or group on one folder or file. */
export type IShare = Schemas['Share'];

/** A share as permissions explain it: "editor on projects/x, shared by ann". */
export type IShareProvenance = Schemas['ShareProvenance'];

/** Share a folder or file: `{path, role, user | group, expires_at?}`. */
export type IShareCreate = Schemas['ShareCreate'];

/** Change a share's role or expiry. */
export type ISharePatch = Schemas['SharePatch'];

/** Which shares to list: of one path, given to one user or one group. */
export type IShareQuery = QueryOf<'listShares'>;

/** Who may open and change a folder or file, and through what. */
export type IShareAccess = Schemas['ShareAccess'];

/** One person with access to a folder or file. */
export type IPersonWithAccess = IShareAccess['people'][number];

/** Users and groups to share with. */
export type IShareRecipients = Schemas['ShareRecipients'];
