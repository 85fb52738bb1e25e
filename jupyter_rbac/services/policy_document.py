"""Policy as code: check a policy document, and export, plan or import the whole policy as one.

A document (its YAML form and rules are described in policy_file.py):

    {"version": 1,
     "roles":  [{"name", "description", "scopes", "users", "groups"}, ...],
     "groups": [{"name", "description", "members"}, ...],
     "users":  [{"name", "display_name"}, ...],
     "shares": [{"path", "type", "role", "user" or "group", "shared_by", "expires_at"}, ...]}

A document is checked whole before the database is touched; the store then replaces the policy
in one transaction (store/import_export.py). A role entry is checked by the one check of a role
(role_specs), strictly: a document says each thing once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import TypeVar

from ..errors import InvalidInput
from ..model import Catalog
from ..model.defaults import DEFAULT_ROLE_NAMES
from ..store import Store, check_name, check_text
from ..store.import_export import (
    FORMAT_VERSION,
    SECTIONS,
    SHARES,
    GroupSpec,
    ImportPlan,
    PolicyContents,
    RoleSpec,
    ShareSpec,
    UserSpec,
    export_policy,
    plan_replacement,
    replace_policy,
)
from .inputs import at, check_description, check_display_name, check_names
from .role_specs import ROLE_FIELDS, check_role_spec
from .shares import ISO_TIME, check_share_path

__all__ = [
    "SECTIONS",
    "SHARES",
    "ImportPlan",
    "PolicyContents",
    "check_document",
    "export_policy",
    "import_policy",
    "plan_import",
]

KIND = {"roles": "role", "groups": "group", "users": "user"}
FIELDS = {
    "roles": ROLE_FIELDS,
    "groups": ("name", "description", "members"),
    "users": ("name", "display_name"),
}
SHARE_FIELDS = ("path", "type", "role", "user", "group", "shared_by", "expires_at")

Spec = TypeVar("Spec")


def plan_import(store: Store, document: object, catalog: Catalog | None = None) -> ImportPlan:
    """What `import_policy` would change, checked as it would be, without writing anything."""
    return plan_replacement(store, check_document(document, catalog or Catalog()))


def import_policy(
    store: Store,
    document: object,
    actor: str,
    source: str = "document",
    catalog: Catalog | None = None,
) -> ImportPlan:
    """Replace the policy with the document's, in one transaction (store.import_export's
    `replace_policy` says what is kept). All of the document is checked first."""
    return replace_policy(store, check_document(document, catalog or Catalog()), actor, source)


def check_document(document: object, catalog: Catalog, complete: bool = True) -> PolicyContents:
    """The document's contents, or InvalidInput naming the entry and field at fault.

    `complete`: the document is a whole policy, so every user and group it names must be declared
    in it. Otherwise (a policy file of roles), names are checked against the sections it has.
    """
    if not isinstance(document, dict):
        raise InvalidInput(
            "a policy is a mapping with the keys version, roles, groups, users and shares"
        )
    unknown = sorted(str(key) for key in set(document) - {"version", *SECTIONS, SHARES})
    if unknown:
        raise InvalidInput(
            f"unknown keys {unknown}; a policy has version, roles, groups, users and shares"
        )
    version = document.get("version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise InvalidInput(
            f"version: {version!r} is not a version this program reads (it reads {FORMAT_VERSION})"
        )
    contents = PolicyContents(
        roles=_section(document, "roles", lambda entry, where: _role_spec(entry, where, catalog)),
        groups=_section(document, "groups", _group_spec),
        users=_section(document, "users", _user_spec),
        # a whole policy without shares has none; a policy file of roles leaves them alone
        shares=_shares(document) if complete or SHARES in document else None,
    )
    _check_references(
        contents, declared={kind for kind in SECTIONS if complete or kind in document}
    )
    if not complete:
        _require_scopes(document)
    return contents


def _require_scopes(document: dict) -> None:
    """A policy file's roles are applied at every start over the roles there: an entry without
    scopes would silently empty a default role (c.RBAC.load_roles is where a role only gains
    members and keeps its scopes)."""
    for entry in document.get("roles") or []:
        if "scopes" not in entry:
            raise InvalidInput(
                f"roles[{entry['name']}].scopes: required here ([] for a role that grants"
                " nothing); to give a role members and keep its scopes, use c.RBAC.load_roles:"
                ' {"name": ..., "users": [...]}'
            )


def _section(document: dict, section: str, parse: Callable[[dict, str], Spec]) -> dict[str, Spec]:
    entries = document.get(section) or []
    if not isinstance(entries, list):
        raise InvalidInput(f"{section}: a list of entries, each with a name")
    specs: dict[str, Spec] = {}
    for index, entry in enumerate(entries):
        name = entry.get("name") if isinstance(entry, dict) else None
        where = f"{section}[{name if isinstance(name, str) else index}]"
        if not isinstance(entry, dict):
            raise InvalidInput(f"{where}: an entry is a mapping with at least a name")
        unknown = sorted(str(key) for key in set(entry) - set(FIELDS[section]))
        if unknown:
            raise InvalidInput(
                f"{where}: unknown fields {unknown}; the fields are {', '.join(FIELDS[section])}"
            )
        try:
            check_name(KIND[section], name)
        except InvalidInput as error:
            raise InvalidInput(f"{where}.name: {error.message}") from error
        if name in specs:
            raise InvalidInput(f"{where}: declared twice")
        specs[name] = parse(entry, where)
    return specs


def _role_spec(entry: dict, where: str, catalog: Catalog) -> RoleSpec:
    # in a document a list left empty (`scopes:`) is an empty list
    lists = {field: [] for field in ("scopes", "users", "groups") if entry.get(field, ()) is None}
    role = check_role_spec({**entry, **lists}, catalog, where, merge_repeats=False)
    return RoleSpec(
        name=role.name,
        description=role.description or "",
        scopes=tuple(role.scopes or ()),  # in the role's own order
        users=tuple(sorted(role.users)),
        groups=tuple(sorted(role.groups)),
    )


def _group_spec(entry: dict, where: str) -> GroupSpec:
    description = entry.get("description")
    if description is not None:
        description = check_description(description, at(where, "description"))
    members = entry.get("members")
    members = check_names([] if members is None else members, "user", at(where, "members"), False)
    return GroupSpec(entry["name"], description or "", tuple(sorted(members)))


def _user_spec(entry: dict, where: str) -> UserSpec:
    display_name = entry.get("display_name")
    if display_name is not None:
        display_name = check_display_name(display_name, at(where, "display_name"))
    # The store shows a user without a display name by their name: say so in the document too.
    return UserSpec(name=entry["name"], display_name=display_name or entry["name"])


def _shares(document: dict) -> dict[str, ShareSpec]:
    entries = document.get(SHARES) or []
    if not isinstance(entries, list):
        raise InvalidInput(f"{SHARES}: a list of shares, each with a path, a role and a recipient")
    specs: dict[str, ShareSpec] = {}
    for index, entry in enumerate(entries):
        spec = _share_spec(entry, f"{SHARES}[{index}]")
        if spec.key in specs:
            raise InvalidInput(f"{SHARES}[{index}]: {spec.key} is declared twice")
        specs[spec.key] = spec
    return specs


def _share_spec(entry: object, where: str) -> ShareSpec:
    if not isinstance(entry, dict):
        raise InvalidInput(f"{where}: a share is a mapping with path, type, role and a recipient")
    unknown = sorted(str(key) for key in set(entry) - set(SHARE_FIELDS))
    if unknown:
        raise InvalidInput(
            f"{where}: unknown fields {unknown}; the fields are {', '.join(SHARE_FIELDS)}"
        )
    path = check_share_path(entry.get("path"), f"{where}.path")
    kind = entry.get("type", "directory")
    if kind not in ("directory", "file"):
        raise InvalidInput(f"{where}.type: directory or file")
    user, group = entry.get("user"), entry.get("group")
    if (user is None) == (group is None):
        raise InvalidInput(f"{where}: give either user or group")
    for field, value, named in (
        ("role", entry.get("role"), "role"),
        ("user", user, "user"),
        ("group", group, "group"),
    ):
        if value is not None or field == "role":
            try:
                check_name(named, value)
            except InvalidInput as error:
                raise InvalidInput(f"{where}.{field}: {error.message}") from None
    shared_by = entry.get("shared_by", "import")
    check_text(f"{where}.shared_by", shared_by)
    return ShareSpec(
        path,
        kind == "directory",
        entry["role"],
        user,
        group,
        shared_by,
        _expiry(entry.get("expires_at"), f"{where}.expires_at"),
    )


def _expiry(value: object, where: str) -> datetime | None:
    """An expiry as a document writes it (ISO 8601 with a zone; a past one is kept: an export
    lists expired shares)."""
    if value is None:
        return None
    if isinstance(value, datetime):  # YAML reads an unquoted time as one
        moment = value
    elif isinstance(value, str):
        if not ISO_TIME.fullmatch(value):
            raise InvalidInput(
                f"{where}: an ISO 8601 date and time (2027-01-31T18:00:00Z), or null"
            )
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise InvalidInput(f"{where}: an ISO 8601 date and time, or null") from None
    else:
        raise InvalidInput(f"{where}: an ISO 8601 date and time, or null")
    if moment.tzinfo is None:
        raise InvalidInput(f"{where}: give the time zone (2027-01-31T18:00:00Z)")
    try:
        return moment.astimezone(timezone.utc)
    except OverflowError:  # 0001-01-01T00:00+14:00 is no time in UTC
        raise InvalidInput(f"{where}: a time UTC can say") from None


def _check_references(contents: PolicyContents, declared: set[str]) -> None:
    """Every user and group a role, a group or a share names is declared (in the sections
    `declared`), and every role a share names (or is a default role, kept when left out)."""
    shares = list((contents.shares or {}).values())
    for share in shares:
        if share.role not in contents.roles and share.role not in DEFAULT_ROLE_NAMES:
            raise InvalidInput(
                f"shares[{share.key}].role: {share.role!r} is not declared under roles:"
            )
    references = [
        *((f"roles[{r.name}].users", "users", r.users) for r in contents.roles.values()),
        *((f"roles[{r.name}].groups", "groups", r.groups) for r in contents.roles.values()),
        *((f"groups[{g.name}].members", "users", g.members) for g in contents.groups.values()),
        *((f"shares[{s.key}].user", "users", (s.user,)) for s in shares if s.user),
        *((f"shares[{s.key}].group", "groups", (s.group,)) for s in shares if s.group),
    ]
    for where, section, names in references:
        if section not in declared:
            continue
        known = getattr(contents, section)
        for name in names:
            if name not in known:
                raise InvalidInput(f"{where}: {name!r} is not declared under {section}:")
