"""Opening the policy database: engine, SQLite pragmas, migrations, and noticing other writers."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

MIGRATIONS = Path(__file__).parent / "migrations"
# Execution option marking connections that will write (see _sqlite_begin).
WRITE_OPTION = "rbac_write"


def open_engine(url: str) -> Engine:
    """An engine for `url`; SQLite files get WAL mode, foreign keys and a busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, future=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
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

    SQLite: `PRAGMA data_version` on a dedicated connection changes when another connection (in
    this process or another) commits; it reads shared memory, no disk. Elsewhere: the policy
    version row is read (PostgreSQL adds LISTEN/NOTIFY in its own watcher).
    """

    def __init__(self, engine: Engine):
        self._engine = engine
        self._sqlite = engine.dialect.name == "sqlite"
        # A connection of our own, kept out of the pool: data_version is per connection.
        self._pooled = engine.raw_connection() if self._sqlite else None
        self._raw = self._pooled.driver_connection if self._pooled is not None else None
        self._last: object = self._read()

    def _read(self) -> object:
        if self._raw is not None:
            return self._raw.execute("PRAGMA data_version").fetchone()[0]
        with self._engine.connect() as connection:
            return connection.execute(
                text("SELECT version FROM rbac_policy_state WHERE id = 1")
            ).scalar()

    def changed(self) -> bool:
        current = self._read()
        if current != self._last:
            self._last = current
            return True
        return False

    def close(self) -> None:
        if self._pooled is not None:
            self._pooled.close()
            self._pooled = self._raw = None
