"""A share reaches the code its recipient runs: a kernel started while a folder is shared with
them writes there, and one started with a share that is removed or expires is stopped (a Landlock
sandbox cannot be narrowed from outside)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest

from jupyter_rbac.sandbox.landlock import abi_version

from .support.kernels import run_code, start_kernel

pytestmark = [
    pytest.mark.slow,  # a server for each test, and kernels in it
    pytest.mark.skipif(abi_version() == 0, reason="Landlock is not available on this machine"),
]


def write_plan(root) -> str:
    return (
        f"try:\n    open({str(root)!r} + '/projects/x/plan.txt', 'a').write('more')\n"
        "    print('written')\nexcept PermissionError:\n    print('refused')"
    )


@pytest.fixture
def folders(jp_root_dir):
    for folder in ("home/rita", "projects/x", "projects/y"):
        (jp_root_dir / folder).mkdir(parents=True, exist_ok=True)
    (jp_root_dir / "projects" / "x" / "plan.txt").write_text("the plan")
    return jp_root_dir


@pytest.fixture
def rbac_config() -> dict:
    return {"websocket_recheck_seconds": 0.5}


async def stopped(admin, rbac, kernel: str) -> bool:
    """Is the kernel gone within a few of the server's timer ticks?"""
    deadline = asyncio.get_running_loop().time() + 20 * rbac.rbac.websocket_recheck_seconds
    while asyncio.get_running_loop().time() < deadline:
        status, _ = await admin.get("api", "kernels", kernel)
        if status == 404:
            return True
        await asyncio.sleep(0.1)
    return False


async def test_a_kernel_started_under_a_share_writes_there(runner, admin, folders):
    kernel = await start_kernel(runner)
    assert await run_code(runner, kernel, write_plan(folders)) == "refused"
    status, _ = await admin.post(
        "api", "rbac", "shares", body={"path": "projects/x", "user": "rita", "role": "editor"}
    )
    assert status == 201
    # the running kernel keeps the sandbox it started with; a new one has the share
    assert await run_code(runner, kernel, write_plan(folders)) == "refused"
    shared = await start_kernel(runner)
    assert await run_code(runner, shared, write_plan(folders)) == "written"
    assert (folders / "projects/x/plan.txt").read_text() == "the planmore"


async def test_removing_the_share_stops_the_kernel_started_under_it(runner, admin, rbac, folders):
    _, share = await admin.post(
        "api", "rbac", "shares", body={"path": "projects/x", "user": "rita", "role": "editor"}
    )
    kernel = await start_kernel(runner)
    assert await run_code(runner, kernel, write_plan(folders)) == "written"
    status, _ = await admin.delete("api", "rbac", "shares", str(share["id"]))
    assert status == 204
    assert await stopped(admin, rbac, kernel)
    (row,) = rbac.store.page_audit(action="sandbox.stopped").items
    assert row.target == f"kernel {kernel}" and row.detail["user"] == "rita"


async def test_an_expired_share_stops_the_kernel_started_under_it(runner, admin, rbac, folders):
    soon = (datetime.now(timezone.utc) + timedelta(seconds=3)).isoformat()
    body = {"path": "projects/x", "user": "rita", "role": "editor", "expires_at": soon}
    status, _ = await admin.post("api", "rbac", "shares", body=body)
    assert status == 201
    kernel = await start_kernel(runner)
    assert await run_code(runner, kernel, write_plan(folders)) == "written"
    assert await stopped(admin, rbac, kernel)
    assert rbac.store.page_audit(action="sandbox.stopped").items


async def test_a_file_shared_alone_is_read_and_written_by_code_too(runner, admin, folders):
    """What the REST API lets its recipient save, their code may write too (it got EACCES, while
    /api/rbac/me said the file was theirs to write: an outside tester's finding)."""
    body = {"path": "projects/x/plan.txt", "user": "rita", "role": "editor"}
    assert (await admin.post("api", "rbac", "shares", body=body))[0] == 201
    _, me = await runner.get("api", "rbac", "me")
    assert me["code"]["write_files"] == ["projects/x/plan.txt"]
    kernel = await start_kernel(runner)
    assert await run_code(runner, kernel, write_plan(folders)) == "written"
    assert (folders / "projects/x/plan.txt").read_text() == "the planmore"
    beside = f"open({str(folders)!r} + '/projects/x/other.txt', 'w')"
    code = (
        f"try:\n    {beside}\n    print('written')\nexcept PermissionError:\n    print('refused')"
    )
    assert await run_code(runner, kernel, code) == "refused"


async def test_code_keeps_no_second_name_of_a_shared_file(runner, admin, folders):
    """A hard link into one's own home kept a shared file reachable, live, after the share was
    removed (the outside tester's second round): code makes none."""
    body = {"path": "projects/x", "user": "rita", "role": "editor"}
    assert (await admin.post("api", "rbac", "shares", body=body))[0] == 201
    kernel = await start_kernel(runner)
    root = str(folders)
    code = (
        "import os\ntry:\n"
        f"    os.link({root!r} + '/projects/x/plan.txt', {root!r} + '/home/rita/kept.txt')\n"
        "    print('linked')\nexcept PermissionError:\n    print('refused')"
    )
    assert await run_code(runner, kernel, code) == "refused"
    assert not (folders / "home/rita/kept.txt").exists()
