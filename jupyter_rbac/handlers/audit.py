"""`GET /api/rbac/audit`: the trail of changes and denied requests, newest first, a page at a
time; `GET /api/rbac/audit/export`: all of what the filters pick, as CSV or JSON lines."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone

from ..errors import InvalidInput
from ..store import AuditRecord
from .base import RBACHandler, api

# The export's formats: (media type, file extension).
EXPORT_FORMATS = {"csv": ("text/csv", "csv"), "jsonl": ("application/jsonl", "jsonl")}
CSV_COLUMNS = ("id", "at", "actor", "kind", "action", "target", "detail")
# A spreadsheet runs a cell that starts with one of these as a formula: such text is exported
# with a leading apostrophe (OWASP's advice on CSV injection). Targets are user-given paths.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class AuditHandler(RBACHandler):
    def audit_filters(self) -> dict:
        """The filters of the trail shared by the page and the export."""
        return {
            "actor": self.get_query_argument("actor", None),
            "target": self.get_query_argument("target", None),
            "kind": self.get_query_argument("kind", None),
            "action": self.get_query_argument("action", None),
            "since": self.time_argument("since"),
            "until": self.time_argument("until"),
        }

    @api
    def get(self) -> None:
        limit = self.int_argument("limit", 100, 1, 1000)
        offset = self.int_argument("offset", 0, 0)
        before = self.int_argument("before", None, 1)
        filters = {
            "limit": limit + 1,  # one more: is there a next page?
            "offset": offset,
            "before": before,
            **self.audit_filters(),
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


class AuditExportHandler(AuditHandler):
    @api
    async def get(self) -> None:
        """Every event the filters pick, newest first, written out a chunk at a time."""
        self.service.require(self.actor, "read", "audit")  # before judging the question
        chosen = self.get_query_argument("format", "csv")
        if chosen not in EXPORT_FORMATS:
            raise InvalidInput(f"format: {chosen!r}; csv or jsonl")
        chunks = self.service.audit_export(self.actor, self.audit_filters())
        first = next(chunks, [])  # read before any header goes out: a failure is still JSON
        media_type, extension = EXPORT_FORMATS[chosen]
        day = datetime.now(timezone.utc).strftime("%Y-%m-%d")
        self.set_header("Content-Type", f"{media_type}; charset=utf-8")
        self.set_header(
            "Content-Disposition", f'attachment; filename="jupyter-rbac-audit-{day}.{extension}"'
        )
        write = _csv_lines if chosen == "csv" else _json_lines
        self.write(write(first, header=True))
        await self.flush()  # the headers go now: APIHandler.finish would call it JSON
        for chunk in chunks:
            self.write(write(chunk, header=False))
            await self.flush()
        self.finish()


def _json_lines(events: list[AuditRecord], header: bool) -> str:
    return "".join(json.dumps(event.to_json()) + "\n" for event in events)


def _csv_lines(events: list[AuditRecord], header: bool) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if header:
        writer.writerow(CSV_COLUMNS)
    for event in events:
        row = event.to_json()
        row["detail"] = json.dumps(row["detail"], sort_keys=True)
        writer.writerow([_cell(row[column]) for column in CSV_COLUMNS])
    return out.getvalue()


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
