"""Several servers, one collaborators list: replicas on one policy database (a SQLite file, or a
PostgreSQL database) show who is connected to any of them, with the documents they have open and
how, each reader seeing only the documents they may read; somebody who leaves, or whose server is
killed, leaves every list."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path
from urllib.parse import quote

import nbformat
import pytest
import websocket

from jupyter_rbac.store import PresenceEntry, Store

from .support.servers import Server, admin_and_viewer, call, isolated_env, start_server

SHARED, PRIVATE = "shared/notes.ipynb", "private/plan.ipynb"
# Short, so that the tests see people leave: idle one second after their last request, and the
# rows of a killed server expire three seconds after its last refresh.
QUICK = {"presence_idle_seconds": 1.0, "presence_expiry_seconds": 3.0}
WAIT = 30  # seconds to wait for what the test expects, at most (it normally takes one or two)


@pytest.fixture
def people(db_url) -> dict[str, str]:
    """Tokens of: `boss` (admin), `bob` (viewer), `eddie` (editor), `sue` (reads shared/ and who
    is here), `nora` (no role)."""
    tokens = admin_and_viewer(db_url)
    store = Store.open(db_url)
    try:
        store.create_user("eddie", roles=["editor"])
        store.create_role(
            "shared-reader",
            ["read:contents!path=shared/**", "read:collaborators", "read:api"],
        )
        store.create_user("sue", roles=["shared-reader"])
        store.create_user("nora")
        for name in ("eddie", "sue", "nora"):
            tokens[name] = store.create_token(name)[1]
    finally:
        store.close()
    return tokens


@pytest.fixture
def start(db_url, people, tmp_path):
    """start(name, **rbac) -> a real `jupyter server` on the test's database with these c.RBAC
    settings and its own Jupyter folders, serving a folder with the two notebooks."""
    started: list[Server] = []

    def start_one(name: str, **rbac) -> Server:
        env = isolated_env(tmp_path / f"{name}-jupyter")
        config = Path(env["JUPYTER_CONFIG_DIR"]) / "jupyter_server_config.json"
        config.write_text(json.dumps({"RBAC": rbac}))
        root = tmp_path / f"{name}-root"  # the same files on every replica, as on shared storage
        for path in (SHARED, PRIVATE):
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
            nbformat.write(notebook, root / path)
        server = start_server(tmp_path, name, db_url, people["boss"], env)
        started.append(server)
        return server

    yield start_one
    for server in started:
        server.stop()


def open_document(server: Server, token: str, path: str) -> websocket.WebSocket:
    """Open `path`'s collaboration room on `server`, as JupyterLab does (session, then room)."""
    status, session = call(
        server, "PUT", f"/api/collaboration/session/{quote(path)}", token,
        {"format": "json", "type": "notebook"},
    )  # fmt: skip
    assert status in (200, 201), (status, session)
    room = f"json:notebook:{session['fileId']}?sessionId={session['sessionId']}"
    url = server.url.replace("http://", "ws://") + f"/api/collaboration/room/{room}"
    return websocket.create_connection(url, header=[f"Authorization: token {token}"], timeout=30)


def collaborators(server: Server, token: str) -> dict[str, dict]:
    status, body = call(server, "GET", "/api/rbac/collaborators", token)
    assert status == 200, body
    names = [person["username"] for person in body["collaborators"]]
    assert len(names) == len(set(names)), names  # one entry per user, whichever servers
    return {person["username"]: person for person in body["collaborators"]}


def documents(person: dict) -> list[tuple[str, str]]:
    return [(document["path"], document["mode"]) for document in person["documents"]]


def listed_when(server: Server, token: str, condition, what: str) -> dict[str, dict]:
    """Ask `server` for its collaborators until `condition(list)` holds (presence travels
    through the database); returns that list."""
    deadline = time.monotonic() + WAIT
    while True:
        found = collaborators(server, token)
        if condition(found):
            return found
        assert time.monotonic() < deadline, f"never: {what}; last {found}"
        time.sleep(0.2)  # asking a server again


def kill(server: Server) -> None:
    """SIGKILL: the server says nothing to anyone."""
    os.killpg(server.process.pid, signal.SIGKILL)
    server.process.wait(30)


IDENTITY = ("display_name", "initials", "color", "avatar_url")
processes = pytest.mark.slow  # real server processes of their own (PostgreSQL: also `postgres`)


@processes
def test_someone_connected_to_one_server_is_listed_by_the_other_until_they_leave(start, people):
    a, b = start("a", **QUICK), start("b", **QUICK)
    eddie = open_document(a, people["eddie"], SHARED)
    bob = open_document(a, people["bob"], SHARED)
    try:
        listed = listed_when(
            b, people["boss"], lambda found: {"eddie", "bob"} <= set(found), "B lists eddie and bob"
        )
        assert documents(listed["eddie"]) == [(SHARED, "editor")]
        assert documents(listed["bob"]) == [(SHARED, "viewer")]
        assert listed["eddie"]["connections"] == {"document": 1}
        assert listed["eddie"]["roles"] == ["editor", "user"]
        # as A verified them, and as A lists them
        on_a = collaborators(a, people["boss"])
        assert documents(on_a["bob"]) == [(SHARED, "viewer")]
        for name in ("eddie", "bob"):
            assert [listed[name][k] for k in IDENTITY] == [on_a[name][k] for k in IDENTITY]
            assert listed[name]["color"]
    finally:
        eddie.close()
        bob.close()
    listed_when(
        b,
        people["boss"],
        lambda found: not {"eddie", "bob"} & set(found),
        "B no longer lists eddie and bob, who left A",
    )


