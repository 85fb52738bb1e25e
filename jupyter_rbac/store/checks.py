"""What the store accepts as a name or a line of text, checked on every write of the tables.

Also the clipping of audit texts, so no request can make an audit row large.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event

from ..errors import InvalidInput
from ..limits import MAX_AUDIT_TEXT
from ..model.names import CONTROL_CHARACTERS, NAME_RULE, is_plain_name
from .models import Group, Invitation, Role, Token, User


def check_name(kind: str, name: object) -> str:
    """`name` if it may name a `kind` (user, group, role); InvalidInput otherwise."""
    if not is_plain_name(name):
        raise InvalidInput(f"invalid {kind} name {name!r}: use {NAME_RULE}")
    return name


def check_text(field_name: str, value: object) -> str:
    """`value` if it is a string without control characters (one line, shown as it is)."""
    if not isinstance(value, str):
        raise InvalidInput(f"{field_name}: a string")
    found = CONTROL_CHARACTERS.search(value)
    if found is not None:
        raise InvalidInput(
            f"{field_name}: a single line without control characters"
            f" (found {found.group()!r} at position {found.start()})"
        )
    return value


def clipped(text: str, limit: int = MAX_AUDIT_TEXT) -> str:
    """`text`, cut to `limit` characters (ending in "…" when cut): what an audit row keeps."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clipped_detail(value: Any) -> Any:
    """An audit detail with every text in it clipped, however deep."""
    if isinstance(value, str):
        return clipped(value)
    if isinstance(value, dict):
        return {key: clipped_detail(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [clipped_detail(item) for item in value]
    return value


def _refuse_on_set(attribute, check: Callable[[str, object], Any], label: str) -> None:
    """Every write of `attribute`, whoever makes it (API, shell, import, identity sources),
    is checked: one rule, however many ways in."""

    @event.listens_for(attribute, "set", retval=True)
    def checked(_target, value, _old, _initiator):
        check(label, value)
        return value


_NAMES = (
    (User.name, "user"),
    (Group.name, "group"),
    (Role.name, "role"),
    (Invitation.username, "user"),
)
_TEXTS = (
    (User.display_name, "display_name"),
    (Invitation.display_name, "display_name"),
    (Token.note, "note"),
)
for _attribute, _label in _NAMES:
    _refuse_on_set(_attribute, check_name, _label)
for _attribute, _label in _TEXTS:
    _refuse_on_set(_attribute, check_text, _label)
