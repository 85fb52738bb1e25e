"""/api/rbac request bodies checked against the schemas of the published API (openapi.yaml),
so that what the spec promises and what the server accepts are one thing.

The spec is read and its request schemas compiled once. A body the schema refuses is an
InvalidInput (HTTP 400) naming the field and what is wrong with it; the words are those of the
service's own check of that field where there is one, so the API, the command line and config
refuse a bad value alike.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator, ValidationError

from ..errors import InvalidInput
from ..limits import MAX_SCOPES
from ..model import ACTIONS, NAME_RULE
from .accounts import check_invitation_lifetime, check_password, check_profile_field
from .inputs import check_description, check_display_name
from .tokens import check_token_lifetime, check_token_note

SPEC = Path(__file__).resolve().parent.parent / "openapi.yaml"
SCHEMAS = "#/components/schemas/"

# What a name in a field names (the `name` of a body names what the body creates).
NAME_KINDS = {"users": "user", "members": "user", "user": "user", "username": "user",
              "groups": "group", "roles": "role", "owner": "owner"}  # fmt: skip
BODY_KINDS = {"Role": "role", "User": "user", "Group": "group"}


def _refused(message: str) -> Callable[[object], None]:
    def refuse(value: object) -> None:
        raise InvalidInput(message)

    return refuse


def _non_empty_string(field: str) -> Callable[[object], None]:
    return _refused(f"{field}: a non-empty string")


# The service's check of a field, by the field's schema (or "Body.field"), to word a refusal.
FIELD_CHECKS: dict[str, Callable[[object], object]] = {
    "Description": check_description,
    "DisplayName": check_display_name,
    "CheckRequest.resource": _non_empty_string("resource"),
    "CheckRequest.path": _non_empty_string("path"),
    "TokenCreate.note": check_token_note,
    "TokenCreate.expires_in": check_token_lifetime,
    "InvitationCreate.expires_in": check_invitation_lifetime,
    "InvitationCreate.password": _refused(
        "password: true or false (may the invited user set a password?)"
    ),
    "ProfilePatch.avatar_url": functools.partial(check_profile_field, "avatar_url"),
    "ProfilePatch.color": functools.partial(check_profile_field, "color"),
    "PasswordChange.new_password": check_password,
    "PasswordChange.current_password": _refused("current_password: a string"),
}


@functools.cache
def _spec() -> tuple[dict[str, dict], dict[str, Draft202012Validator]]:
    """The spec's schemas, and a compiled validator for each request body (read once)."""
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    schemas = spec["components"]["schemas"]
    validators = {
        name: Draft202012Validator({"$ref": SCHEMAS + name, "components": spec["components"]})
        for name in _request_bodies(spec)
    }
    return schemas, validators


def _request_bodies(spec: dict) -> set[str]:
    """The names of the schemas of every JSON request body in the spec."""
    names = set()
    for operations in spec["paths"].values():
        for operation in operations.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                names.add(ref.removeprefix(SCHEMAS))
    return names


def check_body(body: object, schema: str, null_means_absent: Iterable[str] = ()) -> dict:
    """`body` if the spec's schema `schema` accepts it, else InvalidInput: unknown fields, then
    missing ones, then nulls where null means nothing, then the first field (in the spec's
    order) whose value is wrong. A null in `null_means_absent` is taken as the field left out."""
    if not isinstance(body, dict):
        raise InvalidInput("the request body must be a JSON object")
    absent = set(null_means_absent)
    body = {key: value for key, value in body.items() if value is not None or key not in absent}
    schemas, validators = _spec()
    errors = list(validators[schema].iter_errors(body))
    if not errors:
        return body
    definition = schemas[schema]
    fields = list(definition["properties"])
    unknown = sorted(set(body) - set(fields))
    if unknown:
        raise InvalidInput(f"unknown field(s) {', '.join(unknown)}; allowed: {', '.join(fields)}")
    missing = [key for key in definition.get("required", ()) if key not in body]
    if missing:
        raise InvalidInput(f"missing field(s) {', '.join(missing)}")
    wrong = {error.absolute_path[0]: error for error in reversed(errors) if error.absolute_path}
    nulls = sorted(key for key in wrong if body[key] is None)
    if nulls:
        raise InvalidInput(f"{', '.join(nulls)}: null is not a value here; leave the field out")
    for field in fields:
        if field in wrong:
            raise InvalidInput(_wording(schema, field, body[field], wrong[field]))
    raise InvalidInput(f"the request body: {errors[0].message}")


def _wording(schema: str, field: str, value: object, error: ValidationError) -> str:
    """What is wrong with `value`, said as the service says it."""
    definition = _spec()[0][schema]["properties"][field]
    ref = _ref_of(definition)
    body_kind = BODY_KINDS.get(schema.removesuffix("Create").removesuffix("Replace"))
    kind = NAME_KINDS.get(field, body_kind)
    if ref == "Name":
        if not isinstance(value, str) or not value:
            return f"{field}: a non-empty string"
        return f"{field}: invalid {kind} name {value!r}: use {NAME_RULE}"
    if ref == "Names":
        item = value[error.absolute_path[1]] if len(error.absolute_path) > 1 else None
        if isinstance(item, str):
            return f"{field}: invalid {kind} name {item!r}: use {NAME_RULE}"
        return f"{field}: a list of names"
    if ref == "Scopes":
        if isinstance(value, list) and len(value) > MAX_SCOPES:
            return f"{field}: at most {MAX_SCOPES} scopes"
        return f"{field}: a list of strings (scopes must be a list)"
    if ref == "Action":
        return f"{field}: {value!r} is not one of {', '.join(ACTIONS)}"
    check = FIELD_CHECKS.get(ref or f"{schema}.{field}")
    if check is not None:
        try:
            check(value)
        except InvalidInput as refusal:
            return refusal.message
    return f"{field}: {error.message}"


def _ref_of(definition: dict) -> str | None:
    """The named schema a field's schema is (alone or beside null), if it is one."""
    for option in (definition, *definition.get("oneOf", ())):
        if "$ref" in option:
            return option["$ref"].removeprefix(SCHEMAS)
    return None
