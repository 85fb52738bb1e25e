"""The route table: the scope every URL of the server needs, for the routes no Authorizer guards.

jupyter_server's own REST handlers call the Authorizer; JupyterLab's pages, settings and
workspaces, and many extensions' handlers never do. Every request is looked up here: a route is
public, open to any signed-in user, guarded by a scope, or (unmapped) denied to all but `all`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tornado.httputil import HTTPServerRequest

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class RouteRule:
    """One line of the table.

    access: "public" (no sign-in), "signed-in" (any authenticated user), or "scope".
    resource: the scope's resource; the action comes from the method (`actions`, else read for
        GET/HEAD/OPTIONS and write for the rest).
    authorizer: the handlers call the Authorizer, which checks the object (path, owner); here the
        user then needs the scope on *some* object. Without it, the scope must be unfiltered.
    any_grant: the route serves nothing of any one user's (JupyterLab's pages and themes): to
        read it, the scope on some object is all it takes (`lab` is held filtered to one's own);
        writing still needs the scope unfiltered.
    """

    pattern: str
    access: str
    resource: str | None = None
    actions: dict[str, str] = field(default_factory=dict)
    authorizer: bool = False
    note: str = ""
    any_grant: bool = False

    def action_for(self, method: str) -> str:
        return self.actions.get(method) or ("read" if method in READ_METHODS else "write")

    def scope_for(self, method: str) -> str | None:
        if self.access != "scope":
            return None
        return f"{self.action_for(method)}:{self.resource}"

    def describe(self) -> str:
        if self.access != "scope":
            return self.access
        methods: dict[str, list[str]] = {}
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            methods.setdefault(self.scope_for(method) or "", []).append(method)
        return ", ".join(f"{'/'.join(m)}: {scope}" for scope, m in methods.items())


def _public(pattern: str, note: str) -> RouteRule:
    return RouteRule(pattern, "public", note=note)


def _signed_in(pattern: str, note: str) -> RouteRule:
    return RouteRule(pattern, "signed-in", note=note)


def _scope(
    pattern: str, resource: str, note: str, authorizer: bool = False, **actions: str
) -> RouteRule:
    return RouteRule(pattern, "scope", resource, dict(actions), authorizer, note)


def _any_grant(pattern: str, resource: str, note: str, **actions: str) -> RouteRule:
    return RouteRule(pattern, "scope", resource, dict(actions), False, note, any_grant=True)


# Paths are relative to the server's base_url, without the leading slash of the base.
_LAB_ADMIN = {"POST": "execute", "PUT": "execute", "PATCH": "execute", "DELETE": "execute"}

ROUTE_TABLE: tuple[RouteRule, ...] = (
    # -- public: assets and the way in -----------------------------------------------------------
    _public(r"/static/.*", "the server's static files"),
    _public(r"/lab/extensions/.*", "prebuilt JupyterLab extensions' code"),
    _public(r"/(favicon\.ico|robots\.txt)", "icon and robots file"),
    _public(r"/login", "the login page"),
    _public(r"/logout", "signing out"),
    _public(r"/rbac/invite", "accepting an invitation (the link's code is the credential)"),
    _public(r"/rbac/oidc/callback", "the OpenID Connect login's return from the issuer"),
    _public(r"/oauth_callback", "JupyterHub's OAuth login's return to a single-user server"),
    _public(r"/api", "the server's version (Jupyter's public API root)"),
    # -- any signed-in user -----------------------------------------------------------------------
    _signed_in(r"/", "redirects to the default page"),
    _signed_in(r"/api/me", "who you are; permissions asked here go through the Authorizer"),
    _signed_in(r"/api/notebooks(/.*)?", "redirects to /api/contents, which is guarded"),
    _signed_in(
        r"/api/rbac/me(/password|/sessions)?", "your own identity, profile, password and sessions"
    ),
    # -- jupyter_server: the Authorizer checks the object -----------------------------------------
    _scope(r"/api/contents(/.*)?", "contents", "files, folders, checkpoints, trust", True),
    _scope(r"/files/.*", "contents", "raw files", True),
    _scope(r"/view(/.*)?", "contents", "files shown in the browser", True),
    # starting, restarting or interrupting a kernel runs (or stops) code: `execute`, whatever the
    # handler asks (the Authorizer judges the kernel for at least the action the table asks)
    _scope(r"/api/kernels(/.*)?", "kernels", "kernels, their websocket", True, POST="execute"),
    # a session that starts a kernel also needs `execute:kernels` (the Authorizer: _session_needs)
    _scope(r"/api/sessions(/.*)?", "sessions", "sessions (creating one starts a kernel)", True),
    _scope(r"/api/terminals(/.*)?", "terminals", "terminals", True),
    _scope(r"/terminals/websocket/.*", "terminals", "a terminal's websocket", True),
    _scope(r"/api/kernelspecs(/.*)?", "kernelspecs", "kernel types", True),
    _scope(r"/kernelspecs/.*", "kernelspecs", "kernel types' logos and resources", True),
    _scope(r"/api/config/.*", "config", "frontend configuration", True),
    _scope(r"/api/nbconvert", "nbconvert", "export formats", True),
    # these exporters run a browser or TeX on the notebook as the server's user, outside any
    # sandbox (webpdf loads it as a file:// page: an iframe there reads any local file)
    _scope(
        r"/nbconvert/(webpdf|pdf|qtpdf|qtpng)(/.*)?",
        "server",
        "exporting through a browser or TeX, which runs unconfined",
        GET="execute",
        POST="execute",
    ),
    _scope(r"/nbconvert/.*", "nbconvert", "exporting a notebook", True),
    _scope(r"/api/events", "events", "emitting events", True),
    _scope(r"/api/events/subscribe", "events", "the event stream websocket", True),
    _scope(
        r"/api/(status|spec\.yaml|resolvePath)", "api", "status, API spec, path resolution", True
    ),
    _scope(r"/api/shutdown", "server", "shutting the server down", True),
    _scope(r"/api/security/csp-report", "csp", "browsers' CSP violation reports", True),
    _scope(r"/metrics", "api", "Prometheus metrics"),
    # -- jupyter-collaboration and jupyter-server-fileid: the Authorizer checks the document ----------
    # opening a document's session only looks its file id up: reading (rooms drop readers' edits)
    _scope(
        r"/api/collaboration/session/.*",
        "contents",
        "opening a document for collaboration",
        True,
        PUT="read",
    ),
    _scope(
        r"/api/collaboration/(room|fork|timeline|undo_redo)/.*",
        "contents",
        "collaboration rooms, forks, history",
        True,
    ),
    _scope(r"/api/fileid/(id|path)", "contents", "file ids", True),
    _scope(r"/lsp/.*", "lsp", "language servers (jupyter-lsp)", True),
    # -- jupyter-rbac's own API: its handlers call the Authorizer ------------------------------------
    _signed_in(
        r"/api/rbac/scopes(/parts)?", "the scope catalog, scopes parsed (no data of anyone's)"
    ),
    _signed_in(
        r"/api/rbac/(roles|users|groups|tokens|invitations|shares|check|audit)(/.*)?",
        "policy administration: each handler checks the scope for the object (write:roles, "
        "read:users!user=..., ...)",
    ),
    _scope(
        r"/api/rbac/collaborators(/stream)?",
        "collaborators",
        "who is connected, and to which documents the reader may read",
    ),
    _signed_in(
        r"/api/rbac/lab/defaults(/.*)?",
        "JupyterLab's server-wide default settings: read:lab to read, write:lab to change",
    ),
    # -- JupyterLab: never calls the Authorizer; settings and workspaces are each user's own ---------
    _any_grant(r"/(lab|doc)(/workspaces/[^/]+)?(/tree/.*)?", "lab", "JupyterLab's pages"),
    _scope(
        r"/lab/api/settings(/.*)?",
        "lab",
        "your own settings (jupyter-rbac's handler: read:lab / write:lab on yourself)",
        True,
    ),
    _scope(
        r"/lab/api/workspaces(/.*)?",
        "lab",
        "your own workspaces (jupyter-rbac's handler: read:lab / write:lab on yourself)",
        True,
    ),
    _any_grant(
        r"/lab/api/translations(/.*)?", "lab", "translations (in your own settings' language)"
    ),
    _any_grant(
        r"/lab/api/(themes|licenses|listings)/.*", "lab", "themes, licenses, extension listings"
    ),
    _any_grant(r"/lab/api/(news|update)", "lab", "announcements"),
    # JupyterLab asks every user whether a build is needed: reading is opening JupyterLab
    _any_grant(
        r"/lab/api/(build|extensions|plugins)",
        "lab",
        "building, installing, enabling (reading: the build's and extensions' state)",
        **_LAB_ADMIN,
    ),
    _any_grant(r"/lab/(?!api/).*", "lab", "JupyterLab's other pages (its not-found page)"),
)

# Handlers that only redirect or render an error page: harmless on any path.
HARMLESS_HANDLERS = frozenset(
    {
        "jupyter_server.base.handlers.TrailingSlashHandler",
        "jupyter_server.base.handlers.Template404",
        "tornado.web.ErrorHandler",
    }
)

# What an unmapped route needs: nothing short of everything.
DEFAULT_RULE = RouteRule(r".*", "scope", "*", note="not in the table: only holders of `all`")


class RouteTable:
    """Finds the rule of a request path; remembers recent answers (paths repeat a lot)."""

    def __init__(self, rules: tuple[RouteRule, ...] = ROUTE_TABLE, base_url: str = "/"):
        self.rules = rules
        self.base_url = "/" + base_url.strip("/") + "/" if base_url.strip("/") else "/"
        self._compiled = [(re.compile(rule.pattern + r"\Z"), rule) for rule in rules]
        self._cache: dict[str, RouteRule] = {}

    def relative(self, path: str) -> str | None:
        """The path below base_url ("/lab" for "{base}lab"), or None if it is outside."""
        if path == self.base_url.rstrip("/"):
            return "/"
        if not path.startswith(self.base_url):
            return None
        return "/" + path[len(self.base_url) :]

    def rule_for_path(self, path: str) -> RouteRule:
        rule = self._cache.get(path)
        if rule is None:
            rule = self._lookup(path)
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[path] = rule
        return rule

    def rule_for(self, request: HTTPServerRequest) -> RouteRule:
        return self.rule_for_path(request.path)

    def _lookup(self, path: str) -> RouteRule:
        relative = self.relative(path)
        if relative is None:
            # Outside base_url the server serves only assets (favicon, robots.txt): public rules only.
            for regex, rule in self._compiled:
                if rule.access == "public" and regex.match(path):
                    return rule
            return DEFAULT_RULE
        for regex, rule in self._compiled:
            if regex.match(relative):
                return rule
        return DEFAULT_RULE


def rules_from_config(entries: list[dict]) -> tuple[RouteRule, ...]:
    """Route rules from `c.RBAC.extra_routes`; raises ValueError naming the bad entry."""
    rules = []
    for entry in entries:
        keys = {"pattern", "access", "resource", "actions", "authorizer", "any_grant", "note"}
        unknown = set(entry) - keys
        if unknown or "pattern" not in entry:
            raise ValueError(
                f"RBAC.extra_routes: {entry!r}: needs 'pattern'; unknown keys {sorted(unknown)}"
            )
        access = entry.get("access", "scope")
        if access not in ("public", "signed-in", "scope"):
            raise ValueError(f"RBAC.extra_routes: {entry!r}: access is public, signed-in or scope")
        if access == "scope" and not entry.get("resource"):
            raise ValueError(f"RBAC.extra_routes: {entry!r}: a guarded route needs a 'resource'")
        try:
            re.compile(entry["pattern"])
        except re.error as error:
            raise ValueError(f"RBAC.extra_routes: {entry!r}: bad pattern: {error}") from error
        rules.append(
            RouteRule(
                entry["pattern"],
                access,
                entry.get("resource"),
                dict(entry.get("actions", {})),
                bool(entry.get("authorizer", False)),
                entry.get("note", "from RBAC.extra_routes"),
                # an extension's page under `lab` is for whoever may open JupyterLab
                any_grant=bool(entry.get("any_grant", entry.get("resource") == "lab")),
            )
        )
    return tuple(rules)
