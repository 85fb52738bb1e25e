"""What a server keeps per user is bounded: the most recently active users' compiled
permissions and records, compiled again when a user beyond them comes back."""

from __future__ import annotations

import pytest

from jupyter_rbac.caches import RecentlyUsed
from jupyter_rbac.model import Catalog
from jupyter_rbac.policy import Policy
from jupyter_rbac.store import Store


def test_the_entry_used_longest_ago_goes_first():
    cache: RecentlyUsed[str, int] = RecentlyUsed(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # a is now the most recent
    cache.put("c", 3)
    assert ("a" in cache, "b" in cache, "c" in cache) == (True, False, True)
    assert (len(cache), cache.evictions) == (2, 1)
    assert cache.get("b") is None
    with pytest.raises(ValueError):
        RecentlyUsed(0)


@pytest.fixture
def store(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'policy.sqlite'}")
    store.create_role("reader", ["read:contents!path=home/{user}/**"])
    store.create_role("team", ["write:contents!path=teams/{group}/**"])
    store.create_group("blue", roles=["team"])
    for name in ("ann", "bob", "cy"):
        store.create_user(name, roles=["reader"], groups=["blue"] if name != "cy" else [])
    yield store
    store.close()


def test_a_policy_keeps_at_most_its_cache_size_of_users_and_recompiles_the_others(store):
    policy = Policy(store, Catalog(), cache_size=2)
    assert policy.permissions("ann") is policy.permissions("ann")  # kept: compiled once
    assert policy.compiles == 1
    for _ in range(3):  # every user pushes another out, each time round
        for name in ("ann", "bob", "cy"):
            permissions = policy.permissions(name)
            assert permissions.allows_path("read", "contents", f"home/{name}/notes.txt")
            assert not permissions.allows_path("read", "contents", "home/someone/notes.txt")
            in_blue = name != "cy"
            assert permissions.allows_path("write", "contents", "teams/blue/x") is in_blue
            assert policy.groups_of(name) == (frozenset({"blue"}) if in_blue else frozenset())
    # ann, bob, cy in turn through room for two: but the first ask (ann, kept from before),
    # each one asked was pushed out since
    assert (policy.cached_users, policy.compiles) == (2, 1 + 8)


def test_the_cache_size_is_configurable_and_at_least_one(tmp_path):
    from traitlets import TraitError

    from jupyter_rbac.config import RBAC

    assert RBAC().permissions_cache_size == 1000
    assert RBAC(permissions_cache_size=10).permissions_cache_size == 10
    with pytest.raises(TraitError, match="permissions_cache_size must be more than 0"):
        RBAC(permissions_cache_size=0)
