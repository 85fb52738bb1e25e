"""Use cases of shares: a role given to a user or group on one folder or file.

Who may share (model/shares.py says what a share grants):
- `write:shares` on the place (its folder and all beneath it, or the file), and `write:contents`
  there: nobody shares a folder they cannot write;
- every scope the share may grant there, held by the sharer (no escalation; judged when the share
  is made or its role changed, as a role given is judged when it is given);
- the recipient is a user or group that exists: whoever may share learns that a name is taken
  (as one knows a colleague's name), nothing else of them.

Who sees a share: whoever may read shares at its place (`read:shares`, which `write:shares`
implies), whoever may read its recipient (a user's permissions show the shares they hold; a
member reads their group's) and who made it. Removing one: whoever may
write shares at its place, who made it, and a user leaving what was given to them by name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..limits import MAX_SHARE_PATH, MAX_SHARES_PER_MAKER
from ..model import IMPLIED_ACTIONS, Scope
from ..model.paths import PathError, normalize_path
from ..model.shares import place_glob, place_problem, shared_actions
from ..policy import Question
from ..store import KEEP, ShareRecord
from .rules import Actor, PermissionRules

# The one spelling of a time we read: date, time, its zone as Z or ±hh:mm (Python reads more:
# control characters in it, week dates, offsets of seconds that UTC times cannot say).
ISO_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})", re.ASCII
)
# The longest a share may be given for, when it expires at all.
MAX_SHARE_LIFETIME = timedelta(days=3660)


@dataclass(frozen=True)
class Place:
    """A folder or file to share: its API path, normalised as the policy judges paths."""

    path: str
    is_folder: bool

    @property
    def glob(self) -> tuple[str, ...]:
        return place_glob(self.path, self.is_folder)

    def scope(self, action: str, resource: str) -> Scope:
        """`action:resource` on this place (the folder and all beneath it, or the file)."""
        value = "/".join(self.glob) or "**"
        text = f"{action}:{resource}!path={value}"
        return Scope(text, IMPLIED_ACTIONS[action], (resource,), "path", value)


# What sharing a place needs there, whatever the role: (action, resource, why).
PLACE_NEEDS = (
    ("write", "shares", "sharing it"),
    ("write", "contents", "nobody shares what they cannot write"),
)


def may_share_at(permissions, place: Place) -> bool:
    """May these permissions share `place` at all (the role given is judged apart)? What
    JupyterLab is told to offer "Share…" on."""
    return place_problem(place.path) is None and all(
        permissions.covers(place.scope(action, resource)) for action, resource, _ in PLACE_NEEDS
    )


def shares_everywhere(permissions) -> bool:
    """May these permissions share every folder and file (the role given judged apart)?"""
    return all(permissions.allows(action, resource) for action, resource, _ in PLACE_NEEDS)


def check_share_path(path: object, where: str = "path") -> str:
    """The path a request (or a document's `where`) names, normalised; InvalidInput if no
    share can be made of it."""
    if not isinstance(path, str):
        raise InvalidInput(f"{where}: a string (the folder or file to share)")
    if len(path) > MAX_SHARE_PATH:
        raise InvalidInput(f"{where}: at most {MAX_SHARE_PATH} characters")
    try:
        normalized = normalize_path(path)
    except PathError as error:
        raise InvalidInput(f"{where}: {error}") from None
    problem = place_problem(normalized)
    if problem is not None:
        raise InvalidInput(f"{where}: {problem}")
    return normalized


def check_expiry(value: object, now: datetime | None = None) -> datetime | None:
    """`expires_at` as given: None (never), or an ISO 8601 time with its zone, in the future."""
    if value is None:
        return None
    if not isinstance(value, str) or not ISO_TIME.fullmatch(value):
        raise InvalidInput(
            "expires_at: an ISO 8601 date and time with its time zone, such as 2027-01-31T18:00:00Z"
        )
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(
            f"expires_at: {value!r} is no ISO 8601 date and time (2027-01-31T18:00:00Z)"
        ) from None
    if moment.tzinfo is None:
        raise InvalidInput("expires_at: give the time zone (2027-01-31T18:00:00Z, or +01:00)")
    try:
        moment = moment.astimezone(timezone.utc)
    except OverflowError:  # 0001-01-01T00:00+14:00 is no time in UTC
        raise InvalidInput("expires_at: a time in the future") from None
    now = now or datetime.now(timezone.utc)
    if moment <= now:
        raise InvalidInput("expires_at: a time in the future")
    if moment - now > MAX_SHARE_LIFETIME:
        raise InvalidInput("expires_at: at most ten years from now (or none: it never expires)")
    return moment


class ShareAdministration(PermissionRules):
    # -- reading -------------------------------------------------------------------------------

    def list_shares(
        self,
        actor: Actor,
        path: str | None = None,
        user: str | None = None,
        group: str | None = None,
    ) -> list[ShareRecord]:
        """The shares `actor` may see, of one `path`, given to one `user` (by name or through
        their groups) or one `group`."""
        if not any(actor.permissions.allows_some("read", r) for r in ("shares", "users", "groups")):
            self.require(actor, "read", "shares")
        if path is not None:
            path = check_share_path(path)
        groups: frozenset[str] = frozenset()
        if user is not None:
            if user != actor.name:
                self.require_visible(actor, "users", user=user)
            groups = self.policy.groups_of(user)
        if group is not None and not self.may_see_member_of(actor, group):
            self.require_visible(actor, "groups", group=group)
        found = self.store.list_shares(path=path, user=user, group=group, groups=groups)
        return [share for share in found if self.may_see_share(actor, share)]

    def get_share(self, actor: Actor, share_id: Any) -> ShareRecord:
        share = self._share(share_id)
        if not self.may_see_share(actor, share):
            raise NotFound(f"no share {share_id}")
        return share

    def may_see_share(self, actor: Actor, share: ShareRecord) -> bool:
        """`read:shares` on its place; or reading its recipient (a user's permissions show the
        shares they hold; a member of the group reads their own); or having made it (reading
        oneself: a token limited to other things sees none of it)."""
        if actor.permissions.covers(Place(share.path, share.is_folder).scope("read", "shares")):
            return True
        if share.user is not None and self.may(actor, "read", "users", user=share.user):
            return True
        if share.group is not None and (
            self.may(actor, "read", "groups", group=share.group)
            or (self.may_see_member_of(actor, share.group) and self._reads_self(actor))
        ):
            return True
        return share.created_by == actor.name and self._reads_self(actor)

    def may_see_member_of(self, actor: Actor, group: str) -> bool:
        return group in self.policy.groups_of(actor.name)

    def _reads_self(self, actor: Actor) -> bool:
        return self.may(actor, "read", "users", user=actor.name)

    def access_to(self, actor: Actor, place: Place) -> dict:
        """Who may open and who may change `place` (its contents), and through what: a role
        (held directly, by everyone, through a group) or a share (and who made it). Needs
        `read:shares` on the place; people the caller may not read are counted, not named."""
        self.require_may_see_shares(actor, place)
        people, others = [], 0
        for user in self.store.list_users():
            permissions = self.policy.permissions(user.name)
            if not permissions.allows_path("read", "contents", place.path):
                continue
            if not self.may_name(actor, "read", "users", user.name):
                others += 1
                continue
            edits = permissions.allows_path("write", "contents", place.path)
            question = Question("write" if edits else "read", "contents", place.path)
            decision = self.policy.explain(user.name, question)
            people.append(
                {
                    "username": user.name,
                    "display_name": user.display_name or user.name,
                    "access": "edit" if edits else "view",
                    "granted_by": decision.granted_by.to_json() if decision.granted_by else None,
                }
            )
        shares = [
            share.to_json()
            for share in self.store.list_shares(path=place.path)
            if self.may_see_share(actor, share)
        ]
        return {
            "path": place.path,
            "type": "directory" if place.is_folder else "file",
            "people": people,
            "others": others,
            "shares": shares,
        }

    def recipients(self, actor: Actor, query: str, limit: int = 20) -> dict:
        """Users and groups whose name (or a user's display name) contains `query`: whom someone
        who may share somewhere can pick. Names and display names only."""
        if not actor.permissions.allows_some("write", "shares"):
            self.require(actor, "write", "shares")
        users = self.store.page_users(limit, 0, "name", query).items
        groups = self.store.page_groups(limit, 0, "name", query).items
        return {
            "users": [
                {"username": u.name, "display_name": u.display_name or u.name}
                for u in users
                if u.name != actor.name
            ],
            "groups": [{"name": g.name, "members": len(g.members)} for g in groups],
        }

    # -- changing ------------------------------------------------------------------------------

    def create_share(
        self,
        actor: Actor,
        place: Place,
        role: object,
        user: object = None,
        group: object = None,
        expires_at: object = None,
    ) -> ShareRecord:
        """Give `role` on `place` to `user` or `group` (exactly one)."""
        if (user is None) == (group is None):
            raise InvalidInput("give either user or group: who the folder or file is shared with")
        role = self._check_role(role)
        self.require_may_share(actor, place, role)
        if user is not None:
            self._check_recipient(actor, "user", user)
        else:
            self._check_recipient(actor, "group", group)
        expiry = check_expiry(expires_at)
        if self.store.count_shares(created_by=actor.name) >= MAX_SHARES_PER_MAKER:
            raise Conflict(
                f"you have made {MAX_SHARES_PER_MAKER} shares, the most one person may: remove"
                " some first, or share with a group"
            )
        return self.store.create_share(
            place.path,
            place.is_folder,
            role,
            user=user,  # type: ignore[arg-type]
            group=group,  # type: ignore[arg-type]
            expires_at=expiry,
            actor=actor.name,
        )

    def update_share(
        self,
        actor: Actor,
        share_id: Any,
        role: object = None,
        expires_at: object = KEEP,
        expected_revision: int | None = None,
    ) -> ShareRecord:
        """Change a share's role (judged as a new share of it) or its expiry."""
        share = self.get_share(actor, share_id)
        place = Place(share.path, share.is_folder)
        self.require_may_manage(actor, place)
        new_role = self._check_role(role) if role is not None else None
        if new_role is not None and new_role != share.role:
            self.require_may_share(actor, place, new_role)
        expiry = check_expiry(expires_at) if expires_at is not KEEP else KEEP
        return self.store.update_share(
            share.id,
            role=new_role,
            expires_at=expiry,
            actor=actor.name,
            expected_revision=expected_revision,
        )

    def delete_share(
        self, actor: Actor, share_id: Any, expected_revision: int | None = None
    ) -> ShareRecord:
        share = self.get_share(actor, share_id)
        if share.user != actor.name and share.created_by != actor.name:
            self.require_may_manage(actor, Place(share.path, share.is_folder))
        return self.store.delete_share(
            share.id, actor=actor.name, expected_revision=expected_revision
        )

    # -- the rules -----------------------------------------------------------------------------

    def require_may_see_shares(self, actor: Actor, place: Place) -> None:
        """`read:shares` on the whole place."""
        self._require_covered(actor, place.scope("read", "shares"), "seeing who has access")

    def require_may_manage(self, actor: Actor, place: Place) -> None:
        """`write:shares` on the whole place."""
        self._require_covered(actor, place.scope("write", "shares"), "sharing it")

    def require_may_share(self, actor: Actor, place: Place, role: str) -> None:
        """May `actor` give `role` on `place`? They may write shares and contents there, and hold
        there every scope a share of the role may grant."""
        for action, resource, why in PLACE_NEEDS:
            self._require_covered(actor, place.scope(action, resource), why)
        role_scopes = self.store.snapshot().roles.get(role, ())
        for action, resource in shared_actions(self.catalog, role_scopes):
            self._require_covered(
                actor,
                place.scope(action, resource),
                f"a share of role {role!r} grants it, which you do not hold there yourself",
            )

    def _require_covered(self, actor: Actor, scope: Scope, why: str) -> None:
        if not actor.permissions.covers(scope):
            raise Forbidden(
                f"Forbidden: you need the scope {scope.text} ({why})", missing_scope=scope.text
            )

    def _check_recipient(self, actor: Actor, kind: str, name: object) -> None:
        if not isinstance(name, str) or not name:
            raise InvalidInput(f"{kind}: the name of a {kind}")
        if kind == "user" and name == actor.name:
            raise InvalidInput("user: you cannot share with yourself")
        exists = self.policy.knows_user(name) if kind == "user" else self.store.group_exists(name)
        if not exists:
            # Someone who may share names people to share with: that a name is taken is what
            # they learn (as a colleague's name is known), never more of the user or group.
            raise InvalidInput(f"{kind}: no {kind} named {name!r}")

    def _check_role(self, role: object) -> str:
        if not isinstance(role, str) or role not in self.store.snapshot().roles:
            raise InvalidInput(f"role: no role named {role!r}")
        return role

    def _share(self, share_id: Any) -> ShareRecord:
        try:
            number = int(share_id)
        except (TypeError, ValueError):
            raise NotFound(f"no share {share_id!r}") from None
        if not 0 < number < 2**63:
            raise NotFound(f"no share {share_id!r}")
        return self.store.get_share(number)
