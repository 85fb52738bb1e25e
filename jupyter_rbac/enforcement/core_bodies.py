"""The shapes of the JSON bodies that the server's core and extension routes take, checked by the
guard before their handler runs: a body of the wrong shape is a 400 naming the field, whoever
sends it (holders of `all` included), and nothing is applied.

jupyter_server, JupyterLab and jupyter-collaboration read their bodies with `body["key"]` and
`.get("key")` and call methods on what they find: a number where a string belongs, a missing key,
a null, were 500s there (and some handlers had applied part of the change first). One table,
`BODY_SHAPES`, says per handler class and method what a body must be. Each shape starts from the
schema the package ships where there is one (jupyter_server's api.yaml, jupyterlab_server's
rest-api.yml) and adds what the handler really relies on: the shipped schemas leave fields
optional that the handler reads with `[...]`, and some are wrong (a notebook's content is an
object, not a string; a session's kernel is named by its id *or* its name). Fields no handler
reads stay free: full models, extensions' extra keys, go through as before.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, NoReturn

import yaml
from jsonschema import Draft202012Validator, ValidationError
from jupyter_server.base.handlers import APIHandler
from tornado import web
from tornado.log import app_log

from ..json_body import is_unicode_text
from ..limits import MAX_JSON_DEPTH

STRING = {"type": "string"}
OPTIONAL_STRING = {"type": ["string", "null"]}  # where the handler takes null as left out
OBJECT = {"type": "object"}


@dataclass(frozen=True)
class BodyShape:
    """What the body of `method` on the handler class `handler` (module.qualname, matched along
    the class hierarchy) must be. `shipped` names the package's own schema it starts from
    (package, spec file, route, method); `properties` replace or add to its fields, and
    `required` replaces its list.
    `empty`: an empty body means something to the handler (else it is judged as `{}`)."""

    handler: str
    method: str
    source: str
    shipped: tuple[str, str, str, str] | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    empty: bool = True

    @functools.cached_property
    def schema(self) -> dict[str, Any]:
        base = _shipped_body(*self.shipped) if self.shipped else dict(OBJECT)
        schema = copy.deepcopy(base)
        schema["type"] = "object"
        schema["properties"] = {**schema.get("properties", {}), **self.properties}
        schema.pop("required", None)  # the shipped ones are not what the handlers need
        if self.required:
            schema["required"] = list(self.required)
        return schema

    @functools.cached_property
    def validator(self) -> Draft202012Validator:
        return Draft202012Validator(self.schema)


_SERVER_API = ("jupyter_server", "services/api/api.yaml")
_LAB_API = ("jupyterlab_server", "rest-api.yml")
_KERNEL_OF_SESSION = {
    # jupyter_server's Kernel requires both id and name: JupyterLab sends one of them, and the
    # handlers take a null of either as left out
    "type": "object",
    "properties": {"id": OPTIONAL_STRING, "name": OPTIONAL_STRING},
}
_LEGACY_NOTEBOOK = {"type": "object", "properties": {"path": STRING, "name": STRING}}

BODY_SHAPES: tuple[BodyShape, ...] = (
    BodyShape(
        "jupyter_server.services.contents.handlers.ContentsHandler",
        "PUT",
        "jupyter_server's api.yaml says content is a string: a notebook's is an object, a "
        "directory's null; the handler calls is_hidden on `path`, the save reads the rest",
        _SERVER_API + ("/api/contents/{path}", "put"),
        properties={
            "path": OPTIONAL_STRING,
            "name": OPTIONAL_STRING,
            "type": OPTIONAL_STRING,  # an unknown type is saved as a file, null is the default
            "format": OPTIONAL_STRING,
            "content": {},  # the save judges it (bad_input.bad_input_answer)
            "chunk": {"type": ["integer", "null"]},
            "copy_from": OPTIONAL_STRING,
        },
    ),
    BodyShape(
        "jupyter_server.services.contents.handlers.ContentsHandler",
        "POST",
        "jupyter_server's api.yaml; JupyterLab also sends the folder's `path` (unread); the "
        "handler takes a null type as none",
        _SERVER_API + ("/api/contents/{path}", "post"),
        properties={"path": STRING, "type": OPTIONAL_STRING, "copy_from": OPTIONAL_STRING},
    ),
    BodyShape(
        "jupyter_server.services.contents.handlers.ContentsHandler",
        "PATCH",
        "jupyter_server's api.yaml; a rename without its new path is not one",
        _SERVER_API + ("/api/contents/{path}", "patch"),
        required=("path",),
    ),
    BodyShape(
        "jupyter_server.services.sessions.handlers.SessionRootHandler",
        "POST",
        "jupyter_server's api.yaml (Session) with the kernel as JupyterLab names it; the handler "
        "takes a null name as none; `notebook` is the API's old form of the path",
        _SERVER_API + ("/api/sessions", "post"),
        properties={
            "path": STRING,
            "name": OPTIONAL_STRING,
            "type": STRING,
            "kernel": _KERNEL_OF_SESSION,
            "notebook": _LEGACY_NOTEBOOK,
        },
        empty=False,
    ),
    BodyShape(
        "jupyter_server.services.sessions.handlers.SessionHandler",
        "PATCH",
        "jupyter_server's api.yaml (Session) with the kernel as JupyterLab names it: every field "
        "given is stored as given",
        _SERVER_API + ("/api/sessions/{session}", "patch"),
        properties={
            "path": STRING,
            "name": STRING,
            "type": STRING,
            "kernel": _KERNEL_OF_SESSION,
            "notebook": _LEGACY_NOTEBOOK,
        },
        empty=False,
    ),
    BodyShape(
        "jupyter_server.services.kernels.handlers.MainKernelHandler",
        "POST",
        "jupyter_server's api.yaml, without its `required`: the handler starts the default kernel "
        "type when no name is given; it also reads `kernel_id`",
        _SERVER_API + ("/api/kernels", "post"),
        properties={"name": STRING, "path": OPTIONAL_STRING, "kernel_id": OPTIONAL_STRING},
    ),
    BodyShape(
        "jupyter_server_terminals.api_handlers.TerminalRootHandler",
        "POST",
        "jupyter_server_terminals ships no request schema: JupyterLab sends `name` and `cwd`; the "
        "rest goes to terminado's new_terminal (a command and an environment)",
        properties={
            "name": STRING,
            "cwd": STRING,
            "shell_command": {"type": "array", "items": STRING},
            "extra_env": {"type": "object", "additionalProperties": STRING},
        },
    ),
    BodyShape(
        "jupyter_server_ydoc.handlers.DocSessionHandler",
        "PUT",
        "jupyter-collaboration ships no request schema: its handler reads body['format'] and "
        "body['type'], as JupyterLab's collaborative drive sends them",
        properties={"format": STRING, "type": STRING},
        required=("format", "type"),
        empty=False,
    ),
    BodyShape(
        "jupyterlab_server.workspaces_handler.WorkspacesHandler",
        "PUT",
        "jupyterlab_server's rest-api.yml (Workspace); the manager reads metadata['id']",
        _LAB_API + ("/lab/api/workspaces/{space_name}", "put"),
        properties={
            "data": OBJECT,
            "metadata": {
                "type": "object",
                "properties": {"id": STRING},
                "required": ["id"],
            },
        },
        required=("data", "metadata"),
        empty=False,
    ),
    BodyShape(
        "jupyterlab_server.settings_handler.SettingsHandler",
        "PUT",
        "jupyterlab_server's rest-api.yml; the handler reads body['raw']",
        _LAB_API + ("/lab/api/settings/{schema_name}", "put"),
        properties={"raw": STRING},
        required=("raw",),
        empty=False,
    ),
    BodyShape(
        "jupyter_server.nbconvert.handlers.NbconvertPostHandler",
        "POST",
        "jupyter_server ships no request schema: the handler exports body['content'], a notebook "
        "(nbconvert reads its cells and metadata), named by `name`",
        properties={
            "name": STRING,
            "content": {
                "type": "object",
                "properties": {
                    "cells": {"type": "array", "items": OBJECT},
                    "metadata": OBJECT,
                    "nbformat": {"type": "integer"},
                    "nbformat_minor": {"type": "integer"},
                },
                "required": ["cells", "metadata", "nbformat", "nbformat_minor"],
            },
        },
        required=("content",),
        empty=False,
    ),
)

_SHAPES = {(shape.handler, shape.method): shape for shape in BODY_SHAPES}
_HANDLERS = frozenset(shape.handler for shape in BODY_SHAPES)
# Each handler class's table name, found once along its class hierarchy (None: not in the table).
_NAME_OF_CLASS: dict[type, str | None] = {}


def shape_for(handler: Any, method: str) -> BodyShape | None:
    """The shape the body of `method` on `handler` (an instance or a class) must have, if any."""
    cls = handler if isinstance(handler, type) else type(handler)
    try:
        name = _NAME_OF_CLASS[cls]
    except KeyError:
        qualified = (f"{k.__module__}.{k.__qualname__}" for k in cls.__mro__)
        name = _NAME_OF_CLASS[cls] = next((q for q in qualified if q in _HANDLERS), None)
    return None if name is None else _SHAPES.get((name, method))


def require_body_shape(handler: Any) -> None:
    """400 naming the field unless the request's body has the shape its route takes. A body
    that is not JSON is left to an API handler (it says so itself, in JSON). On every route, a
    JSON body whose strings are not valid Unicode (a lone surrogate) is a 400: saved, it fails
    (a 500) or is stored for every reader."""
    raw = handler.request.body or b""
    if _SURROGATE_ESCAPE.search(raw) and _holds_invalid_text(raw):
        _refuse(
            handler, "the request body holds a string that is not valid Unicode (a lone surrogate)"
        )
    shape = shape_for(handler, handler.request.method or "")
    if shape is None:
        return
    raw = handler.request.body or b""
    if not raw.strip():
        if shape.empty:
            return
        body: Any = {}
    else:
        try:
            body = json.loads(raw)
        except RecursionError:
            _refuse(handler, f"the request body nests deeper than {MAX_JSON_DEPTH} levels")
        except (ValueError, UnicodeDecodeError):
            if isinstance(handler, APIHandler):
                return  # the handler's own words ("Invalid JSON in body of request")
            _refuse(handler, "the request body is not valid JSON")
    problem = body_problem(shape, body)
    if problem is not None:
        _refuse(handler, problem)


# `\ud800` to `\udfff` spelt in JSON: rare, so the whole body is parsed only when one is there
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _holds_invalid_text(raw: bytes) -> bool:
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return False  # not JSON: the route's own parsing answers
    return not is_unicode_text(body)


def _refuse(handler: Any, message: str) -> NoReturn:
    """A 400 with a JSON message, also from a handler that answers errors with an HTML page
    (nbconvert's POST is a JupyterHandler, called by scripts)."""
    if isinstance(handler, APIHandler):
        raise web.HTTPError(400, message)
    handler.set_status(400)
    handler.set_header("Content-Type", "application/json")
    handler.finish(json.dumps({"message": message, "reason": "Bad Request"}))
    raise web.Finish()


def body_problem(shape: BodyShape, body: Any) -> str | None:
    """What is wrong with `body` for `shape` ("<field>: ..."), or None if nothing is."""
    if not isinstance(body, dict):
        return "The request body must be a JSON object"  # as require_json_object says it
    errors = list(shape.validator.iter_errors(body))
    if not errors:
        return None
    # the shallowest problem first, then in the schema's order of fields
    error = min(errors, key=lambda e: (len(e.absolute_path), _order(shape.schema, e)))
    return _wording(error)


def _order(schema: dict[str, Any], error: ValidationError) -> int:
    fields = list(schema.get("properties", {}))
    first = error.absolute_path[0] if error.absolute_path else None
    return fields.index(first) if first in fields else len(fields)


_KINDS = {
    "string": "a string",
    "object": "an object",
    "array": "an array",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


def _wording(error: ValidationError) -> str:
    """`<field>: <what is wrong>`, the field as a dotted path from the body."""
    path = [str(part) for part in error.absolute_path]
    if error.validator == "required":
        missing = next((name for name in error.validator_value if name not in error.instance), "")
        name = ".".join([*path, missing])
        return f"{name}: '{name}' is missing from the request body"
    name = ".".join(path) or "the request body"
    if error.validator == "type":
        kinds = (
            error.validator_value
            if isinstance(error.validator_value, list)
            else [error.validator_value]
        )
        expected = " or ".join(_KINDS.get(kind, kind) for kind in kinds)
        return f"{name}: '{name}' in the request body must be {expected}"
    detail = error.message if len(error.message) <= 200 else error.message[:200] + "..."
    return f"{name}: {detail}"


@functools.cache
def _spec(package: str, spec_file: str) -> dict[str, Any] | None:
    """A package's own API spec, read once (None if this version ships none)."""
    try:
        text = (resources.files(package) / spec_file).read_text(encoding="utf-8")
        return yaml.safe_load(text)
    except (ModuleNotFoundError, OSError, yaml.YAMLError) as error:
        app_log.warning("jupyter-rbac: no request schemas from %s (%s)", package, error)
        return None


def _shipped_body(package: str, spec_file: str, route: str, method: str) -> dict[str, Any]:
    """The request body schema a package's spec gives a route (Swagger 2 or OpenAPI 3), its
    references resolved; an object of any shape when the spec says nothing."""
    spec = _spec(package, spec_file)
    operation = ((spec or {}).get("paths", {}).get(route) or {}).get(method) or {}
    schema: Any = None
    for parameter in operation.get("parameters", ()):
        if parameter.get("in") == "body":  # Swagger 2
            schema = parameter.get("schema")
    content = (operation.get("requestBody") or {}).get("content", {})
    if "application/json" in content:  # OpenAPI 3
        schema = content["application/json"].get("schema")
    if not isinstance(schema, dict):
        return dict(OBJECT)
    return _resolved(schema, spec or {})


def _resolved(schema: Any, spec: dict[str, Any], depth: int = 0) -> Any:
    """`schema` with each local `$ref` replaced by what it names (the specs' refs do not loop)."""
    if depth > 20:
        return {}
    if isinstance(schema, list):
        return [_resolved(item, spec, depth + 1) for item in schema]
    if not isinstance(schema, dict):
        return schema
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = spec
        for part in ref[2:].split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        return _resolved(target, spec, depth + 1)
    return {key: _resolved(value, spec, depth + 1) for key, value in schema.items()}
