"""The scope language, on its own: grammar, catalog, hierarchy, filters, templates, aliases."""

from __future__ import annotations

import pytest

from jupyter_rbac.model import (
    ACTIONS,
    Catalog,
    ScopeError,
    compile_permissions,
)
from jupyter_rbac.model.defaults import DEFAULT_ROLES
from jupyter_rbac.model.paths import PathError, normalize_path

catalog = Catalog()


def perms(*scopes, user="alice", groups=()):
    return compile_permissions(catalog, scopes, user, groups)


@pytest.mark.parametrize(
    "scope,problem",
    [
        ("", "non-empty"),
        ("read:nothing", "unknown resource 'nothing'"),
        ("fly:contents", "unknown action 'fly'"),
        ("read:contents!path", "filter is written"),
        ("read:contents!owner=x", "unknown filter 'owner'"),
        ("read:kernels!path=x", "kernels takes"),
        ("read:contents!path=../up", "'..'"),
        ("read:contents!path=a**b", "whole path segment"),
        ("read:contents!path={users}/x", "unknown template {users}"),
        ("read:contents!path={user/x", "unbalanced"),
        ("all!user=x", "takes no filter"),
        ("custom:other:read:contents", "custom scopes are written"),
        (" read:contents", "spaces"),
        ("read:*!path=x", "takes no filter"),
        (":contents", "an action comes before ':'"),
        (":contents!path=projects/**", "an action comes before ':'"),
        ("read:contents!path=a\x00b", "control characters"),
    ],
)
def test_a_bad_scope_raises_one_error_naming_scope_and_problem(scope, problem):
    with pytest.raises(ScopeError) as error:
        catalog.parse(scope)
    assert problem in str(error.value)
    assert repr(scope) in str(error.value) or scope == ""


def test_every_catalog_scope_has_a_description():
    entries = catalog.describe()
    assert {e["scope"] for e in entries} >= {
        "all",
        "self",
        "read:contents",
        "execute:kernels",
        "lab",
    }
    assert all(e["description"].strip() for e in entries)
    for resource in catalog.resources:
        for action in ACTIONS:
            catalog.parse(f"{action}:{resource}")  # every listed scope parses


def test_execute_implies_write_implies_read():
    p = perms("execute:kernels")
    assert (
        p.allows("read", "kernels")
        and p.allows("write", "kernels")
        and p.allows("execute", "kernels")
    )
    p = perms("write:contents")
    assert p.allows("read", "contents") and not p.allows("execute", "contents")
    assert not perms("read:contents").allows("write", "contents")


def test_a_bare_resource_grants_every_action():
    p = perms("terminals")
    assert all(p.allows(action, "terminals") for action in ACTIONS)
    assert not p.allows("read", "kernels")


def test_all_grants_everything_even_unknown_resources():
    p = perms("all")
    assert p.allows("execute", "kernels") and p.allows("write", "some-extension-resource")


def test_self_means_own_record_and_tokens():
    p = perms("self")
    assert p.allows_object("read", "users", owner="alice")
    assert not p.allows_object("read", "users", owner="bob")
    assert p.allows_object("write", "tokens", owner="alice")
    assert not p.allows("read", "contents")


def test_roles_stack_as_a_union():
    p = perms("read:contents", "execute:kernels!user={user}")
    assert p.allows("read", "contents")
    assert p.allows_object("execute", "kernels", owner="alice")
    assert not p.allows_object("execute", "kernels", owner="bob")


@pytest.mark.parametrize(
    "glob,path,allowed",
    [
        ("shared/**", "shared", True),
        ("shared/**", "shared/a/b/c.txt", True),
        ("shared/**", "sharedx/a", False),
        ("shared/*/x.txt", "shared/a/x.txt", True),
        ("shared/*/x.txt", "shared/a/b/x.txt", False),
        ("*.ipynb", "a.ipynb", True),
        ("*.ipynb", "d/a.ipynb", False),
        ("**/*.ipynb", "d/e/a.ipynb", True),
        ("a/**/b", "a/b", True),
        ("a/**/b", "a/x/y/b", True),
        ("docs/[x].md", "docs/[x].md", True),  # no other metacharacters than *
        ("docs/[x].md", "docs/x.md", False),
        ("/lead/slash/", "lead/slash", True),
    ],
)
def test_path_globs(glob, path, allowed):
    assert perms(f"read:contents!path={glob}").allows_path("read", "contents", path) is allowed


def test_folders_on_the_way_are_traversable_but_not_granted():
    p = perms("read:contents!path=shared/devs/**")
    assert p.leads_to_path("contents", "") and p.leads_to_path("contents", "shared")
    assert not p.allows_path("read", "contents", "shared")
    assert not p.leads_to_path("contents", "other")


@pytest.mark.parametrize("raw,normal", [("/a//b/./c/", "a/b/c"), ("a/b/../c", "a/c"), ("", "")])
def test_paths_are_normalised(raw, normal):
    assert normalize_path(raw) == normal


@pytest.mark.parametrize("raw", ["..", "a/../../b", "/../etc/passwd"])
def test_paths_never_escape_the_root(raw):
    with pytest.raises(PathError):
        normalize_path(raw)


def test_templates_fill_in_user_and_each_group():
    p = perms(
        "write:contents!path=shared/{group}/**",
        "write:contents!path=home/{user}/**",
        groups=["a", "b"],
    )
    assert {
        "write:contents!path=shared/a/**",
        "write:contents!path=shared/b/**",
        "write:contents!path=home/alice/**",
    } <= p.scopes
    assert p.allows_path("write", "contents", "shared/b/x")
    assert not p.allows_path("write", "contents", "shared/c/x")


def test_a_group_template_without_groups_grants_nothing():
    assert not perms("write:contents!path=shared/{group}/**").allows_some("write", "contents")


def test_unsafe_names_are_never_substituted():
    p = compile_permissions(catalog, ["write:contents!path=home/{user}/**"], "*", ())
    assert not p.allows_some("write", "contents")


def test_custom_jupyter_server_aliases():
    assert catalog.parse("custom:jupyter_server:read:contents").resources == ("contents",)
    p = perms("custom:jupyter_server:execute:*")
    assert (
        p.allows("execute", "kernels") and p.allows("write", "contents") and p.allows("read", "lab")
    )
    assert not p.allows("write", "roles")  # policy administration is not a jupyter_server resource


def test_owner_and_group_filters():
    p = perms("read:kernels!user=bob", "write:terminals!group=ops")
    assert p.allows_object("read", "kernels", owner="bob")
    assert not p.allows_object("read", "kernels", owner="carl")
    assert p.allows_object("write", "terminals", owner="carl", owner_groups=["ops"])
    assert not p.allows_object("write", "terminals", owner=None)


def test_default_roles_parse():
    for role in DEFAULT_ROLES:
        assert catalog.validate(role.scopes) == list(role.scopes), role.name  # each as written


def test_parsing_is_cached():
    assert catalog.parse("read:contents!path=x/**") is catalog.parse("read:contents!path=x/**")
