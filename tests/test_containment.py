"""Filters contain: a scope narrowed to `a/**` reaches nothing outside `a/`, however the path is
spelled (a longer name, `..`, percent-encoded dots and slashes) and wherever a symbolic link
inside `a/` points; `!user=ab` names ab and nobody else."""

from __future__ import annotations

import json
import os

import pytest
from tornado.httpclient import AsyncHTTPClient

pytestmark = pytest.mark.slow  # a server for each test: outside the fast subset

TEXT = {"type": "file", "format": "text", "content": "written"}


@pytest.fixture
def tree(jp_root_dir):
    for folder in ("a", "ab", "b"):
        (jp_root_dir / folder).mkdir()
        (jp_root_dir / folder / "x.txt").write_text("original")
    os.symlink(jp_root_dir / "b", jp_root_dir / "a" / "to-b")  # a folder link out of a/
    os.symlink(jp_root_dir / "b" / "x.txt", jp_root_dir / "a" / "b-x.txt")  # a file link
    return jp_root_dir


@pytest.fixture
def alma(rbac, make_user):
    rbac.store.create_role("a-writer", ["read:contents!path=a/**", "write:contents!path=a/**"])
    return make_user("alma", roles=["a-writer"])


def untouched(root) -> bool:
    return all((root / folder / "x.txt").read_text() == "original" for folder in ("ab", "b"))


async def test_the_folder_itself_is_writable(alma, tree):
    status, _ = await alma.put("api", "contents", "a", "new.txt", body=TEXT)
    assert status == 201
    assert (tree / "a" / "new.txt").read_text() == "written"


@pytest.mark.parametrize(
    "path",
    [
        "ab/x.txt",  # a name that starts like the folder
        "a/../b/x.txt",  # climbing out
        "./ab/x.txt",
        "a/./../ab/x.txt",
    ],
)
async def test_spellings_of_other_folders_are_refused(alma, tree, path):
    status, _ = await alma.put("api", "contents", *path.split("/"), body=TEXT)
    assert status in (400, 403, 404), status
    assert untouched(tree)


@pytest.mark.parametrize(
    "raw",
    [
        "a/%2e%2e/b/x.txt",  # climbing out, percent-encoded as a client may send it
        "a/%2E%2E/b/x.txt",
        "a%2F..%2Fb/x.txt",  # encoded slashes
        "a/..%2Fb/x.txt",
        "a/%252e%252e/../../b/x.txt",  # encoded twice, then climbing
    ],
)
async def test_encoded_spellings_are_refused(alma, tree, jp_http_port, jp_base_url, raw):
    client = AsyncHTTPClient()
    url = f"http://127.0.0.1:{jp_http_port}{jp_base_url}api/contents/{raw}"  # sent as written
    response = await client.fetch(
        url, method="PUT", body=json.dumps(TEXT), headers=alma.headers, raise_error=False
    )
    assert response.code in (400, 403, 404), (response.code, response.body)
    assert untouched(tree)


async def test_a_folder_link_out_of_the_permitted_folder_leads_nowhere(alma, tree):
    status, _ = await alma.put("api", "contents", "a", "to-b", "x.txt", body=TEXT)
    assert status in (403, 404), status
    assert untouched(tree)
    status, _ = await alma.get("api", "contents", "a", "to-b", "x.txt")
    assert status in (403, 404), status  # nor read through it


async def test_a_file_link_out_of_the_permitted_folder_leads_nowhere(alma, tree):
    status, _ = await alma.put("api", "contents", "a", "b-x.txt", body=TEXT)
    assert status in (403, 404), status
    assert untouched(tree)


async def test_a_link_within_the_permitted_folder_still_works(alma, tree):
    (tree / "a" / "inner").mkdir()
    os.symlink(tree / "a" / "inner", tree / "a" / "to-inner")
    status, _ = await alma.put("api", "contents", "a", "to-inner", "y.txt", body=TEXT)
    assert status == 201, status
    assert (tree / "a" / "inner" / "y.txt").read_text() == "written"


async def test_a_user_filter_names_exactly_one_user(rbac, make_user, jp_fetch):
    rbac.store.create_role("ab-reader", ["read:users!user=ab"])
    reader = make_user("reader", roles=["ab-reader"])
    for name in ("ab", "abc", "a", "AB"):
        make_user(name)
    assert (await reader.get("api", "rbac", "users", "ab"))[0] == 200
    for other in ("abc", "a", "AB"):
        assert (await reader.get("api", "rbac", "users", other))[0] == 404, other
    status, listing = await reader.get("api", "rbac", "users")
    assert status == 200
    assert [user["name"] for user in listing["items"]] == [
        "ab",
        "reader",
    ]  # and themselves (`self`)
