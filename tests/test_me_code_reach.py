"""`GET /api/rbac/me` says where the user's code may reach (`code`): the folders the sandbox of
the kernels and terminals they start is built from, on a server that confines code, one where an
administrator switched the sandbox off, and one without Landlock. Through a real server."""

from __future__ import annotations

import pytest

from jupyter_rbac.sandbox.landlock import abi_version

from .support.openapi_check import validate_schema

pytestmark = pytest.mark.slow  # a server for each test

needs_landlock = pytest.mark.skipif(
    abi_version() == 0, reason="Landlock is not available on this machine"
)


async def code_of(user) -> dict:
    status, me = await user.get("api", "rbac", "me")
    assert status == 200, me
    validate_schema("Me", me)
    return me["code"]


@needs_landlock
async def test_a_runners_code_writes_in_their_folders_and_reads_the_server_folder(runner) -> None:
    code = await code_of(runner)
    assert code["sandbox"] == "landlock" and code["confined"] and code["may_run_code"]
    assert code["write"] == ["home/rita", "shared/analyst"]
    assert code["read"] == [""]  # `read:contents` unfiltered: the whole served folder
    assert code["write_files"] == code["read_files"] == code["left_out"] == []
    assert "Landlock sandbox" in code["summary"]


@needs_landlock
async def test_an_administrators_code_is_not_confined(admin) -> None:
    code = await code_of(admin)
    assert code["sandbox"] == "landlock" and not code["confined"] and code["may_run_code"]


@needs_landlock
async def test_globs_a_sandbox_cannot_express_are_listed_as_left_out(
    admin, make_user, rbac
) -> None:
    lena = make_user("lena")
    role = {
        "name": "notebooks",
        "scopes": ["write:contents!path=*.ipynb", "write:contents!path=notes/todo.txt"],
        "users": ["lena"],
    }
    status, answer = await admin.post("api", "rbac", "roles", body=role)
    assert status == 201, answer
    code = await code_of(lena)
    assert code["confined"] and code["left_out"] == ["*.ipynb"]
    assert code["write"] == [] and code["write_files"] == ["notes/todo.txt"]


@needs_landlock
async def test_a_limited_token_reaches_what_both_it_and_its_owner_reach(runner) -> None:
    status, token = await runner.post(
        "api",
        "rbac",
        "users",
        "rita",
        "tokens",
        body={"note": "home only", "scopes": ["write:contents!path=home/rita/**"]},
    )
    assert status == 201, token
    runner.headers = {"Authorization": f"token {token['token']}"}
    code = await code_of(runner)
    assert code["confined"] and code["write"] == ["home/rita"] and code["read"] == []


@pytest.mark.parametrize("rbac_config", [{"sandbox": "off"}])
async def test_switched_off_code_is_not_confined_and_the_summary_warns(runner) -> None:
    code = await code_of(runner)
    assert code["sandbox"] == "off" and not code["confined"] and code["may_run_code"]
    assert code["write"] == code["read"] == []
    assert "grants everything the server can do" in code["summary"]


@pytest.fixture
def landlock_missing(monkeypatch):
    """The server's probe reports no Landlock (set before the server starts)."""
    monkeypatch.setenv("JUPYTER_RBAC_LANDLOCK_ABI", "0")


@pytest.mark.usefixtures("landlock_missing")
async def test_without_landlock_only_holders_of_all_may_run_code(runner, admin) -> None:
    code = await code_of(runner)
    assert code["sandbox"] == "unavailable" and not code["confined"]
    assert not code["may_run_code"]
    assert "Landlock is not available" in code["summary"]
    administrator = await code_of(admin)
    assert administrator["sandbox"] == "unavailable" and administrator["may_run_code"]
