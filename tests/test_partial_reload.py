"""A change reloads what it touched: the roles and groups it names are read again, and only the
users they concern are compiled again; the others keep what they had. Counted, not timed."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from jupyter_rbac.model import Catalog
from jupyter_rbac.model.defaults import FIXED_ROLE
from jupyter_rbac.policy import Policy
from jupyter_rbac.services.policy_document import export_policy, import_policy
from jupyter_rbac.store import Store
from jupyter_rbac.store.models import PolicyState

PEOPLE = ("ann", "bob", "cy", "dee")


@pytest.fixture
def store(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'policy.sqlite'}")
    store.create_role("reader", ["read:contents"])
    store.create_role("writer", ["write:contents!path=teams/{group}/**"])
    store.create_role("runner", ["execute:kernels"])
    store.create_group("blue", roles=["writer"])
    store.create_user("ann", roles=["reader"])
    store.create_user("bob", groups=["blue"])
    store.create_user("cy", roles=["runner"])
    store.create_user("dee")
    yield store
    store.close()


def everyone_asked(policy: Policy) -> None:
    for name in PEOPLE:
        policy.permissions(name)


def counts(policy: Policy) -> tuple[int, int, int, int]:
    return policy.compiles, policy.user_reads, policy.partial_reloads, policy.full_reloads


def test_a_role_changed_recompiles_its_holders_alone(store):
    policy = Policy(store, Catalog())
    everyone_asked(policy)
    assert counts(policy) == (4, 4, 0, 0)
    store.update_role("reader", scopes=["write:contents"])
    assert policy.refresh()
    everyone_asked(policy)
    # ann compiled again from the role read anew; no record read again
    assert counts(policy) == (5, 4, 1, 0)
    assert policy.permissions("ann").allows("write", "contents")


def test_a_group_given_a_role_recompiles_its_members_alone(store):
    policy = Policy(store, Catalog())
    everyone_asked(policy)
    store.assign_role("runner", groups=["blue"])
    assert policy.refresh()
    everyone_asked(policy)
    assert counts(policy) == (5, 4, 1, 0)  # bob
    assert policy.permissions("bob").allows("execute", "kernels")


def test_a_user_given_a_role_is_read_and_compiled_again_alone(store):
    policy = Policy(store, Catalog())
    everyone_asked(policy)
    store.update_user("dee", roles=["runner"])
    assert policy.refresh()
    everyone_asked(policy)
    # dee read and compiled again; cy, who holds the role too, keeps hers: the role is as it was
    assert counts(policy) == (5, 5, 1, 0)
    assert policy.permissions("dee").allows("execute", "kernels")


def test_a_deleted_role_takes_its_holders_records_along(store):
    policy = Policy(store, Catalog())
    everyone_asked(policy)
    store.delete_role("writer")
    assert policy.refresh()
    everyone_asked(policy)
    assert counts(policy) == (5, 4, 1, 0)  # bob, who held it through blue (his record holds)
    assert not policy.permissions("bob").allows_path("write", "contents", "teams/blue/x")


def test_a_change_by_another_process_is_taken_in_part(store, tmp_path):
    policy = Policy(store, Catalog())
    everyone_asked(policy)
    other = Store.open(f"sqlite:///{tmp_path / 'policy.sqlite'}")
    try:
        other.remove_members("blue", ["bob"])
        other.create_role("unheld", ["read:terminals"])
    finally:
        other.close()
    assert policy.refresh()
    everyone_asked(policy)
    assert counts(policy) == (5, 5, 1, 0)  # bob; two versions taken at once
    assert not policy.permissions("bob").allows_path("write", "contents", "teams/blue/x")


def test_a_version_with_no_record_of_what_it_touched_reloads_everything(store):
    """A writer that kept no record (an older server on the same database): read it all."""
    policy = Policy(store, Catalog())
    everyone_asked(policy)
    with store.engine.begin() as connection:
        connection.execute(update(PolicyState).values(version=PolicyState.version + 1))
    store.update_role("runner", scopes=["read:kernels"])  # recorded, but after a gap
    assert policy.refresh()
    everyone_asked(policy)
    assert counts(policy)[1:] == (8, 0, 1)


def test_an_import_reloads_everything(store):
    """A bulk import writes around the ORM: it touches everything (counted as a whole reload)."""
    store.create_role(FIXED_ROLE, ["all"])  # an import must leave an administrator
    store.create_user("root", roles=[FIXED_ROLE])
    policy = Policy(store, Catalog())
    everyone_asked(policy)
    document = export_policy(store)
    document["roles"].append({"name": "extra", "scopes": ["read:kernels"]})
    import_policy(store, document, "test", "doc")
    assert policy.refresh()
    everyone_asked(policy)
    assert counts(policy)[1:] == (8, 0, 1)
