"""A symbolic link out of the server root leads where only `all` reaches.

The server process reads what no user's sandbox may: the policy database, the cookie secret,
every user's JupyterLab state. Anyone who may write a file may make a link (from their own
sandboxed kernel, `os.symlink('/', 'home/bob/l')`), so no contents scope, not even an unfiltered
`read:contents` (a viewer's), follows one: otherwise one user's link hands everyone the server's
secrets. (An outside attacker found this, through a runner's kernel and a viewer's browser.)
"""

from __future__ import annotations

import json
import os

import pytest

SECRET = "the server's own secret"
TEXT = {"type": "file", "format": "text", "content": "written"}


@pytest.fixture
def tree(jp_root_dir, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET)
    (jp_root_dir / "home" / "bob").mkdir(parents=True)
    (jp_root_dir / "shared").mkdir()
    (jp_root_dir / "shared" / "notes.txt").write_text("shared notes")
    os.symlink(outside, jp_root_dir / "home" / "bob" / "l-out")  # a folder out of the root
    os.symlink(outside / "secret.txt", jp_root_dir / "home" / "bob" / "l-file")
    os.symlink(jp_root_dir / "shared", jp_root_dir / "home" / "bob" / "l-in")  # stays inside
    return jp_root_dir


OUT_OF_ROOT = [
    ("GET", ("api", "contents", "home", "bob", "l-out", "secret.txt"), None),
    ("GET", ("api", "contents", "home", "bob", "l-file"), None),
    ("GET", ("api", "contents", "home", "bob", "l-out"), None),
    ("GET", ("files", "home", "bob", "l-file"), None),
    ("GET", ("nbconvert", "script", "home", "bob", "l-file"), None),
    ("POST", ("api", "contents", "home", "bob"), {"copy_from": "home/bob/l-file"}),
    ("GET", ("api", "contents", "home", "bob", "l-out", "secret.txt", "checkpoints"), None),
]


@pytest.fixture
def bob(make_user):
    """A runner: reads everyone's files (unfiltered read:contents), writes in home/bob/."""
    return make_user("bob", roles=["runner"])


@pytest.mark.parametrize(("method", "parts", "body"), OUT_OF_ROOT)
async def test_an_unfiltered_reader_does_not_follow_a_link_out_of_the_root(
    viewer, bob, tree, method, parts, body
):
    for who in (viewer, bob):
        status, answer = await who.request(method, *parts, body=body)
        assert status in (403, 404), (who.name, status)
        assert SECRET not in json.dumps(answer)
    if parts[0] == "api":  # named as the path asked, as for any link: where it leads never shows
        asked = body["copy_from"] if body else "/".join(parts[2:]).removesuffix("/checkpoints")
        assert answer["missing_scope"] == f"read:contents!path={asked}"
    assert not (tree / "home" / "bob" / "l-file-Copy1").exists()


async def test_a_folder_listing_leaves_out_links_out_of_the_root(viewer, tree):
    status, listing = await viewer.get("api", "contents", "home", "bob")
    assert status == 200
    assert sorted(entry["name"] for entry in listing["content"]) == ["l-in"]


async def test_a_link_inside_the_root_is_followed_where_it_leads_is_allowed(viewer, tree):
    status, model = await viewer.get("api", "contents", "home", "bob", "l-in", "notes.txt")
    assert (status, model["content"]) == (200, "shared notes")


async def test_all_follows_a_link_out_of_the_root(admin, tree):
    status, model = await admin.get("api", "contents", "home", "bob", "l-file")
    assert (status, model["content"]) == (200, SECRET)
