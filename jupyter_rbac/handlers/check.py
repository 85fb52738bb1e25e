"""`POST /api/rbac/check`: may this user do this, and why (or which scope is missing)?"""

from __future__ import annotations

from .base import RBACHandler, api

CHECK_FIELDS = ("user", "action", "resource", "path", "owner")


class CheckHandler(RBACHandler):
    @api
    def post(self) -> None:
        body = self.json_body(CHECK_FIELDS, required=("user", "action", "resource"), nullable=("path", "owner"))
        self.send_json(self.service.check(self.actor, body).to_json())
