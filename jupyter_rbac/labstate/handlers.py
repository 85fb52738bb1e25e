"""JupyterLab's settings, workspaces and translations handlers, answering each signed-in user
with their own state. The route guard dispatches these instead of jupyterlab_server's
(`lab_handler_substitutes`): same URLs, same shapes, so JupyterLab's frontend needs no change.

A user reads their own settings and workspaces with `read:lab` on themselves (the `user` role's
`read:lab!user={user}`) and changes them with `write:lab` on themselves; the settings are served
over the server-wide defaults (LabState.defaults), and a workspace without the documents its
user may no longer read (readable_workspace), nor anything naming such a document.
"""

from __future__ import annotations

import inspect
import json
from typing import Any

from jupyterlab_server.settings_handler import SettingsHandler
from jupyterlab_server.translations_handler import TranslationsHandler
from jupyterlab_server.workspaces_handler import WORKSPACE_EXTENSION, WorkspacesHandler, slugify
from tornado import web

from ..enforcement.guard import ScopeDenied
from ..enforcement.routes import READ_METHODS
from ..limits import MAX_LAB_STATE_BYTES, MAX_WORKSPACES_PER_USER
from ..services import Actor
from .state import LabState, is_plugin_id
from .workspaces import PathReader, readable_workspace


class OwnLabState:
    """After sign-in: the handler works on its user's own folders, if that user may (GET: read
    their own JupyterLab state; other methods: change it), else 403 naming the scope."""

    async def prepare(self, *args: Any, **kwargs: Any) -> None:
        result = super().prepare(*args, **kwargs)  # type: ignore[misc]
        if inspect.isawaitable(result):
            await result
        user = getattr(self, "current_user", None)
        if self._finished or not user:  # type: ignore[attr-defined]  # @web.authenticated answers
            return
        action = "read" if self.request.method in READ_METHODS else "write"  # type: ignore[attr-defined]
        if not self.may_own(action, user):
            raise ScopeDenied(f"{action}:lab!user={user.username}")
        if len(self.request.body or b"") > MAX_LAB_STATE_BYTES:  # type: ignore[attr-defined]
            raise web.HTTPError(400, f"at most {MAX_LAB_STATE_BYTES:,} bytes of settings or layout")
        self.use_state_of(self.settings["rbac_lab_state"], user.username)  # type: ignore[attr-defined]

    def may_own(self, action: str, user: Any) -> bool:
        permissions = self.authorizer.permissions_for(self, user)  # type: ignore[attr-defined]
        service = self.settings["rbac_service"]  # type: ignore[attr-defined]
        return service.may(Actor(user.username, permissions), action, "lab", user=user.username)

    def use_state_of(self, state: LabState, username: str) -> None:
        raise NotImplementedError


class _OwnSettings(OwnLabState):
    """For jupyterlab_server's SchemaHandler family: the user's settings folder, and the
    install's overrides with the server-wide defaults over them."""

    def use_state_of(self, state: LabState, username: str) -> None:
        self.settings_dir = state.settings_folder(username)
        self.overrides = state.overrides_over(self.overrides)  # type: ignore[has-type]


class OwnSettingsHandler(_OwnSettings, SettingsHandler):  # type: ignore[misc]
    """/lab/api/settings: the user's own settings."""

    @web.authenticated
    def get(self, schema_name: str = "") -> Any:
        _require_plugin_id(schema_name)
        try:
            return super().get(schema_name)
        except web.HTTPError as error:  # jupyterlab_server's 404 names the schema's file
            if error.status_code != 404:
                raise
            raise web.HTTPError(404, f"no settings plugin {schema_name!r}") from None

    @web.authenticated
    def put(self, schema_name: str = "") -> None:
        if not schema_name:
            raise web.HTTPError(400, "name the settings plugin: PUT /lab/api/settings/PLUGIN")
        _require_plugin_id(schema_name)
        try:
            super().put(schema_name)
        except ValueError as error:  # json5's: jupyterlab_server lets it through as a 500
            raise web.HTTPError(400, f"raw: not JSON5 ({error})") from None


def _require_plugin_id(name: str) -> None:
    """A 400 unless `name` (if any) is a settings plugin's id: jupyterlab_server takes it as a
    path, so `/any/folder:file` or `../` would reach files anywhere."""
    if name and not is_plugin_id(name):
        raise web.HTTPError(
            400,
            f"{name!r} is not a settings plugin id (`package:plugin`, as"
            " `@jupyterlab/apputils-extension:themes`)",
        )


class OwnTranslationsHandler(_OwnSettings, TranslationsHandler):  # type: ignore[misc]
    """/lab/api/translations: language packs, named in the user's own language setting."""


class OwnWorkspacesHandler(OwnLabState, WorkspacesHandler):  # type: ignore[misc]
    """/lab/api/workspaces: the user's own workspaces, without documents they may not read."""

    def use_state_of(self, state: LabState, username: str) -> None:
        self.manager = state.workspaces(username)

    @web.authenticated
    def put(self, space_name: str = "") -> None:
        # counted by their files, as the manager names them: JupyterLab saves at every change,
        # and loading every workspace to count them would read up to 100 x 2 MB each time
        folder = self.manager.workspaces_dir
        saved = list(folder.glob(f"*{WORKSPACE_EXTENSION}"))
        new = not (folder / f"{slugify(space_name)}{WORKSPACE_EXTENSION}").exists()
        if new and len(saved) >= MAX_WORKSPACES_PER_USER:
            raise web.HTTPError(
                400,
                f"at most {MAX_WORKSPACES_PER_USER} workspaces each: delete one to save another",
            )
        super().put(space_name)

    @web.authenticated
    def delete(self, space_name: str = "") -> None:
        # jupyterlab_server's needs a name, and answers a request without one with a TypeError
        super().delete(space_name)

    @web.authenticated
    async def get(self, space_name: str = "") -> None:
        permissions = self.authorizer.permissions_for(self, self.current_user)
        reader = PathReader(permissions, getattr(self.contents_manager, "root_dir", None))
        if space_name:
            workspace = readable_workspace(self.manager.load(space_name), reader)
            self.finish(json.dumps(workspace))
            return
        values = [readable_workspace(each, reader) for each in self.manager.list_workspaces()]
        ids = [each["metadata"]["id"] for each in values]
        self.finish(json.dumps({"workspaces": {"ids": ids, "values": values}}))


def lab_handler_substitutes() -> dict[type, type]:
    """jupyterlab_server's handlers, and the ones to dispatch in their place."""
    return {
        SettingsHandler: OwnSettingsHandler,
        TranslationsHandler: OwnTranslationsHandler,
        WorkspacesHandler: OwnWorkspacesHandler,
    }
