"""A JSON body may spell a lone surrogate ("\\ud800"), which no database stores as UTF-8: it is
a 400 naming the problem on every route that takes free text (it was a 500 when saved), and
nothing is written."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow  # a server for the test: outside the fast subset

LONE = "\ud800"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", ("invitations",), {"username": "ok1", "display_name": LONE}),
        ("POST", ("users",), {"username": "ok2", "display_name": LONE}),
        ("PATCH", ("users", "vera"), {"display_name": LONE}),
        ("PATCH", ("me",), {"display_name": LONE}),
        ("POST", ("users", "admin", "tokens"), {"note": LONE}),
        ("POST", ("roles",), {"name": "r1", "scopes": ["read:lsp"], "description": LONE}),
        ("POST", ("groups",), {"name": "g1", "description": LONE}),
        ("POST", ("invitations", "preview"), {"username": LONE + "x"}),
    ],
)
async def test_a_lone_surrogate_is_a_400(admin, viewer, rbac, method, path, body):
    before = rbac.store.version()
    status, error = await admin.request(method, "api", "rbac", *path, body=body)
    assert status == 400, error
    assert "not valid Unicode" in error["message"]
    assert rbac.store.version() == before  # nothing written


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        (
            "POST",
            ("api", "sessions"),
            {"path": LONE, "type": "notebook", "name": "x", "kernel": {"name": "python3"}},
        ),
        ("POST", ("api", "terminals"), {"cwd": LONE}),
        ("PUT", ("api", "config", "foo"), {"a": LONE}),
        (
            "PUT",
            ("lab", "api", "workspaces", "foo"),
            {"data": {"a": LONE}, "metadata": {"id": "foo"}},
        ),
        ("PUT", ("api", "contents", "b2.txt"), {"type": LONE, "format": "text", "content": ""}),
        ("PATCH", ("api", "contents", "a.txt"), {LONE: "x"}),
    ],
)
async def test_a_lone_surrogate_is_a_400_on_core_routes_too(admin, jp_root_dir, method, path, body):
    status, error = await admin.request(method, *path, body=body)
    assert status == 400, error
    assert "not valid Unicode" in str(error)
    assert not (jp_root_dir / "b2.txt").exists()
