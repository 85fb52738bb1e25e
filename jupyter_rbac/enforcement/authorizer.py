"""RBACAuthorizer: jupyter_server's Authorizer, answered by the policy.

jupyter_server calls `is_authorized(handler, user, action, resource)` from its handlers. We find
what the request touches (needs.py: a path, or the owner of a kernel, terminal or session, and
the second resource some requests exercise) and ask the user's compiled permissions about each.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from jupyter_server.auth import Authorizer
from jupyter_server.auth.decorator import HTTP_METHOD_TO_AUTH_ACTION
from tornado import web

from ..model import IMPLIED_ACTIONS
from ..model.paths import PathError, normalize_path
from .contents_check import Launch, note_judged, note_launch
from .context import RequestContext, context_of
from .handler_kinds import HandlerKind, kind_of
from .locations import real_location
from .needs import (
    HIDDEN_KIND,
    RESOLVERS,
    Need,
    NoSuchObject,
    Unresolvable,
    api_path,
    generic_path,
    needs_of_request,
)
from .routes import READ_METHODS
from .websockets import remember_question

if TYPE_CHECKING:
    from jupyter_server.auth import User
    from tornado.web import RequestHandler

    from ..identity.hub_connections import HubConnections
    from ..identity.singleuser import HubGrants
    from ..policy import Policy
    from .guard import RouteGuard

# Resources whose scopes can be narrowed to objects; the rest are decided by one look-up.
OBJECT_RESOURCES = frozenset({"contents", "kernels", "sessions", "terminals", "nbconvert"})
# jupyter-collaboration checks `read` before letting a client into a room, then accepts its edits.
# jupyter-rbac dispatches rooms to its CollaborationRoomHandler, which drops the edits of readers
# (collaboration/room_handler.py); should the stock handler ever be reached, entering its room needs `write`.
# Its session PUT only looks up the document's file id: opening a document, i.e. reading it.
# jupyter_server asks `execute` to subscribe to the event stream: that is reading it.
ACTION_FOR_HANDLER = {
    (HandlerKind.ROOM, "read"): "write",
    (HandlerKind.DOCUMENT_SESSION, "write"): "read",
    (HandlerKind.EVENTS, "execute"): "read",
}
# Requests on these may start a kernel or a terminal: the Authorizer notes whom it let do so, for
# the kernel and terminal managers (sandbox.launch). Starting or restarting a kernel is running
# code: it needs `execute:kernels` (the route table asks it of POST under /api/kernels; a session
# that starts a kernel asks it in `_session_needs`).
LAUNCHING_RESOURCES = frozenset({"kernels", "sessions", "terminals"})
# Handlers whose non-GET method only reads (see above).
READING_HANDLERS = frozenset({HandlerKind.DOCUMENT_SESSION})
# Allowed reads remembered per user's permissions before starting over (bounds memory).
MAX_REMEMBERED_DECISIONS = 1024


class RBACAuthorizer(Authorizer):
    """Decides every `@authorized` check of jupyter_server (and extensions) from the RBAC policy."""

    # The jupyter_rbac Policy, set by the extension when it loads. A plain attribute, not a
    # trait: it is read on every request, and trait access costs more than the check itself.
    policy: Policy | None = None
    hub_grants: HubGrants | None = None  # set by the extension; used under JupyterHub only
    hub_connections: HubConnections | None = None  # websockets ask the Hub again (under JupyterHub)

    def is_authorized(
        self, handler: RequestHandler, user: User, action: str, resource: str
    ) -> bool:
        """True if `user` may do `action` on `resource` for this request; False gives a 403.

        On False, the scope that was missing is left in the request's context for the error
        response.
        """
        if self.policy is None:  # the extension did not load: deny rather than guess
            return False
        context = context_of(handler)
        remember_question(context, action, resource)
        if context.permissions is None:
            context.permissions = self.current_permissions(handler, user)
        permissions = context.permissions
        if permissions.is_all:
            if resource in LAUNCHING_RESOURCES and handler.request.method not in READ_METHODS:
                note_launch(_launch(context, user), starts_kernels=True)
            return True
        action, resource = _despite_first_call(handler, context.guard, action, resource)
        kind = kind_of(handler)
        action = ACTION_FOR_HANDLER.get((kind, action), action)
        action = _at_least_the_route_action(handler, context.guard, action, resource)
        if (
            action == "read"
            and handler.request.method not in READ_METHODS
            and kind not in READING_HANDLERS
        ):
            # jupyter_server's @authorized remembers the action of its first call; a method that
            # writes is never judged as a read.
            action = "write"
        if resource not in OBJECT_RESOURCES:
            if permissions.allows(action, resource):
                return True
            return _deny(context, f"{action}:{resource}")
        # Reading a path is decided by the handler, method, action and path alone: remember
        # what these permissions allowed (a user opens the same files again and again).
        remembered = None
        if (
            resource == "contents"
            and handler.request.method in READ_METHODS
            and kind not in RESOLVERS
        ):
            generic = generic_path(handler)
            root = getattr(getattr(handler, "contents_manager", None), "root_dir", None)
            # where the path leads is part of the question: a link may appear or change
            leads = _leads(root, generic)
            remembered = (type(handler), handler.request.method, action, generic, leads)
            if remembered in permissions.decisions:
                note_judged(leads)
                note_judged(api_path(generic) if generic is not None else None)
                return True
        try:
            needs = needs_of_request(self.policy, handler, user.username, action, resource)
        except NoSuchObject as missing:
            return _refuse_hidden(context, permissions, missing.need)
        except Unresolvable as error:
            return _deny(context, str(error))
        for need in needs:
            if not self._allows(handler, permissions, need):
                if need.hides_existence:
                    return _refuse_hidden(context, permissions, need)
                return _deny(context, need.refusal)
        for need in needs:  # for the file manager's own check of the disk paths (contents_check)
            note_judged(need.path)
        # for the kernel and terminal managers (sandbox.launch)
        if resource in LAUNCHING_RESOURCES and handler.request.method not in READ_METHODS:
            starts = any(_starts_kernel(need) for need in needs)
            note_launch(_launch(context, user), starts_kernels=starts)
        # a folder on the way is judged on the disk as it is now (see _allows): never remembered;
        # nor a decision if where the path leads changed while it was judged (a link swapped in:
        # the key would name a state that was not the one judged)
        if remembered is not None and not context.traversal_only and _leads(root, generic) == leads:
            if len(permissions.decisions) >= MAX_REMEMBERED_DECISIONS:
                permissions.decisions.clear()
            permissions.decisions[remembered] = True
        return True

    def permissions_for(self, handler: RequestHandler, user: User):
        """The request's permissions: the user's, narrowed by their token's scopes if it has any.

        Compiled once per policy version; looked up once per request and kept in its context.
        """
        context = context_of(handler)
        if context.permissions is None:
            context.permissions = self.current_permissions(handler, user)
        return context.permissions

    def current_permissions(self, handler: RequestHandler, user: User):
        """The permissions of the policy's current version, never kept in the context: for
        long-lived connections (a collaboration room) that ask again as roles change."""
        context = context_of(handler)
        external = self._external(context, user)
        if context.token_scopes is None:
            return self.policy.permissions(user.username, external)
        return self.policy.token_permissions(user.username, context.token_scopes, external)

    def external_grants(self, handler: RequestHandler, user: User):
        """What the user's identity source adds (an OIDC token's groups and roles, JupyterHub's
        groups and scopes), worked out once per request and kept in its context."""
        return self._external(context_of(handler), user)

    def _external(self, context: RequestContext, user: User):
        external = getattr(user, "external", None)  # an OIDC user's, from their token
        if external is not None:
            return external
        hub_user = getattr(user, "hub_user", None)  # JupyterHub's model of the user
        if context.external is None and self.hub_grants is not None and hub_user is not None:
            context.external = self.hub_grants.of(user)
        return context.external

    def _allows(self, handler: RequestHandler, permissions, need: Need) -> bool:
        if need.leaves_root:
            return permissions.is_all
        if not need.has_object:
            if need.action == "read":
                return permissions.allows_some(need.action, need.resource)
            return permissions.allows(need.action, need.resource)
        owner_groups = self.policy.groups_of(need.owner) if need.owner else ()
        if permissions.allows_object(
            need.action, need.resource, need.path, need.owner, owner_groups
        ):
            return True
        if (
            need.traversal
            and need.path is not None
            and permissions.leads_to_path(need.resource, need.path)
            and _is_folder(handler, need.path)
        ):
            # Enough to list the folder, showing only what leads on; never enough to open a file.
            context_of(handler).traversal_only = True
            return True
        return False


def _despite_first_call(
    handler: RequestHandler, guard: RouteGuard | None, action: str, resource: str
) -> tuple[str, str]:
    """For a bare `@authorized` method (the guard noted it), the action of this request's HTTP
    method and this handler's own resource, whatever an earlier first call fixed."""
    method = handler.request.method or "GET"
    function = getattr(type(handler), method.lower(), None)
    if guard is None or function not in guard.bare_authorized:
        return action, resource
    own = getattr(handler, "auth_resource", None)
    return HTTP_METHOD_TO_AUTH_ACTION.get(method, action), own if isinstance(own, str) else resource


