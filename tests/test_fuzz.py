"""Fuzzing the scope parser and the path normaliser (hypothesis): whatever text arrives, they
answer or refuse with their own error, never crash; what they accept survives a round trip."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jupyter_rbac.model import MAX_PARSED_SCOPES, Catalog, ScopeError, canonical_text
from jupyter_rbac.model.paths import PathError, normalize_path

pytestmark = pytest.mark.slow  # many generated examples

CATALOG = Catalog()
FUZZ = settings(max_examples=3000, deadline=None)

# Text that looks like scopes: their alphabet, so that hypothesis reaches the parser's depths.
SCOPE_ALPHABET = string.ascii_letters + string.digits + ":!=/*{}._-@+ \\\t%\x00é"
scope_like = st.text(alphabet=SCOPE_ALPHABET, max_size=60)
path_like = st.text(alphabet="ab./\\%2e*~ \x00é", max_size=40)


@FUZZ
@given(st.one_of(scope_like, st.text(max_size=60)))
def test_the_parser_answers_or_refuses_never_crashes(text):
    try:
        scope = CATALOG.parse(text)
    except ScopeError as error:
        assert error.scope is not None and error.problem
        return
    assert scope.is_all or scope.resources or text == "self"


@st.composite
def valid_scopes(draw) -> str:
    resources = {name: sorted(resource.filters) for name, resource in CATALOG.resources.items()}
    resource = draw(st.sampled_from(sorted(resources)))
    action = draw(
        st.sampled_from(["", "read:", "write:", "execute:", "custom:jupyter_server:read:"])
    )
    filters = resources[resource]
    if not filters or draw(st.booleans()):
        return f"{action}{resource}"
    name = draw(st.sampled_from(filters))
    segment = st.sampled_from(["a", "b.txt", "*", "**", "{user}", "{group}", ".", "x*y"])
    if name == "path":
        value = "/".join(draw(st.lists(segment, min_size=1, max_size=4)))
        if any(part == "**" for part in value.split("/")) is False and draw(st.booleans()):
            value += "/"
    else:
        value = draw(st.sampled_from(["ann", "{user}", "{group}", "a.b-c@d"]))
    return f"{action}{resource}!{name}={value}"


@FUZZ
@given(valid_scopes())
def test_parse_format_parse_gives_the_same_scope(text):
    try:
        first = CATALOG.parse(text)
    except ScopeError:
        return  # e.g. '**' inside a segment: refused, fine
    again = CATALOG.parse(canonical_text(first))
    assert (again.actions, again.resources, again.filter, again.value) == (
        first.actions,
        first.resources,
        first.filter,
        first.value,
    )
    assert canonical_text(again) == canonical_text(first)


@FUZZ
@given(path_like)
def test_the_normaliser_stays_inside_the_root(path):
    try:
        normal = normalize_path(path)
    except PathError:
        return
    parts = normal.split("/") if normal else []
    assert all(part not in ("", ".", "..") for part in parts), normal
    assert not normal.startswith("/") and not normal.endswith("/")
    assert normalize_path(normal) == normal  # idempotent


def test_the_parsed_scope_cache_stays_bounded():
    catalog = Catalog()
    for i in range(MAX_PARSED_SCOPES + 10):
        catalog.parse(f"read:contents!path=folder-{i}/**")
    assert len(catalog._parsed) <= MAX_PARSED_SCOPES
