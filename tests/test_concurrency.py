"""Writers racing on one record, on both backends: one wins, the others are told; nothing is lost."""

from __future__ import annotations

import threading

import pytest

from jupyter_rbac.errors import Conflict, PreconditionFailed
from jupyter_rbac.model import Catalog
from jupyter_rbac.services import RBACService
from jupyter_rbac.store import Store

WRITERS = 8


@pytest.fixture
def store(db_url):
    store = Store.open(db_url)
    RBACService(store, Catalog()).ensure_defaults()
    yield store
    store.close()


def race(count: int, write) -> list[object]:
    """Run `write(i)` in `count` threads released at once; each result or exception, in order."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = write(index)
        except Exception as error:  # noqa: BLE001  # collected and asserted on by the test
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_only_one_of_several_edits_of_the_same_revision_wins(db_url, store):
    store.create_role("shared", ["read:contents"])
    revision = store.get_role("shared").revision
    # one Store per writer: separate connection pools, as separate servers would have
    stores = [Store.open(db_url, migrate=False) for _ in range(WRITERS)]
    try:
        results = race(
            WRITERS,
            lambda i: stores[i].update_role(
                "shared", scopes=[f"read:contents!path=w{i}/**"], expected_revision=revision
            ),
        )
    finally:
        for other in stores:
            other.close()
    winners = [i for i, result in enumerate(results) if not isinstance(result, Exception)]
    losers = [result for result in results if isinstance(result, Exception)]
    assert len(winners) == 1
    assert all(isinstance(error, PreconditionFailed) for error in losers), losers
    assert store.get_role("shared").scopes == [f"read:contents!path=w{winners[0]}/**"]
    assert store.get_role("shared").revision == revision + 1


def test_concurrent_writes_without_if_match_all_apply(db_url, store):
    """No lost updates and no 'database is locked': every membership added is there."""
    for i in range(WRITERS):
        store.create_user(f"u{i}")
    stores = [Store.open(db_url, migrate=False) for _ in range(WRITERS)]
    try:
        results = race(WRITERS, lambda i: stores[i].add_members("analyst", [f"u{i}"]))
    finally:
        for other in stores:
            other.close()
    assert [r for r in results if isinstance(r, Exception)] == []
    assert store.get_group("analyst").members == sorted(f"u{i}" for i in range(WRITERS))


def test_two_admins_cannot_remove_each_other_at_once(db_url, store):
    """Each removal alone leaves an admin; both together would leave none: one must fail."""
    store.create_user("a")
    store.create_user("b")
    store.assign_role("admin", users=["a", "b"])
    stores = [Store.open(db_url, migrate=False) for _ in range(2)]
    try:
        results = race(
            2, lambda i: stores[i].unassign_role("admin", users=["ab"[i]], actor="ba"[i])
        )
    finally:
        for other in stores:
            other.close()
    failures = [r for r in results if isinstance(r, Exception)]
    assert len(failures) == 1 and isinstance(failures[0], Conflict), results
    assert len(store.get_role("admin").users) == 1
