"""The store's accounts part: passwords, profiles, browser sessions and invitations.

A part of `Store` (it uses the store's `_write` transaction, so every change here is audited
like any other). Secrets are stored as salted hashes (see hashing.py: argon2id for passwords);
nothing here ever returns one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone

from sqlalchemy import or_, select

from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from .base import unique
from .changes import PolicyChanges
from .checks import check_name
from .hashing import INVITATION_PREFIX, issue_secret, lookup_of
from .listing import page
from .models import Group, Invitation, Role, User
from .record_keys import new_record_key
from .records import InvitationRecord, Page, UserEntry, aware
from .rows import invitation_record, user_entry


class Accounts(PolicyChanges):
    """The accounts part of `Store`."""

    # -- passwords and sessions ----------------------------------------------------------------

    def password_hash_of(self, name: str) -> str | None:
        """The user's password hash (None: no such user, or no password), for verification."""
        with self._sessions() as session:
            return session.scalar(select(User.password_hash).where(User.name == name))

    def record_key_of(self, name: str) -> str | None:
        """The random key of the record holding `name` (None: no such user), which browser
        sessions are bound to (record_keys.py)."""
        with self._sessions() as session:
            return session.scalar(select(User.record_key).where(User.name == name))

    def set_password(self, name: str, password_hash: str | None, actor: str = "system") -> int:
        """Set (or, with None, remove) a password. Ends every browser session of the user;
        returns the new session epoch, for the cookie of the session that made the change."""
        with self._write(
            actor, "user.password", name, password_set=password_hash is not None
        ) as session:
            user = self._user(session, name)
            user.password_hash = password_hash
            user.session_epoch += 1
            self._touched(user)
            return user.session_epoch

    def end_sessions(self, name: str, actor: str = "system") -> None:
        """Sign the user out of every browser (their API tokens stay valid)."""
        with self._write(actor, "user.end_sessions", name) as session:
            user = self._user(session, name)
            user.session_epoch += 1

    def update_profile(
        self,
        name: str,
        actor: str = "system",
        expected_revision: int | None = None,
        **fields: str,
    ) -> UserEntry:
        """Change profile fields (display_name, avatar_url, color); empty means the default."""
        with self._write(actor, "user.update", name) as session:
            user = self._user(session, name, expected_revision)
            changes = session.info["detail"]
            for field, value in fields.items():
                if field == "display_name":
                    value = value or name
                if getattr(user, field) != value:
                    changes[field] = value
                    setattr(user, field, value)
            self._touched(user)
            session.flush()
            return user_entry(user)

    # -- invitations ---------------------------------------------------------------------------

    def create_invitation(
        self,
        username: str,
        expires_at: datetime,
        display_name: str = "",
        roles: Iterable[str] = (),
        groups: Iterable[str] = (),
        password_allowed: bool = True,
        actor: str = "system",
        sign_in: bool = False,
    ) -> tuple[InvitationRecord, str]:
        """A new invitation: (its record, its code). Only a salted hash of the code is stored.
        With `sign_in`, a link that signs in `username`, who must exist (no roles or groups)."""
        check_name("user", username)
        roles, groups = unique(roles), unique(groups)
        if sign_in and (roles or groups):
            raise InvalidInput("roles and groups: a sign-in link gives none; change the user's own")
        issued = issue_secret(INVITATION_PREFIX)
        detail = {"roles": roles, "groups": groups, "expires_at": expires_at.isoformat()}
        if sign_in:
            detail = {"sign_in": True, "expires_at": expires_at.isoformat()}
        with self._write(actor, "invitation.create", username, **detail) as session:
            user = session.scalar(select(User).where(User.name == username))
            if sign_in and user is None:
                raise NotFound(f"no user named {username!r}")
            if not sign_in and user is not None:
                raise Conflict(f"user {username!r} already exists")
            if sign_in and user.record_key is None:  # a row written around the store
                user.record_key = new_record_key()
            if self._pending_invitation(session, username) is not None:
                raise Conflict(f"{username!r} already has a pending invitation; revoke it first")
            for role in roles:
                self._ref(session, Role, role, "roles")
            for group in groups:
                self._ref(session, Group, group, "groups")
            invitation = Invitation(
                lookup=issued.lookup,
                hashed=issued.hashed,
                username=username,
                display_name=display_name,
                roles=roles,
                groups=groups,
                password_allowed=password_allowed,
                created_by=actor,
                created_at=datetime.now(timezone.utc),
                expires_at=expires_at,
                user_key=user.record_key if sign_in else None,
                created_by_key=session.scalar(select(User.record_key).where(User.name == actor)),
            )
            session.add(invitation)
            session.flush()
            session.info["detail"]["id"] = invitation.id
            record = invitation_record(invitation)
        return record, issued.secret

    def list_invitations(self, include_closed: bool = False) -> list[InvitationRecord]:
        """Pending invitations, oldest first (with `include_closed`, accepted and expired too)."""
        return self.page_invitations(state="all" if include_closed else "pending").items

    def page_invitations(
        self,
        limit: int | None = None,
        offset: int = 0,
        sort: str = "created_at",
        query: str = "",
        state: str = "pending",
    ) -> Page[InvitationRecord]:
        """Invitations in `state` (pending, accepted, expired or all), a page at a time; `query`
        finds the invitee's user name or display name."""
        statement = select(Invitation)
        now = datetime.now(timezone.utc)
        open_ = Invitation.accepted_at.is_(None)
        if state == "pending":
            statement = statement.where(open_, Invitation.expires_at > now)
        elif state == "expired":
            statement = statement.where(open_, Invitation.expires_at <= now)
        elif state == "accepted":
            statement = statement.where(Invitation.accepted_at.is_not(None))
        elif state != "all":
            raise InvalidInput(f"state: {state!r}; one of pending, accepted, expired, all")
        if query:
            statement = statement.where(
                or_(
                    Invitation.username.icontains(query, autoescape=True),
                    Invitation.display_name.icontains(query, autoescape=True),
                )
            )
        with self._sessions() as session:
            rows, total = page(session, statement, "invitations", sort, limit, offset)
            return Page([invitation_record(invitation) for invitation in rows], total)

    def has_pending_invitation(self, username: str) -> bool:
        with self._sessions() as session:
            return self._pending_invitation(session, username) is not None

    def get_invitation(self, invitation_id: int) -> InvitationRecord:
        with self._sessions() as session:
            return invitation_record(self._invitation(session, invitation_id))

    def delete_invitation(self, invitation_id: int, actor: str = "system") -> None:
        with self._write(actor, "invitation.delete", "", id=invitation_id) as session:
            invitation = self._invitation(session, invitation_id)
            session.info["target"] = session.info["detail"]["user"] = invitation.username
            session.delete(invitation)

    def find_invitation(self, code: str) -> tuple[InvitationRecord, str] | None:
        """The invitation `code` claims to be, with the hash to verify it against (unverified)."""
        lookup = lookup_of(INVITATION_PREFIX, code)
        if lookup is None:
            return None
        with self._sessions() as session:
            invitation = session.scalar(select(Invitation).where(Invitation.lookup == lookup))
            return (invitation_record(invitation), invitation.hashed) if invitation else None

    def accept_invitation(
        self, invitation_id: int, password_hash: str | None = None, actor: str = "system"
    ) -> UserEntry:
        """Create the invited user, with their roles, groups and password, and close the invitation.

        One transaction: two browsers racing with one link create one user; the loser gets a
        Conflict. The audit row's target is the new user (its actor, the one the caller names:
        the invitee, who opened the link); `invited_by` is the inviter.
        """
        with self._write(actor, "invitation.accept", "") as session:
            invitation = self._invitation(session, invitation_id)
            if invitation.accepted_at is not None:
                raise Conflict("this invitation has already been used")
            if aware(invitation.expires_at) <= datetime.now(timezone.utc):
                raise Conflict("this invitation has expired; ask for a new one")
            name = session.info["target"] = invitation.username
            session.info["detail"].update(id=invitation.id, invited_by=invitation.created_by)
            if invitation.created_by_key is not None:
                maker = select(User.record_key).where(User.name == invitation.created_by)
                if session.scalar(maker) != invitation.created_by_key:
                    raise Forbidden(
                        "this invitation is no longer valid: the person who made it is no longer"
                        " a user"
                    )
            if invitation.user_key is not None:
                return self._sign_in_with(session, invitation, password_hash)
            if session.scalar(select(User.id).where(User.name == name)) is not None:
                raise Conflict(f"user {name!r} already exists")
            user = User(
                name=name, display_name=invitation.display_name or name, password_hash=password_hash
            )
            session.add(user)
            user.roles = [
                self._touched(self._ref(session, Role, r, "roles")) for r in invitation.roles
            ]
            user.groups = [
                self._touched(self._ref(session, Group, g, "groups")) for g in invitation.groups
            ]
            invitation.accepted_at = datetime.now(timezone.utc)
            session.flush()
            return user_entry(user)

    def _sign_in_with(
        self, session, invitation: Invitation, password_hash: str | None
    ) -> UserEntry:
        """A sign-in link used: its user, the one it was made for (not one made again by the same
        name), takes the new password if one was chosen, which ends their other sessions."""
        user = session.scalar(select(User).where(User.name == invitation.username))
        if user is None or user.record_key != invitation.user_key:
            raise Conflict("this sign-in link's user no longer exists; ask for a new link")
        session.info["detail"]["sign_in"] = True
        if password_hash is not None:
            user.password_hash = password_hash
            user.session_epoch += 1
            self._touched(user)
            session.info["detail"]["password_changed"] = True
        invitation.accepted_at = datetime.now(timezone.utc)
        session.flush()
        return user_entry(user)

    @staticmethod
    def _invitation(session, invitation_id: int) -> Invitation:
        invitation = session.get(Invitation, invitation_id)
        if invitation is None:
            raise NotFound(f"no invitation with id {invitation_id}")
        return invitation

    @staticmethod
    def _pending_invitation(session, username: str) -> Invitation | None:
        return session.scalar(
            select(Invitation).where(
                Invitation.username == username,
                Invitation.accepted_at.is_(None),
                Invitation.expires_at > datetime.now(timezone.utc),
            )
        )
