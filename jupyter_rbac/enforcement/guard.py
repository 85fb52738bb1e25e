"""The route guard: every request, on every route, passes the route table before its handler runs.

Installed on the tornado Application's one dispatch point (`get_handler_delegate`), so it also
covers handlers that extensions add later. Each handler class is wrapped once in a subclass that
(1) refreshes the policy, (2) checks the route's scope after authentication, (3) answers a
denial as JSON naming the missing scope, (4) filters listings on the way out, (5) tells the
presence registry who was let in (and which websockets they hold open), and (6) makes each
websocket judge itself again at every message and on a timer (`websockets`, through the
mixins `GuardedWebsocket` and `GuardedEventSubscription`), the event stream at every event.
Some handler classes are dispatched as a subclass of ours instead (`substitutes`:
jupyter-collaboration's room). What the guard and the Authorizer learn
about a request lives in its `RequestContext` (context.py), made when the handler is.
"""

from __future__ import annotations

import inspect
import json
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from jupyter_server.base.handlers import APIHandler, JupyterHandler
from jupyter_server.services.events.handlers import SubscribeWebsocket
from sqlalchemy.exc import SQLAlchemyError
from tornado import web
from tornado.log import app_log
from tornado.websocket import WebSocketHandler

from .activity import Activity
from .bad_input import FILE_RESOURCES, bad_input_answer, require_json_object
from .contents_check import begin_request
from .context import RequestContext
from .core_bodies import require_body_shape
from .event_stream import (
    may_see,
    permissions_seen,
    refuse_forged_events,
    tell_of_changed_permissions,
)
from .handler_kinds import HandlerKind, kind_of
from .listings import forget_deleted, shape_response
from .routes import DEFAULT_RULE, HARMLESS_HANDLERS, RouteTable
from .websockets import OpenWebsockets, keep_open

if TYPE_CHECKING:
    from ..collaboration.presence import Presence
    from ..policy import Policy
    from .authorizer import RBACAuthorizer


class PolicyUnavailable(web.HTTPError):
    """503: the policy database cannot be read, so nothing is allowed (fail closed)."""

    def __init__(self) -> None:
        super().__init__(
            503,
            "The access policy cannot be read: every request is refused until its database is back.",
        )


class ScopeDenied(web.HTTPError):
    """403 because the user lacks `missing_scope`."""

    def __init__(self, missing_scope: str):
        self.missing_scope = missing_scope
        super().__init__(403, f"Forbidden: you need the scope {missing_scope}")


def _qualified_name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


