"""Filters contain on a disk that ignores case (macOS's and Windows' default): the server's root is
a case-insensitive file system (tests/support/case_insensitive_fs.py, mounted with FUSE for each
test). There `team/a` and `team/A` are one folder; a scope must name a folder as the disk spells it, so
users `Ann` and `ann` keep their homes apart and `!path=team/a/**` does not reach `team/A`."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jupyter_rbac.enforcement.locations import ignores_case

pytestmark = pytest.mark.slow  # a FUSE file system mounted for each test

FILE_SYSTEM = Path(__file__).parent / "support" / "case_insensitive_fs.py"
MOUNT_TIMEOUT = 15


@pytest.fixture
def jp_root_dir(tmp_path):
    """The server's root, on a case-insensitive file system; unmounted after the test."""
    if not os.path.exists("/dev/fuse"):
        pytest.fail("this machine has no /dev/fuse: the case-insensitive disk cannot be mounted")
    backing, mount_point = tmp_path / "backing", tmp_path / "root"
    backing.mkdir()
    mount_point.mkdir()
    log = (tmp_path / "fuse.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, str(FILE_SYSTEM), str(backing), str(mount_point)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + MOUNT_TIMEOUT
        while not os.path.ismount(mount_point):
            assert process.poll() is None, (tmp_path / "fuse.log").read_text()
            assert time.monotonic() < deadline, "the case-insensitive disk was not mounted in time"
            time.sleep(0.05)  # polling the mount table for another process's mount
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=False)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _write(client, path: str, text: str):
    return client.put(
        "api",
        "contents",
        *path.split("/"),
        body={"type": "file", "format": "text", "content": text},
    )


async def test_the_disk_ignores_case_and_the_server_knows(admin, jp_root_dir):
    (jp_root_dir / "Team").mkdir()
    (jp_root_dir / "Team" / "Plan.txt").write_text("plan")
    assert (jp_root_dir / "team" / "plan.txt").read_text() == "plan"  # one file, two spellings
    assert ignores_case(os.path.realpath(jp_root_dir))
    status, model = await admin.get("api", "contents", "TEAM", "PLAN.TXT")
    assert status == 200 and model["content"] == "plan", model
    assert not ignores_case(
        os.path.realpath(Path(__file__).parent)
    )  # this checkout's disk does not


async def test_users_whose_names_differ_only_in_case_keep_their_homes_apart(make_user, jp_root_dir):
    ann = make_user("ann", roles=["runner"])  # write:contents!path=home/{user}/**
    other = make_user("Ann", roles=["runner"])
    (jp_root_dir / "home" / "ann").mkdir(parents=True)
    status, _ = await _write(ann, "home/ann/notes.txt", "ann's")
    assert status == 201

    status, refused = await _write(other, "home/Ann/notes.txt", "Ann's")
    assert status == 403, refused
    # refused for the path as the disk spells it, named as asked (the disk's spelling of someone
    # else's folder is not told)
    assert refused["missing_scope"] == "write:contents!path=home/Ann/notes.txt"
    assert (jp_root_dir / "home" / "ann" / "notes.txt").read_text() == "ann's"


async def test_a_scope_reaches_a_folder_only_as_the_disk_spells_it(rbac, make_user, jp_root_dir):
    (jp_root_dir / "team" / "A").mkdir(parents=True)
    (jp_root_dir / "team" / "A" / "secret.txt").write_text("secret")
    rbac.store.create_role("team-a", ["read:contents!path=team/a/**"])
    rbac.store.create_role("team-A", ["read:contents!path=team/A/**"])
    tess = make_user("tess", roles=["team-a"])
    tom = make_user("tom", roles=["team-A"])

    for spelling in (("team", "a", "secret.txt"), ("team", "A", "secret.txt")):
        status, refused = await tess.get("api", "contents", *spelling)
        assert status == 403, (spelling, refused)
    status, model = await tom.get("api", "contents", "team", "A", "secret.txt")
    assert status == 200 and model["content"] == "secret"
    status, _ = await tom.get("api", "contents", "TEAM", "a", "secret.txt")  # spelt otherwise
    assert status == 403
