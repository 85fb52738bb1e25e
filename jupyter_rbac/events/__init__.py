"""The audit trail as jupyter_events events: one schema per kind of event, in this folder.

Every audit row (a policy change, a denied request) is also emitted on the server's event
logger, so the trail reaches whatever handlers the server's operators configured.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from jupyter_events import EventLogger
from tornado.ioloop import IOLoop

from ..store import AuditRecord

SCHEMAS = Path(__file__).parent
KINDS = (
    "role",
    "user",
    "group",
    "token",
    "invitation",
    "share",
    "request",
    "policy",
    "sandbox",
    "lab",
)
SCHEMA_PREFIX = "https://events.jupyter.org/jupyter_rbac/"  # every schema of ours starts so
# Notices sent to one subscriber alone, not audit rows: their schemas are known to the logger,
# which never emits them.
NOTICES = ("permissions",)


def schema_id(kind: str) -> str:
    return f"{SCHEMA_PREFIX}{kind}/v1"


class EventEmitter:
    """Registers our schemas on the server's EventLogger and emits each audit record there."""

    def __init__(self, logger: EventLogger):
        self.logger = logger
        # The server's loop: the logger's listeners (event stream subscribers) run on it.
        self.loop = IOLoop.current(instance=False)
        for kind in KINDS + NOTICES:
            logger.register_event_schema(SCHEMAS / kind / "v1.yaml")

    def emit(self, record: AuditRecord) -> None:
        """Emit on the server's loop. A change written from a worker thread (a password is
        hashed in one) is handed over: the logger schedules its listeners on the running loop,
        and a thread has none, which made the request fail after its change was saved."""
        if record.kind not in KINDS:
            return
        if self.loop is not None and not _on_a_running_loop():
            self.loop.add_callback(self._emit, record)
        else:
            self._emit(record)

    def _emit(self, record: AuditRecord) -> None:
        self.logger.emit(
            schema_id=schema_id(record.kind),
            data={
                "audit_id": record.id,
                "action": record.action,
                "actor": record.actor,
                "target": record.target,
                "detail": record.detail,
            },
        )


def _on_a_running_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