class RouteGuard:
    """Decides, for each request, whether its route lets this user through."""

    def __init__(
        self,
        table: RouteTable,
        policy: Policy,
        authorizer: RBACAuthorizer,
        presence: Presence | None = None,
        substitutes: dict[type, type] | None = None,
        activity: Activity | None = None,
    ):
        self.table = table
        self.policy = policy
        self.authorizer = authorizer
        self.presence = presence
        self.activity = activity
        self.substitutes = substitutes or {}
        self.websockets = OpenWebsockets()
        self._wrapped: dict[type, type] = {}
        self._harmless: set[type] = set()  # wrapped classes of HARMLESS_HANDLERS
        # jupyter_server's bare `@authorized` methods (see `_note_bare_authorized`)
        self.bare_authorized: set[Any] = set()
        self._outage: str | None = None  # what went wrong, while the policy database is away

    def unavailable(self, error: Exception) -> PolicyUnavailable:
        """Refuse a request because the policy cannot be read; say so in the log once per outage."""
        if self._outage is None:
            self._outage = str(error).splitlines()[0] if str(error) else type(error).__name__
            app_log.error(
                "jupyter-rbac cannot read the access policy (%s): every request is refused (503) "
                "until the database is back; `jupyter rbac` works on the database directly.",
                self._outage,
            )
        return PolicyUnavailable()

    def available(self) -> None:
        if self._outage is not None:
            self._outage = None
            app_log.warning(
                "jupyter-rbac reads the access policy again: requests are decided as before."
            )

    def install(self, web_app: web.Application) -> None:
        dispatch = web_app.get_handler_delegate

        def guarded_dispatch(
            request, target_class, target_kwargs=None, path_args=None, path_kwargs=None
        ):
            return dispatch(
                request, self.guarded(target_class), target_kwargs, path_args, path_kwargs
            )

        web_app.get_handler_delegate = guarded_dispatch  # type: ignore[method-assign]

    def guarded(self, cls: type) -> type:
        """`cls` (or its substitute) wrapped by the guard (one subclass per class, made on first use)."""
        cls = self.substitutes.get(cls, cls)
        wrapped = self._wrapped.get(cls)
        if wrapped is None:
            if issubclass(cls, GuardedHandler) and cls.route_guard is self:
                return cls
            attributes = {
                "__module__": cls.__module__,
                "__qualname__": cls.__qualname__,
                "__doc__": cls.__doc__,
                "route_guard": self,
            }
            wrapped = type(cls.__name__, (_guard_for(cls), cls), attributes)
            self._wrapped[cls] = wrapped
            if _qualified_name(cls) in HARMLESS_HANDLERS:
                self._harmless.add(wrapped)
            self._note_bare_authorized(cls)
        return wrapped

    def _note_bare_authorized(self, cls: type) -> None:
        """Remember the methods decorated with a bare `@authorized` (no action, no resource).

        Such a method fixes its action and resource at its first call, from whichever handler
        class called first: a subclass with another `auth_resource`, or another HTTP method
        sharing the function, would then be judged for the wrong thing. Seen here, before any
        call of `cls` (every request is dispatched through the guard), they are still unset;
        the Authorizer then judges each call by the handler's own resource and method.
        """
        for name in ("get", "head", "post", "put", "patch", "delete", "options"):
            function = getattr(cls, name, None)
            if function is None or function in self.bare_authorized:
                continue
            if any(_is_bare_authorized(layer) for layer in _layers(function)):
                # as the class has it (maybe wrapped in @web.authenticated too)
                self.bare_authorized.add(function)

    def check(self, handler: web.RequestHandler) -> None:
        """Raise ScopeDenied (403) unless the route's rule lets this request's user through."""
        rule = self.table.rule_for(handler.request)
        if rule.access == "public" or type(handler) in self._harmless:
            return
        user = handler.current_user if isinstance(handler, JupyterHandler) else None
        if not user:
            raise web.HTTPError(403, "Forbidden: sign in first")
        if rule.access == "signed-in":
            return
        permissions = self.authorizer.permissions_for(handler, user)
        action = rule.action_for(handler.request.method or "GET")
        if rule is DEFAULT_RULE or rule.resource == "*":
            allowed = permissions.is_all
            missing = "all"
        elif rule.authorizer or (rule.any_grant and action == "read"):
            # the handler's Authorizer call judges the object, or there is none to judge (a
            # page to read): here, any grant of the scope at all
            allowed = permissions.allows_some(action, rule.resource)
            missing = f"{action}:{rule.resource}"
        else:
            allowed = permissions.allows(action, rule.resource)
            missing = f"{action}:{rule.resource}"
        if not allowed:
            raise ScopeDenied(missing)

    def record_denial(self, handler: web.RequestHandler, missing_scope: str) -> None:
        """Put a denied request in the audit trail (and so in the event stream).

        Its texts are clipped, and one user's refusals of one kind repeated within a few seconds
        are counted into one row (`Store.record_event`): a flood of refusals cannot grow the
        database.
        """
        user = handler.current_user if isinstance(handler, JupyterHandler) else None
        request = handler.request
        try:
            self.policy.store.record_event(
                getattr(user, "username", "") or "",
                "request.denied",
                f"{request.method} {request.path}",
                # a kind of refusal: its method and the scope without its filter (a flood of
                # paths is one row; a refused save is not hidden behind refused layout saves)
                coalesce=f"{request.method} {missing_scope.partition('!')[0]}",
                missing_scope=missing_scope,
            )
        except Exception:  # noqa: BLE001  # the 403 must still go out if the trail cannot be written
            app_log.exception("jupyter-rbac: could not record a denied request")