def _at_least_the_route_action(
    handler: RequestHandler, guard: RouteGuard | None, action: str, resource: str
) -> str:
    """The action the route table asks of this request's method, where it asks more than the
    handler does: jupyter_server asks `write` to start or restart a kernel, the table `execute`."""
    if guard is None:
        return action
    rule = guard.table.rule_for(handler.request)
    wanted = rule.actions.get(handler.request.method or "GET")
    stronger = wanted and wanted != action and action in IMPLIED_ACTIONS[wanted]
    if stronger and rule.resource == resource:
        return wanted
    return action


def _starts_kernel(need: Need) -> bool:
    return need.action == "execute" and need.resource == "kernels"


def _leads(root: str | None, raw: str | None) -> str | None:
    if not root or raw is None:
        return raw
    try:
        return real_location(root, normalize_path(raw))
    except PathError:
        return raw  # refused further on as bad input


def _deny(context: RequestContext, scope: str) -> bool:
    context.missing_scope = scope
    return False


def _refuse_hidden(context: RequestContext, permissions, need: Need) -> bool:
    """Refuse an object named by an id as if it did not exist: a 404 to someone who holds the
    scope for other objects (what an unknown id gets), else the scope without the object (its
    owner or path would tell that it exists)."""
    if permissions.allows_some(need.action, need.resource):
        raise web.HTTPError(404, f"No such {HIDDEN_KIND[need.hidden_as or need.resource]}")
    return _deny(context, f"{need.action}:{need.resource}")


def _is_folder(handler: RequestHandler, path: str) -> bool:
    """Is `path` a folder on the disk now? A file or nothing at a path on the way to what the
    user may read is refused alike, before the handler looks (a 403 for a file and a 404 for
    nothing would tell which). Without a disk (another contents manager), the listing's filter
    refuses a file on the way (listings.py)."""
    root = getattr(getattr(handler, "contents_manager", None), "root_dir", None)
    return not root or os.path.isdir(os.path.join(root, path))


def _launch(context: RequestContext, user: User) -> Launch:
    """Who may start a process in this request, with the permissions it was judged by."""
    scopes = context.token_scopes
    return Launch(
        user.username,
        context.permissions,
        tuple(scopes) if scopes is not None else None,
        getattr(user, "external", None) or context.external,
    )
