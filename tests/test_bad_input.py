"""Bad input gets a clear 4xx, never a 500, from the parts jupyter-rbac adds to each request."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow  # a server for each test: outside the fast subset

BAD_REQUESTS = [
    ("GET", ("api", "contents", "..", "etc", "passwd"), None),
    ("GET", ("api", "contents", "a%00b"), None),
    ("PATCH", ("api", "contents", "home", "rita", "x.txt"), "not json"),
    ("PATCH", ("api", "contents", "home", "rita", "x.txt"), "[1, 2]"),
    ("PATCH", ("api", "contents", "home", "rita", "x.txt"), {"path": 42}),
    ("POST", ("api", "contents", "home", "rita"), {"copy_from": ["a"]}),
    ("POST", ("api", "contents", "home", "rita"), {"copy_from": "../../../etc/passwd"}),
    ("POST", ("api", "sessions"), "{{{"),
    ("POST", ("api", "sessions"), {"path": None, "kernel": "nope"}),
    ("POST", ("api", "sessions"), {"path": "x.ipynb", "type": "notebook", "kernel": {"id": 5}}),
    ("PATCH", ("api", "sessions", "00000000-0000-0000-0000-000000000000"), {"kernel": {"id": "x"}}),
    ("GET", ("api", "kernels", "00000000-0000-0000-0000-000000000000"), None),
    ("POST", ("api", "kernels"), "not json"),
    ("GET", ("api", "terminals", "999"), None),
    ("GET", ("nbconvert", "html", "..", "x.ipynb"), None),
    ("GET", ("api", "fileid", "path"), None),
    ("GET", ("api", "collaboration", "timeline", ""), None),
    ("PUT", ("api", "collaboration", "undo_redo", "not-a-room"), {}),
]


@pytest.mark.parametrize(
    "method,parts,body", BAD_REQUESTS, ids=[f"{m} {'/'.join(p)}" for m, p, _ in BAD_REQUESTS]
)
async def test_bad_input_never_gives_a_500(runner, jp_root_dir, method, parts, body):
    (jp_root_dir / "home" / "rita").mkdir(parents=True)
    status, payload = await runner.request(method, *parts, body=body)
    assert 400 <= status < 500, (status, payload)


WRITES_THAT_NEED_A_BODY = [
    ("PATCH", ("me",)),
    ("PUT", ("me", "password")),
    ("POST", ("roles",)),
    ("PUT", ("roles", "viewer")),
    ("PATCH", ("roles", "viewer")),
    ("POST", ("users",)),
    ("PATCH", ("users", "admin")),
    ("POST", ("groups",)),
    ("POST", ("invitations",)),
    ("POST", ("check",)),
]


@pytest.mark.parametrize(
    "method,parts",
    WRITES_THAT_NEED_A_BODY,
    ids=[f"{m} {'/'.join(p)}" for m, p in WRITES_THAT_NEED_A_BODY],
)
async def test_an_rbac_write_without_a_body_is_refused(admin, method, parts):
    # a request cut short must not pass for "change nothing" (or for "all defaults")
    before = await admin.request("GET", "api", "rbac", "roles", "viewer")
    status, payload = await admin.request(method, "api", "rbac", *parts, body=b"")
    assert status == 400, (status, payload)
    assert payload["message"].startswith("the request body is missing"), payload
    assert await admin.request("GET", "api", "rbac", "roles", "viewer") == before


async def test_a_token_needs_no_body(admin):
    status, token = await admin.request("POST", "api", "rbac", "users", "admin", "tokens", body=b"")
    assert status == 201 and token["scopes"] is None and token["token"], token


@pytest.mark.parametrize(
    "method,parts,allow",
    [
        ("DELETE", ("me",), "GET, PATCH, OPTIONS"),
        ("PUT", ("roles",), "GET, POST, OPTIONS"),
        ("TRACE", ("roles", "viewer"), "GET, DELETE, PATCH, PUT, OPTIONS"),
    ],
)
async def test_a_method_the_resource_lacks_is_a_405_naming_those_it_has(
    admin, method, parts, allow
):
    status, payload = await admin.request(
        method, "api", "rbac", *parts, body=b"{}" if method == "PUT" else None
    )
    assert status == 405, (status, payload)
    assert admin.last_headers["Allow"] == allow


@pytest.mark.parametrize(
    "method,body",
    [
        ("PATCH", {"path": None}),
        ("PATCH", {"path": 5}),
        ("PATCH", {}),
        ("PUT", {"type": "notebook", "content": {"x": 1}}),
        ("PUT", {"type": "notebook", "format": "json", "content": {"nbformat": 4, "cells": "no"}}),
    ],
    ids=[
        "rename to null",
        "rename to a number",
        "rename to nothing",
        "a notebook without nbformat",
        "invalid cells",
    ],
)
async def test_a_bad_contents_write_by_an_administrator_is_a_400(admin, jp_root_dir, method, body):
    """An administrator's request skips the path checks (`all`): jupyter_server's own errors
    for a bad model must still not be 500s."""
    (jp_root_dir / "a.ipynb").write_text("{}")
    status, payload = await admin.request(method, "api", "contents", "a.ipynb", body=body)
    assert status == 400 and payload["message"], (status, payload)  # a reason, not a traceback
    assert "Traceback" not in payload["message"]
    assert (jp_root_dir / "a.ipynb").read_text() == "{}"  # and nothing changed
