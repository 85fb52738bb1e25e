"""The policy store, `Store`: one class over the policy database, composed of its parts.

Each part has one job and its own module: roles.py, users.py, groups.py, shares.py, tokens.py, accounts.py
(passwords, sessions, invitations), owners.py (who started a kernel, terminal or session),
activity.py (last seen, last used), presence.py (who is present on which server) and audit.py,
over changes.py (the audited, versioned write transaction and change watching) and base.py (the engine and sessions). Every method takes and returns plain data (records.py).
"""

from __future__ import annotations

from .accounts import Accounts
from .activity import Activity
from .audit import AuditTrail
from .groups import Groups
from .owners import Owners
from .presence import PresenceRows
from .roles import Roles
from .tokens import Tokens
from .users import Users

__all__ = ["Store"]


class Store(Roles, Users, Groups, Tokens, Accounts, Owners, AuditTrail, Activity, PresenceRows):
    """The policy database, behind plain-data methods. Open with `Store.open(url)`."""
