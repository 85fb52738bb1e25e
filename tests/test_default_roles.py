"""Each shipped role, allowed and denied, on every core resource of a real server.

The table below is the specification: a request either passes the policy (any status but 403)
or is refused with 403 and the scope it lacked.
"""

from __future__ import annotations

import json

import pytest

NOTEBOOK = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}

# name: (method, path parts, body)
REQUESTS = {
    "open a notebook": ("GET", ("api", "contents", "work", "nb.ipynb"), None),
    "list a folder": ("GET", ("api", "contents", "work"), None),
    "save a file": (
        "PUT",
        ("api", "contents", "work", "new.txt"),
        {"type": "file", "format": "text", "content": "x"},
    ),
    "download a file": ("GET", ("files", "work", "a.txt"), None),
    "view a file": ("GET", ("view", "work", "a.txt"), None),
    "create a checkpoint": ("POST", ("api", "contents", "work", "a.txt", "checkpoints"), None),
    "trust a notebook": ("POST", ("api", "contents", "work", "nb.ipynb", "trust"), None),
    "list kernels": ("GET", ("api", "kernels"), None),
    "start a kernel": ("POST", ("api", "kernels"), {"name": "python3"}),
    "list sessions": ("GET", ("api", "sessions"), None),
    "start a session": (
        "POST",
        ("api", "sessions"),
        {
            "path": "work/nb.ipynb",
            "type": "notebook",
            "name": "nb.ipynb",
            "kernel": {"name": "python3"},
        },
    ),
    "list terminals": ("GET", ("api", "terminals"), None),
    "open a terminal": ("POST", ("api", "terminals"), None),
    "list kernel types": ("GET", ("api", "kernelspecs"), None),
    "read frontend config": ("GET", ("api", "config", "notebook"), None),
    "change frontend config": ("PATCH", ("api", "config", "notebook"), {"rbac-test": 1}),
    "export a notebook": ("GET", ("nbconvert", "html", "work", "nb.ipynb"), None),
    "list export formats": ("GET", ("api", "nbconvert"), None),
    "emit an event": ("POST", ("api", "events"), {"schema_id": "x", "version": "1", "data": {}}),
    "read server status": ("GET", ("api", "status"), None),
    "read the API spec": ("GET", ("api", "spec.yaml"), None),
    "shut the server down": ("POST", ("api", "shutdown"), None),
    "open JupyterLab": ("GET", ("lab",), None),
    "read settings": ("GET", ("lab", "api", "settings"), None),
    "change settings": (
        "PUT",
        ("lab", "api", "settings", "@jupyterlab/apputils-extension:themes"),
        {"raw": "{}"},
    ),
    "read workspaces": ("GET", ("lab", "api", "workspaces"), None),
    "save a workspace": (
        "PUT",
        ("lab", "api", "workspaces", "w1"),
        {"data": {}, "metadata": {"id": "w1"}},
    ),
    "manage extensions": (
        "POST",
        ("lab", "api", "extensions"),
        {"cmd": "no-such-command", "extension_name": "x"},
    ),
}

# Every signed-in user keeps their own JupyterLab settings and workspaces (issue 19).
EVERYONE = {
    "list kernel types",
    "read server status",
    "read the API spec",
    "open JupyterLab",
    "read settings",
    "read workspaces",
    "change settings",
    "save a workspace",
}
VIEWER = EVERYONE | {
    "open a notebook",
    "list a folder",
    "download a file",
    "view a file",
    "list kernels",
    "list sessions",
    "list terminals",
    "read frontend config",
    "export a notebook",
    "list export formats",
}
RUNNER = VIEWER | {"start a kernel", "start a session"}
EDITOR = set(REQUESTS) - {"shut the server down", "manage extensions"}

ALLOWED = {"user": EVERYONE, "viewer": VIEWER, "runner": RUNNER, "editor": EDITOR}
CASES = [(role, name) for role in ALLOWED for name in REQUESTS]


