"""Paths are split and refused as the platform's file system would read them (pure rules; the
same through a real server in test_path_rules.py and test_path_differential.py)."""

from __future__ import annotations

import pytest

from jupyter_rbac.model import Catalog, ScopeError, compile_permissions
from jupyter_rbac.model.paths import LOCAL, POSIX, WINDOWS, PathError, normalize_path


def test_this_server_uses_its_platform_rules():
    assert LOCAL is POSIX  # the tests run on Linux


@pytest.mark.parametrize(
    "raw,normal",
    [
        ("home\\ann\\x.txt", "home\\ann\\x.txt"),  # one name at the root
        ("home/ann/a\\b", "home/ann/a\\b"),
        ("..\\x", "..\\x"),  # a name, not a way out
        ("a. /b ", "a. /b "),  # POSIX keeps trailing dots and spaces
    ],
)
def test_on_posix_a_backslash_is_part_of_a_name(raw, normal):
    assert normalize_path(raw, POSIX) == normal


@pytest.mark.parametrize(
    "raw,normal", [("home\\ann\\x.txt", "home/ann/x.txt"), ("a\\..\\b", "b"), ("\\a/b\\", "a/b")]
)
def test_on_windows_a_backslash_separates(raw, normal):
    assert normalize_path(raw, WINDOWS) == normal


@pytest.mark.parametrize("rules", [POSIX, WINDOWS])
@pytest.mark.parametrize("raw", ["a\x00b", "a/b\nc", "tab\there", "del\x7f", "esc\x1b[31m"])
def test_control_characters_are_refused(rules, raw):
    with pytest.raises(PathError, match="control characters"):
        normalize_path(raw, rules)


def test_names_longer_than_the_disk_allows_are_refused():
    assert normalize_path("a/" + "x" * 255) == "a/" + "x" * 255
    with pytest.raises(PathError, match="longer than 255 bytes"):
        normalize_path("a/" + "x" * 256)
    with pytest.raises(PathError, match="longer than 255 bytes"):
        normalize_path("é" * 128)  # 256 bytes of UTF-8


@pytest.mark.parametrize(
    "raw", ["a./b", "a /b", "CON", "nul.txt", "Com1.ipynb", "a:b", "a?", "a|b", 'a"b']
)
def test_windows_refuses_names_it_would_rewrite_or_reserves(raw):
    with pytest.raises(PathError):
        normalize_path(raw, WINDOWS)
    normalize_path(raw, POSIX)  # all plain names on POSIX


def test_a_backslash_in_a_path_filter_is_a_character_on_posix():
    permissions = compile_permissions(Catalog(), ["write:contents!path=home\\ann"], "ann", [])
    assert not permissions.allows_path("write", "contents", "home/ann")
    assert permissions.allows_path("write", "contents", "home\\ann")  # one name at the root
    with pytest.raises(ScopeError, match="separate folders with '/'"):
        Catalog().parse("write:contents!path=home\\ann\\**")
