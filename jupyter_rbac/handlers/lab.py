"""/api/rbac/users/{name}/lab/...: a user's JupyterLab settings and workspaces, read and reset by
those whose `lab` scopes name that user; /api/rbac/lab/defaults: the server-wide defaults.
(Each user's own are JupyterLab's own /lab/api/settings and /lab/api/workspaces.)"""

from __future__ import annotations

from ..errors import InvalidInput, NotFound
from ..labstate.administration import LabAdministration
from ..labstate.state import is_plugin_id
from ..labstate.workspaces import PathReader
from .base import RBACHandler, api


def plugin_id(text: str) -> str:
    """`text` if it names a settings plugin as JupyterLab does; else a 400 naming the problem."""
    if not is_plugin_id(text):
        raise InvalidInput(
            f"plugin: {text!r} is not a settings plugin id (`package:plugin`, as"
            " `@jupyterlab/apputils-extension:themes`)"
        )
    return text


class LabHandler(RBACHandler):
    @property
    def lab(self) -> LabAdministration:
        return self.settings["rbac_lab_administration"]

    def reader(self) -> PathReader:
        """What the caller may read of the server's files (not the workspace's owner)."""
        root = getattr(self.contents_manager, "root_dir", None)
        return PathReader(self.actor.permissions, root)


class UserLabSettingsHandler(LabHandler):
    @api
    def get(self, name: str, plugin: str | None = None) -> None:
        if plugin is not None:
            plugin_id(plugin)
        stored = self.lab.settings_of(self.actor, name)
        if plugin is None:
            self.send_json({"username": name, "user": name, "settings": stored})
        else:
            self.send_json(
                {"username": name, "user": name, "id": plugin, "raw": stored.get(plugin)}
            )

    @api
    def delete(self, name: str, plugin: str | None = None) -> None:
        if plugin is not None:
            plugin_id(plugin)
        self.lab.reset_settings(self.actor, name, plugin)
        self.no_content()


class UserLabWorkspacesHandler(LabHandler):
    @api
    def get(self, name: str, workspace: str | None = None) -> None:
        found = self.lab.workspaces_of(self.actor, name, self.reader())
        if workspace is None:
            self.send_json({"username": name, "user": name, "workspaces": found})
            return
        wanted = workspace.lstrip("/")
        for each in found:
            if str(each.get("metadata", {}).get("id", "")).lstrip("/") == wanted:
                self.send_json(each)
                return
        raise NotFound(f"{name!r} has no workspace {workspace!r}")

    @api
    def delete(self, name: str, workspace: str | None = None) -> None:
        self.lab.reset_workspaces(self.actor, name, workspace)
        self.no_content()


class LabDefaultsHandler(LabHandler):
    @api
    def get(self) -> None:
        self.send_json({"defaults": self.lab.defaults(self.actor)})


class LabDefaultHandler(LabHandler):
    @api
    def get(self, plugin: str) -> None:
        plugin_id(plugin)
        defaults = self.lab.defaults(self.actor)
        self.send_json({"id": plugin, "settings": defaults.get(plugin, {})})

    @api
    def put(self, plugin: str) -> None:
        plugin_id(plugin)
        body = self.json_body("LabDefaultsRequest")
        values = self.lab.set_default(self.actor, plugin, body["settings"])
        self.send_json({"id": plugin, "settings": values})

    @api
    def delete(self, plugin: str) -> None:
        plugin_id(plugin)
        self.lab.reset_default(self.actor, plugin)
        self.no_content()
