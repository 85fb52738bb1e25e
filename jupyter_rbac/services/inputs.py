"""What a request gives the services (a listing, the fields of a change) and the checks of its
values, each with a message that names the field and what is wrong. The REST API, the command
line, `c.RBAC.load_roles` and policy documents all check their values here."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import InvalidInput
from ..limits import MAX_DESCRIPTION, MAX_DISPLAY_NAME, MAX_MEMBERS, MAX_SCOPES
from ..model import Catalog, ScopeError
from ..store import check_name, check_text


@dataclass(frozen=True)
class Listing:
    """Paging and sorting of a list request."""

    limit: int | None = 100  # None: the whole list (the shell's)
    offset: int = 0
    sort: str = "name"
    query: str = ""


@dataclass
class Changes:
    """The fields of a PATCH (or a PUT, where every field is given). None: leave as it is."""

    description: str | None = None
    display_name: str | None = None
    scopes: list[str] | None = None
    users: list[str] | None = None
    groups: list[str] | None = None
    members: list[str] | None = None
    roles: list[str] | None = None
    expected_revision: int | None = None

    def __post_init__(self) -> None:
        # each name once, in the order given: the checks of a change cost per name, and the
        # audit row names each once (a list of one name 200,000 times held the server)
        for field in ("users", "groups", "members", "roles"):
            names = getattr(self, field)
            if isinstance(names, list):
                setattr(self, field, once(names))


def once(names: Iterable[object]) -> list:
    """Each of `names` once, in the order given (unhashable items are kept, for the checks that
    follow to refuse them)."""
    seen: set = set()
    kept = []
    for name in names:
        if isinstance(name, str):
            if name in seen:
                continue
            seen.add(name)
        kept.append(name)
    return kept


def at(where: str, field: str) -> str:
    """Where a field sits: `roles[x].scopes` in a document, plain `scopes` in a request."""
    return f"{where}.{field}" if where else field


def check_scopes(
    catalog: Catalog, scopes: object, where: str = "scopes", merge_repeats: bool = True
) -> list[str]:
    """The scopes, each checked against the catalog. A scope listed twice is merged (the API,
    `load_roles`) or refused (`merge_repeats=False`: a policy document says each thing once)."""
    if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
        raise InvalidInput(f"{where}: a list of strings (scopes must be a list)")
    if len(scopes) > MAX_SCOPES:
        raise InvalidInput(f"{where}: at most {MAX_SCOPES} scopes")
    if not merge_repeats:
        refuse_repeats(scopes, where)
    try:
        return list(dict.fromkeys(catalog.validate(scopes)))
    except ScopeError as error:
        raise InvalidInput(f"{where}: {error}") from error


def check_names(values: object, kind: str, where: str, merge_repeats: bool = True) -> list[str]:
    """A list of `kind` (user, group, role) names, each checked."""
    if not isinstance(values, list):
        raise InvalidInput(f"{where}: a list of {kind} names")
    if len(values) > MAX_MEMBERS:
        raise InvalidInput(f"{where}: at most {MAX_MEMBERS} names")
    if not merge_repeats:
        refuse_repeats(values, where)
    for value in values:
        try:
            check_name(kind, value)
        except InvalidInput as error:
            raise InvalidInput(f"{where}: {error.message}") from error
    # each name once, in the order given: what follows costs per name, not per repeat
    return once(values)


def refuse_repeats(values: Iterable[object], where: str) -> None:
    twice = sorted(str(value) for value, count in Counter(map(repr, values)).items() if count > 1)
    if twice:
        raise InvalidInput(f"{where}: listed twice: {', '.join(twice)}")


def check_description(value: object, where: str = "description") -> str:
    if not isinstance(value, str) or len(value) > MAX_DESCRIPTION:
        raise InvalidInput(f"{where}: a string of at most {MAX_DESCRIPTION} characters")
    return value


def check_display_name(value: object, where: str = "display_name") -> str:
    if not isinstance(value, str) or len(value) > MAX_DISPLAY_NAME:
        raise InvalidInput(f"{where}: a single line of at most {MAX_DISPLAY_NAME} characters")
    return check_text(where, value)  # no escapes for the terminals that show it


def string_field(body: dict, key: str, required: bool = False) -> str | None:
    """A non-empty string field of a request (None when absent and not `required`)."""
    value = body.get(key)
    if value is None:
        if required:
            raise InvalidInput(f"{key}: required")
        return None
    if not isinstance(value, str) or not value:
        raise InvalidInput(f"{key}: a non-empty string")
    return value