@pytest.fixture
def work(jp_root_dir):
    folder = jp_root_dir / "work"
    folder.mkdir()
    (folder / "a.txt").write_text("hello")
    (folder / "nb.ipynb").write_text(json.dumps(NOTEBOOK))
    return folder


@pytest.mark.slow  # the whole table, a server for each cell: the fast subset keeps the denial below
@pytest.mark.parametrize("role,name", CASES, ids=[f"{r}-{n}" for r, n in CASES])
async def test_role_on_core_resource(make_user, work, role, name):
    client = make_user(f"u-{role}", roles=[] if role == "user" else [role], groups=[])
    method, parts, body = REQUESTS[name]
    status, payload = await client.request(method, *parts, body=body)
    if name in ALLOWED[role]:
        assert status != 403, f"{role} should be allowed to {name}: {payload}"
        assert status < 500, f"{name} failed on the server: {payload}"
    else:
        assert status == 403, f"{role} should be refused to {name}, got {status}: {payload}"
        if isinstance(payload, dict):
            assert payload["missing_scope"], payload


@pytest.mark.slow  # a server for each request
@pytest.mark.parametrize("name", sorted(set(REQUESTS) - {"shut the server down"}))
async def test_admin_may_do_everything(admin, work, name):
    method, parts, body = REQUESTS[name]
    status, payload = await admin.request(method, *parts, body=body)
    assert status != 403, payload
    assert status < 500, payload
    assert not (isinstance(payload, dict) and payload.get("missing_scope")), payload


async def test_denial_names_the_missing_scope(viewer, work):
    status, payload = await viewer.put(
        "api", "contents", "work", "a.txt", body={"type": "file", "format": "text", "content": "no"}
    )
    assert status == 403
    assert payload["missing_scope"] == "write:contents"
    assert "write:contents" in payload["message"]
    assert (work / "a.txt").read_text() == "hello"


WEBSOCKETS = {
    # websocket: roles that may connect (the rest get 403 on the handshake)
    "kernel channels": {"admin", "editor", "runner"},
    "terminal": {"admin", "editor"},
    # every signed-in user hears what they may read, and that their own permissions changed
    "event stream": {"admin", "editor", "runner", "viewer", "user"},
}
WS_CASES = [
    (ws, role) for ws in WEBSOCKETS for role in ("admin", "editor", "runner", "viewer", "user")
]


@pytest.mark.slow  # a server for each cell, kernels and terminals
@pytest.mark.parametrize("websocket,role", WS_CASES, ids=[f"{r}-{w}" for w, r in WS_CASES])
async def test_role_on_websocket(admin, make_user, websocket, role):
    client = (
        admin
        if role == "admin"
        else make_user(f"ws-{role}", roles=[] if role == "user" else [role])
    )
    if websocket == "kernel channels":
        status, kernel = await admin.post("api", "kernels", body={"name": "python3"})
        assert status == 201
        parts = ("api", "kernels", kernel["id"], "channels")
    elif websocket == "terminal":
        status, terminal = await admin.post("api", "terminals")
        assert status == 200
        parts = ("terminals", "websocket", terminal["name"])
    else:
        parts = ("api", "events", "subscribe")
    if role in WEBSOCKETS[websocket]:
        connection = await client.websocket(*parts)
        connection.close()
    else:
        with pytest.raises(Exception) as refused:
            await client.websocket(*parts)
        assert getattr(refused.value, "code", None) == 403


async def test_a_reader_sees_files_as_not_writable(viewer, make_user, rbac, work):
    status, model = await viewer.get("api", "contents", "work", "nb.ipynb")
    assert status == 200 and model["writable"] is False  # JupyterLab then opens it read-only
    status, folder = await viewer.get("api", "contents", "work")
    assert {entry["writable"] for entry in folder["content"]} == {False}
    rbac.store.create_role("writes-a", ["read:contents", "write:contents!path=work/a.txt"])
    mixed = make_user("mix", roles=["writes-a"])
    status, folder = await mixed.get("api", "contents", "work")
    assert {e["name"]: e["writable"] for e in folder["content"]} == {
        "a.txt": True,
        "nb.ipynb": False,
    }
