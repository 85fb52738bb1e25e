"""The policy database (SQLAlchemy 2 + Alembic): SQLite by default, any SQLAlchemy URL.

What other layers use of the store is imported from here; the tables (models.py) and the
migrations are the store's own.
"""

from .base import KEEP
from .checks import CONTROL_CHARACTERS, check_name, check_text
from .engine import MIGRATIONS, open_engine
from .hashing import TOKEN_PREFIX, GuessThrottle, hash_password, verify_password, verify_secret
from .listing import SORTABLE
from .models import CONFIGURATION
from .presence import PresenceEntry
from .record_keys import RecordKeys, new_record_key
from .records import (
    AuditRecord,
    GroupRecord,
    InvitationRecord,
    Page,
    PolicySnapshot,
    RoleRecord,
    ShareRecord,
    TokenIdentity,
    TokenRecord,
    UserEntry,
    UserRecord,
)
from .repository import Store

__all__ = [
    "CONFIGURATION",
    "CONTROL_CHARACTERS",
    "KEEP",
    "MIGRATIONS",
    "SORTABLE",
    "TOKEN_PREFIX",
    "AuditRecord",
    "GroupRecord",
    "GuessThrottle",
    "InvitationRecord",
    "Page",
    "PolicySnapshot",
    "PresenceEntry",
    "RecordKeys",
    "RoleRecord",
    "ShareRecord",
    "Store",
    "TokenIdentity",
    "TokenRecord",
    "UserEntry",
    "UserRecord",
    "check_name",
    "check_text",
    "hash_password",
    "new_record_key",
    "open_engine",
    "verify_password",
    "verify_secret",
]
