"""`/api/rbac/roles`: list and create roles; `/api/rbac/roles/{name}`: read, replace, change, delete."""

from __future__ import annotations

from ..errors import InvalidInput
from ..services import Changes
from ..services.roles import may_be_deleted, may_be_redefined
from ..store import RoleRecord
from .base import RBACHandler, api


def role_json(role: RoleRecord) -> dict:
    """A role, with what the server will let anyone change about it: `editable` for its scopes and
    description (who holds a role can always change), `deletable` for the role itself."""
    return {**role.to_json(), "editable": may_be_redefined(role), "deletable": may_be_deleted(role)}


class RolesHandler(RBACHandler):
    @api
    def get(self) -> None:
        listing = self.listing()
        self.send_page(self.service.list_roles(self.actor, listing), listing, role_json)

    @api
    def post(self) -> None:
        body = self.json_body("RoleCreate")
        role = self.service.create_role(
            self.actor,
            body["name"],
            body.get("scopes", []),
            body.get("description", ""),
            users=body.get("users", []),
            groups=body.get("groups", []),
        )
        self.set_header("Location", self.request.path.rstrip("/") + "/" + role.name)
        self.send_record(role, 201, role_json(role))


class RoleHandler(RBACHandler):
    @api
    def get(self, name: str) -> None:
        role = self.service.get_role(self.actor, name)
        self.send_record(role, extra=role_json(role))

    @api
    def put(self, name: str) -> None:
        """Replace the role: fields left out become empty."""
        body = self.json_body("RoleReplace")
        if body.get("name", name) != name:
            raise InvalidInput("name: roles cannot be renamed; create a new role instead")
        self._update(
            name,
            description=body.get("description", ""),
            scopes=body["scopes"],
            users=body.get("users", []),
            groups=body.get("groups", []),
        )

    @api
    def patch(self, name: str) -> None:
        """Change the fields given; `users` and `groups` are the complete new lists."""
        body = self.json_body("RolePatch")
        self._update(
            name,
            description=body.get("description"),
            scopes=body.get("scopes"),
            users=body.get("users"),
            groups=body.get("groups"),
        )

    def _for_write(self, name: str) -> RoleRecord:
        return self.for_write(
            self.service.get_role, lambda: self.service.require(self.actor, "write", "roles"), name
        )

    def _update(self, name: str, **fields) -> None:
        current = self._for_write(name)
        changes = Changes(**fields, expected_revision=self.expected_revision(current))
        role = self.service.update_role(self.actor, name, changes)
        self.send_record(role, extra=role_json(role))

    @api
    def delete(self, name: str) -> None:
        current = self._for_write(name)
        self.service.delete_role(self.actor, name, self.expected_revision(current))
        self.no_content()
