"""The audit trail as jupyter_events events: one schema per kind of event, in this folder.

Every audit row (a policy change, a denied request) is also emitted on the server's event
logger, so the trail reaches whatever handlers the server's operators configured.
"""

from __future__ import annotations

from pathlib import Path

from jupyter_events import EventLogger

from ..store import AuditRecord

SCHEMAS = Path(__file__).parent
KINDS = ("role", "user", "group", "token", "invitation", "request", "policy", "sandbox", "lab")
SCHEMA_PREFIX = "https://events.jupyter.org/jupyter_rbac/"  # every schema of ours starts so


def schema_id(kind: str) -> str:
    return f"{SCHEMA_PREFIX}{kind}/v1"


class EventEmitter:
    """Registers our schemas on the server's EventLogger and emits each audit record there."""

    def __init__(self, logger: EventLogger):
        self.logger = logger
        for kind in KINDS:
            logger.register_event_schema(SCHEMAS / kind / "v1.yaml")

    def emit(self, record: AuditRecord) -> None:
        if record.kind not in KINDS:
            return
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
