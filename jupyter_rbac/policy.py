"""Effective permissions: the union of a user's roles, their groups' roles and the shares given to
them or their groups, compiled and cached.

A user's permissions are compiled once, then kept until a change concerns them. `refresh()`
(called once per request, by the route guard) notices changes made by any process sharing the
database, reads anew only the roles and groups a change touched (the store's change log says
which) and forgets only the users they concern; a share's expiry, or a change the log cannot
describe, reloads everything. Everything else here is in-memory look-ups.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from .caches import RecentlyUsed
from .known_users import KnownUser, KnownUsers, group_key, role_key
from .model import Catalog, Permissions, TokenLimitedPermissions, compile_permissions, object_scope
from .model.defaults import EVERYONE_ROLE
from .model.permissions import Bundle, compile_bundle, permissions_of
from .model.shares import PathGrant, narrowed_grants, place_glob
from .store import PolicySnapshot, ShareRecord, Store, TokenIdentity, UserRecord
from .store.changes import Changes

if TYPE_CHECKING:
    from sqlalchemy import Connection

# Verified tokens remembered per process (a bound, not a cache size anyone should reach).
MAX_VERIFIED_TOKENS = 100_000
# Users whose compiled permissions are kept (c.RBAC.permissions_cache_size).
DEFAULT_CACHE_SIZE = 1000
# Compiled sources kept (a group's roles, a set of roles held directly), shared by their holders.
MAX_BUNDLES = 4096


UserIdentity = str  # a user record's random key (store/record_keys.py)


@dataclass(frozen=True)
class Owned:
    """Who started a kernel, terminal or session (and, for sessions, the document's path)."""

    owner: str
    path: str | None = None
    # The owner's user record when recorded (its random key: ids and times can repeat); None: not
    # a user of our store then (a name an identity source gave that our store cannot hold). Names
    # outlive their users: this tells their holders apart.
    owner_record: UserIdentity | None = None


@dataclass(frozen=True)
class ExternalGrants:
    """What an outside identity source (JupyterHub, an OIDC token) says about a user, per request.

    Identity providers give it with the user they return (OIDC's `ExternalUser.external`; under
    JupyterHub it is worked out per request from the Hub's user model); it joins the
    user's own roles and groups from our store. Role names unknown to our policy grant nothing.
    """

    source: str  # "hub", "oidc": shown as where a role or scope comes from
    groups: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()
    scopes: frozenset[str] = frozenset()  # already in our grammar and valid in our catalog
    # The most the request may do, whatever its roles give (a JupyterHub token's scopes, as a
    # token of ours limits its owner's): None for no bound.
    cap: frozenset[str] | None = None


@dataclass(frozen=True)
class Grant:
    """One scope a user holds: from which role, held how ("direct", "everyone", "group:NAME",
    "share:ID" with the share)."""

    scope: str
    role: str
    via: tuple[str, ...]
    share: ShareRecord | None = None
    path_grant: PathGrant | None = None  # what a share grants, which no scope text may spell

    def to_json(self) -> dict:
        data = {"scope": self.scope, "role": self.role, "via": list(self.via)}
        if self.share is not None:
            data["share"] = share_provenance(self.share)
        return data


def share_provenance(share: ShareRecord) -> dict:
    """How a share reads where permissions are explained: "editor on projects/x, shared by ann"."""
    return {
        "id": share.id,
        "path": share.path,
        "type": "directory" if share.is_folder else "file",
        "role": share.role,
        "user": share.user,
        "group": share.group,
        "shared_by": share.created_by,
        "expires_at": share.expires_at.isoformat() if share.expires_at else None,
    }


@dataclass(frozen=True)
class Question:
    """May someone do `action` on `resource` (at `path`, or on an object owned by `owner`)?

    Without an object, the answer needs the scope unfiltered.
    """

    action: str
    resource: str
    path: str | None = None
    owner: str | None = None

    @property
    def scope(self) -> str:
        return object_scope(self.action, self.resource, self.path, self.owner)

    def asked_of(self, permissions, groups_of) -> bool:
        if self.path is None and self.owner is None:
            return permissions.allows(self.action, self.resource)
        owner_groups = groups_of(self.owner) if self.owner else ()
        return permissions.allows_object(
            self.action, self.resource, self.path, self.owner, owner_groups
        )


@dataclass(frozen=True)
class Decision:
    allowed: bool
    granted_by: Grant | None
    missing_scope: str | None

    def to_json(self) -> dict:
        return {
            "allowed": self.allowed,
            "granted_by": self.granted_by.to_json() if self.granted_by else None,
            "missing_scope": self.missing_scope,
        }


class Policy:
    """The policy as this process sees it: a snapshot of the store plus compiled caches."""

    def __init__(
        self,
        store: Store,
        catalog: Catalog,
        everyone_role: str = EVERYONE_ROLE,
        cache_size: int = DEFAULT_CACHE_SIZE,
    ):
        self.store = store
        self.catalog = catalog
        self.everyone_role = everyone_role
        store.changed()  # start watching before reading: a change in between is not missed
        self._snapshot: PolicySnapshot = store.snapshot()
        # Records and compiled permissions of the most recently active users (bounded: a user
        # beyond them is read and compiled again at their next request).
        self._known = KnownUsers(cache_size)
        self._tokens: dict[bytes, tuple[TokenIdentity, str] | None] = {}
        self._verified: dict[bytes, int] = {}  # digest of a secret -> the token it proved to be
        # What tests and benches can see: users' permissions compiled, user records read, and
        # changes taken in part (the roles and groups they touched) or in whole.
        self.compiles = 0
        self.user_reads = 0
        self.partial_reloads = 0
        self.full_reloads = 0
        self._bundles: RecentlyUsed[tuple, Bundle] = RecentlyUsed(MAX_BUNDLES)
        self._owned: dict[tuple[str, str], Owned] = self._read_owners()
        # When the first share these permissions were compiled with expires (time.time()):
        # then everything is compiled again, without it.
        self._next_expiry = math.inf
        self._generation = 0
        # user -> (what their permissions last compiled to, how many times that changed)
        self._changes: dict[str, tuple[int, int]] = {}

    # -- freshness ---------------------------------------------------------------------------

    @property
    def version(self) -> int:
        return self._snapshot.version

    @property
    def cached_users(self) -> int:
        """How many users' compiled permissions are kept now (at most the cache's size)."""
        return self._known.compiled

    @property
    def generation(self) -> int:
        """Moves on whenever permissions are compiled anew: a change by any process, or a share
        that expired (which changes no version)."""
        return self._generation

    def refresh(self) -> bool:
        """Reload if any process changed the policy since the last look, or a share in use
        expired. True if permissions changed."""
        if time.time() >= self._next_expiry:
            self.reload()
            return True
        if not self.store.changed():
            return False
        with self.store.reading() as connection:  # one connection for both reads
            changes = self.store.changes_since(self._snapshot.version, connection)
            if changes is not None and not changes.touched.everything:
                if changes.version == self._snapshot.version:
                    return False  # a write that was not a policy change (e.g. a kernel's owner)
                self._take(changes, connection)
                return True
        self.reload()
        return True

    def reload(self) -> None:
        """Read the whole policy again and forget every user."""
        self.full_reloads += 1
        self._generation += 1
        self._next_expiry = math.inf
        self._snapshot = self.store.snapshot()
        self._known.clear()
        self._tokens.clear()

    def _take(self, changes: Changes, connection: Connection) -> None:
        """Read anew what `changes` touched, and forget what it concerns: the permissions of the
        users holding a touched role (directly, through a group, or through a share) or in a
        touched group; the records of touched users and of those naming a role or group that is
        gone (deleted, renamed)."""
        self.partial_reloads += 1
        self._generation += 1
        touched = changes.touched
        granted_before = {role: self._snapshot.roles.get(role) for role in touched.roles}
        held_before = self._snapshot.groups_holding(touched.roles)
        # groups given a touched role by a share: their shares are read again (a role's
        # deletion deletes its shares)
        groups = touched.groups | self._snapshot.groups_sharing(touched.roles)
        part = self.store.policy_part(touched.roles, groups, connection)
        self._snapshot = snapshot = self._snapshot.patched(part, changes.version)
        # A role whose scopes are as they were changes nobody through them: who gained or lost
        # it is touched too (both sides of a holding are)
        regranted = {r for r, scopes in granted_before.items() if snapshot.roles.get(r) != scopes}
        if self.everyone_role in regranted:
            self._known.clear()  # everyone holds it
        holders = held_before | snapshot.groups_holding(regranted) | groups
        self._known.drop_compiled(
            self._known.depending_on([*map(role_key, regranted), *map(group_key, holders)])
        )
        gone = [role_key(r) for r in touched.roles if r not in snapshot.roles]
        gone += [group_key(g) for g in touched.groups if g not in part.existing_groups]
        for name in touched.users | self._known.depending_on(gone):
            self._known.forget(name)
        if touched.tokens:
            self._tokens.clear()
        elif touched.users:
            self._forget_tokens_of(touched.users)

    def _forget_tokens_of(self, usernames: set[str]) -> None:
        """Look the tokens of these users up again (one deleted or renamed takes theirs along)."""
        for digest, found in list(self._tokens.items()):
            if found is not None and found[0].username in usernames:
                del self._tokens[digest]

    # -- who is who --------------------------------------------------------------------------

    def user(self, username: str) -> UserRecord | None:
        """The user's record (read once, then from memory until a change concerns it)."""
        return self._known_user(username).record

    def _known_user(self, username: str) -> KnownUser:
        known = self._known.get(username)
        if known is None:
            self.user_reads += 1
            known = self._known.remember(username, self.store.user_record(username))
        return known

    def knows_user(self, username: str) -> bool:
        return self.user(username) is not None

    def display_name(self, username: str) -> str:
        record = self.user(username)
        return record.display_name if record and record.display_name else username

    def groups_of(self, username: str) -> frozenset[str]:
        record = self.user(username)
        return record.groups if record else frozenset()

    def groups_with(self, username: str, external: ExternalGrants | None) -> frozenset[str]:
        """The user's groups in our store, and those the identity source gives them."""
        groups = self.groups_of(username)
        return groups | external.groups if external else groups

    def roles_of(
        self, username: str, external: ExternalGrants | None = None
    ) -> dict[str, list[str]]:
        """Each role the user holds, with where it comes from: "direct", "everyone", "group:NAME",
        or the identity source ("hub", "oidc")."""
        snapshot = self._snapshot
        provenance: dict[str, list[str]] = {}
        if self.everyone_role in snapshot.roles:
            provenance.setdefault(self.everyone_role, []).append("everyone")
        record = self.user(username)
        for role in sorted(record.roles if record else ()):
            provenance.setdefault(role, []).append("direct")
        if external is not None:
            for role in sorted(external.roles & snapshot.roles.keys()):
                provenance.setdefault(role, []).append(external.source)
        for group in sorted(self.groups_with(username, external)):
            for role in snapshot.group_roles.get(group, ()):
                provenance.setdefault(role, []).append(f"group:{group}")
        return {role: sources for role, sources in sorted(provenance.items())}

    def held_through(self, direct: Iterable[str], groups: Iterable[str]) -> dict[str, list[str]]:
        """Each role a user record holds (its `direct` roles, its `groups`, and everyone's),
        with how: as `roles_of` says it, without asking the store (a page of users at once)."""
        snapshot = self._snapshot
        provenance: dict[str, list[str]] = {}
        if self.everyone_role in snapshot.roles:
            provenance.setdefault(self.everyone_role, []).append("everyone")
        for role in sorted(direct):
            provenance.setdefault(role, []).append("direct")
        for group in sorted(groups):
            for role in snapshot.group_roles.get(group, ()):
                provenance.setdefault(role, []).append(f"group:{group}")
        return {role: sources for role, sources in sorted(provenance.items())}

    def would_hold(
        self, username: str, roles: Iterable[str], groups: Iterable[str]
    ) -> tuple[dict[str, list[str]], Permissions]:
        """What a user not made yet would hold with these direct `roles` and `groups` (an
        invitation's preview): how each role would be held, and the compiled permissions.
        Nothing is stored or cached."""
        groups = frozenset(groups)
        held = self.held_through(roles, groups)
        scopes = [scope for role in held for scope in self._snapshot.roles.get(role, ())]
        return held, compile_permissions(self.catalog, scopes, username, groups)

    # -- permissions -------------------------------------------------------------------------

    def permissions(self, username: str, external: ExternalGrants | None = None) -> Permissions:
        """The user's compiled permissions (cached until the policy changes), within the
        identity source's bound when it sets one."""
        known = self._known_user(username)
        permissions = known.permissions.get(external)
        if permissions is None:
            self.compiles += 1
            permissions = self._compile(username, external)
            if external is not None:
                self._known.depend(
                    username,
                    known,
                    [*map(role_key, external.roles), *map(group_key, external.groups)],
                )
            cap = external.cap if external is not None else None
            permissions.changes = self._count_change(username, hash((permissions.fingerprint, cap)))
            if external is not None and external.cap is not None:
                bound = compile_permissions(
                    self.catalog,
                    sorted(external.cap),
                    username,
                    self.groups_with(username, external),
                )
                permissions = TokenLimitedPermissions(permissions, bound)
            known.permissions[external] = permissions
        return permissions

    def _count_change(self, username: str, compiled: int) -> int:
        """How many times the user's permissions came out otherwise than at the compile before.

        Counted at each compile, not only between two looks of a long-lived connection: a change
        undone before its next look (made a viewer, then an editor again) still changed what
        the user met in between (a refused save), and their JupyterLab must hear of it."""
        last, count = self._changes.get(username, (compiled, 0))
        if last != compiled:
            count += 1
        self._changes[username] = (compiled, count)
        return count

    def _compile(self, username: str, external: ExternalGrants | None) -> Permissions:
        """The user's permissions from the bundles of their sources: the roles they hold
        themselves (everyone's role, their own, the identity source's, with its scopes), and
        each of their groups' roles. A bundle is compiled once for everyone who holds it."""
        snapshot = self._snapshot
        record = self.user(username)
        own = set(record.roles if record else ())
        if self.everyone_role in snapshot.roles:
            own.add(self.everyone_role)
        if external is not None:
            own |= external.roles & snapshot.roles.keys()
        sources = [[scope for role in own for scope in snapshot.roles.get(role, ())]]
        if external is not None:
            sources[0].extend(external.scopes)
        groups = self.groups_with(username, external)
        for group in sorted(groups):
            roles = snapshot.group_roles.get(group, ())
            sources.append([scope for role in roles for scope in snapshot.roles.get(role, ())])
        shared = [
            path_grant
            for share in self.shares_of(username, external)
            for path_grant in self.share_grants(share, username, groups)
        ]
        bundles = [self._bundle(texts) for texts in sources if texts]
        return permissions_of(bundles, username, groups, shared)

    def _bundle(self, texts: list[str]) -> Bundle:
        """The compiled bundle of these scope texts, shared by every user who holds them (and
        kept across policy versions: the same texts compile the same)."""
        key = (self.catalog.generation, tuple(sorted(set(texts))))
        bundle = self._bundles.get(key)
        if bundle is None:
            bundle = compile_bundle(self.catalog, key[1])
            self._bundles.put(key, bundle)
        return bundle

    # -- shares ------------------------------------------------------------------------------

    def shares_of(self, username: str, external: ExternalGrants | None = None) -> list[ShareRecord]:
        """The shares in force for the user: given to them by name or to a group of theirs, not
        expired (the earliest expiry among them is remembered: `refresh` compiles anew then)."""
        record = self.user(username)
        shares = list(record.shares if record else ())
        for group in sorted(self.groups_with(username, external)):
            shares.extend(self._snapshot.group_shares.get(group, ()))
        now = datetime.now(timezone.utc)
        in_force = []
        for share in shares:
            if share.expired(now):
                continue
            if share.expires_at is not None:
                self._next_expiry = min(self._next_expiry, share.expires_at.timestamp())
            in_force.append(share)
        return in_force

    def share_grants(
        self, share: ShareRecord, username: str, groups: Iterable[str]
    ) -> list[PathGrant]:
        """What `share` grants `username` (a member of `groups`): its role's path-bearing
        scopes at its place."""
        role_scopes = self._snapshot.roles.get(share.role, ())
        place = place_glob(share.path, share.is_folder)
        return narrowed_grants(self.catalog, role_scopes, place, username, groups)

    def token_permissions(
        self, username: str, token_scopes: tuple[str, ...], external: ExternalGrants | None = None
    ) -> TokenLimitedPermissions:
        """What a token limited to `token_scopes` may do: its scopes, within its owner's."""
        known = self._known_user(username)
        key = (token_scopes, external)
        permissions = known.token_permissions.get(key)
        if permissions is None:
            owner = self.permissions(username, external)
            token = compile_permissions(
                self.catalog, token_scopes, username, self.groups_with(username, external)
            )
            permissions = TokenLimitedPermissions(owner, token)
            known.token_permissions[key] = permissions
        return permissions

    # -- explaining ---------------------------------------------------------------------------

    def grants_of(self, username: str, external: ExternalGrants | None = None) -> list[Grant]:
        """Every scope the user holds, with the role it comes from and how they hold that role.

        Scopes the identity source grants directly have no role: their role is the source's name.
        """
        grants = [
            Grant(scope, role, tuple(via))
            for role, via in self.roles_of(username, external).items()
            for scope in self._snapshot.roles.get(role, ())
        ]
        if external is not None:
            grants += [
                Grant(scope, external.source, (external.source,))
                for scope in sorted(external.scopes)
            ]
        groups = self.groups_with(username, external)
        for share in self.shares_of(username, external):
            via = (f"share:{share.id}",)
            grants += [
                Grant(path_grant.scope, share.role, via, share, path_grant)
                for path_grant in self.share_grants(share, username, groups)
            ]
        return grants

    def explain(
        self, username: str, question: Question, external: ExternalGrants | None = None
    ) -> Decision:
        """May `username` do what `question` asks, and which role and scope decide it?

        Judged exactly as a request would be (the user's compiled permissions); the first
        granting scope is then found by compiling each scope on its own.
        """
        permissions = self.permissions(username, external)
        if not question.asked_of(permissions, self.groups_of):
            return Decision(False, None, question.scope)
        groups = self.groups_with(username, external)
        for grant in self.grants_of(username, external):
            if grant.path_grant is not None:
                alone = compile_permissions(self.catalog, (), username, groups, [grant.path_grant])
            else:
                alone = compile_permissions(self.catalog, [grant.scope], username, groups)
            if question.asked_of(alone, self.groups_of):
                return Decision(True, grant, None)
        raise AssertionError(f"{username} is allowed {question.scope} by no single scope")

    # -- tokens ------------------------------------------------------------------------------

    def identify_token(self, secret: str) -> TokenIdentity | None:
        """Who a token speaks for (looked up once per policy version; expiry checked every time).

        A token's hash is verified once per process: later requests compare an in-memory
        digest, so revoking or expiring a token still takes effect at once.
        """
        digest = hashlib.sha256(secret.encode()).digest()
        if digest in self._tokens:
            found = self._tokens[digest]
        else:
            if len(self._tokens) >= MAX_VERIFIED_TOKENS:  # every guess is a new digest: bound them
                self._tokens.clear()
            found = self._tokens[digest] = self.store.find_token(secret)
        if found is None:
            return None
        identity, hashed = found
        if self._verified.get(digest) != identity.token_id:
            # wrong secrets for one look-up key are throttled there, not verified each time
            if not self.store.verify_token(identity.token_id, hashed, secret):
                return None
            if len(self._verified) >= MAX_VERIFIED_TOKENS:
                self._verified.clear()
            self._verified[digest] = identity.token_id
        if identity.expires_at is not None and identity.expires_at <= datetime.now(timezone.utc):
            return None
        if identity.one_time:
            self._tokens.pop(digest, None)
            if not self.store.consume_one_time_token(identity.token_id):
                return None
        return identity

    # -- owned resources -----------------------------------------------------------------------

    def owner_of(self, kind: str, resource_id: str) -> Owned | None:
        return self._owned.get((kind, resource_id))

    def record_owner(
        self, kind: str, resource_id: str, owner: str, path: str | None = None
    ) -> None:
        self._owned[(kind, resource_id)] = Owned(owner, path, self.user_identity(owner))
        self.store.set_owner(kind, resource_id, owner)

    def owned_by_departed(self) -> list[tuple[str, str]]:
        """(kind, id) of what users of ours own whose record is gone: deleted, or deleted and
        made again (a new user by the same name is someone else). Reads each owner's record."""
        current: dict[str, UserIdentity | None] = {}
        departed = []
        for key, owned in self._owned.items():
            if owned.owner_record is None:
                continue  # never one of our users: nothing of theirs was deleted
            if owned.owner not in current:
                current[owned.owner] = self.user_identity(owned.owner)
            if current[owned.owner] != owned.owner_record:
                departed.append(key)
        return departed

    def _read_owners(self) -> dict[tuple[str, str], Owned]:
        """The owners the store recorded (this process's earlier runs, other processes')."""
        recorded = self.store.owners()
        records = {owner: self.user_identity(owner) for owner in set(recorded.values())}
        return {key: Owned(owner, None, records[owner]) for key, owner in recorded.items()}

    def user_identity(self, username: str) -> UserIdentity | None:
        """Which record holds the name now, by its random key, never given again (None:
        nobody): read from the store at each call."""
        return self.store.record_key_of(username)

    def forget_owner(self, kind: str, resource_id: str) -> None:
        if self._owned.pop((kind, resource_id), None) is not None:
            self.store.forget_owner(kind, resource_id)
