"""A path is judged exactly as the disk will spell it: on POSIX a backslash is a character of a
name, never a separator; a name the policy cannot judge precisely is refused with a 400."""

from __future__ import annotations

import os

import pytest

TEXT = {"type": "file", "format": "text", "content": "written"}


@pytest.fixture
def ann(rbac, make_user, jp_root_dir):
    (jp_root_dir / "home" / "ann").mkdir(parents=True)
    (jp_root_dir / "home" / "ann" / "mine.txt").write_text("mine")
    rbac.store.create_role(
        "home-writer", ["read:contents!path=home/{user}/**", "write:contents!path=home/{user}/**"]
    )
    return make_user("ann", roles=["home-writer"])


def everything_under(root) -> set[str]:
    found = set()
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            found.add(os.path.relpath(os.path.join(folder, name), root))
    return found


@pytest.mark.parametrize("name", ["home\\ann\\x.txt", "home\\ann\\sub\\x.txt", "..\\x.txt"])
async def test_a_backslash_is_a_character_of_a_name_not_a_separator(ann, jp_root_dir, name):
    before = everything_under(jp_root_dir)
    status, _ = await ann.put("api", "contents", name, body=TEXT)
    assert status in (403, 404), status
    assert everything_under(jp_root_dir) == before


async def test_a_backslash_inside_the_permitted_folder_is_one_file_there(ann, jp_root_dir):
    status, _ = await ann.put("api", "contents", "home", "ann", "a\\b.txt", body=TEXT)
    assert status == 201, status
    assert (jp_root_dir / "home" / "ann" / "a\\b.txt").read_text() == "written"


async def test_a_rename_into_a_backslash_name_at_the_root_is_refused(ann, jp_root_dir):
    before = everything_under(jp_root_dir)
    status, _ = await ann.patch(
        "api", "contents", "home", "ann", "mine.txt", body={"path": "home\\ann\\moved.txt"}
    )
    assert status in (403, 404), status
    assert everything_under(jp_root_dir) == before


@pytest.mark.parametrize("name", ["x\x00y.txt", "x\ny.txt", "x\ty.txt", "x\x7fy.txt", "x\x1by.txt"])
async def test_a_name_with_control_characters_is_a_400(ann, jp_root_dir, name):
    before = everything_under(jp_root_dir)
    status, body = await ann.put("api", "contents", "home", "ann", name, body=TEXT)
    assert status == 400, (status, body)
    assert "control character" in body["message"]
    assert everything_under(jp_root_dir) == before


async def test_a_control_character_in_a_body_path_is_a_400(ann, jp_root_dir):
    status, body = await ann.patch(
        "api", "contents", "home", "ann", "mine.txt", body={"path": "home/ann/a\x00b.txt"}
    )
    assert status == 400, (status, body)
    assert (jp_root_dir / "home" / "ann" / "mine.txt").exists()


@pytest.mark.parametrize("path", [None, 7, ["home/ann/x"], {"a": 1}, True])
async def test_a_rename_whose_path_is_not_a_string_is_a_400(ann, jp_root_dir, path):
    status, body = await ann.patch(
        "api", "contents", "home", "ann", "mine.txt", body={"path": path}
    )
    assert status == 400, (status, body)
    assert "path" in body["message"]
    assert (jp_root_dir / "home" / "ann" / "mine.txt").read_text() == "mine"
