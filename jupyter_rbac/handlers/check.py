"""`POST /api/rbac/check`: may this user do this, and why (or which scope is missing)?"""

from __future__ import annotations

from .base import RBACHandler, api


class CheckHandler(RBACHandler):
    @api
    def post(self) -> None:
        body = self.json_body("CheckRequest", null_means_absent=("path", "owner"))
        self.send_json(self.service.check(self.actor, body).to_json())
