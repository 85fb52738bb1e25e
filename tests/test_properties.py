"""Properties of the policy engine over random policies (hypothesis): the fast engine agrees with a
simple reference model on every decision, and roles and shares only ever add.

Every example is a real policy (roles, groups, users and shares) in a real SQLite store (copied
from a migrated template, so that an example costs milliseconds), read through jupyter_rbac's
Policy as the server reads it.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event

from jupyter_rbac.errors import Conflict, InvalidInput, NotFound
from jupyter_rbac.model import Catalog
from jupyter_rbac.policy import Policy
from jupyter_rbac.store import Store

from .support.reference_model import PATH_JUDGED, Model, Share

pytestmark = pytest.mark.slow  # many generated examples against a reference model

USERS = ("ann", "bob", "cy")
STRANGER = "dan"  # signed in, but not in the store: holds only the everyone role
GROUPS = ("g1", "g2", "g3")
RESOURCES = {  # resource -> the filters it takes
    "contents": ("path",),
    "kernels": ("user", "group"),
    "nbconvert": ("path",),  # only reading names a path: a share never grants writing
    "sessions": ("path", "user", "group"),
    "shares": ("path",),
    "terminals": ("user", "group"),
}
SEGMENTS = ("a", "ab", "b", "x.txt")
GLOB_SEGMENTS = (*SEGMENTS, "*", "a*", "*.txt", "**", "{user}", "{group}")
PATH_SEGMENTS = (*SEGMENTS, *USERS, *GROUPS)  # the names of requested paths and shared places
PATH_RESOURCES = tuple(sorted(name for name, filters in RESOURCES.items() if "path" in filters))
MAX_SHARES = 4
REQUESTS_PER_POLICY = 100
POLICIES = 200  # 20,000 decisions compared in all
# Changing a policy and back costs more than asking it (writes, and three reloads): fewer of those.
CHANGED_POLICIES = 100

_examples = itertools.count()


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """An empty, migrated policy database to copy for each example."""
    path = tmp_path_factory.mktemp("template") / "empty.sqlite"
    Store.open(f"sqlite:///{path}").close()
    return path


def fresh_store(template: Path) -> Store:
    copy = template.with_name(f"example-{next(_examples)}.sqlite")
    shutil.copy(template, copy)
    store = Store.open(f"sqlite:///{copy}", migrate=False)
    # A throwaway copy need not wait for the disk at each commit (much of an example's time).
    event.listen(store.engine, "connect", _no_sync)
    return store


def _no_sync(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA synchronous=OFF")


# -- strategies ---------------------------------------------------------------------------------


GLOBS = st.lists(st.sampled_from(GLOB_SEGMENTS), min_size=1, max_size=3).map("/".join)
# A folder and everything beneath it, as roles given through shares often say: such a glob
# covers many places (`{user}/**` all of the user's folder), or lies inside them.
FOLDER_GLOBS = st.lists(
    st.sampled_from((*PATH_SEGMENTS, "*", "{user}", "{group}")), max_size=2
).map(lambda parts: "/".join([*parts, "**"]))


@st.composite
def scopes(
    draw, resources: tuple[str, ...] = tuple(sorted(RESOURCES)), globs: st.SearchStrategy = GLOBS
) -> str:
    kind = draw(st.sampled_from(["plain"] * 12 + ["self", "all"]))
    if kind != "plain":
        return kind
    resource = draw(st.sampled_from(resources))
    action = draw(st.sampled_from(["", "read:", "write:", "execute:"]))
    filter_name = draw(st.sampled_from([None, *RESOURCES[resource]]))
    if filter_name is None:
        return f"{action}{resource}"
    if filter_name == "path":
        value = draw(globs)
    elif filter_name == "user":
        value = draw(st.sampled_from([*USERS, "{user}"]))
    else:
        value = draw(st.sampled_from([*GROUPS, "{group}"]))
    return f"{action}{resource}!{filter_name}={value}"


@st.composite
def shares(draw, role_names: list[str]) -> Share:
    """A share of one of `role_names` on a folder or file, to a user or a group; some expired."""
    segments = draw(st.lists(st.sampled_from(PATH_SEGMENTS), max_size=2))
    is_folder = not segments or draw(st.booleans())  # the root is a folder
    role = draw(st.sampled_from(role_names))
    user = group = None
    if draw(st.booleans()):
        user = draw(st.sampled_from(USERS))
    else:
        group = draw(st.sampled_from(GROUPS))
    expired = draw(st.integers(0, 4)) == 0
    return Share("/".join(segments), is_folder, role, user, group, expired)


def place_and_recipient(share: Share) -> tuple:
    """What the store keeps unique: a user or group has one share of a path."""
    return share.path, share.user, share.group


@st.composite
def models(draw) -> Model:
    role_names = [f"r{i}" for i in range(draw(st.integers(0, 4)))]
    if draw(st.booleans()):
        role_names.append("user")  # the role everyone holds
    model = Model(
        roles={name: draw(st.lists(scopes(), max_size=4, unique=True)) for name in role_names}
    )
    some_roles = st.sets(st.sampled_from(role_names)) if role_names else st.just(set())
    for user in USERS:
        model.user_roles[user] = draw(some_roles) - {"user"}
    for group in GROUPS:
        model.group_roles[group] = draw(some_roles) - {"user"}
        model.members[group] = draw(st.sets(st.sampled_from(USERS)))
    # Roles only shares give, mostly about paths (what a share gives of a role): a role held
    # anyway adds nothing through a share.
    for name in [f"s{i}" for i in range(draw(st.integers(0, 2)))]:
        path_scopes = scopes(PATH_RESOURCES, st.one_of(GLOBS, FOLDER_GLOBS))
        model.roles[name] = draw(st.lists(path_scopes, min_size=1, max_size=4))
    if model.roles:
        count = draw(st.integers(1, MAX_SHARES))  # models without roles have none
        some_shares = shares(sorted(model.roles))
        model.shares = draw(
            st.lists(some_shares, min_size=count, max_size=count, unique_by=place_and_recipient)
        )
    return model


def paths_below(places: Sequence[str], depth: int) -> st.SearchStrategy[str]:
    """A path 0 to `depth` names below one of `places`: each depth as likely (shortest shrinks
    best)."""
    starts = [[part for part in place.split("/") if part] for place in places]
    return st.one_of(
        st.sampled_from(
            [
                "/".join([*start, *more])
                for start in starts
                for more in itertools.product(PATH_SEGMENTS, repeat=length)
            ]
        )
        for length in range(depth + 1)
    )


ANY_PATH = paths_below([""], 3)


def requests(places: Sequence[str] = ()) -> st.SearchStrategy[tuple]:
    """(user, action, resource, path, owner); paths often in or next to the shared `places`.
    (A few draws each: a policy is asked a hundred of them, and drawing is a good part of the
    run time.)"""
    paths = ANY_PATH
    if places:
        below = paths_below(places, 2)
        around = paths_below(sorted({place.rpartition("/")[0] for place in places}), 1)
        paths = st.one_of(ANY_PATH, below, below, around)
    targets = {  # (path, owner): neither is a question about every object
        "everything": st.just((None, None)),
        "path": paths.map(lambda path: (path, None)),
        "owner": st.sampled_from([*USERS, STRANGER]).map(lambda owner: (None, owner)),
    }
    return st.builds(
        lambda user, action, resource, target: (user, action, resource, *target),
        st.sampled_from([*USERS, STRANGER]),
        st.sampled_from(["read", "write", "execute"]),
        st.sampled_from(sorted(RESOURCES)),
        st.sampled_from(["everything", "path", "path", "owner"]).flatmap(targets.get),
    )


@st.composite
def models_and_requests(draw, count: int) -> tuple[Model, list[tuple]]:
    model = draw(models())
    places = sorted({share.path for share in model.shares})
    return model, draw(st.lists(requests(places), min_size=count, max_size=count))


@st.composite
def models_a_share_and_requests(draw, count: int) -> tuple[Model, Share, list[tuple]]:
    """A model, one more share in force (of one of its roles, or of the role `extra`), requests."""
    model = draw(models())
    taken = {place_and_recipient(share) for share in model.shares}
    role_names = ["extra", *sorted(model.roles)]
    extra = draw(shares(role_names).filter(lambda s: place_and_recipient(s) not in taken))
    extra = replace(extra, expired=False)
    places = sorted({share.path for share in [*model.shares, extra]})
    return model, extra, draw(st.lists(requests(places), min_size=count, max_size=count))


# -- the engine and the reference model ---------------------------------------------------------

NOW = datetime.now(timezone.utc)
EXPIRED = NOW - timedelta(days=1)
IN_FORCE = NOW + timedelta(days=365)


def create_share(store: Store, share: Share, expires_at: datetime | None) -> int:
    record = store.create_share(
        share.path,
        share.is_folder,
        share.role,
        user=share.user,
        group=share.group,
        expires_at=EXPIRED if share.expired else expires_at,
    )
    return record.id


def build(store: Store, model: Model) -> Policy:
    """The model in the store, one write per record (an example's writes are most of its time)."""
    for group in GROUPS:
        store.create_group(group)
    for user in USERS:
        store.create_user(user, groups=[g for g in GROUPS if user in model.members[g]])
    for name, role_scopes in model.roles.items():
        users = [user for user in USERS if name in model.user_roles[user]]
        groups = [group for group in GROUPS if name in model.group_roles[group]]
        store.create_role(name, role_scopes, users=users, groups=groups)
    for number, share in enumerate(model.shares):  # in force: some forever, some for a year
        create_share(store, share, IN_FORCE if number % 2 else None)
    # its caches hold fewer users than the model has: requests evict and compile again
    return Policy(store, Catalog(), cache_size=TINY_CACHE)


TINY_CACHE = 2


def engine_allows(policy: Policy, request: tuple) -> bool:
    user, action, resource, path, owner = request
    permissions = policy.permissions(user, None)
    if path is None and owner is None:
        return permissions.allows(action, resource)
    owner_groups = policy.groups_of(owner) if owner else ()
    return permissions.allows_object(action, resource, path, owner, owner_groups)


def model_allows(model: Model, request: tuple) -> bool:
    user, action, resource, path, owner = request
    owner_groups = frozenset(model.groups_of(owner)) if owner else frozenset()
    return model.allows(user, action, resource, path, owner, owner_groups)


def undecided(scope: str) -> bool:
    """A `!path=` glob whose relation to a shared folder the engine may not see: one ending in a
    `*` segment after a `**` (`**/*`, `a/**/*`) matches every name at every depth, so it can
    cover a whole folder, but the engine's containment test is sound, not complete, and does
    not see it: it grants less there. The reference decides it exactly; the engine must grant
    no more, and no less than without such scopes."""
    name, _, value = scope.partition("!")[2].partition("=")
    parts = value.split("/")
    return name == "path" and parts[-1] == "*" and "**" in parts


def without_undecided_shares(model: Model) -> Model:
    """The model, its shares giving copies of their roles without undecided scopes: what the
    engine grants at least (and exactly, when no shared role has one)."""
    roles = dict(model.roles)
    shares = []
    for share in model.shares:
        role_scopes = model.roles.get(share.role, [])
        if any(undecided(scope) for scope in role_scopes):
            roles[f"{share.role} decided"] = [s for s in role_scopes if not undecided(s)]
            share = replace(share, role=f"{share.role} decided")
        shares.append(share)
    return replace(model, roles=roles, shares=shares)


def in_place(path: str, share: Share) -> bool:
    """Is `path` the shared file, or in the shared folder?"""
    parts = [part for part in path.split("/") if part]
    place = [part for part in share.path.split("/") if part]
    return parts[: len(place)] == place if share.is_folder else parts == place


# -- properties ---------------------------------------------------------------------------------

EXAMPLES = settings(
    max_examples=POLICIES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
FEWER_EXAMPLES = settings(EXAMPLES, max_examples=CHANGED_POLICIES)


@EXAMPLES
@given(case=models_and_requests(REQUESTS_PER_POLICY))
def test_the_engine_agrees_with_the_reference_model(template, case):
    model, asked = case
    lower = without_undecided_shares(model)
    store = fresh_store(template)
    try:
        policy = build(store, model)
        for request in asked:
            allowed = engine_allows(policy, request)
            if allowed:
                assert model_allows(model, request), ("the engine grants more", request, model)
            else:
                assert not model_allows(lower, request), ("the engine grants less", request, model)
    finally:
        store.close()


@FEWER_EXAMPLES
@given(
    case=models_and_requests(30),
    extra=st.lists(scopes(), min_size=1, max_size=3, unique=True),
    user=st.sampled_from(USERS),
)
def test_adding_a_role_never_removes_a_permission_and_removing_it_never_adds_one(
    template, case, extra, user
):
    model, asked = case
    store = fresh_store(template)
    try:
        policy = build(store, model)
        before = [engine_allows(policy, request) for request in asked]
        store.create_role("extra", extra, users=[user])
        policy.refresh()
        with_role = [engine_allows(policy, request) for request in asked]
        assert all(w for b, w in zip(before, with_role) if b), "adding a role took something away"
        store.delete_role("extra")
        policy.refresh()
        assert [engine_allows(policy, request) for request in asked] == before
    finally:
        store.close()


@FEWER_EXAMPLES
@given(
    case=models_a_share_and_requests(30),
    extra_scopes=st.lists(
        st.one_of(scopes(), scopes(PATH_RESOURCES)), min_size=1, max_size=3, unique=True
    ),
)
def test_adding_a_share_only_adds_in_its_place_and_removing_it_restores_what_was(
    template, case, extra_scopes
):
    model, share, asked = case
    store = fresh_store(template)
    try:
        policy = build(store, model)
        store.create_role("extra", extra_scopes)  # held by no one: nothing changes
        policy.refresh()
        before = [engine_allows(policy, request) for request in asked]
        share_id = create_share(store, share, None)
        policy.refresh()
        with_share = [engine_allows(policy, request) for request in asked]
        assert all(w for b, w in zip(before, with_share) if b), "a share took something away"
        recipients = {share.user} if share.user else model.members[share.group]
        for (user, action, resource, path, _), b, w in zip(asked, before, with_share):
            if w and not b:  # what the share added: its recipients', in its place, by path
                assert user in recipients, (user, share)
                assert path is not None and in_place(path, share), (path, share)
                assert action in PATH_JUDGED.get(resource, ()), (action, resource, share)
        store.delete_share(share_id)
        policy.refresh()
        assert [engine_allows(policy, request) for request in asked] == before
    finally:
        store.close()


# -- taking changes in part ---------------------------------------------------------------------

ROLE_CHOICES = ("r0", "r1", "s0", "user", "new")  # "user": the role everyone holds
SOME_USERS = st.lists(st.sampled_from(USERS), unique=True, max_size=3)
SOME_GROUPS = st.lists(st.sampled_from(GROUPS), unique=True, max_size=3)
SOME_ROLES = st.lists(st.sampled_from(ROLE_CHOICES), unique=True, max_size=3)
A_ROLE = st.sampled_from(ROLE_CHOICES)
CHANGES = st.one_of(
    st.tuples(st.just("role_scopes"), A_ROLE, st.lists(scopes(), max_size=3)),
    st.tuples(st.just("role_holders"), A_ROLE, SOME_USERS, SOME_GROUPS),
    st.tuples(st.just("assign_role"), A_ROLE, SOME_USERS, SOME_GROUPS),
    st.tuples(st.just("unassign_role"), A_ROLE, SOME_USERS, SOME_GROUPS),
    st.tuples(st.just("delete_role"), A_ROLE),
    st.tuples(st.just("user_holdings"), st.sampled_from(USERS), SOME_ROLES, SOME_GROUPS),
    st.tuples(st.just("delete_user"), st.sampled_from(USERS)),
    st.tuples(st.just("create_user"), st.sampled_from(USERS), SOME_ROLES, SOME_GROUPS),
    st.tuples(st.just("add_members"), st.sampled_from(GROUPS), SOME_USERS),
    st.tuples(st.just("remove_members"), st.sampled_from(GROUPS), SOME_USERS),
    st.tuples(st.just("group_roles"), st.sampled_from(GROUPS), SOME_ROLES),
    st.tuples(st.just("delete_group"), st.sampled_from(GROUPS)),
    st.tuples(st.just("create_group"), st.sampled_from(GROUPS), SOME_USERS, SOME_ROLES),
    st.tuples(st.just("share"), shares(list(ROLE_CHOICES))),
    st.tuples(st.just("share_role"), st.integers(0, 7), A_ROLE),
    st.tuples(st.just("unshare"), st.integers(0, 7)),
    st.tuples(
        st.just("create_role"), A_ROLE, st.lists(scopes(), max_size=3), SOME_USERS, SOME_GROUPS
    ),
)


def make_change(store: Store, change: tuple) -> None:
    """One write of `change`, or none where the store refuses it (a name taken or missing)."""
    kind, *args = change
    shares = store.list_shares()
    writes = {
        "create_role": lambda name, scopes, users, groups: store.create_role(
            name, scopes, users=users, groups=groups
        ),
        "role_scopes": lambda name, scopes: store.update_role(name, scopes=scopes),
        "role_holders": lambda name, users, groups: store.update_role(
            name, users=users, groups=groups
        ),
        "assign_role": lambda name, users, groups: store.assign_role(name, users, groups),
        "unassign_role": lambda name, users, groups: store.unassign_role(name, users, groups),
        "delete_role": store.delete_role,
        "user_holdings": lambda name, roles, groups: store.update_user(
            name, roles=roles, groups=groups
        ),
        "delete_user": store.delete_user,
        "create_user": lambda name, roles, groups: store.create_user(
            name, roles=roles, groups=groups
        ),
        "add_members": store.add_members,
        "remove_members": store.remove_members,
        "group_roles": lambda name, roles: store.update_group(name, roles=roles),
        "delete_group": store.delete_group,
        "create_group": lambda name, members, roles: store.create_group(
            name, members=members, roles=roles
        ),
        "share": lambda share: create_share(store, share, None),
        "share_role": lambda n, role: (
            shares and store.update_share(shares[n % len(shares)].id, role=role)
        ),
        "unshare": lambda n: shares and store.delete_share(shares[n % len(shares)].id),
    }
    try:
        writes[kind](*args)
    except (Conflict, NotFound, InvalidInput):
        pass


def everything_judged(policy: Policy, asked: list[tuple]) -> list:
    """What the policy answers to each request, and how each user holds their roles and grants."""
    people = [*USERS, STRANGER]
    return [
        [engine_allows(policy, request) for request in asked],
        [policy.roles_of(user) for user in people],
        [
            sorted(grant.to_json().items().__repr__() for grant in policy.grants_of(user))
            for user in people
        ],
        [policy.groups_of(user) for user in people],
    ]


@st.composite
def held_policies_and_requests(draw, count: int) -> tuple[Model, list[tuple]]:
    """A model where the roles changes name exist and are held, directly, through groups and
    shares (what a change must reach), and requests."""
    held = ["r0", "r1"]
    model = Model(roles={name: draw(st.lists(scopes(), min_size=1, max_size=3)) for name in held})
    model.roles["s0"] = draw(st.lists(scopes(PATH_RESOURCES, FOLDER_GLOBS), min_size=1, max_size=2))
    for user in USERS:
        model.user_roles[user] = draw(st.sets(st.sampled_from(held), min_size=user == "ann"))
    for group in GROUPS:
        model.group_roles[group] = draw(st.sets(st.sampled_from(held), min_size=group == "g1"))
        model.members[group] = draw(st.sets(st.sampled_from(USERS), min_size=group == "g1"))
    model.shares = draw(
        st.lists(shares(["s0", "r1"]), min_size=1, max_size=2, unique_by=place_and_recipient)
    )
    model.shares = [replace(share, expired=False) for share in model.shares]
    places = sorted({share.path for share in model.shares})
    return model, draw(st.lists(requests(places), min_size=count, max_size=count))


@FEWER_EXAMPLES
@given(
    case=held_policies_and_requests(30),
    changes=st.lists(CHANGES, min_size=3, max_size=8),
)
def test_a_policy_taking_changes_in_part_agrees_with_one_read_whole(template, case, changes):
    """After each change, a policy that read only what the change touched (and kept every user
    it does not concern) answers every request as one that read everything."""
    model, asked = case
    store = fresh_store(template)
    try:
        build(store, model)
        policy = Policy(store, Catalog())  # every user stays cached: changes must meet them
        everything_judged(policy, asked)
        for change in changes:
            make_change(store, change)
            policy.refresh()
            whole = Policy(store, Catalog())
            assert everything_judged(policy, asked) == everything_judged(whole, asked), change
        assert policy.full_reloads == 0, "every change was taken in part"
    finally:
        store.close()
