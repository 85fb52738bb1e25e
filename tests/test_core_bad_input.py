"""A malformed body on a core or extension route (jupyter_server's REST API, JupyterLab's
workspaces and settings, collaboration's document sessions, nbconvert) is a 400 naming the field,
for every user, and changes nothing (attacker finding F5). The bad bodies are generated from the
table of shapes (core_bodies.BODY_SHAPES), so a route added to it is attacked here too."""

from __future__ import annotations

import copy
import json

import pytest
from tornado.httpclient import AsyncHTTPClient

from jupyter_rbac.enforcement.core_bodies import BODY_SHAPES, BodyShape, body_problem, shape_for
from jupyter_rbac.enforcement.route_report import example_path, iter_routes

NOTEBOOK = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}

# What JupyterLab 4 (and its collaborative drive) sends on each route of the table: these must
# pass. A row added to the table needs its own line here (test_every_shape_has_an_example).
SENT_BY_JUPYTERLAB: dict[tuple[str, str], list[dict]] = {
    ("ContentsHandler", "PUT"): [
        {"type": "notebook", "format": "json", "content": NOTEBOOK},
        {"type": "file", "format": "text", "content": "hello"},
        {"type": "file", "format": "base64", "content": "aGk=", "name": "a.bin", "chunk": 1},
        {"type": "directory"},
        {  # a whole model, as a GET returned it
            "name": "a.txt",
            "path": "a.txt",
            "type": "file",
            "format": "text",
            "content": "x",
            "mimetype": None,
            "writable": True,
            "created": "2024-01-01T00:00:00Z",
            "last_modified": "2024-01-01T00:00:00Z",
            "size": None,
            "hash": None,
        },
    ],
    ("ContentsHandler", "POST"): [
        {"path": "folder", "type": "notebook"},
        {"path": "folder", "type": "file", "ext": ".py"},
        {"copy_from": "folder/a.ipynb"},
        {},
    ],
    ("ContentsHandler", "PATCH"): [{"path": "folder/b.ipynb"}],
    ("SessionRootHandler", "POST"): [
        {"path": "a.ipynb", "type": "notebook", "name": "a.ipynb", "kernel": {"name": "python3"}},
        {"path": "a.ipynb", "type": "notebook", "name": "", "kernel": {"id": "abc"}},
        {"path": "console-1", "type": "console", "name": "Console 1"},
    ],
    ("SessionHandler", "PATCH"): [
        {"path": "b.ipynb"},
        {"name": "b.ipynb"},
        {"type": "file"},
        {"kernel": {"name": "python3"}},
        {"kernel": {"id": "abc"}},
    ],
    ("MainKernelHandler", "POST"): [{"name": "python3"}, {}, {"name": "python3", "path": "f"}],
    ("TerminalRootHandler", "POST"): [{}, {"name": "1"}, {"cwd": "folder"}],
    ("DocSessionHandler", "PUT"): [{"format": "json", "type": "notebook"}],
    ("WorkspacesHandler", "PUT"): [
        {"data": {"layout-restorer:data": {}}, "metadata": {"id": "default"}},
        {"data": {}, "metadata": {"id": "/lab/workspaces/x", "last_modified": "now"}},
    ],
    ("SettingsHandler", "PUT"): [{"raw": '{"theme": "JupyterLab Dark"}'}],
    ("NbconvertPostHandler", "POST"): [{"name": "a.ipynb", "content": NOTEBOOK}],
}

# A value of each JSON type, to put where the schema wants another; and the plainest of each.
SAMPLES = {"integer": 5, "string": "x", "array": [1], "object": {"a": 1}, "null": None}
PLAIN = {"string": "x", "integer": 1, "array": [], "null": None}


def _key(shape: BodyShape) -> tuple[str, str]:
    return shape.handler.rsplit(".", 1)[1], shape.method


def _name(shape: BodyShape) -> str:
    return f"{shape.method} {_key(shape)[0]}"


def _types(schema: dict) -> set[str]:
    kinds = schema.get("type")
    if kinds is None:
        return set(SAMPLES)
    kinds = set(kinds) if isinstance(kinds, list) else {kinds}
    return kinds | ({"integer"} if "number" in kinds else set())


