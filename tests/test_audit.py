"""Every change and every denied request: an audit row, and the same event on the server's event bus."""

from __future__ import annotations

import csv
import io
import json
import logging

import pytest

from jupyter_rbac.events import KINDS, NOTICES, schema_id

pytestmark = pytest.mark.slow  # a server for each test: outside the fast subset

AUDIT = ("api", "rbac", "audit")


class Collected(logging.Handler):
    """Events as jupyter_events hands them to a logging handler (one JSON record each)."""

    def __init__(self):
        super().__init__()
        self.events: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.events.append(record.msg)


@pytest.fixture
def events(jp_serverapp):
    handler = Collected()
    jp_serverapp.event_logger.register_handler(handler)
    yield handler.events
    jp_serverapp.event_logger.remove_handler(handler)


async def test_a_change_is_an_audit_row_and_an_event(admin, events):
    await admin.post("api", "rbac", "roles", body={"name": "dev", "scopes": ["read:contents"]})
    await admin.patch("api", "rbac", "roles", "dev", body={"scopes": ["read:kernels"]})
    status, trail = await admin.get(*AUDIT, params={"target": "dev"})
    assert status == 200
    assert [(e["action"], e["actor"], e["kind"]) for e in trail["items"]] == [
        ("role.update", "admin", "role"),
        ("role.create", "admin", "role"),
    ]
    assert trail["items"][0]["detail"]["scopes"] == {
        "added": ["read:kernels"],
        "removed": ["read:contents"],
    }
    emitted = [e for e in events if e["__schema__"] == schema_id("role")]
    assert [(e["action"], e["target"], e["audit_id"]) for e in emitted] == [
        ("role.create", "dev", trail["items"][1]["id"]),
        ("role.update", "dev", trail["items"][0]["id"]),
    ]


async def test_a_denied_request_is_recorded(viewer, admin, events):
    status, _ = await viewer.put(
        "api", "contents", "x.txt", body={"type": "file", "format": "text", "content": ""}
    )
    assert status == 403
    _, trail = await admin.get(*AUDIT, params={"kind": "request", "actor": "vera"})
    denial = trail["items"][0]
    assert denial["action"] == "request.denied"
    assert denial["target"].startswith("PUT ") and denial["target"].endswith("/api/contents/x.txt")
    assert denial["detail"] == {"missing_scope": "write:contents"}
    assert any(e["__schema__"] == schema_id("request") and e["actor"] == "vera" for e in events)


async def test_a_denial_does_not_invalidate_the_policy(viewer, rbac):
    version = rbac.store.version()
    await viewer.put(
        "api", "contents", "x.txt", body={"type": "file", "format": "text", "content": ""}
    )
    assert rbac.store.version() == version


async def test_tokens_never_reach_the_trail(nobody, admin, events):
    _, token = await nobody.post("api", "rbac", "users", "nora", "tokens", body={"note": "ci"})
    _, trail = await admin.get(*AUDIT, params={"kind": "token"})
    assert trail["items"][0]["detail"]["id"] == token["id"]
    assert token["token"] not in str(trail) and token["token"] not in str(events)


async def test_the_trail_pages_with_a_cursor_newest_first(admin):
    for index in range(5):
        await admin.post("api", "rbac", "groups", body={"name": f"g{index}"})
    _, first = await admin.get(*AUDIT, params={"kind": "group", "limit": "2"})
    assert [e["target"] for e in first["items"]] == ["g4", "g3"]
    _, second = await admin.get(
        *AUDIT, params={"kind": "group", "limit": "2", "before": str(first["next_cursor"])}
    )
    assert [e["target"] for e in second["items"]] == ["g2", "g1"]
    assert first["total"] == second["total"] >= 5
    _, last = await admin.get(
        *AUDIT, params={"kind": "group", "limit": "100", "before": str(second["next_cursor"])}
    )
    assert last["next_cursor"] is None  # the last page does not point to an empty one