def documents_of(name: str, count: int):
    return lambda found: len(found.get(name, {"documents": []})["documents"]) == count


@processes
def test_one_user_on_both_servers_is_one_entry_with_the_documents_of_both(start, people):
    a, b = start("a", **QUICK), start("b", **QUICK)
    on_a = open_document(a, people["eddie"], SHARED)
    on_b = open_document(b, people["bob"], SHARED)
    also_on_b = open_document(b, people["eddie"], PRIVATE)
    try:
        for server in (a, b):
            listed = listed_when(
                server,
                people["boss"],
                lambda found: documents_of("eddie", 2)(found) and "bob" in found,
                "each server lists eddie's documents on both, and bob",
            )
            assert documents(listed["eddie"]) == [(PRIVATE, "editor"), (SHARED, "editor")]
            assert listed["eddie"]["connections"] == {"document": 2}
            assert documents(listed["bob"]) == [(SHARED, "viewer")]
    finally:
        on_a.close()
        on_b.close()
        also_on_b.close()


@processes
def test_the_other_servers_people_are_shown_only_as_the_reader_may_see_them(start, people):
    a, b = start("a", **QUICK), start("b", **QUICK)
    private = open_document(a, people["eddie"], PRIVATE)
    shared = open_document(a, people["eddie"], SHARED)
    try:
        listed_when(b, people["boss"], documents_of("eddie", 2), "B lists eddie's two documents")
        eddie = collaborators(b, people["sue"])["eddie"]
        # sue may read shared/ only: the other document is neither listed nor counted
        assert documents(eddie) == [(SHARED, "editor")]
        assert eddie["connections"] == {"document": 1}
        assert PRIVATE not in json.dumps(call(b, "GET", "/api/rbac/collaborators", people["sue"]))
        # and who may not see collaborators sees nobody, through either server
        for server in (a, b):
            status, body = call(server, "GET", "/api/rbac/collaborators", people["nora"])
            assert (status, body["missing_scope"]) == (403, "read:collaborators")
    finally:
        private.close()
        shared.close()


@processes
def test_a_killed_server_leaves_the_others_lists_when_its_presence_expires(start, people):
    a, b = start("a", **QUICK), start("b", **QUICK)
    eddie = open_document(a, people["eddie"], SHARED)
    try:
        listed_when(b, people["boss"], lambda found: "eddie" in found, "B lists eddie")
        kill(a)
        listed_when(
            b,
            people["boss"],
            lambda found: "eddie" not in found,
            "B no longer lists eddie, whose server was killed",
        )
    finally:
        eddie.close()


@processes
def test_a_server_stopped_cleanly_takes_its_people_out_of_the_others_lists(start, people, db_url):
    # a long expiry: only the stopping server's own deletion can take eddie out
    a, b = start("a", presence_expiry_seconds=600.0), start("b", presence_expiry_seconds=600.0)
    eddie = open_document(a, people["eddie"], SHARED)
    try:
        listed_when(b, people["boss"], lambda found: "eddie" in found, "B lists eddie")
        a.stop()
        store = Store.open(db_url)
        try:
            assert "eddie" not in [e.username for e in store.presence_elsewhere("", time.time())]
        finally:
            store.close()
        assert "eddie" not in collaborators(b, people["boss"])
    finally:
        eddie.close()


def entry(server: str, username: str, expires_at: float) -> PresenceEntry:
    connections = ({"kind": "document", "since": 1.0, "document": SHARED, "mode": "editor"},)
    return PresenceEntry(
        server, username, username.title(), None, None, None, connections, 1.0, 2.0, expires_at
    )


def test_presence_rows_are_no_policy_change_and_expire(db_url):
    store = Store.open(db_url)
    try:
        version, trail = store.version(), store.audit_events()
        now = time.time()
        store.publish_presence("a", [entry("a", "eddie", now + 30)], now)
        store.publish_presence("b", [entry("b", "vera", now - 1)], now)  # already expired
        assert [e.username for e in store.presence_elsewhere("b", now)] == ["eddie"]
        assert store.presence_elsewhere("a", now) == []
        (eddie,) = store.presence_elsewhere("b", now)
        assert eddie == entry("a", "eddie", now + 30)
        store.withdraw_presence("a")
        assert store.presence_elsewhere("b", now) == []
        assert (store.version(), store.audit_events()) == (version, trail)
    finally:
        store.close()
