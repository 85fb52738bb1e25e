"""Secrets at rest: passwords, API tokens and invitation codes are stored only as argon2id hashes,
each with its own salt.

A token or invitation code carries a public look-up key in front of its secret
(`rbac_<lookup>_<secret>`), so the database finds the one row to verify without a scan. Verifying
is deliberately slow (tens of milliseconds); the policy remembers a verified token for the life of
the process, so a request pays it once, not every time. Wrong secrets for one look-up key are
throttled (`GuessThrottle`), so that guessing costs the guesser, not the server.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
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


@dataclass
class _Failures:
    since: float  # time.monotonic() of the window's first failure
    digests: set[bytes] = field(default_factory=set)  # of the wrong secrets, answered "no" at once


class GuessThrottle:
    """Verifies secrets of one kind (tokens), counting wrong ones per look-up key.

    The look-up key is public-ish (it finds the row); whoever holds one may send any number of
    secrets with it. Each wrong secret is remembered for the window, and after `allowed`
    different ones the rest of the window answers "no" without verifying: an argon2 run per
    guess would cost the server what it should cost the guesser. A secret already verified is
    remembered by the policy and never reaches this throttle again.
    """

    def __init__(self, allowed: int = 10, window: float = 60.0, max_keys: int = 100_000):
        self.allowed = allowed
        self.window = window
        self.max_keys = max_keys
        self.verifications = 0  # argon2 runs so far: what the throttle saves can be seen
        self._failures: dict[str, _Failures] = {}
        self._lock = threading.Lock()

    def verify(self, lookup: str | None, hashed: str, secret: str) -> bool:
        """Is `secret` the one `hashed` was made from? "No" without verifying while throttled."""
        digest = hashlib.sha256(secret.encode()).digest()
        if lookup is not None and self._refused(lookup, digest):
            return False
        with self._lock:
            self.verifications += 1
        if verify_secret(hashed, secret):
            return True
        if lookup is not None:
            self._failed(lookup, digest)
        return False

    def _refused(self, lookup: str, digest: bytes) -> bool:
        with self._lock:
            failures = self._failures.get(lookup)
            if failures is None:
                return False
            if time.monotonic() - failures.since >= self.window:
                del self._failures[lookup]
                return False
            return digest in failures.digests or len(failures.digests) >= self.allowed

    def _failed(self, lookup: str, digest: bytes) -> None:
        with self._lock:
            if lookup not in self._failures and len(self._failures) >= self.max_keys:
                self._forget_old()
            self._failures.setdefault(lookup, _Failures(time.monotonic())).digests.add(digest)

    def _forget_old(self) -> None:
        """Drop windows that ended; if all are current, drop all (a bound, not a size to reach)."""
        now = time.monotonic()
        ended = [
            key for key, failures in self._failures.items() if now - failures.since >= self.window
        ]
        for key in ended or list(self._failures):
            del self._failures[key]


@functools.cache
def _dummy_password_hash() -> str:
    return PASSWORDS.hash(secrets.token_urlsafe(16))
