"""Starting a kernel is running code: every way to start or restart one needs `execute:kernels`.

A kernel runs the code it finds at start (its working folder's files, before the sandbox's import
rule: see test_kernel_environment), so `write:*` (write on every resource, no execute) starts
none: not through the Kernels API, not by restarting one, not through a session (new, or given a
new kernel). Whoever holds `execute:kernels` starts and restarts kernels as before.
"""

from __future__ import annotations

from uuid import uuid4

import pytest

pytestmark = pytest.mark.slow  # a server for each test, and the kernels or terminals it starts

NOTEBOOK = {
    "type": "notebook",
    "content": {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5},
}


@pytest.fixture
def writer(rbac, make_user):
    """wendy writes every resource and executes none."""
    rbac.store.create_role("writes-everything", ["write:*"])
    return make_user("wendy", roles=["writes-everything"])


async def _admins_session(admin) -> dict:
    """A notebook session of the administrator's, with its kernel."""
    assert (await admin.put("api", "contents", "x.ipynb", body=NOTEBOOK))[0] == 201
    body = {"path": "x.ipynb", "type": "notebook", "name": "x.ipynb", "kernel": {"name": "python3"}}
    status, session = await admin.post("api", "sessions", body=body)
    assert status == 201, session
    return session


def _refused_for_execute(answer) -> bool:
    """A 403 naming `execute:kernels` (on the user's own kernels, where the request names them)."""
    status, error = answer
    missing = error.get("missing_scope") if isinstance(error, dict) else None
    return status == 403 and missing in ("execute:kernels", "execute:kernels!user=wendy")


async def test_write_on_everything_starts_no_kernel_through_the_kernels_api(writer, admin):
    assert _refused_for_execute(await writer.post("api", "kernels", body={"name": "python3"}))
    # naming the new kernel's id changes nothing
    assert _refused_for_execute(
        await writer.post("api", "kernels", body={"name": "python3", "kernel_id": str(uuid4())})
    )
    status, kernels = await admin.get("api", "kernels")
    assert (status, kernels) == (200, [])


async def test_write_on_everything_restarts_no_kernel(writer, admin):
    admins_session = await _admins_session(admin)
    kernel_id = admins_session["kernel"]["id"]
    assert _refused_for_execute(await writer.post("api", "kernels", kernel_id, "restart"))


async def test_write_on_everything_starts_no_kernel_through_a_session(writer, admin):
    admins_session = await _admins_session(admin)
    assert (await writer.put("api", "contents", "mine.ipynb", body=NOTEBOOK))[0] == 201
    new = {
        "path": "mine.ipynb",
        "type": "notebook",
        "name": "mine.ipynb",
        "kernel": {"name": "python3"},
    }
    assert _refused_for_execute(await writer.post("api", "sessions", body=new))
    # a kernel id that names no kernel starts one of that id
    unknown = {**new, "kernel": {"id": str(uuid4())}}
    assert _refused_for_execute(await writer.post("api", "sessions", body=unknown))
    # switching a session to a new kernel starts it
    switch = {"kernel": {"name": "python3"}}
    assert _refused_for_execute(
        await writer.patch("api", "sessions", admins_session["id"], body=switch)
    )
    kernels = (await admin.get("api", "kernels"))[1]
    assert [k["id"] for k in kernels] == [admins_session["kernel"]["id"]]


async def test_naming_a_running_kernel_never_makes_it_yours(make_user, admin, rbac):
    """POST /api/kernels with the id of a running kernel answers with that kernel: it must be
    one the user reaches, and it stays its owner's."""
    rbac.store.create_role("own-kernels", ["execute:kernels!user={user}", "read:kernels"])
    ann = make_user("ann", roles=["own-kernels"])
    status, kernel = await admin.post("api", "kernels", body={"name": "python3"})
    assert status == 201
    assert [k["id"] for k in (await ann.get("api", "kernels"))[1]] == [
        kernel["id"]
    ]  # she sees its id
    status, error = await ann.post(
        "api", "kernels", body={"name": "python3", "kernel_id": kernel["id"]}
    )
    assert (status, error["message"]) == (404, "No such kernel")
    assert rbac.policy.owner_of("kernel", kernel["id"]).owner == "admin"


async def test_naming_a_teammates_kernel_leaves_it_theirs(make_user, rbac):
    rbac.store.create_role("team-kernels", ["execute:kernels!group={group}"])
    ann = make_user("ann", roles=["team-kernels"], groups=["lab-a"])
    amy = make_user("amy", roles=["team-kernels"], groups=["lab-a"])
    status, kernel = await amy.post("api", "kernels", body={"name": "python3"})
    assert status == 201
    status, same = await ann.post(
        "api", "kernels", body={"name": "python3", "kernel_id": kernel["id"]}
    )
    assert (status, same["id"]) == (
        201,
        kernel["id"],
    )  # answered with amy's kernel, which ann reaches
    assert rbac.policy.owner_of("kernel", kernel["id"]).owner == "amy"