def minimal_body(schema: dict) -> dict:
    """The smallest body the schema accepts: its required fields, each of an accepted type."""
    body = {}
    for name in schema.get("required", ()):
        field = schema["properties"][name]
        kinds = _types(field)
        body[name] = (
            minimal_body(field)
            if "object" in kinds
            else next(PLAIN[kind] for kind in PLAIN if kind in kinds)
        )
    return body


def bad_bodies(schema: dict, prefix: str = "") -> list[tuple[str, dict]]:
    """(the field at fault, a body wrong only there) for each field the schema constrains:
    each value of a JSON type it does not accept, and each required field left out."""
    base = minimal_body(schema)
    cases = []
    for name in schema.get("required", ()):
        body = copy.deepcopy(base)
        del body[name]
        cases.append((prefix + name, body))
    for name, field in schema.get("properties", {}).items():
        kinds = _types(field)
        for kind, value in SAMPLES.items():
            if kind not in kinds:
                cases.append((prefix + name, {**base, name: value}))
        if "object" in kinds and field.get("properties"):
            for inner, body in bad_bodies(field, f"{prefix}{name}."):
                cases.append((inner, {**base, name: body}))
    return cases


def test_every_shape_has_an_example_and_jupyterlab_bodies_pass():
    assert {_key(shape) for shape in BODY_SHAPES} == set(SENT_BY_JUPYTERLAB)
    for shape in BODY_SHAPES:
        for body in SENT_BY_JUPYTERLAB[_key(shape)]:
            assert body_problem(shape, body) is None, (shape.handler, shape.method, body)


def test_the_shapes_start_from_the_shipped_schemas():
    """jupyter_server's api.yaml and jupyterlab_server's rest-api.yml are read (their own
    descriptions are still in the compiled schemas)."""
    shapes = {_key(shape): shape for shape in BODY_SHAPES}
    patch = shapes["ContentsHandler", "PATCH"].schema
    assert patch["properties"]["path"]["description"] == "New path for file or directory"
    assert shapes["SessionRootHandler", "POST"].schema["description"] == "A session"
    assert "last_modified" not in shapes["WorkspacesHandler", "PUT"].schema["properties"]["data"]


@pytest.mark.parametrize("shape", BODY_SHAPES, ids=_name)
def test_generated_bad_bodies_name_their_field(shape):
    cases = bad_bodies(shape.schema)
    assert cases, "a shape that constrains nothing"
    assert body_problem(shape, minimal_body(shape.schema)) is None
    for field, body in cases:
        problem = body_problem(shape, body)
        assert problem and problem.startswith(f"{field}: "), (field, body, problem)


async def snapshot(admin) -> list:
    """What a bad request could have changed: files, sessions, kernels, terminals, workspaces."""
    state = []
    for parts in (
        ("api", "contents"),
        ("api", "contents", "folder"),
        ("api", "sessions"),
        ("api", "kernels"),
        ("api", "terminals"),
        ("lab", "api", "workspaces"),
    ):
        status, payload = await admin.get(*parts)
        state.append((parts, status, payload))
    return state


@pytest.fixture
def served(jp_root_dir):
    (jp_root_dir / "folder").mkdir()
    (jp_root_dir / "a.ipynb").write_text(json.dumps(NOTEBOOK))
    (jp_root_dir / "folder" / "a.ipynb").write_text(json.dumps(NOTEBOOK))
    return jp_root_dir


@pytest.fixture(params=["admin", "editor"])
def client(request):
    """A holder of `all` and a user whose roles reach every route of the table."""
    return request.getfixturevalue(request.param)


def _routes_of(web_app, shape: BodyShape) -> list[str]:
    return [
        example_path(pattern.rstrip("$"))
        for pattern, cls in iter_routes(web_app)
        if shape_for(cls, shape.method) is shape
    ]


