"""API tokens: issuing them, finding and verifying the one a secret claims to be, revoking them.

Only a salted hash of a secret is stored; a look-up key finds the row, and wrong guesses per key
are throttled (hashing.py). A token hashed with argon2 (before the fast hash) gets its fast hash
when it is first verified.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timezone

from sqlalchemy import Engine, delete, func, or_, select, update
from sqlalchemy.orm import Session, contains_eager

from ..errors import InvalidInput, NotFound
from ..limits import MAX_TOKEN_NOTE, MAX_TOKENS_PER_USER
from .changes import PolicyChanges
from .checks import check_text
from .hashing import (
    TOKEN_PREFIX,
    GuessThrottle,
    hash_random_secret,
    is_fast_hash,
    issue_secret,
    lookup_of,
)
from .listing import page
from .models import Group, Token, User, utcnow
from .records import Page, TokenIdentity, TokenRecord, aware
from .rows import token_record

# A token from before migration 0003 was found by its unsalted SHA-256: finding it verified it.
LEGACY_HASH = "legacy-sha256"

# What identifying a token reads: who it speaks for, its limits, and who made it.
_IDENTITY_COLUMNS = (
    Token.id,
    User.name,
    Token.scopes,
    Token.one_time,
    Token.expires_at,
    Token.hashed,
    Token.lookup,
    Token.created_by,
)


def legacy_token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Tokens(PolicyChanges):
    """The tokens part of `Store`."""

    def __init__(self, engine: Engine):
        super().__init__(engine)
        # Wrong token secrets, per look-up key (the server sets c.RBAC's numbers).
        self.guesses = GuessThrottle()

    def create_token(
        self,
        username: str,
        note: str = "",
        scopes: Iterable[str] | None = None,
        one_time: bool = False,
        expires_at: datetime | None = None,
        actor: str = "system",
    ) -> tuple[int, str]:
        """A new token for `username`: returns (id, secret). Only a salted hash of it is stored."""
        if len(check_text("note", note)) > MAX_TOKEN_NOTE:
            raise InvalidInput(f"note: at most {MAX_TOKEN_NOTE} characters")
        issued = issue_secret(TOKEN_PREFIX)
        scopes = list(scopes) if scopes is not None else None
        detail = {"note": note, "scopes": scopes, "one_time": one_time}
        with self._write(actor, "token.create", username, **detail) as session:
            user = self._user(session, username)
            if self._live_tokens(session, user) >= MAX_TOKENS_PER_USER:
                raise InvalidInput(
                    f"{username!r} has {MAX_TOKENS_PER_USER} tokens, the most one user may have:"
                    " revoke one first"
                )
            token = Token(
                user=user,
                hashed=issued.hashed,
                lookup=issued.lookup,
                prefix=issued.lookup[:4],
                note=note,
                scopes=scopes,
                one_time=one_time,
                expires_at=expires_at,
                created_by=actor,
            )
            session.add(token)
            session.flush()
            token_id = token.id
            session.info["detail"]["id"] = token_id
        return token_id, issued.secret

    @staticmethod
    def _live_tokens(session: Session, user: User) -> int:
        """How many unexpired tokens `user` has (expired ones no longer count towards the limit)."""
        unexpired = Token.expires_at.is_(None) | (Token.expires_at > utcnow())
        live = select(func.count()).select_from(Token).where(Token.user_id == user.id, unexpired)
        return session.scalar(live) or 0

    def list_tokens(self, username: str) -> list[TokenRecord]:
        with self._sessions() as session:
            user = self._user(session, username)
            tokens = session.scalars(
                select(Token).where(Token.user_id == user.id).order_by(Token.id)
            )
            return [token_record(token, username) for token in tokens]

    def page_tokens(
        self,
        limit: int,
        offset: int = 0,
        sort: str = "-created_at",
        query: str = "",
        user: str | None = None,
        only: list[tuple[frozenset[str], frozenset[str]]] | None = None,
    ) -> Page[TokenRecord]:
        """Every user's tokens, a page at a time. `query` finds an owner, a note or a prefix;
        each (names, groups) of `only` limits the list to the tokens of those users and of the
        members of those groups (for callers whose read permission is filtered)."""
        statement = select(Token).join(Token.user).options(contains_eager(Token.user))
        if query:
            prefix = query.removeprefix(TOKEN_PREFIX)
            statement = statement.where(
                or_(
                    User.name.icontains(query, autoescape=True),
                    Token.note.icontains(query, autoescape=True),
                    Token.prefix.startswith(prefix, autoescape=True) if prefix else False,
                )
            )
        if user is not None:
            statement = statement.where(User.name == user)
        for names, groups in only or ():
            statement = statement.where(
                or_(User.name.in_(sorted(names)), User.groups.any(Group.name.in_(sorted(groups))))
            )
        with self._sessions() as session:
            tokens, total = page(session, statement, "tokens", sort, limit, offset)
            return Page([token_record(token, token.user.name) for token in tokens], total)

    def get_token(self, username: str, token_id: int) -> TokenRecord:
        with self._sessions() as session:
            token = self._token(session, username, token_id)
            return token_record(token, username)

    def find_token(self, secret: str) -> tuple[TokenIdentity, str] | None:
        """The token `secret` claims to be, with the hash to verify it against (not verified here).

        None if no token has its look-up key, or if it has expired.
        """
        lookup = lookup_of(TOKEN_PREFIX, secret)
        if lookup is not None:
            condition = Token.lookup == lookup
        elif secret.startswith(TOKEN_PREFIX):  # issued before migration 0003: unsalted SHA-256
            condition = (Token.lookup.is_(None)) & (Token.hashed == legacy_token_hash(secret))
        else:
            return None
        with self._sessions() as session:
            row = session.execute(select(*_IDENTITY_COLUMNS).join(User).where(condition)).first()
        if row is None:
            return None
        expires_at = aware(row.expires_at)
        if expires_at is not None and expires_at <= datetime.now(timezone.utc):
            return None
        scopes = tuple(row.scopes) if row.scopes is not None else None
        hashed = row.hashed if row.lookup is not None else LEGACY_HASH
        return TokenIdentity(
            row.id, row.name, scopes, row.one_time, expires_at, row.created_by
        ), hashed

    def identify_token(self, secret: str) -> TokenIdentity | None:
        """Who `secret` speaks for, or None if it is unknown, wrong or expired (slow: verifies)."""
        found = self.find_token(secret)
        if found is None or not self.verify_token(found[0].token_id, found[1], secret):
            return None
        return found[0]

    def verify_token(self, token_id: int, hashed: str, secret: str) -> bool:
        """Is `secret` the token `hashed` was made of (`find_token` gave both)? Wrong guesses per
        look-up key are throttled. A token still hashed with argon2 gets its fast hash now."""
        if hashed == LEGACY_HASH:
            return True  # found by its hash: finding it verified it
        if not self.guesses.verify(lookup_of(TOKEN_PREFIX, secret), hashed, secret):
            return False
        if not is_fast_hash(hashed):
            self._write_fast_hash(token_id, hashed, secret)
        return True

    def _write_fast_hash(self, token_id: int, hashed: str, secret: str) -> None:
        """Not a policy change (no version, no audit row, no revision): the same token, stored
        otherwise. Only over the hash it was verified against: of two processes verifying it at
        once, the first one's stays."""
        tokens = Token.__table__
        with self._write_sessions.begin() as session:
            session.execute(
                update(tokens)
                .where(tokens.c.id == token_id, tokens.c.hashed == hashed)
                .values(hashed=hash_random_secret(secret))
            )

    def delete_token(
        self, token_id: int, actor: str = "system", username: str | None = None
    ) -> None:
        """Revoke a token (of `username`, if given: another user's token id is 'not found')."""
        with self._write(actor, "token.delete", username or "", id=token_id) as session:
            token = self._token(session, username, token_id)
            session.info["detail"]["user"] = token.user.name
            session.delete(token)

    def consume_one_time_token(self, token_id: int) -> bool:
        """Delete a one-time token; True only for the caller that actually removed it."""
        with self._write("system", "token.consume", str(token_id)) as session:
            result = session.execute(
                delete(Token).where(Token.id == token_id, Token.one_time.is_(True))
            )
            return result.rowcount == 1

    @staticmethod
    def _token(session: Session, username: str | None, token_id: int) -> Token:
        token = session.get(Token, token_id)
        if token is None or (username is not None and token.user.name != username):
            raise NotFound(
                f"no token with id {token_id}" + (f" for user {username!r}" if username else "")
            )
        return token
