"""Bringing a test database to one Alembic revision of the policy store, as an older version of
jupyter-rbac left it, before inserting that version's rows and opening it with today's store."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from jupyter_rbac.store import MIGRATIONS, open_engine


def migrate(db_url: str, revision: str) -> None:
    engine = open_engine(db_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()