def _guard_for(cls: type) -> type:
    """The guard's mixin for a handler class: a websocket's is judged again while it is open."""
    if issubclass(cls, SubscribeWebsocket):
        return GuardedEventSubscription
    if issubclass(cls, WebSocketHandler):
        return GuardedWebsocket
    return GuardedHandler


class GuardedHandler:
    """Mixed in before a handler class by RouteGuard.guarded; never used on its own."""

    route_guard: ClassVar[RouteGuard]  # set on each guarded subclass
    rbac_context: RequestContext

    def __init__(self, application: Any, request: Any, **kwargs: Any) -> None:
        self.rbac_context = RequestContext(guard=self.route_guard)
        super().__init__(application, request, **kwargs)  # type: ignore[call-arg]

    async def prepare(self, *args: Any, **kwargs: Any) -> None:
        guard = self.route_guard
        context = self.rbac_context
        context.prepared = True
        upgrade = _is_websocket_upgrade(self)
        context.websocket = upgrade and isinstance(self, WebSocketHandler)
        if not context.websocket:  # the paths the Authorizer allows, for contents_check
            context.judged = begin_request()
        try:
            guard.policy.refresh()  # once per request: see changes made by any process
            result = super().prepare(*args, **kwargs)  # type: ignore[misc]
            if inspect.isawaitable(result):
                await result
        except SQLAlchemyError as error:  # the database is away: fail closed, never guess
            raise guard.unavailable(error) from None
        guard.available()
        if self._finished:  # type: ignore[attr-defined]  # e.g. redirected to the login page
            return
        if upgrade and not _same_origin(self):
            raise CrossOriginWebsocket(self)
        guard.check(self)  # type: ignore[arg-type]
        require_json_object(self)
        require_body_shape(self)  # core and extension routes: core_bodies.BODY_SHAPES
        refuse_forged_events(self)
        user = getattr(self, "current_user", None)
        if guard.presence is not None and user:
            guard.presence.seen(user)
        if guard.activity is not None and user:
            guard.activity.saw(user.username, context.token_id)

    @property
    def token(self) -> str | None:
        """jupyter_server writes the server's token into every HTML page it renders for a
        signed-in user. Under JupyterHub that is the Hub's token of the owner's server: a visitor
        would read it from a 404 page. Pages never carry it (JupyterLab's page gets the user's
        own token from JupyterHub's page-config hook)."""
        own = getattr(super(), "token", None)
        return "" if hasattr(getattr(self, "identity_provider", None), "hub_auth") else own

    def on_finish(self) -> None:
        judged = self.rbac_context.judged
        if judged is not None:  # work the request left behind is the server's own, not checked
            judged.answering = False
        super().on_finish()  # type: ignore[misc]

    def finish(self, chunk: Any = None) -> Any:
        policy = self.route_guard.policy
        if isinstance(chunk, (str, bytes)) and chunk and not self.rbac_context.finishing_error:
            chunk = shape_response(self, policy, chunk)  # type: ignore[arg-type]
        if self.request.method == "DELETE":  # type: ignore[attr-defined]
            forget_deleted(self, policy)  # type: ignore[arg-type]
        return super().finish(chunk)  # type: ignore[misc]

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exception = kwargs.get("exc_info", (None, None, None))[1]
        context = self.rbac_context
        if not context.prepared and not isinstance(self, APIHandler):
            # refused before anything ran (tornado could not decode the URL): no user is known,
            # so jupyter_server's error page cannot be drawn; say why in JSON
            message = getattr(exception, "log_message", None) or self._reason  # type: ignore[attr-defined]
            self.set_header("Content-Type", "application/json")  # type: ignore[attr-defined]
            self.finish(json.dumps({"message": message, "reason": self._reason}))  # type: ignore[attr-defined]
            return
        if isinstance(exception, SQLAlchemyError):  # lost the database in the middle of a request
            self.route_guard.unavailable(exception)
            self.set_status(503)
            status_code = 503
            kwargs["exc_info"] = (PolicyUnavailable, PolicyUnavailable(), None)
            exception = kwargs["exc_info"][1]
        on_files = self.route_guard.table.rule_for(self.request).resource in FILE_RESOURCES  # type: ignore[attr-defined]
        answer = bad_input_answer(exception, on_files)
        if answer is not None:  # bad input a handler let escape: a 4xx saying why, never a 500
            status_code = answer.status_code
            self.set_status(status_code)  # type: ignore[attr-defined]
            kwargs["exc_info"] = (type(answer), answer, None)
            exception = answer
        missing = getattr(exception, "missing_scope", None) or context.missing_scope
        context.finishing_error = True
        if status_code == 403 and missing:
            self.route_guard.record_denial(self, missing)  # type: ignore[arg-type]
        if status_code == 403 and missing and self._wants_json():
            # our own API explains escalations in its own words; everything else names the scope
            message = (
                getattr(exception, "rbac_message", None)
                or f"Forbidden: you need the scope {missing}"
            )
            self.set_header("Content-Type", "application/json")  # type: ignore[attr-defined]
            self.finish(
                json.dumps({"message": message, "reason": "Forbidden", "missing_scope": missing})
            )
            return
        if status_code == 403 and missing and isinstance(exception, web.HTTPError):
            exception.log_message = f"Forbidden: you need the scope {missing}"
        super().write_error(status_code, **kwargs)  # type: ignore[misc]

    def _request_summary(self) -> str:
        """The request as tornado's warning and error lines name it, its URI scrubbed of secrets
        (tokens, invitation codes) by the rule and keys of jupyter_server's access line."""
        from jupyter_server.log import _scrub_uri  # that line's own rule: the two never disagree

        request = self.request  # type: ignore[attr-defined]
        keys = self.settings.get("extra_log_scrub_param_keys", [])  # type: ignore[attr-defined]
        return f"{request.method} {_scrub_uri(request.uri, keys)} ({request.remote_ip})"

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if isinstance(value, web.HTTPError):
            return super().log_exception(typ, value, tb)  # type: ignore[misc]  # via the summary above
        # tornado's own line would add repr(self.request), whose URI is not scrubbed
        app_log.error("Uncaught exception %s", self._request_summary(), exc_info=(typ, value, tb))
        return None

    def _wants_json(self) -> bool:
        """JSON for APIs and scripts; an HTML error page for a browser navigating to a page."""
        if isinstance(self, APIHandler):
            return True
        return "text/html" not in self.request.headers.get("Accept", "")  # type: ignore[attr-defined]


