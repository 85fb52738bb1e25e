"""Administering others' JupyterLab state: reading and resetting a user's settings and
workspaces (`read:lab` / `write:lab` naming them: `!user=`, `!group=`, or unfiltered), and the
server-wide defaults (unfiltered `write:lab` to change; any `read:lab` to read). Resets and
changes of the defaults are audited (kind `lab`)."""

from __future__ import annotations

from typing import Any

from ..errors import InvalidInput, NotFound
from ..services import Actor, RBACService
from ..store import check_name
from .state import LabState, LabUnavailable
from .workspaces import PathReader, readable_workspace


class LabAdministration:
    def __init__(self, state: LabState, service: RBACService) -> None:
        self.state = state
        self.service = service

    @property
    def store(self):
        return self.service.store

    # -- one user's ------------------------------------------------------------------------------

    def _require(self, actor: Actor, action: str, username: str) -> None:
        """The scope on that user. A name that is no user has no JupyterLab state, as one whose
        record the reader may not see: both read as empty, so neither tells who exists."""
        check_name("user", username)  # a 400 for what can name no user
        self.service.require(actor, action, "lab", user=username)

    def settings_of(self, actor: Actor, username: str) -> dict[str, str]:
        self._require(actor, "read", username)
        return self.state.stored_settings(username)

    def reset_settings(self, actor: Actor, username: str, plugin: str | None = None) -> None:
        self._require(actor, "write", username)
        if self.state.reset_settings(username, plugin):
            detail = {"plugin": plugin} if plugin else {}
            self.store.record_event(actor.name, "lab.settings.reset", username, **detail)

    def workspaces_of(
        self, actor: Actor, username: str, reader: PathReader
    ) -> list[dict[str, Any]]:
        """`username`'s workspaces, without documents the *reader* may not read."""
        self._require(actor, "read", username)
        return [
            readable_workspace(each, reader)
            for each in self.state.workspaces(username).list_workspaces()
        ]

    def reset_workspaces(self, actor: Actor, username: str, workspace: str | None = None) -> None:
        self._require(actor, "write", username)
        if self.state.reset_workspaces(username, workspace):
            detail = {"workspace": workspace} if workspace else {}
            self.store.record_event(actor.name, "lab.workspaces.reset", username, **detail)

    # -- the defaults ----------------------------------------------------------------------------

    def defaults(self, actor: Actor) -> dict[str, dict[str, Any]]:
        self.service.require_some(actor, "read", "lab")
        return self.state.defaults()

    def set_default(self, actor: Actor, plugin: str, values: Any) -> dict[str, Any]:
        self.service.require(actor, "write", "lab")
        if not isinstance(values, dict):
            raise InvalidInput("settings: must be an object of settings and their values")
        try:
            self.state.set_default(plugin, values)
        except LabUnavailable as error:
            if error.status == 404:
                raise NotFound(error.message) from None
            raise InvalidInput(error.message) from None
        self.store.record_event(actor.name, "lab.defaults.change", plugin, settings=sorted(values))
        return values

    def reset_default(self, actor: Actor, plugin: str) -> None:
        self.service.require(actor, "write", "lab")
        if self.state.reset_default(plugin):
            self.store.record_event(actor.name, "lab.defaults.reset", plugin)
