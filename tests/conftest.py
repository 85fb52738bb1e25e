"""A real Jupyter Server (pytest-jupyter) with jupyter-rbac on a real SQLite file, and users to act as."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable

import pytest
from tornado.httpclient import HTTPClientError

from .postgres import start_cluster

pytest_plugins = ["pytest_jupyter.jupyter_server"]


_database_names = itertools.count()


@pytest.fixture(scope="session")
def postgres():
    """A private PostgreSQL cluster on loopback for the whole run (see tests/postgres.py)."""
    cluster = start_cluster()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """A fresh policy database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'policy.sqlite'}"
    return request.getfixturevalue("postgres").create_database(f"rbac_{next(_database_names)}")


@pytest.fixture
def rbac_db_url(tmp_path) -> str:
    """The test server's policy database (a module may override this with `db_url`)."""
    return f"sqlite:///{tmp_path / 'rbac.sqlite'}"


@pytest.fixture
def rbac_config() -> dict:
    """Extra `c.RBAC` settings for one test (override in a test module)."""
    return {}


@pytest.fixture
def jp_server_config(rbac_db_url, rbac_config, jp_data_dir):
    return {
        # Collaboration's stores in the test's own data folder (not the working directory, not
        # the served root); rooms save quickly.
        "YDocExtension": {"document_save_delay": 0.2},
        "SQLiteYStore": {"db_path": str(jp_data_dir / "ystore.db")},
        "BaseFileIdManager": {"db_path": str(jp_data_dir / "fileid.db")},
        # What a user gets from `pip install jupyter-rbac jupyterlab jupyter-collaboration`.
        "ServerApp": {
            "jpserver_extensions": {
                "jupyter_rbac": True,
                "jupyter_server_terminals": True,
                "jupyterlab": True,
                "jupyter_lsp": True,
                "jupyter_server_fileid": True,
                "jupyter_server_ydoc": True,
            }
        },
        "RBAC": {"db_url": rbac_db_url, "initial_admin": "admin", **rbac_config},
    }


@pytest.fixture
def rbac(jp_serverapp):
    """The loaded jupyter-rbac extension (its store, policy, service and route table)."""
    return jp_serverapp.extension_manager.extension_points["jupyter_rbac"].app


class Client:
    """Requests to the running server as one user, answered as (status, JSON or text)."""

    def __init__(self, fetch: Callable, ws_fetch: Callable, name: str, token: str):
        self._fetch = fetch
        self._ws_fetch = ws_fetch
        self.name = name
        self.token = token
        self.headers = {"Authorization": f"token {token}"}

    async def request(self, method: str, *parts: str, body=None, params=None, headers=None):
        kwargs = {"method": method, "headers": {**self.headers, **(headers or {})}}
        if params:
            kwargs["params"] = params
        if body is not None:
            kwargs["body"] = body if isinstance(body, (str, bytes)) else json.dumps(body)
        elif method in ("POST", "PUT", "PATCH"):
            kwargs["body"] = "{}"
        kwargs["allow_nonstandard_methods"] = True
        try:
            response = await self._fetch(*parts, **kwargs)
        except HTTPClientError as error:
            response = error.response
            if response is None:
                raise
        self.last_headers = response.headers
        text = response.body.decode() if response.body else ""
        try:
            payload = json.loads(text) if text else None
        except ValueError:
            payload = text
        return response.code, payload

    async def get(self, *parts, **kw):
        return await self.request("GET", *parts, **kw)

    async def post(self, *parts, **kw):
        return await self.request("POST", *parts, **kw)

    async def put(self, *parts, **kw):
        return await self.request("PUT", *parts, **kw)

    async def patch(self, *parts, **kw):
        return await self.request("PATCH", *parts, **kw)

    async def delete(self, *parts, **kw):
        return await self.request("DELETE", *parts, **kw)

    async def websocket(self, *parts, params=None):
        return await self._ws_fetch(*parts, headers=self.headers, params=params)


@pytest.fixture
def make_user(rbac, jp_fetch, jp_ws_fetch):
    """make_user(name, roles=[...], groups=[...]) -> Client acting as that user."""

    def make(name: str, roles=(), groups=()) -> Client:
        for group in groups:
            if not rbac.store.group_exists(group):
                rbac.store.create_group(group)
        rbac.store.create_user(name, roles=roles, groups=groups)
        _, token = rbac.store.create_token(name)
        return Client(jp_fetch, jp_ws_fetch, name, token)

    return make


@pytest.fixture
def admin(rbac, jp_fetch, jp_ws_fetch) -> Client:
    _, token = rbac.store.create_token("admin")
    return Client(jp_fetch, jp_ws_fetch, "admin", token)


@pytest.fixture
def viewer(make_user) -> Client:
    return make_user("vera", roles=["viewer"])


@pytest.fixture
def editor(make_user) -> Client:
    return make_user("eddie", roles=["editor"])


@pytest.fixture
def runner(make_user) -> Client:
    return make_user("rita", roles=["runner"], groups=["analyst"])


@pytest.fixture
def nobody(make_user) -> Client:
    """A signed-in user with no role but the implicit `user` role."""
    return make_user("nora")
