"""Defence in depth: should the policy and the contents manager ever read a path differently, the
file manager refuses the request rather than touch a file the policy did not judge.

The contents manager here reads a backslash as a separator (as the policy once did on POSIX): the
policy allows `home/ann/..\\..\\secret\\x.txt` (one name in Ann's folder) while this manager would
write `secret/x.txt`. The check under the manager refuses it and logs a bug.
"""

from __future__ import annotations

import logging

import pytest
from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager

from jupyter_rbac.enforcement.contents_check import RealPathCheck

pytestmark = pytest.mark.slow  # a server for each test: outside the fast subset

TEXT = {"type": "file", "format": "text", "content": "overwritten"}


class BackslashSplittingManager(AsyncLargeFileManager):
    """A contents manager that disagrees with the policy about backslashes."""

    def _get_os_path(self, path):
        return super()._get_os_path(path.replace("\\", "/"))


@pytest.fixture
def jp_server_config(jp_server_config):
    jp_server_config["ServerApp"]["contents_manager_class"] = BackslashSplittingManager
    return jp_server_config


@pytest.fixture
def ann(rbac, make_user, jp_root_dir):
    for folder in ("home/ann", "secret"):
        (jp_root_dir / folder).mkdir(parents=True)
        (jp_root_dir / folder / "x.txt").write_text(folder)
    rbac.store.create_role(
        "own-home", ["read:contents!path=home/{user}/**", "write:contents!path=home/{user}/**"]
    )
    return make_user("ann", roles=["own-home"])


def test_the_check_sits_under_the_configured_manager(jp_serverapp, rbac):
    manager = jp_serverapp.contents_manager
    assert isinstance(manager, RealPathCheck) and isinstance(manager, BackslashSplittingManager)


async def test_a_path_the_manager_reads_otherwise_is_refused_and_logged(ann, jp_root_dir, caplog):
    with caplog.at_level(logging.ERROR):
        status, body = await ann.put(
            "api", "contents", "home", "ann", "..\\..\\secret\\x.txt", body=TEXT
        )
    assert status == 403, (status, body)
    assert (jp_root_dir / "secret" / "x.txt").read_text() == "secret"
    assert any("jupyter-rbac bug" in record.getMessage() for record in caplog.records)


async def test_paths_both_read_alike_still_work(ann, jp_root_dir):
    status, _ = await ann.put("api", "contents", "home", "ann", "new.txt", body=TEXT)
    assert status == 201
    status, listing = await ann.get("api", "contents", "home", "ann")
    assert status == 200 and {item["name"] for item in listing["content"]} >= {"x.txt", "new.txt"}
