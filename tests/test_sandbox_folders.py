"""Which folders a user's code may reach, from the scopes the policy compiles for them: the shipped
roles, the globs Landlock can and cannot say, and a token's narrower reach. Pure (no server)."""

from __future__ import annotations

import pytest

from jupyter_rbac.model import Catalog
from jupyter_rbac.model.defaults import DEFAULT_ROLES
from jupyter_rbac.model.permissions import TokenLimitedPermissions, compile_permissions
from jupyter_rbac.sandbox.folders import CodeFolders, code_folders

CATALOG = Catalog()
SHIPPED = {role.name: role.scopes for role in DEFAULT_ROLES}


def folders(*scopes: str, user: str = "ann", groups: tuple[str, ...] = ("team",)) -> CodeFolders:
    return code_folders(compile_permissions(CATALOG, scopes, user, groups))


def test_a_runner_writes_in_their_own_folders_and_reads_the_rest():
    reach = folders(*SHIPPED["runner"], groups=("team", "lab"))
    assert reach.write == ("home/ann", "shared/lab", "shared/team")
    assert reach.read == ("",)  # read:contents, unfiltered: the whole served folder
    assert reach.left_out == ()


def test_an_editor_writes_everywhere_and_an_analyst_only_in_their_own_folders():
    assert folders(*SHIPPED["editor"]).write == ("",)
    analyst = folders(*SHIPPED["analyst"])
    assert (analyst.write, analyst.read) == (("home/ann", "shared/team"), ())


def test_a_viewer_reads_and_the_user_role_reaches_nothing():
    assert folders(*SHIPPED["viewer"]) == CodeFolders(read=("",))
    assert folders(*SHIPPED["user"]) == CodeFolders()


@pytest.mark.parametrize(
    "glob,expected",
    [
        ("projects/**", CodeFolders(write=("projects",))),
        ("**", CodeFolders(write=("",))),
        ("projects/report.ipynb", CodeFolders(write_files=("projects/report.ipynb",))),
        ("projects/*.ipynb", CodeFolders(left_out=("projects/*.ipynb",))),
        ("a/*/b/**", CodeFolders(left_out=("a/*/b/**",))),
        ("a/**/b", CodeFolders(left_out=("a/**/b",))),
    ],
)
def test_only_what_landlock_can_say_is_given_to_code(glob, expected):
    assert folders(f"write:contents!path={glob}") == expected


def test_a_folder_inside_another_is_given_once_and_reading_inside_writing_is_implied():
    reach = folders(
        "write:contents!path=a/**",
        "write:contents!path=a/b/**",
        "read:contents!path=a/c/**",
        "read:contents!path=d/**",
        "read:contents!path=a/x.txt",
    )
    assert (reach.write, reach.read, reach.read_files) == (("a",), ("d",), ())


def test_a_token_reaches_what_both_it_and_its_owner_reach():
    owner = compile_permissions(CATALOG, SHIPPED["editor"], "ann", ())
    token = compile_permissions(
        CATALOG, ["write:contents!path=home/ann/**", "read:contents!path=docs/**"], "ann", ()
    )
    reach = code_folders(TokenLimitedPermissions(owner, token))
    assert (reach.write, reach.read) == (("home/ann",), ("docs",))
    narrow_owner = compile_permissions(CATALOG, SHIPPED["runner"], "ann", ())
    wide_token = compile_permissions(CATALOG, ["write:contents"], "ann", ())
    reach = code_folders(TokenLimitedPermissions(narrow_owner, wide_token))
    assert (reach.write, reach.read) == (("home/ann",), ("",))


def test_losing_a_folder_is_noticed_and_gaining_one_is_not():
    before = folders(*SHIPPED["runner"])
    assert folders(*SHIPPED["editor"]).covers(before)  # a wider role: the kernel may go on
    assert not folders(*SHIPPED["viewer"]).covers(before)  # home/ann no longer writable
    assert not folders("write:contents!path=home/ann/**").covers(before)  # no more reading
    assert before.covers(before)
