"""The one check of a role as someone declares it (name, description, scopes, users, groups),
whichever way it arrives: the REST API and the command line (through RBACService.create_role),
`c.RBAC.load_roles`, and a policy document or `c.RBAC.policy_file`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..errors import InvalidInput
from ..model import Catalog
from ..model.defaults import FIXED_ROLE
from ..store import check_name
from .inputs import at, check_description, check_names, check_scopes

ROLE_FIELDS = ("name", "description", "scopes", "users", "groups")


@dataclass(frozen=True)
class DeclaredRole:
    """A checked role declaration. `scopes` None: declared without scopes (under `load_roles`,
    it only gives members); `description` None: declared without one."""

    name: str
    scopes: list[str] | None
    description: str | None
    users: list[str]
    groups: list[str]

    @property
    def defines(self) -> bool:
        """Does config define what this role means (its scopes)? Never `admin`'s: they are fixed."""
        return self.scopes is not None and self.name != FIXED_ROLE


def check_role_spec(
    spec: Mapping, catalog: Catalog, where: str = "", merge_repeats: bool = True
) -> DeclaredRole:
    """The role `spec` declares, or InvalidInput naming the field at fault (`where` the role sits,
    "" in a request). Fields left out are None (scopes, description) or empty (users, groups).
    Repeated scopes and names are merged, or refused (`merge_repeats=False`: a policy document)."""
    name = spec.get("name")
    try:
        check_name("role", name)
    except InvalidInput as error:
        raise InvalidInput(f"{at(where, 'name')}: {error.message}") from error
    description = spec.get("description")
    if description is not None:
        description = check_description(description, at(where, "description"))
    scopes = None
    if "scopes" in spec:
        scopes = check_scopes(catalog, spec["scopes"], at(where, "scopes"), merge_repeats)
    users, groups = (spec.get(field) or [] for field in ("users", "groups"))
    return DeclaredRole(
        name,
        scopes,
        description,
        check_names(users, "user", at(where, "users"), merge_repeats),
        check_names(groups, "group", at(where, "groups"), merge_repeats),
    )
