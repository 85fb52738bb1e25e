"""Use cases of accounts: invitations, passwords, profiles and sessions.

Beside RBACService (which it uses for the permission rules), so an invitation obeys exactly the
rules of creating a user: the inviter needs the scopes to create that user with those roles and
groups, and an invitation is judged again, with the inviter's permissions of that moment, when
it is accepted.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..limits import (
    DEFAULT_INVITATION_LIFETIME,
    MAX_AVATAR_URL,
    MAX_INVITATION_LIFETIME,
    MAX_PASSWORD,
    MIN_PASSWORD,
)
from ..store import (
    InvitationRecord,
    Page,
    UserEntry,
    hash_password,
    verify_password,
    verify_secret,
)
from .inputs import Listing, check_display_name, check_names
from .rules import Actor
from .service import RBACService

PROFILE_FIELDS = ("display_name", "avatar_url", "color")
# Colors a user may pick: a CSS color name, #hex, or one of JupyterLab's collaborator variables.
_COLOR = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20}|var\(--jp-collaborator-color[1-7]\))$")
# Actors that are not users of the policy: invitations they made are not judged again.
_TRUSTED_INVITERS = ("system", "config")


class WrongPassword(Forbidden):
    """The current password given is not the user's: a guess, counted by the sign-in throttle."""


@dataclass(frozen=True)
class AccountSettings:
    passwords: bool = True  # may users have passwords at all (c.RBAC.allow_passwords)
    editable_fields: tuple[str, ...] = PROFILE_FIELDS  # what users may change about themselves
    invitation_lifetime: int = DEFAULT_INVITATION_LIFETIME  # seconds, when an invite gives none


@dataclass(frozen=True)
class Invited:
    """A new invitation and its code (shown once: the link is built from it)."""

    invitation: InvitationRecord
    code: str


