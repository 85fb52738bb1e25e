"""Every route that takes a body answers a body nested 100,000 deep with a 4xx, never a 500
(a RecursionError): generated from the live route table, so a new route is covered too."""

from __future__ import annotations

import json

import pytest
from tornado.httpclient import AsyncHTTPClient

from jupyter_rbac.enforcement.route_report import example_path, handler_methods, iter_routes
from jupyter_rbac.json_body import BodyError, nesting_exceeds, parse_json_body
from jupyter_rbac.limits import MAX_JSON_DEPTH

pytestmark = pytest.mark.slow  # a server for each test: outside the fast subset

# An object 100,000 levels deep (an array as deep is refused sooner: a body must be an object).
DEEP = '{"a": ' * 100_000 + "1" + "}" * 100_000
# Routes a probe must not reach: one stops the server under test, one starts a JupyterLab build.
NOT_PROBED = {
    "jupyter_server.services.shutdown.ShutdownHandler",
    "jupyterlab.handlers.build_handler.BuildHandler",
}


def body_routes(web_app) -> list[tuple[str, str, str]]:
    """(method, example path, handler) for every route and method that may carry a body."""
    found = []
    for pattern, cls in iter_routes(web_app):
        name = f"{cls.__module__}.{cls.__qualname__}"
        if name in NOT_PROBED:
            continue
        for method in handler_methods(cls):
            if method in ("POST", "PUT", "PATCH"):
                found.append((method, example_path(pattern.rstrip("$")), name))
    return found


@pytest.fixture
def probes(jp_serverapp, rbac, jp_root_dir):
    (jp_root_dir / "x").write_text("a file the contents routes find")
    return body_routes(jp_serverapp.web_app)


@pytest.fixture(params=["admin", "runner"])
def client(request):
    """An administrator (decided without reading bodies) and a runner (the Authorizer reads some)."""
    return request.getfixturevalue(request.param)


async def test_a_deeply_nested_body_is_never_a_500(client, probes, jp_http_port):
    """Some routes answer 500 to these made-up paths whatever the body (jupyter_server's own
    errors, e.g. restarting a kernel that does not exist): a nesting failure is a 500 that the
    same request with a plain body does not give."""
    http = AsyncHTTPClient()
    assert len(probes) > 30  # core, JupyterLab, collaboration and ours
    failures = []
    for method, path, handler in probes:
        statuses = []
        for body in (DEEP, "{}"):
            response = await http.fetch(
                f"http://127.0.0.1:{jp_http_port}{path}",
                method=method,
                body=body,
                headers={**client.headers, "Content-Type": "application/json"},
                raise_error=False,
            )
            statuses.append(response.code)
        if statuses[0] >= 500 and statuses[1] < 500:
            failures.append(
                f"{method} {path} [{handler}]: {statuses[0]} (a plain body: {statuses[1]})"
            )
    assert failures == [], "\n".join(failures)


@pytest.mark.parametrize(
    "method,parts",
    [
        ("POST", ("api", "rbac", "roles")),
        ("PATCH", ("api", "rbac", "me")),
        ("POST", ("api", "rbac", "check")),
        ("POST", ("api", "contents")),  # the Authorizer reads it (copy_from)
        ("PATCH", ("api", "contents", "x")),  # the Authorizer reads it (the new path)
        ("POST", ("api", "sessions")),  # the Authorizer reads it (path, kernel)
    ],
)
async def test_our_bodies_and_those_the_authorizer_reads_say_why(
    runner, jp_root_dir, method, parts
):
    (jp_root_dir / "x").write_text("x")
    status, body = await runner.request(method, *parts, body=DEEP)
    assert status == 400, (status, body)
    assert f"nests deeper than {MAX_JSON_DEPTH} levels" in body["message"]


def test_the_depth_limit_is_exact():
    at_limit = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert parse_json_body(at_limit) is not None
    with pytest.raises(BodyError, match="nests deeper"):
        parse_json_body("[" + at_limit + "]")
    assert not nesting_exceeds({"a": [{"b": 1}]}, 3) and nesting_exceeds({"a": [{"b": []}]}, 3)
    assert parse_json_body(json.dumps({"a": 1})) == {"a": 1} and parse_json_body(b"  ") is None


async def test_an_extension_that_parses_its_own_body_answers_400_too(admin):
    """JupyterLab's settings route calls json.loads itself: the guard turns its RecursionError
    into a 400 naming the problem."""
    status, body = await admin.put(
        "lab", "api", "settings", "@jupyterlab/apputils-extension:themes", body=DEEP
    )
    assert status == 400, (status, body)
    assert "nests deeper" in body["message"]
