"""Properties of the policy engine over random policies (hypothesis): the fast engine agrees with a
simple reference model on every decision, and roles only ever add.

Every example is a real policy in a real SQLite store (copied from a migrated template, so that
an example costs milliseconds), read through jupyter_rbac's Policy as the server reads it.
"""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jupyter_rbac.model import Catalog
from jupyter_rbac.policy import Policy
from jupyter_rbac.store import Store

from .support.reference_model import Model

pytestmark = pytest.mark.slow  # many generated examples against a reference model

USERS = ("ann", "bob", "cy")
STRANGER = "dan"  # signed in, but not in the store: holds only the everyone role
GROUPS = ("g1", "g2", "g3")
RESOURCES = {  # resource -> the filters it takes
    "contents": ("path",),
    "kernels": ("user", "group"),
    "sessions": ("path", "user", "group"),
    "terminals": ("user", "group"),
}
SEGMENTS = ("a", "ab", "b", "x.txt")
GLOB_SEGMENTS = (*SEGMENTS, "*", "a*", "*.txt", "**", "{user}", "{group}")
REQUESTS_PER_POLICY = 100
POLICIES = 200  # 20,000 decisions compared in all

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
    return Store.open(f"sqlite:///{copy}", migrate=False)


# -- strategies ---------------------------------------------------------------------------------


@st.composite
def scopes(draw) -> str:
    kind = draw(st.sampled_from(["plain"] * 12 + ["self", "all"]))
    if kind != "plain":
        return kind
    resource = draw(st.sampled_from(sorted(RESOURCES)))
    action = draw(st.sampled_from(["", "read:", "write:", "execute:"]))
    filter_name = draw(st.sampled_from([None, *RESOURCES[resource]]))
    if filter_name is None:
        return f"{action}{resource}"
    if filter_name == "path":
        value = "/".join(draw(st.lists(st.sampled_from(GLOB_SEGMENTS), min_size=1, max_size=3)))
    elif filter_name == "user":
        value = draw(st.sampled_from([*USERS, "{user}"]))
    else:
        value = draw(st.sampled_from([*GROUPS, "{group}"]))
    return f"{action}{resource}!{filter_name}={value}"


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
    return model


@st.composite
def requests(draw) -> tuple:
    user = draw(st.sampled_from([*USERS, STRANGER]))
    action = draw(st.sampled_from(["read", "write", "execute"]))
    resource = draw(st.sampled_from(sorted(RESOURCES)))
    target = draw(st.sampled_from(["everything", "path", "owner"]))
    path = owner = None
    if target == "path":
        path = "/".join(draw(st.lists(st.sampled_from([*SEGMENTS, *USERS, *GROUPS]), max_size=3)))
    elif target == "owner":
        owner = draw(st.sampled_from([*USERS, STRANGER]))
    return user, action, resource, path, owner


def build(store: Store, model: Model) -> Policy:
    for name, role_scopes in model.roles.items():
        store.create_role(name, role_scopes)
    for group in GROUPS:
        store.create_group(group)
    for user in USERS:
        store.create_user(user, groups=[g for g in GROUPS if user in model.members[g]])
        if model.user_roles[user]:
            for role in sorted(model.user_roles[user]):
                store.assign_role(role, users=[user])
    for group in GROUPS:
        for role in sorted(model.group_roles[group]):
            store.assign_role(role, groups=[group])
    return Policy(store, Catalog())


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


# -- properties ---------------------------------------------------------------------------------

EXAMPLES = settings(
    max_examples=POLICIES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@EXAMPLES
@given(
    model=models(),
    asked=st.lists(requests(), min_size=REQUESTS_PER_POLICY, max_size=REQUESTS_PER_POLICY),
)
def test_the_engine_agrees_with_the_reference_model(template, model, asked):
    store = fresh_store(template)
    try:
        policy = build(store, model)
        for request in asked:
            assert engine_allows(policy, request) == model_allows(model, request), (request, model)
    finally:
        store.close()


@EXAMPLES
@given(
    model=models(),
    extra=st.lists(scopes(), min_size=1, max_size=3, unique=True),
    user=st.sampled_from(USERS),
    asked=st.lists(requests(), min_size=30, max_size=30),
)
def test_adding_a_role_never_removes_a_permission_and_removing_it_never_adds_one(
    template, model, extra, user, asked
):
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