class AccountService:
    def __init__(self, service: RBACService, settings: AccountSettings | None = None):
        self.service = service
        self.store = service.store
        self.settings = settings or AccountSettings()

    # -- invitations ---------------------------------------------------------------------------

    def invite(
        self,
        actor: Actor,
        username: str,
        display_name: str = "",
        roles: Iterable[str] = (),
        groups: Iterable[str] = (),
        password: bool | None = None,
        expires_in: float | None = None,
        sign_in: bool = False,
    ) -> Invited:
        """An invitation that creates `username`; with `sign_in`, a link that signs in a user who
        exists (and, if `password`, lets them choose a new one)."""
        roles = check_names(list(roles), "role", "roles")
        groups = check_names(list(groups), "group", "groups")
        if not isinstance(sign_in, bool):
            raise InvalidInput("sign_in: true or false (a link for a user who exists?)")
        if sign_in:
            if roles or groups:
                raise InvalidInput(
                    "roles and groups: a sign-in link gives none; change the user's own"
                )
            if display_name:
                raise InvalidInput("display_name: a sign-in link changes nothing of the user")
            self.check_sign_in_link(actor, username)
        else:
            self.service.check_user_creation(actor, username, roles, groups)
        if password is None:
            password = self.settings.passwords
        elif not isinstance(password, bool):
            raise InvalidInput("password: true or false (may the invited user set a password?)")
        if password and not self.settings.passwords:
            raise InvalidInput(
                "password: this server does not allow passwords (c.RBAC.allow_passwords)"
            )
        lifetime = (
            self.settings.invitation_lifetime
            if expires_in is None
            else check_invitation_lifetime(expires_in)
        )
        record, code = self.store.create_invitation(
            username,
            datetime.now(timezone.utc) + timedelta(seconds=lifetime),
            display_name=check_display_name(display_name),
            roles=roles,
            groups=groups,
            password_allowed=password,
            actor=actor.name,
            sign_in=sign_in,
        )
        return Invited(record, code)

    def check_sign_in_link(self, actor: Actor, username: str) -> None:
        """May `actor` make a link that signs `username` in? Whoever opens it is them, in a browser
        session that may set their password: the maker must be able to change the user
        (`write:users` on them) and hold every scope the user holds, so that the link is never
        a way to more than the maker has. A user the maker may not see is missing (404)."""
        service = self.service
        service.require_visible(actor, "users", user=username)
        if not service.policy.knows_user(username):
            raise NotFound(f"no user named {username!r}")
        service.require(actor, "write", "users", user=username)
        held = sorted(service.policy.permissions(username).scopes)
        service.require_held(actor, held, f"a sign-in link for {username!r}")

    def invitations(self, actor: Actor, include_closed: bool = False) -> list[InvitationRecord]:
        """The invitations `actor` could have made (an unfiltered user reader sees all)."""
        state = "all" if include_closed else "pending"
        return self.page_invitations(actor, Listing(limit=None, sort="created_at"), state).items

    def page_invitations(
        self, actor: Actor, listing: Listing, state: str = "pending"
    ) -> Page[InvitationRecord]:
        """A page of the invitations in `state` that `actor` could have made (`write:users` on
        the invitee; a reader of users alone sees none). An unfiltered writer of users is paged
        by the database; a filtered one (a partial administrator) has the invitations of the
        users and groups they cover picked out."""
        if not actor.permissions.allows_some("read", "users"):
            self.service.require(actor, "read", "users")
        query = (listing.sort, listing.query, state)
        if actor.permissions.allows("write", "users"):
            page = self.store.page_invitations(listing.limit, listing.offset, *query)
        else:
            everything = self.store.page_invitations(None, 0, *query).items
            # what they could have made: inviting is creating a user (write:users on them)
            theirs = [i for i in everything if self._may_manage(actor, i, "write")]
            end = None if listing.limit is None else listing.offset + listing.limit
            page = Page(theirs[listing.offset : end], len(theirs))
        return Page([self._as_seen_by(actor, i) for i in page.items], page.total)

    def _as_seen_by(self, actor: Actor, invitation: InvitationRecord) -> InvitationRecord:
        """An invitation names only the roles and groups its reader may read, as a user does."""
        return dataclasses.replace(
            invitation,
            roles=self.service.seen_by(actor, "roles", invitation.roles),
            groups=self.service.seen_by(actor, "groups", invitation.groups),
        )

    def revoke(self, actor: Actor, invitation_id: int) -> None:
        """Withdraw an invitation the actor could have made: no `write:users` at all is a 403
        naming it; one they could not have made answers as a missing one (404)."""
        self.service.require_some(actor, "write", "users")
        invitation = self.store.get_invitation(invitation_id)
        if not self._may_manage(actor, invitation, "write"):
            raise NotFound(f"no invitation with id {invitation_id}")
        self.store.delete_invitation(invitation_id, actor=actor.name)

    def invitation_for(self, code: str) -> InvitationRecord:
        """The pending invitation behind a link's code (slow: verifies the code's hash)."""
        found = self.store.find_invitation(code)
        if found is None or not verify_secret(found[1], code):
            raise NotFound("this invitation link is not valid; ask for a new one")
        invitation = found[0]
        if invitation.state != "pending":
            what = "has been used" if invitation.state == "accepted" else "has expired"
            raise Conflict(f"this invitation {what}; ask for a new one")
        return invitation

    def accept(self, code: str, password: str | None = None) -> UserEntry:
        """Create the invited user, or for a sign-in link take its user's new password if one was
        chosen (signing in is the caller's part)."""
        invitation = self.invitation_for(code)
        if password:
            if not invitation.password_allowed or not self.settings.passwords:
                raise InvalidInput("password: this invitation does not allow setting a password")
            password_hash = hash_password(check_password(password))
        else:
            password_hash = None
        self._check_inviter_still_may(invitation)
        return self.store.accept_invitation(invitation.id, password_hash, actor=invitation.username)

    def _check_inviter_still_may(self, invitation: InvitationRecord) -> None:
        inviter = invitation.created_by
        if inviter in _TRUSTED_INVITERS or inviter.startswith("cli:"):
            return
        policy = self.service.policy
        if not policy.knows_user(inviter):
            raise Forbidden(
                "this invitation is no longer valid: the person who made it is no longer a user"
            )
        actor = Actor(inviter, policy.permissions(inviter))
        if invitation.sign_in and not policy.knows_user(invitation.username):
            raise Conflict("this sign-in link's user no longer exists; ask for a new link")
        try:
            if invitation.sign_in:
                self.check_sign_in_link(actor, invitation.username)
            else:
                self.service.check_user_creation(
                    actor, invitation.username, invitation.roles, invitation.groups
                )
        except NotFound as error:  # the user is hidden from the inviter now
            raise Forbidden(
                f"this invitation is no longer valid: its author may no longer see {invitation.username!r}"
            ) from error
        except Forbidden as error:
            raise Forbidden(
                f"this invitation is no longer valid: its author may no longer give it ({error.message})",
                missing_scope=error.missing_scope,
            ) from error

    def _may_manage(self, actor: Actor, invitation: InvitationRecord, action: str) -> bool:
        groups = invitation.groups
        if invitation.sign_in:  # the user's own groups, as for any change of them
            groups = sorted(self.service.policy.groups_of(invitation.username))
        return actor.permissions.allows(action, "users") or actor.permissions.allows_object(
            action, "users", owner=invitation.username, owner_groups=groups
        )

    # -- the signed-in user's own account -------------------------------------------------------

    def update_profile(self, username: str, changes: dict) -> UserEntry:
        """A user changes their own profile, within the fields the admin lets users edit."""
        fields: dict[str, str] = {}
        for field, value in changes.items():
            if field not in self.settings.editable_fields:
                allowed = ", ".join(self.settings.editable_fields) or "none"
                raise Forbidden(f"{field}: you may not change it yourself (editable: {allowed})")
            fields[field] = check_profile_field(field, value)
        return self.store.update_profile(username, actor=username, **fields)

    def change_password(self, username: str, current: str, new: str) -> int:
        """Set the user's password (knowing the current one, if any). Ends their other sessions;
        returns the new session epoch for the cookie of this one."""
        if not self.settings.passwords:
            raise Forbidden("this server does not allow passwords (c.RBAC.allow_passwords)")
        existing = self.store.password_hash_of(username)
        if existing is not None and not verify_password(existing, current or ""):
            raise WrongPassword("current_password: wrong password")
        return self.store.set_password(username, hash_password(check_password(new)), actor=username)


