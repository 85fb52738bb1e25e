"""The shipped groups, as Nebari has them: analysts and developers work in their own home and their
groups' shared folders; other people's homes are private; only administrators reach every home."""

from __future__ import annotations

import json

import pytest

from .support.client import forbidden, refusal

pytestmark = pytest.mark.slow  # a server for each test: outside the fast subset

NOTEBOOK = json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
TEXT = {"type": "file", "format": "text", "content": "new"}
HOMES = {"ann": "home/ann/notes.txt", "bob": "home/bob/his.txt", "dora": "home/dora/plan.txt"}


@pytest.fixture
def tree(jp_root_dir):
    for path, content in {
        "home/ann/notes.txt": "ann's",
        "home/ann/nb.ipynb": NOTEBOOK,
        "home/bob/his.txt": "bob's",
        "home/bob/nb.ipynb": NOTEBOOK,
        "home/dora/plan.txt": "dora's",
        "shared/analyst/report.md": "the analysts'",
        "shared/developer/design.md": "the developers'",
        "projects/budget.txt": "nobody's in particular",
    }.items():
        target = jp_root_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)
    return jp_root_dir


@pytest.fixture
def ann(make_user):
    """An analyst: in the group `analyst`, nothing else."""
    return make_user("ann", groups=["analyst"])


@pytest.fixture
def dora(make_user):
    """A developer: in the group `developer`, nothing else."""
    return make_user("dora", groups=["developer"])


@pytest.fixture
def bob(make_user):
    return make_user("bob", groups=["analyst"])


async def read(client, path: str) -> int:
    return (await client.get("api", "contents", *path.split("/")))[0]


async def write(client, path: str) -> int:
    return (await client.put("api", "contents", *path.split("/"), body=TEXT))[0]


async def test_an_analyst_reads_and_writes_her_own_home_and_her_groups_folder_only(ann, bob, tree):
    for own in ("home/ann/notes.txt", "shared/analyst/report.md"):
        assert await read(ann, own) == 200, own
    for new in ("home/ann/new.txt", "shared/analyst/new.txt"):
        assert await write(ann, new) == 201, new
        assert (tree / new).read_text() == "new"
    # another user's home (of her own group, too), another group's folder, a folder outside
    for elsewhere in ("home/bob/his.txt", "shared/developer/design.md", "projects/budget.txt"):
        assert await read(ann, elsewhere) == 403, elsewhere
        assert (await ann.get("files", *elsewhere.split("/")))[0] == 403, elsewhere
    for elsewhere in ("home/bob/x.txt", "shared/developer/x.txt", "projects/x.txt"):
        assert await write(ann, elsewhere) == 403, elsewhere
        assert not (tree / elsewhere).exists()


async def test_other_homes_do_not_show_in_an_analysts_listing(ann, bob, tree):
    status, home = await ann.get("api", "contents", "home")
    assert status == 200 and [entry["name"] for entry in home["content"]] == ["ann"]
    assert await read(ann, "home/bob") == 403


async def test_an_analyst_exports_only_what_she_may_read(ann, bob, tree):
    for owner in ("ann", "bob"):
        cell = {
            "id": "c1",
            "cell_type": "code",
            "source": f"print('{owner}')",
            "metadata": {},
            "outputs": [],
        }
        cell["execution_count"] = None
        notebook = {**json.loads(NOTEBOOK), "cells": [cell]}
        (tree / "home" / owner / "nb.ipynb").write_text(json.dumps(notebook))
    status, script = await ann.get("nbconvert", "script", "home", "ann", "nb.ipynb")
    assert status == 200 and "print('ann')" in script
    answer = await ann.get("nbconvert", "script", "home", "bob", "nb.ipynb")
    assert refusal(answer) == forbidden("read:nbconvert!path=home/bob/nb.ipynb")
    assert "print('bob')" not in str(answer[1])


async def test_an_analyst_runs_notebooks_in_her_own_kernels_only(admin, ann, tree):
    body = {
        "path": "home/ann/nb.ipynb",
        "type": "notebook",
        "name": "nb.ipynb",
        "kernel": {"name": "python3"},
    }
    status, session = await ann.post("api", "sessions", body=body)
    assert status == 201, session
    channels = await ann.websocket("api", "kernels", session["kernel"]["id"], "channels")
    channels.close()
    # someone else's kernel and session: not listed, not joined (their code runs with their files)
    theirs = {**body, "path": "home/bob/nb.ipynb"}
    status, other = await admin.post("api", "sessions", body=theirs)
    assert status == 201, other
    _, kernels = await ann.get("api", "kernels")
    assert [kernel["id"] for kernel in kernels] == [session["kernel"]["id"]]
    _, sessions = await ann.get("api", "sessions")
    assert [s["path"] for s in sessions] == ["home/ann/nb.ipynb"]
    with pytest.raises(Exception) as refused:
        await ann.websocket("api", "kernels", other["kernel"]["id"], "channels")
    assert getattr(refused.value, "code", None) in (403, 404)
    # and no terminal
    assert (await ann.post("api", "terminals"))[0] == 403


async def test_a_developer_also_opens_her_own_terminals_and_reads_no_other_home(
    dora, make_user, tree
):
    status, terminal = await dora.post("api", "terminals")
    assert status == 200, terminal
    connection = await dora.websocket("terminals", "websocket", terminal["name"])
    connection.close()
    assert await write(dora, "home/dora/new.txt") == 201
    assert await write(dora, "shared/developer/new.txt") == 201
    assert await read(dora, "home/ann/notes.txt") == 403
    assert await write(dora, "projects/x.txt") == 403
    # another developer's terminal is hers alone
    other = make_user("dan", groups=["developer"])
    with pytest.raises(Exception) as refused:
        await other.websocket("terminals", "websocket", terminal["name"])
    assert getattr(refused.value, "code", None) in (403, 404)


async def test_only_an_administrator_reaches_every_home(admin, ann, dora, tree):
    for client in (ann, dora):
        for owner, home in HOMES.items():
            expected = 200 if owner == client.name else 403
            assert await read(client, home) == expected, (client.name, home)
    for home in HOMES.values():
        assert await read(admin, home) == 200, home
    assert await write(admin, "home/bob/from-admin.txt") == 201
