"""Opening the policy database: engine, SQLite pragmas, migrations, and noticing other writers.

On PostgreSQL an idle server holds one connection and sends nothing: its change listener
(LISTEN), whose socket has TCP keepalives, so that a database gone silent (a host down, a
network cut) breaks it within `DEAD_WITHIN_SECONDS`, and a stopped one at once; pooled
connections are closed once none has been used for `IDLE_POOL_SECONDS` (IdleConnections).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from .file_modes import make_private

log = logging.getLogger(__name__)
# A silent peer is found dead after KEEPALIVE_IDLE seconds without traffic and
# KEEPALIVE_COUNT unanswered probes KEEPALIVE_INTERVAL apart (libpq's parameters).
KEEPALIVE_IDLE, KEEPALIVE_INTERVAL, KEEPALIVE_COUNT = 4, 1, 3
DEAD_WITHIN_SECONDS = 10  # what the keepalives above promise, with room for the timer's tick
POSTGRES_CONNECTION = {
    "application_name": "jupyter-rbac",
    "keepalives": 1,
    "keepalives_idle": KEEPALIVE_IDLE,
    "keepalives_interval": KEEPALIVE_INTERVAL,
    "keepalives_count": KEEPALIVE_COUNT,
}
# Pooled connections unused this long are closed (the listener stays).
IDLE_POOL_SECONDS = 10.0
MIGRATIONS = Path(__file__).parent / "migrations"
# Execution option marking connections that will write (see _sqlite_begin).
WRITE_OPTION = "rbac_write"


def open_engine(url: str, through_pooler: bool = False) -> Engine:
    """An engine for `url`; SQLite files are their owner's alone (file_modes.py) and get WAL
    mode, foreign keys and a busy timeout. `through_pooler`: `url` is a pooler in transaction
    mode (PgBouncer), where a session's prepared statements do not follow its transactions."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() == "psycopg":
        connect_args: dict = dict(POSTGRES_CONNECTION)
        if through_pooler:
            connect_args["prepare_threshold"] = None
        return create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if (
        parsed.database
        and parsed.database != ":memory:"
        and not parsed.database.startswith("file:")
    ):
        make_private(Path(parsed.database))  # before SQLite makes it with the umask's mode
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        # We send BEGIN ourselves (below): the driver's implicit transactions would defer it.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection):
        # A write transaction takes the write lock up front: otherwise two writers that both
        # read first would have the second fail with "database is locked" instead of waiting.
        immediate = connection.get_execution_options().get(WRITE_OPTION)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def upgrade_schema(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (creates it on an empty database)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


POLICY_CHANNEL = "jupyter_rbac_policy"


def announce_change(connection) -> None:
    """Tell other processes the policy changed; delivered when the transaction commits.

    PostgreSQL: NOTIFY on POLICY_CHANNEL. SQLite needs nothing: `PRAGMA data_version` sees commits.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"NOTIFY {POLICY_CHANNEL}"))


class ChangeWatcher:
    """Tells cheaply whether anyone may have written to the database since the last look.

    False only when nothing changed: when in doubt (a lost connection), it says True, and the
    caller compares the policy version. Made by `watch_changes`, which picks the cheapest kind.
    """

    def changed(self) -> bool:
        raise NotImplementedError

    def close(self) -> None:
        """Release the watcher's own connection, if it has one."""


def watch_changes(engine: Engine, listen_url: str | None = None) -> ChangeWatcher:
    """The cheapest watcher `engine`'s database allows; on PostgreSQL the listener connects to
    `listen_url` if given (directly, where `engine` goes through a pooler)."""
    if engine.dialect.name == "sqlite":
        return SQLiteWatcher(engine)
    if engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg":
        try:
            listener = open_engine(listen_url) if listen_url else engine
            return PostgresWatcher(listener)
        except Exception as error:  # noqa: BLE001  # e.g. a pooler that does not pass LISTEN through
            log.warning(
                "jupyter-rbac: cannot LISTEN for policy changes (%s); reading the version instead",
                error,
            )
    return VersionWatcher(engine)


class _CounterWatcher(ChangeWatcher):
    """A watcher that reads a counter which moves with every commit (`_read`)."""

    _last: object

    def _read(self) -> object:
        raise NotImplementedError

    def changed(self) -> bool:
        current = self._read()
        if current != self._last:
            self._last = current
            return True
        return False


class SQLiteWatcher(_CounterWatcher):
    """`PRAGMA data_version` on a dedicated connection changes when another connection (in this
    process or another) commits; it reads shared memory, no disk."""

    def __init__(self, engine: Engine):
        # A connection of our own, kept out of the pool: data_version is per connection.
        self._pooled = engine.raw_connection()
        self._raw = self._pooled.driver_connection
        self._last = self._read()

    def _read(self) -> int:
        return self._raw.execute("PRAGMA data_version").fetchone()[0]

    def close(self) -> None:
        self._pooled.close()


class PostgresWatcher(ChangeWatcher):
    """LISTENs on POLICY_CHANNEL on a dedicated connection; `changed` polls the socket for
    notifications without a round trip to the server. Nothing is sent while nothing changes: a
    stopped server closes the socket (the next poll finds it), a silent one fails the socket's
    keepalives (within DEAD_WITHIN_SECONDS); either way the listener reports a change and
    listens anew, and the caller's read of the version fails while the database is away."""

    def __init__(self, engine: Engine):
        self._engine = engine
        self._connection = self._listen()

    def _listen(self):
        pooled = self._engine.raw_connection()
        connection = pooled.driver_connection
        pooled.detach()  # ours for good: LISTEN belongs to one session
        connection.autocommit = True
        connection.execute(f"LISTEN {POLICY_CHANNEL}")
        return connection

    def changed(self) -> bool:
        if self._connection is not None:
            try:
                if self._connection.closed:
                    raise ConnectionError("the listener's connection is closed")
                return any(True for _ in self._connection.notifies(timeout=0))
            except Exception as error:  # noqa: BLE001  # whatever broke it, listen anew
                log.warning(
                    "jupyter-rbac: lost the policy change listener (%s); reconnecting", error
                )
                self.close()
        # Notifications may have been lost with the connection: report a change, listen anew.
        try:
            self._connection = self._listen()
        except Exception:  # noqa: BLE001
            self._connection = None  # the database is away: every look is a possible change
        return True

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            finally:
                self._connection = None


class IdleConnections:
    """Closes a pool's connections once none has been checked out for `idle_seconds`: an idle
    server keeps no connection but its listener (the next request opens one again)."""

    def __init__(
        self,
        engine: Engine,
        idle_seconds: float = IDLE_POOL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._engine = engine
        self._idle_seconds = idle_seconds
        self._clock = clock
        self._last_used = clock()
        self.released = 0  # times the pool was emptied: what tests and benches can see
        event.listen(engine, "checkin", self._returned)

    def _returned(self, *_args) -> None:
        self._last_used = self._clock()

    def release(self) -> bool:
        """Close the pool's connections if they have been idle long enough. True if it did."""
        pool = self._engine.pool
        checked_in = getattr(pool, "checkedin", lambda: 0)()
        if pool.checkedout() or not checked_in:  # type: ignore[attr-defined]
            return False
        if self._clock() - self._last_used < self._idle_seconds:
            return False
        pool.dispose()
        self.released += 1
        return True


class VersionWatcher(_CounterWatcher):
    """Any other database: reads the policy version row (one small query per look)."""

    def __init__(self, engine: Engine):
        self._engine = engine
        self._last = self._read()

    def _read(self) -> int | None:
        with self._engine.connect() as connection:
            return connection.execute(
                text("SELECT version FROM rbac_policy_state WHERE id = 1")
            ).scalar()
