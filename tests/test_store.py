"""The policy store on real databases: a SQLite file (WAL) and a PostgreSQL server."""

from __future__ import annotations

import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from jupyter_rbac.errors import Conflict, InvalidInput, NotFound
from jupyter_rbac.model import Catalog
from jupyter_rbac.services import RBACService
from jupyter_rbac.store import Store
from jupyter_rbac.store.models import Base


@pytest.fixture
def store(db_url):
    store = Store.open(db_url)
    yield store
    store.close()


def test_migrations_build_exactly_the_models(store):
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_sqlite_uses_wal(tmp_path):
    path = tmp_path / "wal.sqlite"
    Store.open(f"sqlite:///{path}").close()
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_defaults_are_created_once(store):
    service = RBACService(store, Catalog())
    service.ensure_defaults()
    service.ensure_defaults()
    roles = {role.name: role for role in store.list_roles()}
    assert set(roles) == {"admin", "user", "viewer", "runner", "editor", "analyst", "developer"}
    assert roles["admin"].scopes == ["all"] and roles["admin"].groups == ["admin"]
    assert roles["developer"].groups == ["developer"] and roles["analyst"].groups == ["analyst"]


def test_every_change_bumps_the_version_and_is_audited(store):
    before = store.version()
    store.create_user("u1")
    store.create_role("r1", ["read:contents"])
    store.assign_role("r1", users=["u1"])
    assert store.version() == before + 3
    actions = [event["action"] for event in store.audit_events(3)]
    assert actions == ["role.assign", "role.create", "user.create"]


def test_a_failed_change_loses_nothing(store):
    store.create_user("keep")
    version = store.version()
    with pytest.raises(NotFound):
        store.assign_role("no-such-role", users=["keep"])
    with pytest.raises(Conflict):
        store.create_user("keep")
    assert store.version() == version
    assert store.user_exists("keep")


def test_bad_names_are_refused(store):
    for name in ("", "../x", "a/b", "*", "x" * 200, ".hidden"):
        with pytest.raises(InvalidInput):
            store.create_user(name)


def test_deleting_a_user_deletes_their_tokens_and_assignments(store):
    store.create_user("gone")
    store.create_role("r", [])
    store.assign_role("r", users=["gone"])
    _, token = store.create_token("gone")
    store.delete_user("gone")
    assert store.identify_token(token) is None
    assert store.get_role("r").users == []


def _stored_hashes(store) -> list[str]:
    from sqlalchemy import text

    with store.engine.connect() as connection:
        rows = connection.execute(text("SELECT hashed FROM rbac_tokens ORDER BY id"))
        return [row[0] for row in rows]


def test_tokens_are_stored_as_salted_fast_hashes(store):
    """256 random bits need no slow hash: HMAC-SHA-256 keyed by a salt of their own."""
    store.create_user("t")
    _, token = store.create_token("t")
    _, other = store.create_token("t")
    stored = _stored_hashes(store)
    assert token not in " ".join(stored)
    assert all(hashed.startswith("hmac-sha256$") for hashed in stored), stored
    salts = {hashed.split("$")[1] for hashed in stored}
    assert len(salts) == 2  # a salt per secret
    assert store.identify_token(token).username == "t"
    assert store.identify_token(other).username == "t"
    # The look-up key alone is not the token: the rest must verify.
    forged = token[: token.rindex("_") + 1] + "A" * 43
    assert store.identify_token(forged) is None
    # nor does a hash of another secret, nor a hash cut short
    assert store.identify_token(token[:-1] + ("B" if token[-1] != "B" else "C")) is None


