"""The policy database (SQLAlchemy 2 + Alembic): SQLite by default, any SQLAlchemy URL."""

from .records import (
    AuditRecord,
    GroupRecord,
    Page,
    PolicySnapshot,
    RoleRecord,
    TokenIdentity,
    TokenRecord,
    UserEntry,
    UserRecord,
)
from .repository import KEEP, NAME_RULE, Store, check_name

__all__ = [
    "KEEP",
    "NAME_RULE",
    "AuditRecord",
    "GroupRecord",
    "Page",
    "PolicySnapshot",
    "RoleRecord",
    "Store",
    "TokenIdentity",
    "TokenRecord",
    "UserEntry",
    "UserRecord",
    "check_name",
]
