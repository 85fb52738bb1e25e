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
