"""Secrets at rest: passwords, API tokens and invitation codes are stored only as hashes, each
with its own salt.

Passwords are chosen by people, so they get a slow hash (argon2id) that makes each guess of a
stolen table costly. Tokens and invitation codes are 256 random bits made here: no table of
guesses reaches them, so a slow hash only slows the server (tens of milliseconds on each new
token). They are stored as HMAC-SHA-256 keyed by a salt of their own, one round (as JupyterHub
stores the tokens it generates), and compared in constant time. Hashes of the argon2 kind, from
before, still verify (`is_fast_hash` tells them apart: the store writes a token's fast hash on its
first use).

A token or invitation code carries a public look-up key in front of its secret
(`rbac_<lookup>_<secret>`), so the database finds the one row to verify without a scan. Wrong
secrets for one look-up key are throttled (`GuessThrottle`): guessing costs the guesser.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
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
# Tokens and invitation codes hashed before the fast hash: OWASP's minimum argon2id profile.
SLOW_RANDOM_SECRETS = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
# `hmac-sha256$<salt, hex>$<HMAC-SHA-256 of the secret keyed by the salt, hex>`
FAST_SCHEME = "hmac-sha256"
_FAST_HASH = re.compile(rf"^{FAST_SCHEME}\$([0-9a-f]{{32}})\$([0-9a-f]{{64}})$")

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
    return IssuedSecret(lookup, secret, hash_random_secret(secret))


def hash_random_secret(secret: str) -> str:
    """The fast hash of a secret made here (a token, an invitation code): 128 bits of salt."""
    salt = secrets.token_hex(16)
    return f"{FAST_SCHEME}${salt}${_keyed(salt, secret)}"


def is_fast_hash(hashed: str) -> bool:
    return _FAST_HASH.match(hashed) is not None


def _keyed(salt: str, secret: str) -> str:
    return hmac.new(salt.encode(), secret.encode(), hashlib.sha256).hexdigest()


def lookup_of(prefix: str, secret: str) -> str | None:
    """The look-up key of a secret of ours, or None if it does not have our shape."""
    if not secret.startswith(prefix):
        return None
    match = _LOOKUP.match(secret[len(prefix) :])
    return match.group(1) if match else None


def verify_secret(hashed: str, secret: str) -> bool:
    """Is `secret` the token or invitation code `hashed` was made from (its fast hash, or the
    argon2 hash of before)?"""
    fast = _FAST_HASH.match(hashed)
    if fast is None:
        return _verify(SLOW_RANDOM_SECRETS, hashed, secret)
    salt, digest = fast.groups()
    return hmac.compare_digest(_keyed(salt, secret), digest)


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
    different ones the rest of the window answers "no" without verifying: guessing at one
    token is slowed to `allowed` a window, and a token still hashed with argon2 costs the
    server nothing more per guess. A secret already verified is remembered by the policy and
    never reaches this throttle again.
    """

    def __init__(self, allowed: int = 10, window: float = 60.0, max_keys: int = 100_000):
        self.allowed = allowed
        self.window = window
        self.max_keys = max_keys
        self.verifications = 0  # hashes verified so far: what the throttle saves can be seen
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
