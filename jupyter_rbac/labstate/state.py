"""Where each user's JupyterLab settings and workspaces live, and the server-wide defaults.

Files, under Jupyter's data folder (`<data>/rbac-lab/`), not the policy database: settings belong
to one JupyterLab install (its extensions' schemas validate them, with jupyterlab_server's own
code), while one policy may serve servers with other extensions; and the data folder is out of
every sandbox's reach, so code cannot read another user's layout nor change the defaults.

    rbac-lab/defaults/overrides.json          {plugin id: {setting: value}}, as JupyterLab's own
                                              overrides.json: what every user starts from
    rbac-lab/users/NAME-KEY/settings/...      a user's own settings, as JupyterLab stores them
    rbac-lab/users/NAME-KEY/workspaces/...    a user's own workspaces (layouts)

KEY is the user record's random key: a user made again with a deleted user's name starts clean.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import json5
from jupyterlab_server.settings_utils import get_settings, save_settings
from jupyterlab_server.workspaces_handler import WorkspacesManager
from tornado import web

SETTINGS_EXTENSION = ".jupyterlab-settings"
# A settings plugin's id, `package:plugin`, the package maybe `@scope/name`: jupyterlab_server
# keeps it at settings/package/plugin.jupyterlab-settings and reads its schema beside it, so an id
# is a path, and nothing else may pass (an id `/any/folder:file` read and wrote files anywhere).
PLUGIN_ID = re.compile(r"(@[^/:@\\]+/)?[^/:@.\\][^/:\\]*:[^/:\\]+")


def is_plugin_id(text: str) -> bool:
    """Is `text` a settings plugin's id, as JupyterLab names them (never a path elsewhere)?"""
    return bool(PLUGIN_ID.fullmatch(text)) and text.isprintable()


FOLDER_MODE = 0o700