async def test_execute_on_kernels_starts_and_restarts_them(make_user, jp_root_dir):
    (jp_root_dir / "home" / "rosa").mkdir(parents=True)
    runner = make_user("rosa", roles=["runner"])
    status, kernel = await runner.post("api", "kernels", body={"name": "python3"})
    assert status == 201, kernel
    status, restarted = await runner.post("api", "kernels", kernel["id"], "restart")
    assert (status, restarted["id"]) == (200, kernel["id"])
    assert (await runner.put("api", "contents", "home", "rosa", "r.ipynb", body=NOTEBOOK))[0] == 201
    body = {
        "path": "home/rosa/r.ipynb",
        "type": "notebook",
        "name": "r.ipynb",
        "kernel": {"name": "python3"},
    }
    status, session = await runner.post("api", "sessions", body=body)
    assert status == 201, session
    status, switched = await runner.patch(
        "api", "sessions", session["id"], body={"kernel": {"name": "python3"}}
    )
    assert status == 200 and switched["kernel"]["id"] != session["kernel"]["id"]


@pytest.fixture
def rbac_config():
    # an extension's route that starts kernels, mapped (as jupyter_server asks) for `write`
    return {
        "extra_routes": [
            {"pattern": r"/rbac-starts-kernels", "resource": "kernels", "authorizer": True}
        ]
    }


async def test_a_kernel_start_judged_for_less_than_execute_is_refused(writer, admin, jp_serverapp):
    """Defence in depth: should a route that starts kernels be judged for less than
    `execute:kernels` (here an extension's, mapped for `write:kernels`), the kernel manager
    itself refuses to start a kernel in that request."""
    from jupyter_server.auth.decorator import authorized
    from jupyter_server.base.handlers import APIHandler
    from tornado import web

    class StartsAKernel(APIHandler):
        auth_resource = "kernels"

        @web.authenticated
        @authorized("write", resource="kernels")
        async def post(self):
            kernel_id = await self.kernel_manager.start_kernel(kernel_name="python3")
            self.finish({"id": kernel_id})

    jp_serverapp.web_app.add_handlers(
        ".*$", [(f"{jp_serverapp.base_url}rbac-starts-kernels", StartsAKernel)]
    )
    assert _refused_for_execute(await writer.post("rbac-starts-kernels"))
    assert (await admin.get("api", "kernels"))[1] == []
    status, started = await admin.post("rbac-starts-kernels")  # `all` is judged for everything
    assert status == 200, started


async def test_a_kernel_type_nobody_has_is_bad_input(admin):
    status, refused = await admin.post("api", "kernels", body={"name": "no-such-kernel"})
    assert status == 400 and "no-such-kernel" in refused["message"], refused


# -- where a kernel starts ------------------------------------------------------------------------


@pytest.fixture
def homeworker(rbac, make_user):
    """holly runs her own kernels and reads only her home folder."""
    rbac.store.create_role(
        "homeworker", ["read:contents!path=home/{user}/**", "execute:kernels!user={user}"]
    )
    return make_user("holly", roles=["homeworker"])


async def test_a_kernel_starts_only_in_a_folder_its_user_may_read(homeworker, admin, jp_root_dir):
    """A kernel's working folder is the start's `path`: reading it there (a kernel type that
    loads its folder's files at start) must be as allowed as reading it through the API."""
    for folder in ("home/holly", "secret"):
        (jp_root_dir / folder).mkdir(parents=True)
    status, error = await homeworker.post(
        "api", "kernels", body={"name": "python3", "path": "secret"}
    )
    assert (status, error["missing_scope"]) == (403, "read:contents!path=secret")
    status, kernel = await homeworker.post(
        "api", "kernels", body={"name": "python3", "path": "home/holly"}
    )
    assert status == 201, kernel
    status, kernels = await admin.get("api", "kernels")
    assert [k["id"] for k in kernels] == [kernel["id"]]  # the refused start left nothing running


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"name": "python3", "path": "../.."}, "leaves the server root"),
        ({"name": "python3", "path": 7}, "'path' in the request body must be a string"),
        ({"name": ["python3"]}, "'name' in the request body must be a string"),
    ],
)
async def test_a_kernel_start_with_a_bad_body_is_bad_input(homeworker, admin, body, problem):
    status, error = await homeworker.post("api", "kernels", body=body)
    assert status == 400 and problem in error["message"], (status, error)
    assert (await admin.get("api", "kernels"))[1] == []
