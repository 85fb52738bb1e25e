"""The policy database (SQLAlchemy 2 + Alembic): SQLite by default, any SQLAlchemy URL."""

from .repository import PolicySnapshot, RoleRecord, Store, TokenIdentity, UserRecord, check_name

__all__ = ["PolicySnapshot", "RoleRecord", "Store", "TokenIdentity", "UserRecord", "check_name"]
