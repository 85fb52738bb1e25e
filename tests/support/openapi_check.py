"""The OpenAPI spec of /api/rbac as a test oracle: is the spec valid, and does an answer match it?

`validate_response(method, path, status, payload, headers)` finds the operation of a concrete
path (`/api/rbac/roles/editor`, or a full request path under the server's base_url) and checks
that the status is documented for it, that the body matches that answer's schema, and that the
documented required headers are there and well formed. Mismatches raise AssertionError with a
message that names the operation and what is wrong.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml
from jsonschema.exceptions import ValidationError, best_match
from openapi_schema_validator import OAS31Validator, oas31_format_checker
from openapi_spec_validator import OpenAPIV31SpecValidator, validate
from referencing import Registry
from referencing.jsonschema import DRAFT202012

import jupyter_rbac

SPEC_PATH = Path(jupyter_rbac.__file__).parent / "openapi.yaml"
# The spec's own URI in the schema registry: "#/components/..." references resolve against it.
SPEC_URI = "urn:jupyter-rbac:openapi"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
JSON = "application/json"


@functools.cache
def load_spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as file:
        return yaml.safe_load(file)


def validate_spec() -> None:
    """Raise if the spec is not valid OpenAPI 3.1 (openapi-spec-validator)."""
    validate(load_spec(), cls=OpenAPIV31SpecValidator)


@functools.cache
def _registry() -> Registry:
    return Registry().with_resource(SPEC_URI, DRAFT202012.create_resource(load_spec()))


def _pointer(*parts: str) -> str:
    """A JSON pointer into the spec (RFC 6901 escaping)."""
    return "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in parts)


def _errors(pointer: str, instance: Any) -> list[ValidationError]:
    """Errors of `instance` against the schema at `pointer` in the spec."""
    validator = OAS31Validator(
        {"$ref": f"{SPEC_URI}#{pointer}"}, registry=_registry(), format_checker=oas31_format_checker
    )
    return list(validator.iter_errors(instance))


def _explain(errors: list[ValidationError]) -> str:
    error = best_match(errors)
    where = "/".join(str(part) for part in error.absolute_path) or "(root)"
    return f"at {where}: {error.message}"


# -- finding operations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    """One method of one path of the spec."""

    method: str  # lower case, as in the spec
    template: str  # "/api/rbac/roles/{name}"
    spec: dict[str, Any]

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.template}"

    def pointer(self, *parts: str) -> str:
        return _pointer("paths", self.template, self.method, *parts)


def operations() -> Iterator[Operation]:
    for template, item in load_spec()["paths"].items():
        for method in METHODS:
            if method in item:
                yield Operation(method, template, item[method])


def documented_answers() -> set[tuple[str, str, int]]:
    """Every (METHOD, path template, status) the spec documents."""
    return {
        (op.method.upper(), op.template, int(status))
        for op in operations()
        for status in op.spec["responses"]
        if status.isdigit()
    }


@functools.cache
def _regex(template: str) -> re.Pattern[str]:
    """A path template as a regex with a named group per parameter."""
    return re.compile(re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + r"\Z")


@functools.cache
def _matchers() -> list[tuple[re.Pattern[str], str]]:
    """Path templates as regexes, the most literal first (a fixed segment beats a parameter)."""
    templates = sorted(load_spec()["paths"], key=lambda t: (t.count("{"), -len(t)))
    return [(_regex(template), template) for template in templates]


def relative_path(path: str, base_url: str = "/") -> str:
    """`path` without query, below base_url: '/a%40b/api/rbac/me?x=1' -> '/api/rbac/me'."""
    path = urlsplit(path).path
    base = "/" + base_url.strip("/") + "/" if base_url.strip("/") else "/"
    for prefix in (base, unquote(base)):
        if prefix != "/" and path.startswith(prefix):
            return "/" + path[len(prefix) :]
    return path


def find_operation(method: str, path: str, base_url: str = "/") -> Operation:
    """The operation of a concrete request; AssertionError if the spec has none."""
    relative = relative_path(path, base_url)
    for regex, template in _matchers():
        if regex.match(relative):
            item = load_spec()["paths"][template]
            if method.lower() not in item:
                documented = ", ".join(m.upper() for m in METHODS if m in item)
                raise AssertionError(
                    f"{method.upper()} {template}: not in the spec (documented: {documented})"
                )
            return Operation(method.lower(), template, item[method.lower()])
    raise AssertionError(f"{method.upper()} {relative}: no path of the spec matches")


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    """Follow local `$ref`s (of a response, header, parameter or schema) to the definition."""
    while "$ref" in node:
        parts = node["$ref"].removeprefix("#/").split("/")
        node = load_spec()
        for part in parts:
            key = part.replace("~1", "/").replace("~0", "~")
            node = node[int(key)] if isinstance(node, list) else node[key]
    return node


def _response_pointer(operation: Operation, key: str) -> tuple[dict[str, Any], str]:
    """(response object, JSON pointer to it), through a `$ref` to components if there is one."""
    response = operation.spec["responses"][key]
    if "$ref" in response:
        pointer = response["$ref"].removeprefix("#")
        return _resolve(response), pointer
    return response, operation.pointer("responses", key)


def _response_key(operation: Operation, status: int) -> str:
    responses = operation.spec["responses"]
    for key in (str(status), f"{status // 100}XX", "default"):
        if key in responses:
            return key
    documented = ", ".join(sorted(responses))
    raise AssertionError(
        f"{operation.label}: status {status} is not documented (documented: {documented})"
    )


# -- validating -----------------------------------------------------------------------------------


def validate_response(
    method: str,
    path: str,
    status: int,
    payload: Any,
    headers: Mapping[str, str] | None = None,
    base_url: str = "/",
) -> Operation:
    """Check one answer against the spec; returns the operation it belongs to.

    `payload` is the decoded JSON body (None for an empty body). `headers`, if given, must hold
    every header the answer documents as required, each matching its schema.
    """
    operation = find_operation(method, path, base_url)
    key = _response_key(operation, status)
    response, pointer = _response_pointer(operation, key)
    label = f"{operation.label} -> {status}"
    content = response.get("content")
    if content is None:
        assert payload in (None, ""), f"{label}: documented without a body, got {payload!r}"
    elif JSON not in content:  # a file (the audit export): of a documented media type
        if headers is not None:
            media_type = headers.get("Content-Type", "").split(";")[0].strip()
            assert media_type in content, f"{label}: {media_type!r} is not documented"
    else:
        assert payload is not None, f"{label}: expected a JSON body, got none"
        errors = _errors(_pointer_join(pointer, "content", JSON, "schema"), payload)
        assert not errors, (
            f"{label}: the body does not match the spec {_explain(errors)}\nbody: {payload!r}"
        )
    if headers is not None:
        _check_headers(label, pointer, response, headers)
    return operation


def _pointer_join(pointer: str, *parts: str) -> str:
    return pointer + _pointer(*parts)


def _check_headers(
    label: str, pointer: str, response: dict[str, Any], headers: Mapping[str, str]
) -> None:
    received = {name.lower(): value for name, value in headers.items()}
    for name, header in response.get("headers", {}).items():
        definition = _resolve(header)
        value = received.get(name.lower())
        if value is None:
            assert not definition.get("required"), f"{label}: the required header {name} is missing"
            continue
        schema_pointer = _header_schema_pointer(pointer, name, header)
        errors = _errors(schema_pointer, value)
        assert not errors, (
            f"{label}: header {name}: {value!r} does not match the spec {_explain(errors)}"
        )


def _header_schema_pointer(response_pointer: str, name: str, header: dict[str, Any]) -> str:
    if "$ref" in header:
        return header["$ref"].removeprefix("#") + "/schema"
    return _pointer_join(response_pointer, "headers", name, "schema")


def validate_schema(name: str, instance: Any) -> None:
    """Check `instance` against the component schema `name` (AssertionError if it does not match)."""
    errors = _errors(_pointer("components", "schemas", name), instance)
    assert not errors, f"not a {name}: {_explain(errors)}\nvalue: {instance!r}"


def _parameters(operation: Operation) -> dict[tuple[str, str], str]:
    """(in, name) -> JSON pointer to the schema of each parameter (the path's and the operation's)."""
    item = load_spec()["paths"][operation.template]
    sources = [
        (item.get("parameters", []), _pointer("paths", operation.template, "parameters")),
        (operation.spec.get("parameters", []), operation.pointer("parameters")),
    ]
    found = {}
    for parameters, base in sources:
        for index, parameter in enumerate(parameters):
            pointer = (
                parameter["$ref"].removeprefix("#") if "$ref" in parameter else f"{base}/{index}"
            )
            definition = _resolve(parameter)
            found[(definition["in"], definition["name"])] = pointer + "/schema"
    return found


def _typed(value: str, pointer: str) -> Any:
    """A query string value as the JSON value its schema describes (numbers parsed)."""
    schema = _resolve({"$ref": "#" + pointer})
    try:
        if schema.get("type") == "integer":
            return int(value)
        if schema.get("type") == "number":
            return float(value)
    except ValueError:
        pass
    return value


def request_parameter_errors(
    method: str,
    path: str,
    params: Mapping[str, str] | list[tuple[str, str]] | None = None,
    base_url: str = "/",
) -> list[str]:
    """Why the path's arguments or these query parameters are not valid for the operation.
    A parameter repeated (pairs of name and value) is one array parameter's values."""
    operation = find_operation(method, path, base_url)
    declared = _parameters(operation)
    problems = []
    match = _regex(operation.template).match(relative_path(path, base_url))
    assert match is not None  # find_operation matched it
    for name, value in match.groupdict().items():
        problems += [
            f"{name}: {error.message}"
            for error in _errors(declared[("path", name)], unquote(value))
        ]
    pairs = params.items() if isinstance(params, Mapping) else params or []
    for name, value in pairs:
        pointer = declared.get(("query", name))
        if pointer is None:
            problems.append(f"{name}: not a parameter of {operation.label}")
            continue
        if _resolve({"$ref": "#" + pointer}).get("type") == "array":
            value = [v for n, v in pairs if n == name]  # each repeat: one item
        problems += [
            f"{name}: {error.message}" for error in _errors(pointer, _typed(value, pointer))
        ]
    return list(dict.fromkeys(problems))  # an array's problems once, not once per repeat


def request_body_errors(method: str, path: str, body: Any, base_url: str = "/") -> list[str]:
    """Why `body` is not a valid request body of this operation (empty list if it is)."""
    operation = find_operation(method, path, base_url)
    assert "requestBody" in operation.spec, f"{operation.label}: takes no request body"
    errors = _errors(operation.pointer("requestBody", "content", JSON, "schema"), body)
    return [error.message for error in errors]
