"""`/api/rbac/groups[/{name}]`: groups, their members and their roles."""

from __future__ import annotations

from ..services import Changes
from .base import RBACHandler, api


class GroupsHandler(RBACHandler):
    @api
    def get(self) -> None:
        listing = self.listing()
        self.send_page(self.service.list_groups(self.actor, listing), listing)

    @api
    def post(self) -> None:
        body = self.json_body("GroupCreate")
        group = self.service.create_group(
            self.actor,
            body["name"],
            body.get("description", ""),
            members=body.get("members", []),
            roles=body.get("roles", []),
        )
        self.set_header("Location", self.request.path.rstrip("/") + "/" + group.name)
        self.send_record(group, 201)


class GroupHandler(RBACHandler):
    def _for_write(self, name: str):
        require = lambda: self.service.require(self.actor, "write", "groups", group=name)
        return self.for_write(self.service.get_group, require, name)

    @api
    def get(self, name: str) -> None:
        self.send_record(self.service.get_group(self.actor, name))

    @api
    def patch(self, name: str) -> None:
        """Change the fields given; `members` and `roles` are complete new lists."""
        body = self.json_body("GroupPatch")
        current = self._for_write(name)
        changes = Changes(
            description=body.get("description"),
            members=body.get("members"),
            roles=body.get("roles"),
            expected_revision=self.expected_revision(current),
        )
        self.send_record(self.service.update_group(self.actor, name, changes))

    @api
    def delete(self, name: str) -> None:
        current = self._for_write(name)
        self.service.delete_group(self.actor, name, self.expected_revision(current))
        self.no_content()