@pytest.mark.slow
@pytest.mark.parametrize("shape", BODY_SHAPES, ids=_name)
async def test_a_bad_body_on_each_route_is_a_400_naming_the_field(
    shape, client, admin, served, jp_serverapp, jp_http_port
):
    paths = _routes_of(jp_serverapp.web_app, shape)
    assert paths, f"no route of the server is served by {shape.handler}"
    before = await snapshot(admin)
    http = AsyncHTTPClient()
    failures = []
    for path in paths:
        for field, body in bad_bodies(shape.schema) + [("", [1]), ("", "[]")]:
            response = await http.fetch(
                f"http://127.0.0.1:{jp_http_port}{path}",
                method=shape.method,
                body=body if isinstance(body, str) else json.dumps(body),
                headers={**client.headers, "Content-Type": "application/json"},
                raise_error=False,
            )
            try:
                message = json.loads(response.body)["message"]
            except (ValueError, KeyError, TypeError):
                message = response.body[:200]
            if response.code != 400 or not str(message).startswith(f"{field}: " if field else ""):
                failures.append(f"{shape.method} {path} {body!r}: {response.code} {message!r}")
    assert failures == [], "\n".join(failures)
    assert await snapshot(admin) == before


# The attacker's report (F5), request by request, as the users who sent them.
REPORTED = [
    ("editor", "PUT", ("api", "collaboration", "session", "a.ipynb"), {}, "format"),
    ("editor", "PUT", ("api", "collaboration", "session", "a.ipynb"), b"", "format"),
    ("editor", "PUT", ("api", "collaboration", "session", "a.ipynb"), {"type": "x"}, "format"),
    ("editor", "PUT", ("api", "contents", "a.ipynb"), {"path": 5}, "path"),
    ("editor", "PUT", ("api", "contents", "a.ipynb"), {"path": ["a"]}, "path"),
    ("editor", "POST", ("api", "contents", "folder"), {"ext": 5}, "ext"),
    (
        "runner",
        "POST",
        ("api", "sessions"),
        {"path": "a.ipynb", "type": "notebook", "kernel": {"name": 5}},
        "kernel.name",
    ),
    ("admin", "POST", ("api", "kernels"), {"name": 123}, "name"),
    ("runner", "POST", ("api", "kernels"), {"name": 123}, "name"),
    ("admin", "PUT", ("lab", "api", "workspaces", "x"), {}, "data"),
    ("admin", "POST", ("nbconvert", "html"), {}, "content"),
]


@pytest.mark.slow
@pytest.mark.parametrize(
    "user,method,parts,body,field",
    REPORTED,
    ids=[f"{u} {m} {'/'.join(p)} {b!r}" for u, m, p, b, _ in REPORTED],
)
async def test_the_reported_500s_are_400s(request, admin, served, user, method, parts, body, field):
    client = request.getfixturevalue(user)
    before = await snapshot(admin)
    status, payload = await client.request(method, *parts, body=body)
    assert status == 400, (status, payload)
    assert payload["message"].startswith(f"{field}: "), payload
    assert await snapshot(admin) == before
    assert (served / "a.ipynb").read_text() == json.dumps(NOTEBOOK)


@pytest.mark.slow
async def test_a_bad_session_patch_changes_nothing(admin, served):
    """`{"name": 5}` was stored before the 500; `{"path": 5}` was stored as a number."""
    status, session = await admin.post(
        "api", "sessions", body={"path": "a.ipynb", "type": "notebook", "name": "a.ipynb"}
    )
    assert status == 201, session
    try:
        for body, field in [
            ({"name": 5}, "name"),
            ({"type": None}, "type"),
            ({"kernel": "x"}, "kernel"),
            ({"path": 5}, "path"),
            ({"name": "b", "path": 5}, "path"),  # nothing of it applied
            ({"kernel": {"name": 5}}, "kernel.name"),
        ]:
            status, payload = await admin.request(
                "PATCH", "api", "sessions", session["id"], body=body
            )
            assert status == 400 and payload["message"].startswith(f"{field}: "), (body, payload)
            status, now = await admin.get("api", "sessions", session["id"])
            assert status == 200
            assert {k: now[k] for k in ("path", "name", "type")} == {
                k: session[k] for k in ("path", "name", "type")
            }
            assert now["kernel"]["id"] == session["kernel"]["id"]
        status, renamed = await admin.request(
            "PATCH", "api", "sessions", session["id"], body={"name": "renamed"}
        )
        assert status == 200 and renamed["name"] == "renamed", renamed
    finally:
        await admin.request("DELETE", "api", "sessions", session["id"])