class LabUnavailable(Exception):
    """A plugin the server does not know, or settings its schema refuses: `message` says which."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class LabState:
    """The settings and workspaces of one server's users, and its defaults.

    `root`: the folder of it all; `record_key_of`: a user's record key (None for users the
    policy does not list, as under JupyterHub).
    """

    def __init__(
        self,
        root: str,
        record_key_of: Callable[[str], str | None],
        find_lab: Callable[[], Any] = lambda: None,
        log: logging.Logger | None = None,
    ) -> None:
        self.root = Path(root)
        self.record_key_of = record_key_of
        self.find_lab = find_lab  # JupyterLab's extension app, once every extension loaded
        self.log = log or logging.getLogger(__name__)
        # JupyterLab's own places, as its settings handler has them (`_ready`)
        self.app_settings_dir = ""
        self.schemas_dir = ""
        self.labextensions_path: list[str] = []
        self._found = False

    def _ready(self) -> None:
        """At first use: learn JupyterLab's places; on the first start that keeps settings per
        user, the settings JupyterLab kept for everyone become the defaults (once)."""
        if self._found:
            return
        lab_app = self.find_lab()
        if lab_app is None:
            return
        self._found = True
        self.app_settings_dir = lab_app.app_settings_dir
        self.schemas_dir = lab_app.schemas_dir
        self.labextensions_path = [*lab_app.extra_labextensions_path, *lab_app.labextensions_path]
        adopted = self.adopt_shared_settings(lab_app.user_settings_dir)
        if adopted:
            self.log.warning(
                "jupyter-rbac: JupyterLab now keeps settings per user; the settings it kept for"
                " everyone (%s) are the server-wide defaults: %s",
                lab_app.user_settings_dir,
                ", ".join(adopted),
            )

    # -- places ----------------------------------------------------------------------------------

    @property
    def defaults_file(self) -> Path:
        return self.root / "defaults" / "overrides.json"

    def folder_of(self, username: str) -> Path:
        key = self.record_key_of(username)
        name = quote(username, safe="")
        return self.root / "users" / (f"{name}-{key}" if key else name)

    def settings_folder(self, username: str) -> str:
        self._ready()
        return str(self._made(self.folder_of(username) / "settings"))

    def workspaces(self, username: str) -> WorkspacesManager:
        return WorkspacesManager(str(self._made(self.folder_of(username) / "workspaces")))

    def _made(self, folder: Path) -> Path:
        folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        return folder

    # -- the defaults ------------------------------------------------------------------------------

    def defaults(self) -> dict[str, dict[str, Any]]:
        """The server-wide defaults: {plugin id: {setting: value}}."""
        self._ready()
        try:
            text = self.defaults_file.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        data = json.loads(text)
        return data if isinstance(data, dict) else {}

    def overrides_over(self, install: dict[str, Any]) -> dict[str, Any]:
        """What every user's settings start from: the install's own overrides (`install`, as
        JupyterLab reads them), with the server-wide defaults over them."""
        merged = {plugin: dict(values) for plugin, values in install.items()}
        for plugin, values in self.defaults().items():
            merged.setdefault(plugin, {}).update(values)
        return merged

    def set_default(self, plugin: str, values: dict[str, Any]) -> dict[str, Any]:
        """Make `values` the defaults of `plugin` (replacing its earlier ones); LabUnavailable if
        the plugin is unknown or its schema refuses them. Returns the defaults of all plugins."""
        self.require_plugin(plugin)
        with tempfile.TemporaryDirectory() as scratch:  # jupyterlab_server's own validation
            try:
                save_settings(
                    self.schemas_dir,
                    scratch,
                    plugin,
                    json.dumps(values),
                    {},
                    self.labextensions_path,
                )
            except Exception as error:  # noqa: BLE001  # jsonschema's and json5's errors alike
                message = getattr(error, "message", None) or str(error)
                where = "/".join(str(part) for part in getattr(error, "path", ()))
                where = f"{where}: " if where else ""
                raise LabUnavailable(f"the settings of {plugin!r}: {where}{message}") from None
        defaults = self.defaults()
        defaults[plugin] = values
        self._write_defaults(defaults)
        return defaults

    def reset_default(self, plugin: str) -> bool:
        """Drop the defaults of `plugin`; False if it had none."""
        defaults = self.defaults()
        if defaults.pop(plugin, None) is None:
            return False
        self._write_defaults(defaults)
        return True

    def _write_defaults(self, defaults: dict[str, Any]) -> None:
        folder = self._made(self.defaults_file.parent)
        fd, scratch = tempfile.mkstemp(dir=folder, prefix=".overrides-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            json.dump(defaults, file, indent=2, sort_keys=True)
        os.replace(scratch, self.defaults_file)  # readers see the old file or the new one

    # -- a user's settings -----------------------------------------------------------------------

    def require_plugin(self, plugin: str) -> None:
        """LabUnavailable (404) unless this JupyterLab has a settings schema `plugin`."""
        self._ready()
        if not self.schemas_dir:
            raise LabUnavailable("JupyterLab is not running on this server", 404)
        try:
            get_settings(
                self.app_settings_dir,
                self.schemas_dir,
                str(self.root / "defaults" / "no-user-settings"),  # never made: nobody's values
                schema_name=plugin,
                overrides={},
                labextensions_path=self.labextensions_path,
            )
        except web.HTTPError as error:
            raise LabUnavailable(f"no settings named {plugin!r} here", 404) from error

    def stored_settings(self, username: str) -> dict[str, str]:
        """The settings `username` chose, as stored: {plugin id: raw text} (no defaults)."""
        folder = self.folder_of(username) / "settings"
        found: dict[str, str] = {}
        if not folder.is_dir():
            return found
        for path in sorted(folder.rglob(f"*{SETTINGS_EXTENSION}")):
            relative = path.relative_to(folder).as_posix()[: -len(SETTINGS_EXTENSION)]
            package, _, name = relative.rpartition("/")
            found[f"{package}:{name}"] = path.read_text(encoding="utf-8")
        return found

    def reset_settings(self, username: str, plugin: str | None = None) -> bool:
        """Forget what `username` chose (for `plugin` only, if given); False if nothing was."""
        folder = self.folder_of(username) / "settings"
        if plugin is None:
            if not folder.is_dir():
                return False
            shutil.rmtree(folder)
            return True
        package, _, name = plugin.partition(":")
        path = folder / package / f"{name}{SETTINGS_EXTENSION}"
        inside = not Path(package).is_absolute() and ".." not in Path(package, name).parts
        if not name or not inside or not path.is_file():
            return False
        path.unlink()
        return True

    def reset_workspaces(self, username: str, workspace: str | None = None) -> bool:
        """Forget `username`'s workspaces (or the one named `workspace`); False if none was."""
        if workspace is not None:
            try:
                self.workspaces(username).delete(workspace)
            except FileNotFoundError:
                return False
            return True
        folder = self.folder_of(username) / "workspaces"
        if not folder.is_dir() or not any(folder.iterdir()):
            return False
        shutil.rmtree(folder)
        return True

    # -- the first start of this version ----------------------------------------------------------

    @property
    def adopted_marker(self) -> Path:
        return self.root / "defaults" / "adopted-shared-settings"

    def adopt_shared_settings(self, shared_folder: str) -> list[str] | None:
        """Once, on the first start that keeps settings per user: the settings JupyterLab kept
        for everyone (`shared_folder`, its user_settings_dir) become the server-wide defaults,
        under any defaults already set. Returns the plugins adopted, or None if this was done
        before. Unreadable files are skipped (named in the list as `plugin (unreadable)`)."""
        if self.adopted_marker.exists():
            return None
        adopted: list[str] = []
        defaults = self.defaults()
        folder = Path(shared_folder) if shared_folder else None
        if folder is not None and folder.is_dir():
            for path in sorted(folder.rglob(f"*{SETTINGS_EXTENSION}")):
                relative = path.relative_to(folder).as_posix()[: -len(SETTINGS_EXTENSION)]
                package, _, name = relative.rpartition("/")
                plugin = f"{package}:{name}"
                try:
                    values = json5.loads(path.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    adopted.append(f"{plugin} (unreadable)")
                    continue
                if isinstance(values, dict) and values:
                    defaults[plugin] = {**values, **defaults.get(plugin, {})}
                    adopted.append(plugin)
        if any(not entry.endswith("(unreadable)") for entry in adopted):
            self._write_defaults(defaults)
        self._made(self.adopted_marker.parent)
        self.adopted_marker.write_text(f"{shared_folder}\n", encoding="utf-8")
        return adopted
