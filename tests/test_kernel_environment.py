"""What a kernel (or a terminal) finds when it starts: never code from its working folder, and,
on someone else's JupyterHub server, none of the Hub's credentials.

- Python kernels start with the working folder off the import path: a file planted there
  (`ipykernel_launcher.py`, or any module a notebook imports) is never imported by itself.
- Under JupyterHub (JUPYTERHUB_USER names the server's owner), the kernels and terminals of
  anyone but the owner start without JUPYTERHUB_API_TOKEN and JPY_API_TOKEN; the owner's keep them.
  Here the Hub's environment is given to a standalone server: the rule does not depend on who
  signs people in.
"""

from __future__ import annotations

import pytest

from .support.kernels import run_code, shell_prints, start_kernel

pytestmark = pytest.mark.slow  # a server for each test, and the kernels or terminals it starts

HUB_SECRET = "some-secret"
NOTEBOOK = {
    "type": "notebook",
    "content": {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5},
}


@pytest.fixture
def hub_environment(monkeypatch):
    """The server runs as alice's single-user server, with the Hub's token in its environment."""
    monkeypatch.setenv("JUPYTERHUB_USER", "alice")
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", HUB_SECRET)
    monkeypatch.setenv("JPY_API_TOKEN", HUB_SECRET)
    # and what else a server's environment may hold that gives rights
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)


SECRETS = {
    "JUPYTER_TOKEN": HUB_SECRET,
    "JUPYTERHUB_OAUTH_ACCESS_TOKEN": HUB_SECRET,  # a Hub variable that is no place
    "RBAC_DATABASE": f"postgresql+psycopg://rbac:{HUB_SECRET}@db/rbac",
    "AWS_SECRET_ACCESS_KEY": HUB_SECRET,  # in c.RBAC.kernel_environment_deny below
}
PLACES = {"JUPYTERHUB_API_URL": "http://hub:8081/hub/api", "HARMLESS": "https://example.org/x"}


@pytest.fixture
def rbac_config(hub_environment, monkeypatch):
    """Set before the server starts: it reads its environment once."""
    for name, value in PLACES.items():
        monkeypatch.setenv(name, value)
    return {"kernel_environment_deny": ["AWS_*"]}


@pytest.fixture
def alice(make_user):
    """The server's owner, by name."""
    return make_user("alice", roles=["editor"])


