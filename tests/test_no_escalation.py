"""No escalation, as a property: a partial administrator makes hundreds of random writes through
every write endpoint of /api/rbac (roles, role holders, users, groups, members, tokens,
invitations); after each one that lands, nobody has gained a scope the administrator does not
hold, no token carries more than its owner, and the administrator reaches nobody she did not reach
before (her `!group=` scopes do not widen by moving someone into her group).

The random walk is seeded (each seed a test), so a failure names the write that broke the rule
and replays exactly.
"""

from __future__ import annotations

import random

import pytest

from jupyter_rbac.model import ACTIONS, ScopeError, compile_permissions

pytestmark = pytest.mark.slow  # a server for each test: outside the fast subset

WALK_LENGTH = 250
SEEDS = (1, 2, 3)

# The partial administrator's scopes: she administers group g1 and its folder, and roles.
FAY_SCOPES = [
    "write:roles",
    "write:users!group=g1",
    "write:groups!group=g1",
    "read:contents",
    "write:contents!path=shared/g1/**",
    "execute:kernels!group=g1",
    "read:kernels",
]
# What roles may be made of: some within her reach, some beyond it.
SCOPE_POOL = [
    "read:contents",
    "write:contents",
    "write:contents!path=shared/g1/**",
    "write:contents!path=shared/g1/sub/**",
    "write:contents!path=shared/**",
    "write:contents!path=home/{user}/**",
    "execute:kernels",
    "execute:kernels!group=g1",
    "execute:kernels!user={user}",
    "read:kernels",
    "write:roles",
    "write:users",
    "write:users!group=g1",
    "write:groups",
    "read:users",
    "tokens",
    "all",
]
USERS = ["u1", "u2", "u3"]
NEBARI_ROLES = ("analyst", "developer")
GROUPS = ["g1", "g2"]


@pytest.fixture
def world(rbac, make_user):
    """fay (the partial administrator), u1 u2 in g1, u3 in g2, and a few roles."""
    rbac.store.create_group("g1")
    rbac.store.create_group("g2")
    rbac.store.create_role("fadmin", FAY_SCOPES)
    fay = make_user("fay", roles=["fadmin"])
    for user, group in (("u1", "g1"), ("u2", "g1"), ("u3", "g2")):
        make_user(user, roles=["viewer"], groups=[group])
    rbac.store.create_role("g1work", ["write:contents!path=shared/g1/**"], groups=["g1"])
    rbac.store.create_role("big", ["write:contents", "execute:kernels"])
    return fay


def everyones(rbac, user: str) -> frozenset[str]:
    """What `user` holds through the `user` role alone, which every signed-in user has."""
    role = next(role for role in rbac.store.list_roles() if role.name == "user")
    return frozenset(compile_permissions(rbac.catalog, role.scopes, user, ()).scopes)


def effective(rbac) -> dict[str, frozenset[str]]:
    """Every user's concrete scopes, as the server would enforce them now."""
    rbac.policy.refresh()
    names = [user.name for user in rbac.store.list_users()]
    return {name: frozenset(rbac.policy.permissions(name, None).scopes) for name in names}


def reach(rbac, actor: str) -> dict[str, frozenset[tuple[str, str]]]:
    """For every user, what `actor` may do to them and their objects: (action, resource) pairs
    on resources whose scopes filter by user or group, as the server would judge them now."""
    rbac.policy.refresh()
    permissions = rbac.policy.permissions(actor, None)
    catalog = rbac.catalog.resources
    owned = [name for name, resource in catalog.items() if {"user", "group"} & resource.filters]

    def on(user: str) -> frozenset[tuple[str, str]]:
        groups = rbac.policy.groups_of(user)
        return frozenset(
            (action, resource)
            for resource in owned
            for action in ACTIONS
            if permissions.allows_object(action, resource, owner=user, owner_groups=groups)
        )

    return {user.name: on(user.name) for user in rbac.store.list_users()}


