"""`RBACService`: every use case of the policy in one object, over one store and catalog.

The REST handlers and the `jupyter rbac` command line both go through it, so the rules
(rules.py) hold whichever way a change arrives. Its methods live by subject: start-up
(startup.py), roles, users, groups, tokens and shares (their modules), and the audit trail here.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Catalog
from ..policy import Policy
from ..store import AuditRecord, Page, Store
from .groups import GroupAdministration
from .roles import RoleAdministration
from .rules import Actor
from .shares import ShareAdministration
from .startup import StartUp
from .tokens import TokenAdministration
from .users import UserAdministration


class RBACService(
    StartUp,
    RoleAdministration,
    UserAdministration,
    GroupAdministration,
    TokenAdministration,
    ShareAdministration,
):
    def __init__(self, store: Store, catalog: Catalog, policy: Policy | None = None):
        self.store = store
        self.catalog = catalog
        self._policy = policy

    @property
    def policy(self) -> Policy:
        """The server passes its live policy; the shell gets one of its own, made when needed."""
        if self._policy is None:
            self._policy = Policy(self.store, self.catalog)
        return self._policy

    def audit(self, actor: Actor, filters: dict) -> Page[AuditRecord]:
        """The trail; `filters` are Store.page_audit's (limit, before, actor, target, kind, ...)."""
        self.require(actor, "read", "audit")
        return self.store.page_audit(**filters)

    def audit_export(
        self, actor: Actor, filters: dict, chunk: int = 1000
    ) -> Iterator[list[AuditRecord]]:
        """The whole trail `filters` pick (actor, target, kind, action, since, until), newest
        first, `chunk` events at a time: each chunk is one short read, so an export of a long
        trail holds no transaction open and no more than a chunk in memory."""
        self.require(actor, "read", "audit")
        before = None
        while True:
            page = self.store.page_audit(limit=chunk, before=before, counted=False, **filters)
            if not page.items:
                return
            yield page.items
            before = page.items[-1].id