async def _start_session(client, path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    body = {"path": path, "type": "notebook", "name": name, "kernel": {"name": "python3"}}
    status, session = await client.post("api", "sessions", body=body)
    assert status == 201, session
    return session["kernel"]["id"]


PRINT_HUB_TOKENS = (
    "import os; print(os.environ.get('JUPYTERHUB_API_TOKEN'), os.environ.get('JPY_API_TOKEN'))"
)


# -- the working folder is never on the import path ------------------------------------------------


async def test_a_kernel_never_imports_what_was_planted_in_its_working_folder(
    make_user, jp_root_dir, tmp_path
):
    marker = tmp_path / "planted-code-ran"  # outside the served folder
    planted = (
        "import os, sys\n"
        f"open({str(marker)!r}, 'w').write('ran')\n"
        # then start the real kernel, so that the kernel works either way
        "sys.path[:] = [p for p in sys.path if p not in ('', os.getcwd())]\n"
        "from ipykernel import kernelapp\n"
        "kernelapp.launch_new_instance()\n"
    )
    writer = make_user("wendy", roles=["editor"])
    assert (await writer.put("api", "contents", "evil", body={"type": "directory"}))[0] == 201
    for name in ("ipykernel_launcher.py", "planted.py"):
        body = {"type": "file", "format": "text", "content": planted}
        assert (await writer.put("api", "contents", "evil", name, body=body))[0] == 201
    assert (await writer.put("api", "contents", "evil", "x.ipynb", body=NOTEBOOK))[0] == 201

    runner = make_user("rosa", roles=["runner"])
    checks = (
        "import importlib.util, os, sys; "
        "print(os.path.basename(os.getcwd()), importlib.util.find_spec('planted') is None, "
        "'' in sys.path, os.getcwd() in sys.path)"
    )
    # through a session, and through the Kernels API with a path
    kernel_id = await _start_session(runner, "evil/x.ipynb")
    assert (
        await run_code(runner, kernel_id, checks) == "evil True False False"
    )  # in evil/, and works
    status, kernel = await runner.post(
        "api", "kernels", body={"name": "python3", "path": "evil/x.ipynb"}
    )
    assert status == 201, kernel
    assert await run_code(runner, kernel["id"], checks) == "evil True False False"
    assert not marker.exists()


# -- under JupyterHub: only the owner's kernels and terminals hold the Hub's token -----------------


async def test_a_visitors_kernel_holds_no_hub_token(editor, jp_root_dir):
    assert await run_code(editor, await start_kernel(editor), PRINT_HUB_TOKENS) == "None None"
    assert (await editor.put("api", "contents", "v.ipynb", body=NOTEBOOK))[0] == 201
    # a session passes the kernel an environment of its own
    assert (
        await run_code(editor, await _start_session(editor, "v.ipynb"), PRINT_HUB_TOKENS)
        == "None None"
    )
    # what is not a secret stays: tools still know whose server this is
    assert (
        await run_code(
            editor, await start_kernel(editor), "import os; print(os.environ['JUPYTERHUB_USER'])"
        )
        == "alice"
    )


async def test_a_visitors_kernel_gets_no_hub_token_back_when_its_session_moves(editor):
    """jupyter_server gives a kernel the server's environment again when its session is renamed
    (`update_env`, used at the next restart): a visitor's kernel must not get the token back."""
    assert (await editor.put("api", "contents", "v.ipynb", body=NOTEBOOK))[0] == 201
    body = {"path": "v.ipynb", "type": "notebook", "name": "v", "kernel": {"name": "python3"}}
    status, session = await editor.post("api", "sessions", body=body)
    assert status == 201, session
    assert (await editor.put("api", "contents", "w.ipynb", body=NOTEBOOK))[0] == 201
    status, moved = await editor.patch("api", "sessions", session["id"], body={"path": "w.ipynb"})
    assert status == 200, moved
    kernel_id = session["kernel"]["id"]
    assert (await editor.post("api", "kernels", kernel_id, "restart"))[0] == 200
    assert await run_code(editor, kernel_id, PRINT_HUB_TOKENS) == "None None"


async def test_a_visitors_kernel_and_terminal_start_without_the_servers_secrets(editor, alice):
    names = sorted(SECRETS) + sorted(PLACES)
    code = f"import os; print(' '.join(str(os.environ.get(n)) for n in {names!r}))"
    kept = dict(zip(names, (await run_code(editor, await start_kernel(editor), code)).split()))
    assert {name: kept[name] for name in SECRETS} == dict.fromkeys(SECRETS, "None")
    assert {name: kept[name] for name in PLACES} == PLACES
    printed = await shell_prints(editor, "env | grep -c some-secret || true")
    assert printed.split()[-1] == "0"
    # the owner's own keep everything
    owners = dict(zip(names, (await run_code(alice, await start_kernel(alice), code)).split()))
    assert {name: owners[name] for name in SECRETS} == SECRETS


async def test_the_owners_kernel_keeps_the_hub_token(alice):
    assert (
        await run_code(alice, await start_kernel(alice), PRINT_HUB_TOKENS)
        == f"{HUB_SECRET} {HUB_SECRET}"
    )


async def test_a_visitors_terminal_holds_no_hub_token(editor):
    assert (
        await shell_prints(editor, 'echo "$JUPYTERHUB_API_TOKEN|$JPY_API_TOKEN|$JUPYTERHUB_USER"')
        == "||alice"
    )


async def test_the_owners_terminal_keeps_the_hub_token(alice):
    printed = await shell_prints(alice, 'echo "$JUPYTERHUB_API_TOKEN|$JPY_API_TOKEN"')
    assert printed == f"{HUB_SECRET}|{HUB_SECRET}"
