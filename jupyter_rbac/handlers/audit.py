"""`GET /api/rbac/audit`: the trail of changes and denied requests, newest first."""

from __future__ import annotations

from .base import RBACHandler, api


class AuditHandler(RBACHandler):
    @api
    def get(self) -> None:
        limit = self.int_argument("limit", 100, 1, 1000)
        offset = self.int_argument("offset", 0, 0)
        before = self.int_argument("before", None, 1)
        filters = {
            "limit": limit + 1,  # one more: is there a next page?
            "offset": offset,
            "before": before,
            "actor": self.get_query_argument("actor", None),
            "target": self.get_query_argument("target", None),
            "kind": self.get_query_argument("kind", None),
            "action": self.get_query_argument("action", None),
            "since": self.time_argument("since"),
            "until": self.time_argument("until"),
        }
        page = self.service.audit(self.actor, filters)
        items = [event.to_json() for event in page.items[:limit]]
        # a cursor that stays true while new events arrive (offsets would shift)
        next_cursor = items[-1]["id"] if len(page.items) > limit else None
        self.send_json(
            {
                "items": items,
                "total": page.total,
                "limit": limit,
                "offset": offset,
                "next_cursor": next_cursor,
            }
        )
