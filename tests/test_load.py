"""A bounded load run on loopback: for LOAD_SECONDS, several users read (contents, their
permissions, kernels, the audit trail) while administrators keep changing roles and who holds
them. The server keeps serving, and nothing goes wrong: no 5xx, no refusal of a request the
policy allowed at that moment, no connection error."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest

from .support.servers import call, isolated_env, start_server

pytestmark = pytest.mark.slow  # a real server process under load

LOAD_SECONDS = 60
READERS = 6
CHANGERS = 2


@pytest.fixture
def rbac_db_url_for_load(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'load.sqlite'}"


def test_sixty_seconds_of_mixed_load_without_an_error(rbac_db_url_for_load, tmp_path):
    from jupyter_rbac.model import Catalog
    from jupyter_rbac.services import RBACService
    from jupyter_rbac.store import Store

    db_url = rbac_db_url_for_load
    store = Store.open(db_url)
    service = RBACService(store, Catalog())
    service.ensure_defaults()
    service.bootstrap_first_admin("boss")
    readers = [f"reader{i}" for i in range(READERS)]
    for name in readers:
        store.create_user(name, roles=["viewer"])
    tokens = {name: store.create_token(name)[1] for name in ["boss", *readers]}
    store.close()

    server = start_server(tmp_path, "load", db_url, tokens["boss"], isolated_env(tmp_path))
    outcomes: Counter[str] = Counter()
    problems: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + LOAD_SECONDS

    def note(kind: str, problem: str | None = None) -> None:
        with lock:
            outcomes[kind] += 1
            if problem:
                problems.append(problem)

    def read(name: str) -> None:
        paths = ["/api/contents", "/api/rbac/me", "/api/kernels", "/api/rbac/users/" + name]
        i = 0
        while time.monotonic() < deadline:
            path = paths[i % len(paths)]
            i += 1
            try:
                status, body = call(server, "GET", path, tokens[name])
            except OSError as error:
                note("error", f"{name} GET {path}: {error}")
                continue
            # readers hold viewer throughout: every one of these is allowed, always
            note("read", None if status == 200 else f"{name} GET {path}: {status} {body}")

    def change(index: int) -> None:
        i = 0
        while time.monotonic() < deadline:
            role = f"churn{index}-{i}"
            i += 1
            steps = [
                (
                    "POST",
                    "/api/rbac/roles",
                    {"name": role, "scopes": ["read:lab", "write:contents!path=tmp/**"]},
                    201,
                ),
                ("PATCH", f"/api/rbac/roles/{role}", {"users": readers[:3]}, 200),
                ("PATCH", f"/api/rbac/roles/{role}", {"users": []}, 200),
                ("DELETE", f"/api/rbac/roles/{role}", None, 204),
            ]
            for method, path, body, expected in steps:
                try:
                    status, answer = call(server, method, path, tokens["boss"], body)
                except OSError as error:
                    note("error", f"{method} {path}: {error}")
                    continue
                note("write", None if status == expected else f"{method} {path}: {status} {answer}")

    threads = [threading.Thread(target=read, args=(name,)) for name in readers]
    threads += [threading.Thread(target=change, args=(i,)) for i in range(CHANGERS)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(LOAD_SECONDS + 60)
        assert server.process.poll() is None, "the server died under load"
    finally:
        server.stop()
    print(
        f"\n{LOAD_SECONDS} s: {outcomes['read']} reads, {outcomes['write']} policy writes, {len(problems)} problems"
    )
    assert problems == [], problems[:10]
    assert (
        outcomes["read"] > READERS * LOAD_SECONDS and outcomes["write"] > CHANGERS * LOAD_SECONDS
    ), outcomes
