"""REST handlers of /api/rbac: thin; they ask the policy and the service, and shape JSON."""

from .audit import AuditExportHandler, AuditHandler
from .check import CheckHandler
from .collaborators import CollaboratorsHandler, CollaboratorsStreamHandler
from .groups import GroupHandler, GroupsHandler
from .invitations import InvitationHandler, InvitationPreviewHandler, InvitationsHandler
from .lab import (
    LabDefaultHandler,
    LabDefaultsHandler,
    UserLabSettingsHandler,
    UserLabWorkspacesHandler,
)
from .me import MeHandler, PasswordHandler, ScopePartsHandler, ScopesHandler, SessionsHandler
from .roles import RoleHandler, RolesHandler
from .shares import ShareAccessHandler, ShareHandler, ShareRecipientsHandler, SharesHandler
from .tokens import AllTokensHandler, TokenHandler, TokensHandler
from .users import UserHandler, UserPermissionsHandler, UserSessionsHandler, UsersHandler

_NAME = r"(?P<name>[^/]+)"
_PLUGIN = r"(?P<plugin>.+)"  # a settings plugin: @scope/package:name

# (pattern relative to the server's base_url, handler); the OpenAPI spec describes each.
HANDLERS = [
    (r"/api/rbac/me", MeHandler),
    (r"/api/rbac/me/password", PasswordHandler),
    (r"/api/rbac/me/sessions", SessionsHandler),
    (r"/api/rbac/scopes", ScopesHandler),
    (r"/api/rbac/scopes/parts", ScopePartsHandler),
    (r"/api/rbac/roles", RolesHandler),
    (rf"/api/rbac/roles/{_NAME}", RoleHandler),
    (r"/api/rbac/users", UsersHandler),
    (rf"/api/rbac/users/{_NAME}", UserHandler),
    (rf"/api/rbac/users/{_NAME}/permissions", UserPermissionsHandler),
    (rf"/api/rbac/users/{_NAME}/sessions", UserSessionsHandler),
    (rf"/api/rbac/users/{_NAME}/tokens", TokensHandler),
    (rf"/api/rbac/users/{_NAME}/tokens/(?P<token_id>[^/]+)", TokenHandler),
    (rf"/api/rbac/users/{_NAME}/lab/settings", UserLabSettingsHandler),
    (rf"/api/rbac/users/{_NAME}/lab/settings/{_PLUGIN}", UserLabSettingsHandler),
    (rf"/api/rbac/users/{_NAME}/lab/workspaces", UserLabWorkspacesHandler),
    (rf"/api/rbac/users/{_NAME}/lab/workspaces/(?P<workspace>.+)", UserLabWorkspacesHandler),
    (r"/api/rbac/lab/defaults", LabDefaultsHandler),
    (rf"/api/rbac/lab/defaults/{_PLUGIN}", LabDefaultHandler),
    (r"/api/rbac/tokens", AllTokensHandler),
    (r"/api/rbac/groups", GroupsHandler),
    (rf"/api/rbac/groups/{_NAME}", GroupHandler),
    (r"/api/rbac/invitations", InvitationsHandler),
    # before the id's pattern, which "preview" would match
    (r"/api/rbac/invitations/preview", InvitationPreviewHandler),
    (r"/api/rbac/invitations/(?P<invitation_id>[^/]+)", InvitationHandler),
    (r"/api/rbac/shares", SharesHandler),
    # before the id's pattern, which "access" and "recipients" would match
    (r"/api/rbac/shares/access", ShareAccessHandler),
    (r"/api/rbac/shares/recipients", ShareRecipientsHandler),
    (r"/api/rbac/shares/(?P<share_id>[^/]+)", ShareHandler),
    (r"/api/rbac/check", CheckHandler),
    (r"/api/rbac/audit", AuditHandler),
    (r"/api/rbac/audit/export", AuditExportHandler),
    (r"/api/rbac/collaborators", CollaboratorsHandler),
    (r"/api/rbac/collaborators/stream", CollaboratorsStreamHandler),
]

__all__ = ["HANDLERS", "MeHandler", "ScopesHandler"]
