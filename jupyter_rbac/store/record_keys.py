"""Which user record holds a name, as browser sessions name it: a random key per record.

A login cookie names the record it was made for, and holds only while that record holds the
user's name. Neither a user's id (SQLite gives a deleted highest id to the next row) nor their
creation time (a wall clock can step back) is certain never to come again; 128 random bits are,
also in a policy database made anew under the same cookie secret.
"""

from __future__ import annotations

import secrets
from typing import Protocol


class KeySource(Protocol):
    """What `RecordKeys` reads keys from (the `Store`)."""

    def record_key_of(self, name: str) -> str | None: ...


def new_record_key() -> str:
    """A key for a new user record (the model's default, and the migration's for older rows)."""
    return secrets.token_hex(16)


class RecordKeys:
    """Each name's record key, read from the store once per policy version: sessions ask at
    every request and websocket message, and the policy version moves with every user change."""

    def __init__(self, store: KeySource) -> None:
        self._store = store
        self._keys: dict[str, str | None] = {}
        self._version: int | None = None

    def of(self, username: str, version: int) -> str | None:
        """The key of the record holding `username` at policy `version` (None: nobody)."""
        if version != self._version:
            self._keys, self._version = {}, version
        if username not in self._keys:
            self._keys[username] = self._store.record_key_of(username)
        return self._keys[username]