async def test_the_trail_filters_by_time(admin):
    _, trail = await admin.get(*AUDIT, params={"since": "2100-01-01T00:00:00Z"})
    assert trail["items"] == [] and trail["total"] == 0
    _, trail = await admin.get(*AUDIT, params={"until": "2100-01-01T00:00:00+00:00", "limit": "1"})
    assert len(trail["items"]) == 1


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"since": "yesterday"}, "since: 'yesterday' is not an ISO 8601"),
        ({"until": "2026-01-01T00:00:00"}, "give a time zone"),
        ({"before": "x"}, "before:"),
    ],
)
async def test_bad_trail_filters_are_400(admin, params, message):
    status, payload = await admin.get(*AUDIT, params=params)
    assert status == 400 and message in payload["message"]


async def test_reading_the_trail_needs_read_audit(viewer):
    status, payload = await viewer.get(*AUDIT)
    assert (status, payload["missing_scope"]) == (403, "read:audit")


def test_every_kind_and_notice_has_a_schema_that_jupyter_events_accepts():
    from jupyter_events import EventLogger

    from jupyter_rbac.events import EventEmitter

    logger = EventLogger()
    EventEmitter(logger)
    assert sorted(logger.schemas.schema_ids) == sorted(schema_id(kind) for kind in KINDS + NOTICES)


async def test_the_trail_exports_as_csv_and_json_lines_with_its_filters(admin, jp_fetch):
    for name in ("first", "second"):
        assert (await admin.post("api", "rbac", "roles", body={"name": name}))[0] == 201
    status, page = await admin.get("api", "rbac", "audit", params={"kind": "role"})
    assert status == 200
    params = {"format": "jsonl", "kind": "role"}
    response = await jp_fetch(
        "api", "rbac", "audit", "export", params=params, headers=admin.headers
    )
    assert response.headers["Content-Type"] == "application/jsonl; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="jupyter-rbac-audit-')
    lines = [json.loads(line) for line in response.body.decode().splitlines()]
    assert lines == page["items"]  # the same events, newest first, as the API shows them
    response = await jp_fetch(
        "api", "rbac", "audit", "export", params={"kind": "role"}, headers=admin.headers
    )
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.body.decode())))
    assert [int(row["id"]) for row in rows] == [event["id"] for event in page["items"]]
    assert json.loads(rows[0]["detail"]) == page["items"][0]["detail"]


def test_an_exported_cell_never_runs_as_a_spreadsheet_formula():
    """Targets are user-given (paths, names): a cell a spreadsheet would run as a formula is
    exported with a leading apostrophe (OWASP's advice on CSV injection)."""
    from datetime import datetime, timezone

    from jupyter_rbac.handlers.audit import _csv_lines
    from jupyter_rbac.store import AuditRecord

    moment = datetime(2026, 12, 2, tzinfo=timezone.utc)
    event = AuditRecord(7, moment, "@ann", "request.denied", '=HYPERLINK("x")', {"a": 1})
    (row,) = csv.DictReader(io.StringIO(_csv_lines([event], header=True)))
    assert (row["actor"], row["target"]) == ("'@ann", '\'=HYPERLINK("x")')
    assert (row["id"], row["kind"], json.loads(row["detail"])) == ("7", "request", {"a": 1})


async def test_exporting_needs_read_audit_and_a_known_format(viewer, admin):
    status, answer = await viewer.get("api", "rbac", "audit", "export")
    assert status == 403 and answer["missing_scope"] == "read:audit"
    status, answer = await admin.get("api", "rbac", "audit", "export", params={"format": "xlsx"})
    assert status == 400 and "format: 'xlsx'" in answer["message"]


async def test_an_export_reads_the_trail_chunk_after_chunk(rbac, admin):
    from jupyter_rbac.services import Actor

    for name in ("r1", "r2", "r3", "r4", "r5"):
        rbac.store.create_role(name, [])
    whole = rbac.store.page_audit(limit=1000).items
    chunks = list(rbac.service.audit_export(Actor.system(), {}, chunk=2))
    assert [len(chunk) for chunk in chunks[:-1]] == [2] * (len(chunks) - 1)
    assert [event.id for chunk in chunks for event in chunk] == [event.id for event in whole]


async def test_an_export_refused_names_the_scope_whatever_else_is_wrong(viewer):
    status, answer = await viewer.get("api", "rbac", "audit", "export", params={"format": "xml"})
    assert status == 403 and answer["missing_scope"] == "read:audit"
