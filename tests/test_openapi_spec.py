"""jupyter_rbac/openapi.yaml stays true to the code: it is valid OpenAPI 3.1, it describes exactly
the routes the extension serves, and its fields, limits, sort keys and scope language are the
code's own. (That every answer matches it: test_openapi.py.)"""

from __future__ import annotations

import re

import pytest
from tornado import web

from jupyter_rbac.handlers import HANDLERS
from jupyter_rbac.handlers.base import MAX_LIMIT
from jupyter_rbac.limits import (
    MAX_DESCRIPTION,
    MAX_DISPLAY_NAME,
    MAX_INVITATION_LIFETIME,
    MAX_PASSWORD,
    MAX_SCOPE_TEXT,
    MAX_SCOPES,
    MAX_TOKEN_LIFETIME,
    MIN_PASSWORD,
)
from jupyter_rbac.model import ACTIONS, FILTERS, IMPLIED_ACTIONS, NAME_PATTERN
from jupyter_rbac.services.accounts import PROFILE_FIELDS
from jupyter_rbac.services.role_specs import ROLE_FIELDS
from jupyter_rbac.store import SORTABLE

from .support.openapi_check import (
    load_spec,
    operations,
    request_body_errors,
    validate_spec,
)

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


# -- the spec itself --------------------------------------------------------------------------------


def test_the_spec_is_valid_openapi_3_1() -> None:
    validate_spec()
    assert load_spec()["openapi"].startswith("3.1.")


def _template(pattern: str) -> str:
    """A HANDLERS pattern as an OpenAPI path: (?P<name>[^/]+) -> {name}."""
    return re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", pattern)


def _served_operations() -> set[tuple[str, str]]:
    """(METHOD, path) of every method a handler class defines (tornado's defaults answer 405)."""
    served = set()
    for pattern, handler in HANDLERS:
        for method in HTTP_METHODS:
            if getattr(handler, method) is not getattr(web.RequestHandler, method):
                served.add((method.upper(), _template(pattern)))
    return served


def test_the_spec_describes_exactly_the_served_operations() -> None:
    documented = {(op.method.upper(), op.template) for op in operations()}
    served = _served_operations()
    assert sorted(served - documented) == [], "served but missing from the spec"
    assert sorted(documented - served) == [], "in the spec but not served"


def test_every_path_parameter_is_declared() -> None:
    paths = load_spec()["paths"]
    for op in operations():
        declared = {
            _parameter(p)["name"]
            for p in [*paths[op.template].get("parameters", []), *op.spec.get("parameters", [])]
            if _parameter(p)["in"] == "path"
        }
        assert declared == set(re.findall(r"\{(\w+)\}", op.template)), op.label


def _parameter(node: dict) -> dict:
    if "$ref" in node:
        return load_spec()["components"]["parameters"][node["$ref"].rsplit("/", 1)[1]]
    return node


def test_every_write_body_rejects_unknown_fields() -> None:
    for op in operations():
        if "requestBody" in op.spec:
            path = op.template.replace("{name}", "x").replace("{token_id}", "1")
            assert request_body_errors(op.method, path, {"colour": "red"}), op.label


def _schema(name: str) -> dict:
    return load_spec()["components"]["schemas"][name]


# Request bodies are checked against these schemas (services/request_bodies.py); where a
# service also knows the fields by name (a role spec in a policy file, a profile), they agree.
@pytest.mark.parametrize(
    ("schema", "fields"),
    [
        ("RoleCreate", ROLE_FIELDS),
        ("RoleReplace", ROLE_FIELDS),
        ("RolePatch", ROLE_FIELDS[1:]),
        ("ProfilePatch", PROFILE_FIELDS),
    ],
)
def test_request_bodies_have_the_services_fields(schema: str, fields: tuple[str, ...]) -> None:
    assert sorted(_schema(schema)["properties"]) == sorted(fields)
    assert _schema(schema)["additionalProperties"] is False


@pytest.mark.parametrize(
    ("parameter", "kind"),
    [
        ("RoleSort", "roles"),
        ("UserSort", "users"),
        ("GroupSort", "groups"),
        ("TokenSort", "tokens"),
        ("InvitationSort", "invitations"),
    ],
)
def test_sort_keys_are_the_stores(parameter: str, kind: str) -> None:
    keys = list(SORTABLE[kind])
    enum = load_spec()["components"]["parameters"][parameter]["schema"]["enum"]
    assert sorted(enum) == sorted(keys + [f"-{key}" for key in keys])


def test_limits_are_the_servers() -> None:
    assert load_spec()["components"]["parameters"]["Limit"]["schema"]["maximum"] == MAX_LIMIT
    # JSON Schema's patterns are ECMA-262 regexes, where `$` is the end and `\Z` does not exist;
    # Python's `$` also matches before a final newline, hence the model's `\Z`
    assert _schema("Name")["pattern"] == NAME_PATTERN.pattern.replace("\\Z", "$")
    assert _schema("Description")["maxLength"] == MAX_DESCRIPTION
    assert _schema("DisplayName")["maxLength"] == MAX_DISPLAY_NAME
    assert _schema("Scopes")["maxItems"] == MAX_SCOPES
    assert (
        _schema("TokenCreate")["properties"]["expires_in"]["oneOf"][0]["maximum"]
        == MAX_TOKEN_LIFETIME
    )
    assert (
        _schema("InvitationCreate")["properties"]["expires_in"]["oneOf"][0]["maximum"]
        == MAX_INVITATION_LIFETIME
    )
    password = _schema("PasswordChange")["properties"]["new_password"]
    assert (password["minLength"], password["maxLength"]) == (MIN_PASSWORD, MAX_PASSWORD)
    # in words only (the spec says why): draft scopes to parse, and the characters of each
    drafts = load_spec()["paths"]["/api/rbac/scopes/parts"]["get"]["parameters"][0]
    bounds = f"At most {MAX_SCOPES} scopes of at most {MAX_SCOPE_TEXT} characters each"
    assert bounds in " ".join(drafts["description"].split())


def test_the_scope_language_is_the_catalogs() -> None:
    assert _schema("Action")["enum"] == list(ACTIONS)
    hierarchy = _schema("ScopeCatalog")["properties"]["hierarchy"]
    assert hierarchy["required"] == list(IMPLIED_ACTIONS)
    filters = _schema("ScopeCatalog")["properties"]["scopes"]["items"]["properties"]["filters"]
    assert filters["items"]["enum"] == list(FILTERS)