def test_tokens_hashed_with_argon2_before_still_work_and_get_the_fast_hash(store, db_url):
    """A database of the previous version holds argon2 hashes of its tokens: each still
    verifies, and its first use stores its fast hash, with no policy change (no version, no
    audit row), so every process keeps its compiled policy."""
    from sqlalchemy import text

    from jupyter_rbac.store.hashing import SLOW_RANDOM_SECRETS

    store.create_user("old")
    token_id, token = store.create_token("old")
    with store.engine.begin() as connection:
        connection.execute(
            text("UPDATE rbac_tokens SET hashed = :hashed WHERE id = :id"),
            {"hashed": SLOW_RANDOM_SECRETS.hash(token), "id": token_id},
        )
    version, events = store.version(), len(store.audit_events(limit=1000))
    wrong = token[:-1] + ("B" if token[-1] != "B" else "C")
    assert store.identify_token(wrong) is None
    assert _stored_hashes(store)[0].startswith("$argon2id$")  # a wrong secret changes nothing

    assert store.identify_token(token).username == "old"
    assert _stored_hashes(store)[0].startswith("hmac-sha256$")
    assert store.identify_token(token).username == "old"  # by its new hash
    assert store.identify_token(wrong) is None
    assert (store.version(), len(store.audit_events(limit=1000))) == (version, events)
    # another process on the same database finds it by the new hash too
    elsewhere = Store.open(db_url)
    try:
        assert elsewhere.identify_token(token).username == "old"
    finally:
        elsewhere.close()


def test_tokens_from_before_salted_hashes_still_work(store):
    """Tokens issued before migration 0003 (unsalted SHA-256, no look-up key) keep working."""
    import hashlib

    from sqlalchemy import text

    store.create_user("old")
    legacy = "rbac_" + "x" * 43
    with store.engine.begin() as connection:
        user_id = connection.execute(text("SELECT id FROM rbac_users WHERE name = 'old'")).scalar()
        connection.execute(
            text(
                "INSERT INTO rbac_tokens (user_id, hashed, prefix, note, one_time, created_at)"
                " VALUES (:user_id, :hashed, 'xxxx', '', false, CURRENT_TIMESTAMP)"
            ),
            {"user_id": user_id, "hashed": hashlib.sha256(legacy.encode()).hexdigest()},
        )
    assert store.identify_token(legacy).username == "old"
    assert store.identify_token("rbac_" + "y" * 43) is None


def test_one_time_token_is_consumed_once(store):
    store.create_user("o")
    token_id, _ = store.create_token("o", one_time=True)
    assert store.consume_one_time_token(token_id) is True
    assert store.consume_one_time_token(token_id) is False


def test_another_connection_pool_notices_changes(store, db_url):
    watcher = Store.open(db_url)
    try:
        watcher.changed()
        assert watcher.changed() is False
        store.create_user("noticed")
        assert eventually(watcher.changed)
        assert watcher.user_record("noticed") is not None
    finally:
        watcher.close()


def test_owners_are_kept(store):
    store.set_owner("kernel", "k1", "ann")
    store.set_owner("kernel", "k1", "ben")  # a reused id belongs to whoever started it last
    assert store.owners() == {("kernel", "k1"): "ben"}
    store.forget_owner("kernel", "k1")
    assert store.owners() == {}


@pytest.mark.postgres
@pytest.mark.slow
def test_a_lost_change_listener_reports_a_change_and_listens_again(postgres):
    """PostgreSQL: a notification lost with the connection must not mean stale permissions.

    (SQLite has no listener connection to lose.)"""
    from sqlalchemy import text

    db_url = postgres.create_database("rbac_lost_listener")
    store = Store.open(db_url)
    watcher = Store.open(db_url)
    try:
        watcher.changed()
        assert watcher.changed() is False
        with store.engine.begin() as connection:  # the database drops the listener's session
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()"
                )
            )
        assert eventually(watcher.changed)  # the loss is noticed, and reported as a change
        assert watcher.changed() is False
        store.create_user("after-reconnect")
        assert eventually(watcher.changed)  # listening again
    finally:
        watcher.close()
        store.close()


def eventually(predicate, within: float = 10.0) -> bool:
    """Poll `predicate` until it holds (notifications cross a socket: they take a moment)."""
    import time

    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.005)
    return False