# What the presence registry calls a websocket, by its handler.
PRESENCE_KINDS = {
    HandlerKind.KERNEL_CHANNELS: "kernel",
    HandlerKind.TERMINAL_SOCKET: "terminal",
    HandlerKind.EVENTS: "events",
    HandlerKind.ROOM: "document",
    HandlerKind.READ_ONLY_ROOM: "document",
    HandlerKind.LANGUAGE_SERVER: "language-server",
    HandlerKind.COLLABORATORS: "presence",
}


class GuardedWebsocket(GuardedHandler):
    """A websocket under the guard: counted from its `open` to its `on_close` (in the presence
    registry, and among the connections the guard's timer judges again), and judged again
    before each message it receives (`websockets.keep_open`). A refused upgrade never opens."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        guard, context = self.route_guard, self.rbac_context
        guard.websockets.add(self)
        user = getattr(self, "current_user", None)
        presence = guard.presence
        if presence is not None and user and not getattr(self, "tracks_own_presence", False):
            kind = PRESENCE_KINDS.get(kind_of(self), "other")
            context.presence_connection = presence.connect(user, kind)
        return super().open(*args, **kwargs)  # type: ignore[misc]

    def on_message(self, message: Any) -> Any:
        if not keep_open(self, self.route_guard):
            return None  # closed: the message is dropped
        return super().on_message(message)  # type: ignore[misc]

    def judged_again(self) -> None:
        """The guard judged the connection again (its timer, or a document moved) and kept it
        open: the handler below may follow what changed (a room, its document's new path)."""
        follow = getattr(super(), "judged_again", None)
        if follow is not None:
            follow()

    def on_close(self) -> Any:
        guard, context = self.route_guard, self.rbac_context
        guard.websockets.discard(self)
        if context.presence_connection is not None and guard.presence is not None:
            guard.presence.disconnect(context.presence_connection)
            context.presence_connection = None
        return super().on_close()  # type: ignore[misc]


class GuardedEventSubscription(GuardedWebsocket):
    """jupyter_server's event stream: each event goes out only to a subscriber who may read what
    it is about (event_stream.py), after the subscription is judged again; and the subscriber
    hears when its user's permissions change (at the timer's look, and before any event)."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        self.rbac_context.permissions_told = permissions_seen(self)
        return super().open(*args, **kwargs)

    def judged_again(self) -> None:
        context = self.rbac_context
        context.permissions_told = tell_of_changed_permissions(self, context.permissions_told)

    async def event_listener(self, logger: Any, schema_id: str, data: dict[str, Any]) -> None:
        guard = self.route_guard
        if not keep_open(self, guard):
            return
        self.judged_again()  # a notice of changed permissions goes before what they decide
        if may_see(self, guard, schema_id, data):
            await super().event_listener(logger, schema_id, data)  # type: ignore[misc]


class CrossOriginWebsocket(web.HTTPError):
    """403: a websocket opened by a page of another origin with the user's cookie."""

    def __init__(self, handler: Any):
        origin = handler.request.headers.get("Origin")
        app_log.warning(
            "jupyter-rbac refused a websocket to %s from another origin (%s)",
            handler.request.path,
            origin,
        )
        super().__init__(403, "Forbidden: a websocket from another origin")


def _same_origin(handler: Any) -> bool:
    """jupyter_server's own Origin rule for every websocket, whatever the handler's class says of
    itself (jupyter-collaboration's room accepts every origin): the page's origin is the
    server's, or one `allow_origin`/`allow_origin_pat` names; requests with a token (not ambient,
    unlike a cookie) and requests without an Origin (scripts) pass, as jupyter_server lets them."""
    if isinstance(handler, JupyterHandler):
        return JupyterHandler.check_origin(handler)
    origin = handler.request.headers.get("Origin")
    return origin is None or WebSocketHandler.check_origin(handler, origin)


def _is_websocket_upgrade(handler: Any) -> bool:
    return handler.request.headers.get("Upgrade", "").lower() == "websocket"


_DECORATOR_FILE = os.path.join("jupyter_server", "auth", "decorator.py")


def _layers(function: Any) -> Iterator[Any]:
    """A decorated function and what it wraps, outermost first (functools.wraps' `__wrapped__`)."""
    seen = 0
    while function is not None and seen < 10:
        yield function
        function = getattr(function, "__wrapped__", None)
        seen += 1


def _is_bare_authorized(function: Any) -> bool:
    """jupyter_server's `@authorized` without arguments, not yet called (its cells still unset)."""
    code = getattr(function, "__code__", None)
    # functools.wraps copies the name of what it wraps; the code object keeps its own
    if code is None or code.co_name != "inner" or not code.co_filename.endswith(_DECORATOR_FILE):
        return False
    cells = dict(zip(code.co_freevars, function.__closure__ or ()))
    if not {"action", "resource", "message", "method"} <= cells.keys():
        return False
    return cells["action"].cell_contents is None and cells["resource"].cell_contents is None
