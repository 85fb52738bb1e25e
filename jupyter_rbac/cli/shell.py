"""What a command works with: the policy service opened from `--db-url` and the server's config.

Also the two helpers every noun's commands share: reading a whole paged listing, and editing a
list of names. A command line that cannot run raises `Mistake`.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from jupyter_core.application import JupyterApp
from traitlets.config import Config

from ..config import RBAC
from ..errors import InvalidInput
from ..model import Catalog
from ..services import Actor, Listing, RBACService
from ..store import Page, Store

T = TypeVar("T")
PAGE_SIZE = 500


class Mistake(Exception):
    """A command line that cannot run: exit 2 with one line, like argparse's own errors."""


@dataclass(frozen=True)
class Shell:
    """What a command works with: the service on the policy database, and who is acting."""

    service: RBACService
    rbac: RBAC
    actor: Actor

    @property
    def store(self) -> Store:
        return self.service.store


def load_rbac_config(db_url: str | None) -> RBAC:
    """`c.RBAC` as the server would see it, from the jupyter_server_config files."""
    app = JupyterApp()
    app.config_file_name = "jupyter_server_config"
    try:
        app.load_config_file()
    except Exception as error:  # a broken config file should say so, not crash with a traceback
        raise Mistake(f"cannot read the server's config: {error}") from error
    config = Config(app.config)
    if db_url:
        config.RBAC.db_url = db_url
    return RBAC(config=config)


def server_root_dir() -> str:
    """The folder the server serves: `c.ServerApp.root_dir` of its config, else the current one
    (as `jupyter server` started here would serve)."""
    app = JupyterApp()
    app.config_file_name = "jupyter_server_config"
    try:
        app.load_config_file()
    except Exception as error:
        raise Mistake(f"cannot read the server's config: {error}") from error
    root = app.config.get("ServerApp", {}).get("root_dir")
    return str(root) if isinstance(root, str) and root else "."


def shell_actor() -> Actor:
    try:
        login = getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment nor in the password database
        login = "unknown"
    return Actor.system(f"cli:{login}")


@contextmanager
def open_shell(db_url: str | None) -> Iterator[Shell]:
    rbac = load_rbac_config(db_url)
    store = Store.open(rbac.db_url)
    try:
        service = RBACService(store, Catalog())
        service.ensure_defaults()
        yield Shell(service, rbac, shell_actor())
    finally:
        store.close()


def every(fetch: Callable[[Listing], Page[T]], query: str = "") -> list[T]:
    """All items of a paged listing."""
    items: list[T] = []
    while True:
        page = fetch(Listing(limit=PAGE_SIZE, offset=len(items), query=query))
        items.extend(page.items)
        if not page.items or len(items) >= page.total:
            return items


def edited(items: list[str], add: list[str], remove: list[str], missing: str) -> list[str]:
    """`items` with `add` appended (once) and `remove` taken out; removing an absent item is a
    mistake (a typo, most likely), reported with `missing` (formatted with {name})."""
    result = items + [name for name in dict.fromkeys(add) if name not in items]
    for name in remove:
        if name not in result:
            raise InvalidInput(missing.format(name=name))
    return [name for name in result if name not in remove]