def check_password(value: object) -> str:
    if not isinstance(value, str) or not MIN_PASSWORD <= len(value) <= MAX_PASSWORD:
        raise InvalidInput(f"password: between {MIN_PASSWORD} and {MAX_PASSWORD} characters")
    return value


def check_profile_field(field: str, value: object) -> str:
    if field == "display_name":
        return check_display_name(value)
    if not isinstance(value, str):
        raise InvalidInput(f"{field}: a string")
    if field == "avatar_url":
        if value and (
            len(value) > MAX_AVATAR_URL
            or not value.startswith(("https://", "http://", "data:image/"))
        ):
            raise InvalidInput(
                f"avatar_url: an http(s) or data:image URL of at most {MAX_AVATAR_URL} characters"
            )
        return value
    if field == "color":
        if value and not _COLOR.match(value):
            raise InvalidInput(
                "color: #rgb, #rrggbb, a CSS color name, or var(--jp-collaborator-colorN)"
            )
        return value
    raise InvalidInput(f"{field}: not a profile field (use {', '.join(PROFILE_FIELDS)})")


def check_invitation_lifetime(value: object) -> float:
    """Seconds an invitation link stays valid, as given (a minute to 30 days)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidInput("expires_in: a number of seconds")
    if not 60 <= value <= MAX_INVITATION_LIFETIME:
        raise InvalidInput(
            f"expires_in: between 60 and {MAX_INVITATION_LIFETIME} seconds (30 days)"
        )
    return value