def random_write(
    rng: random.Random, known_users: list[str], roles: list[str]
) -> tuple[str, tuple, dict]:
    """One write through the API, chosen at random: (method, path parts, body)."""

    def some(pool, most=2):
        return rng.sample(pool, rng.randint(0, min(most, len(pool))))

    kind = rng.choice(
        [
            "create_role",
            "edit_role",
            "hold_role",
            "user_roles",
            "user_groups",
            "create_user",
            "create_group",
            "group_members",
            "group_roles",
            "token",
            "invite",
        ]
    )
    if kind == "create_role":
        return (
            "POST",
            ("roles",),
            {"name": f"r{rng.randrange(10**6)}", "scopes": some(SCOPE_POOL, 3)},
        )
    if kind == "edit_role":
        return "PATCH", ("roles", rng.choice(roles)), {"scopes": some(SCOPE_POOL, 3)}
    if kind == "hold_role":
        return (
            "PATCH",
            ("roles", rng.choice(roles)),
            {"users": some(known_users), "groups": some(GROUPS, 1)},
        )
    if kind == "user_roles":
        return "PATCH", ("users", rng.choice(known_users)), {"roles": some(roles)}
    if kind == "user_groups":
        return "PATCH", ("users", rng.choice(known_users)), {"groups": some(GROUPS)}
    if kind == "create_user":
        return (
            "POST",
            ("users",),
            {
                "name": f"n{rng.randrange(10**6)}",
                "roles": some(roles, 1),
                "groups": some(GROUPS, 1),
            },
        )
    if kind == "create_group":
        return (
            "POST",
            ("groups",),
            {
                "name": f"g{rng.randrange(10**6)}",
                "members": some(known_users),
                "roles": some(roles, 1),
            },
        )
    if kind == "group_members":
        return "PATCH", ("groups", rng.choice(GROUPS)), {"members": some(known_users, 3)}
    if kind == "group_roles":
        return "PATCH", ("groups", rng.choice(GROUPS)), {"roles": some(roles)}
    if kind == "token":
        body = {"note": "walk"}
        if rng.random() < 0.5:
            body["scopes"] = some(SCOPE_POOL, 2)
        return "POST", ("users", rng.choice(known_users), "tokens"), body
    return (
        "POST",
        ("invitations",),
        {
            "username": f"i{rng.randrange(10**6)}",
            "roles": some(roles, 1),
            "groups": some(GROUPS, 1),
        },
    )


@pytest.mark.parametrize("seed", SEEDS)
async def test_a_partial_administrator_never_grants_what_she_lacks(rbac, world, seed):
    fay = world
    rng = random.Random(seed)
    landed = refused = 0
    for step in range(WALK_LENGTH):
        known_users = sorted(effective(rbac))
        # the world's roles and the generic shipped ones (the Nebari-like ones are beyond her
        # reach like `editor`, and would only thin out the writes that land)
        roles = sorted(
            role.name for role in rbac.store.list_roles() if role.name not in NEBARI_ROLES
        )
        before = effective(rbac)
        reach_before = reach(rbac, "fay")
        fay_permissions = rbac.policy.permissions("fay", None)
        method, path, body = random_write(rng, known_users, roles)
        status, answer = await fay.request(method, "api", "rbac", *path, body=body)
        assert status < 500, (step, method, path, body, status, answer)
        if status >= 400:
            refused += 1
            continue
        landed += 1
        after = effective(rbac)
        for user, scopes in after.items():
            for scope in scopes - before.get(user, everyones(rbac, user)):
                try:
                    parsed = rbac.catalog.parse(scope)
                except ScopeError:
                    continue  # grants nothing
                assert fay_permissions.covers(parsed), (
                    f"step {step}: {method} {'/'.join(path)} {body} gave {user} {scope}, which fay lacks"
                )
        for user, gained in reach(rbac, "fay").items():
            widened = gained - reach_before.get(
                user, gained
            )  # a user created now: the creation rule
            assert not widened, (
                f"step {step}: {method} {'/'.join(path)} {body} gave fay {sorted(widened)} on {user}"
            )
        if path[-1] == "tokens":  # the new token acts with at most what fay and its owner hold
            owner = path[1]
            token = (
                rbac.policy.token_permissions(owner, answer["scopes"], None)
                if answer["scopes"]
                else None
            )
            if token is not None:
                for scope in token.scopes:
                    assert fay_permissions.covers(rbac.catalog.parse(scope)), (step, body, scope)
            else:
                for scope in after[owner]:
                    assert fay_permissions.covers(rbac.catalog.parse(scope)), (step, body, scope)
    # the walk exercised both sides of the rule
    assert landed >= WALK_LENGTH // 20 and refused >= WALK_LENGTH // 20, (landed, refused)
