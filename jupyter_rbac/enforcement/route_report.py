"""Which scope guards each route a running server has: the check-authorization report.

Walks the tornado router of a server (core, JupyterLab and every extension), makes an example
path for each route, and looks it up in the route table, exactly as a request would be.
"""

from __future__ import annotations

from dataclasses import dataclass

try:  # the regex parser moved in Python 3.11; only this report needs it
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

from tornado.web import RequestHandler

from .routes import DEFAULT_RULE, HARMLESS_HANDLERS, RouteTable

# OPTIONS (CORS pre-flight) is implemented by every Jupyter handler alike: left out of the report.
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class RouteEntry:
    pattern: str
    handler: str
    methods: tuple[str, ...]
    access: str  # "public", "signed-in", "scope", "harmless" or "unmapped"
    scopes: dict[str, str]  # method -> scope, for guarded routes
    via_authorizer: bool
    any_grant: bool = False  # the scope with any filter does (nothing of anyone's is served)

    @property
    def covered(self) -> bool:
        return self.access != "unmapped"

    def describe(self) -> str:
        if self.access in ("public", "signed-in", "harmless"):
            return self.access
        if self.access == "unmapped":
            return "unmapped: needs all"
        text = ", ".join(f"{m} {s}" for m, s in self.scopes.items())
        if self.any_grant:
            return text + " (reads: with any filter)"
        return text + (" (+ object checked by the Authorizer)" if self.via_authorizer else "")


def example_path(pattern: str) -> str:
    """A path the regex matches (first alternatives, one repetition, 'x' for any character)."""
    return _render(sre_parse.parse(pattern))


def _render(parsed) -> str:
    out = []
    for op, value in parsed:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(value))
        elif name == "NOT_LITERAL":
            out.append("x" if chr(value) != "x" else "y")
        elif name == "ANY":
            out.append(".")
        elif name == "IN":
            out.append(_pick_from_set(value))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, _high, item = value
            out.append(_render(item) * max(low, 1))
        elif name == "SUBPATTERN":
            out.append(_render(value[-1]))
        elif name == "BRANCH":
            out.append(_render(value[1][0]))
        elif name == "ATOMIC_GROUP":
            out.append(_render(value))
        # AT (anchors), ASSERT, ASSERT_NOT, GROUPREF: contribute nothing
    return "".join(out)


def _pick_from_set(items) -> str:
    negated = any(str(op) == "NEGATE" for op, _ in items)
    if negated:
        excluded = {chr(v) for op, v in items if str(op) == "LITERAL"}
        return next(c for c in "xyz0" if c not in excluded)
    for op, value in items:
        name = str(op)
        if name == "LITERAL":
            return chr(value)
        if name == "RANGE":
            return chr(value[0])
        if name == "CATEGORY":
            return "0" if "DIGIT" in str(value) else "x"
    return "x"


def handler_methods(cls: type) -> tuple[str, ...]:
    """The HTTP methods a handler class implements itself (not tornado's 405 defaults)."""
    return tuple(
        method
        for method in HTTP_METHODS
        if getattr(cls, method.lower(), None) is not getattr(RequestHandler, method.lower(), None)
    )


def iter_routes(web_app):
    """(pattern, handler class) for every route of the application, nested routers included."""
    pending = [web_app.wildcard_router, web_app.default_router]
    seen: set[tuple[str, type]] = set()
    while pending:
        router = pending.pop(0)
        for rule in router.rules:
            target = rule.target
            if hasattr(target, "rules"):
                pending.append(target)
            elif isinstance(target, type):
                regex = getattr(rule.matcher, "regex", None)
                if regex is not None and (regex.pattern, target) not in seen:
                    seen.add((regex.pattern, target))
                    yield regex.pattern, target


def route_report(web_app, table: RouteTable) -> list[RouteEntry]:
    entries = []
    for pattern, cls in iter_routes(web_app):
        name = f"{cls.__module__}.{cls.__qualname__}"
        path = example_path(pattern.rstrip("$"))
        rule = table.rule_for_path(path)
        methods = handler_methods(cls)
        if name in HARMLESS_HANDLERS:
            access = "harmless"
        elif rule is DEFAULT_RULE:
            access = "unmapped"
        else:
            access = rule.access
        scopes = {m: rule.scope_for(m) for m in methods} if access == "scope" else {}
        relative = table.relative(path)
        shown = pattern if relative is None else pattern.replace(table.base_url.rstrip("/"), "", 1)
        entries.append(
            RouteEntry(shown, name, methods, access, scopes, rule.authorizer, rule.any_grant)
        )
    return sorted(entries, key=lambda e: e.pattern)


def format_report(entries: list[RouteEntry]) -> str:
    width = max((len(e.pattern) for e in entries), default=10)
    lines = [f"{'route'.ljust(width)}  access / scope per method"]
    for entry in entries:
        lines.append(f"{entry.pattern.ljust(width)}  {entry.describe()}    [{entry.handler}]")
    return "\n".join(lines)
