"""Secrets at rest: passwords, API tokens and invitation codes are stored only as argon2id hashes,
each with its own salt.

A token or invitation code carries a public look-up key in front of its secret
(`rbac_<lookup>_<secret>`), so the database finds the one row to verify without a scan. Verifying
is deliberately slow (tens of milliseconds); the policy remembers a verified token for the life of
the process, so a request pays it once, not every time.
"""

from __future__ import annotations

import functools
import re
import secrets
from typing import NamedTuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# Passwords are chosen by people: argon2-cffi's defaults (RFC 9106's low-memory profile).
PASSWORDS = PasswordHasher()
# Tokens and invitation codes are 256-bit random: OWASP's minimum argon2id profile is plenty.
RANDOM_SECRETS = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)

TOKEN_PREFIX = "rbac_"
INVITATION_PREFIX = "rbacinv_"
_LOOKUP = re.compile(r"^([0-9a-f]{16})_([A-Za-z0-9_\-]{20,})$")


class IssuedSecret(NamedTuple):
    lookup: str  # stored in clear, unique: finds the row
    secret: str  # shown once; only its hash is stored
    hashed: str


def issue_secret(prefix: str) -> IssuedSecret:
    lookup = secrets.token_hex(8)
    secret = f"{prefix}{lookup}_{secrets.token_urlsafe(32)}"
    return IssuedSecret(lookup, secret, RANDOM_SECRETS.hash(secret))


def lookup_of(prefix: str, secret: str) -> str | None:
    """The look-up key of a secret of ours, or None if it does not have our shape."""
    if not secret.startswith(prefix):
        return None
    match = _LOOKUP.match(secret[len(prefix) :])
    return match.group(1) if match else None


def verify_secret(hashed: str, secret: str) -> bool:
    return _verify(RANDOM_SECRETS, hashed, secret)


def hash_password(password: str) -> str:
    return PASSWORDS.hash(password)


def verify_password(hashed: str | None, password: str) -> bool:
    if not hashed:
        # Same work as a real check, so a missing account answers as slowly as a wrong password.
        _verify(PASSWORDS, _dummy_password_hash(), password)
        return False
    return _verify(PASSWORDS, hashed, password)


def _verify(hasher: PasswordHasher, hashed: str, secret: str) -> bool:
    try:
        return hasher.verify(hashed, secret)
    except (VerificationError, InvalidHashError):
        return False


@functools.cache
def _dummy_password_hash() -> str:
    return PASSWORDS.hash(secrets.token_urlsafe(16))
