"""Templated path globs are compiled once for all their holders: `{user}` and `{group}` are
matched as the asker's names, written in front of the path, never as patterns; and each user's
compiled permissions are their name and references to shared parts."""

from __future__ import annotations

import pytest

from jupyter_rbac.model import Catalog, compile_permissions
from jupyter_rbac.model.glob_sets import Holder, glob_of, glob_set
from jupyter_rbac.model.permissions import compile_bundle, permissions_of
from jupyter_rbac.model.shares import PathGrant

catalog = Catalog()


def may_read(scope: str, user: str, path: str, groups=()) -> bool:
    return compile_permissions(catalog, [scope], user, groups).allows_path("read", "contents", path)


@pytest.mark.parametrize(
    ("user", "path", "allowed"),
    [
        ("ann", "home/ann/notes.txt", True),
        ("ann", "home/ann", True),
        ("ann", "home/bob/notes.txt", False),
        ("ann", "home/annie/notes.txt", False),  # a name, not a prefix
        ("a.b", "home/a.b/x", True),
        ("a.b", "home/aXb/x", False),  # a dot in a name is a dot, not "any character"
        ("a+b", "home/aab/x", False),
        ("a+b", "home/a+b/x", True),
    ],
)
def test_a_user_template_matches_the_users_own_name_as_text(user, path, allowed):
    assert may_read("read:contents!path=home/{user}/**", user, path) is allowed


@pytest.mark.parametrize(
    ("user", "path", "allowed"),
    [
        ("a", "drafts/a-b-x", True),  # `a-*`: a, then anything
        ("a-b", "drafts/a-b-x", True),
        ("a-b", "drafts/a-x", False),
        ("b", "drafts/a-b-x", False),
    ],
)
def test_a_template_inside_a_name_with_a_wildcard_beside_it(user, path, allowed):
    assert may_read("read:contents!path=drafts/{user}-*", user, path) is allowed


def test_a_group_template_matches_each_of_the_users_groups():
    scope = "read:contents!path=shared/{group}/**"
    for path, allowed in (
        ("shared/blue/x", True),
        ("shared/red/y", True),
        ("shared/green/z", False),
    ):
        assert may_read(scope, "ann", path, groups=("blue", "red")) is allowed
    both = "read:contents!path=teams/{group}/{user}/**"
    assert may_read(both, "ann", "teams/blue/ann/x", groups=("blue",))
    assert not may_read(both, "ann", "teams/blue/bob/x", groups=("blue",))
    assert not may_read(both, "ann", "teams/red/ann/x", groups=("blue",))


def test_a_name_that_no_template_takes_is_granted_nothing():
    permissions = compile_permissions(catalog, ["read:contents!path=home/{user}/**"], "*", ())
    assert not permissions.allows_some("read", "contents")
    in_odd_group = compile_permissions(
        catalog, ["read:contents!path=shared/{group}/**"], "ann", ("a group",)
    )
    assert not in_odd_group.allows_some("read", "contents")


def test_the_way_to_a_templated_place_leads_there_for_its_holder_alone():
    permissions = compile_permissions(
        catalog, ["read:contents!path=home/{user}/work/**"], "ann", ()
    )
    assert permissions.leads_to_path("contents", "")
    assert permissions.leads_to_path("contents", "home")
    assert permissions.leads_to_path("contents", "home/ann")
    assert not permissions.leads_to_path("contents", "home/bob")


def test_a_shares_place_is_literal_braces_and_all():
    share = PathGrant("read", "contents", ("proj", "{user}", "**"))
    permissions = compile_permissions(catalog, [], "ann", (), [share])
    assert permissions.allows_path("read", "contents", "proj/{user}/x")
    assert not permissions.allows_path("read", "contents", "proj/ann/x")
    assert "read:contents!path=proj/{user}/**" in permissions.scopes


def test_holders_of_one_source_share_its_compiled_globs():
    bundle = compile_bundle(catalog, ["write:contents!path=home/{user}/**", "read:contents"])
    ann = permissions_of([bundle], "ann", ())
    bob = permissions_of([bundle], "bob", ())
    assert ann.allows_path("write", "contents", "home/ann/x")
    assert not ann.allows_path("write", "contents", "home/bob/x")
    assert bob.allows_path("write", "contents", "home/bob/x")
    # one set of globs, however many hold it: the same compiled object
    templated = (glob_of("home/{user}/**"),)
    assert glob_set(templated) is glob_set(templated)
    assert ann.grant("write", "contents").path_globs == (("home", "ann", "**"),)
    assert bob.grant("write", "contents").path_globs == (("home", "bob", "**"),)
    # written out for people, templates filled
    assert "write:contents!path=home/bob/**" in bob.scopes


def test_a_set_asked_for_someone_else_answers_for_them():
    globs = glob_set((glob_of("home/{user}/**"), glob_of("shared/{group}/**"), glob_of("docs/**")))
    ann, bob = Holder("ann", ("blue",)), Holder("bob", ())
    assert globs.allows(ann, "home/ann/a") and not globs.allows(bob, "home/ann/a")
    assert globs.allows(ann, "shared/blue/a") and not globs.allows(bob, "shared/blue/a")
    assert globs.allows(ann, "docs/a") and globs.allows(bob, "docs/a")
    assert not globs.allows(Holder(None, ()), "home/None/a")
