"""Request bodies as JSON, within limits: a body too large or nested too deeply is refused with
a message naming the problem (HTTP 400), never a RecursionError (500)."""

from __future__ import annotations

import json
from typing import Any

from .limits import MAX_BODY_BYTES, MAX_JSON_DEPTH


class BodyError(ValueError):
    """A request body that is not JSON within the limits; its message says why."""


def parse_json_body(raw: bytes | str, empty: Any = None) -> Any:
    """The JSON value of a request body (`empty` when there is none). Raises BodyError."""
    if len(raw) > MAX_BODY_BYTES:
        raise BodyError(f"the request body is larger than {MAX_BODY_BYTES} bytes")
    if not raw.strip():
        return empty
    try:
        value = json.loads(raw)
    except RecursionError:  # the C decoder stops at the interpreter's recursion limit
        raise BodyError(f"the request body nests deeper than {MAX_JSON_DEPTH} levels") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise BodyError(f"the request body is not valid JSON: {error}") from None
    if nesting_exceeds(value, MAX_JSON_DEPTH):
        raise BodyError(f"the request body nests deeper than {MAX_JSON_DEPTH} levels")
    if not is_unicode_text(value):
        raise BodyError(
            "the request body holds a string that is not valid Unicode (a lone surrogate)"
        )
    return value


def is_unicode_text(value: Any) -> bool:
    """JSON may spell a lone surrogate (\\ud800), which no database can store as UTF-8: every
    string of the body (keys too) must be encodable."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def nesting_exceeds(value: Any, limit: int) -> bool:
    """True if `value` has arrays or objects nested more than `limit` deep (no recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False
