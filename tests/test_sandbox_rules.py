"""A sandbox's rules on a real disk: Jupyter's state inside the served folder (as when `jupyter lab`
starts in a home folder) is never reached by a rule, links lead nowhere new, and each user's
code gets a private home. The rules are applied by Landlock in tests/test_landlock.py and through
real kernels in tests/test_kernel_sandbox.py."""

from __future__ import annotations

import os

import pytest

from jupyter_rbac.sandbox.folders import CodeFolders
from jupyter_rbac.sandbox.rules import ServerPlaces, rules_for


@pytest.fixture
def home(tmp_path):
    """A served folder that is also the server's home: Jupyter's state lives inside it."""
    root = tmp_path / "alice"
    for folder in ("notebooks", "home/ann", "home/bob", ".local/share/jupyter/runtime", ".jupyter"):
        (root / folder).mkdir(parents=True)
    (root / ".local/share/jupyter/rbac.sqlite").write_text("policy")
    (root / "notes.txt").write_text("notes")
    (root / ".bashrc").write_text("# hidden")
    return root


def places_of(root, *extra_protected) -> ServerPlaces:
    data = root / ".local/share/jupyter"
    return ServerPlaces(
        root=str(root),
        protected=(
            str(data),
            str(data / "runtime"),
            str(root / ".jupyter"),
            *map(str, extra_protected),
        ),
        homes=str(data / "rbac-sandbox"),
    )


def test_the_served_folder_is_given_entry_by_entry_without_hidden_ones_or_state(home):
    rules = rules_for(places_of(home), CodeFolders(write=("",)), "ann")
    given = {os.path.relpath(p, home) for p in rules.read_write if p.startswith(str(home))}
    assert {"notebooks", "home", "notes.txt"} <= given
    assert not any(p.startswith(".") for p in given if "rbac-sandbox" not in p)
    assert str(home) not in rules.read_write  # never one rule on the whole served folder
    every_rule = [*rules.read_write, *rules.read_only, *rules.read_execute, *rules.files_read]
    database = str(home / ".local/share/jupyter/rbac.sqlite")
    assert not any(database == p or database.startswith(p + "/") for p in every_rule)


def test_a_folder_holding_the_policy_database_is_split_around_it(home):
    (home / "notebooks/state").mkdir()
    (home / "notebooks/state/rbac.sqlite").write_text("policy")
    (home / "notebooks/work").mkdir()
    places = places_of(home, home / "notebooks/state/rbac.sqlite")
    rules = rules_for(places, CodeFolders(write=("notebooks",)), "ann")
    assert str(home / "notebooks/work") in rules.read_write
    assert not any(p.startswith(str(home / "notebooks/state")) for p in rules.read_write)
    assert str(home / "notebooks") not in rules.read_write


def test_a_users_folders_are_given_whole_and_others_not_at_all(home):
    rules = rules_for(places_of(home), CodeFolders(write=("home/ann",), read=("notebooks",)), "ann")
    assert str(home / "home/ann") in rules.read_write
    assert str(home / "notebooks") in rules.read_only
    assert not any(
        p.startswith(str(home / "home/bob")) for p in [*rules.read_write, *rules.read_only]
    )


def test_links_lead_nowhere_code_was_not_given(home, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (home / "home/ann/escape").symlink_to(outside)
    (home / "to-elsewhere").symlink_to(outside)
    (home / "home/carl").symlink_to(outside)
    rules = rules_for(places_of(home), CodeFolders(write=("", "home/carl")), "ann")
    assert not any(p.startswith(str(outside)) for p in rules.read_write)


def test_each_user_has_a_private_home_inside_the_protected_data_folder(home):
    ann = rules_for(places_of(home), CodeFolders(), "ann")
    bob = rules_for(places_of(home), CodeFolders(), "bob")
    assert ann.home != bob.home and ann.tmp != bob.tmp
    assert ann.home in ann.read_write and ann.tmp in ann.read_write
    assert bob.home not in ann.read_write
    assert ann.home.startswith(str(home / ".local/share/jupyter/rbac-sandbox"))


def test_single_files_are_given_only_if_they_are_files(home):
    folders = CodeFolders(write_files=("notes.txt", "missing.txt"), read_files=("notebooks",))
    rules = rules_for(places_of(home), folders, "ann")
    assert rules.files_write == (str(home / "notes.txt"),)
    assert rules.files_read == ()


def test_a_folder_reached_through_a_link_inside_the_served_folder_is_not_given(home):
    """Whoever may write `projects/` could point `projects/x` at someone else's home: the rule for
    `projects/x` would follow it (an outside tester's finding). A link on the way gives nothing."""
    (home / "projects").mkdir()
    (home / "projects" / "x").symlink_to(home / "home" / "bob")
    (home / "projects" / "notes.md").symlink_to(home / "notes.txt")
    folders = CodeFolders(write=("projects/x",), write_files=("projects/notes.md",))
    rules = rules_for(places_of(home), folders, "ann")
    assert not any(p.startswith(str(home / "home")) for p in rules.read_write)
    assert rules.files_write == ()
