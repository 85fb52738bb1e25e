"""A real Jupyter Server (pytest-jupyter) with jupyter-rbac on a real SQLite file, and users to act as."""

from __future__ import annotations

import itertools

import pytest
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

from .support.browser_session import BrowserSession
from .support.client import Client
from .support.markers import POSTGRESQL
from .support.openid import IssuerProcess
from .support.postgres import start_cluster

pytest_plugins = ["pytest_jupyter.jupyter_server"]


_database_names = itertools.count()


@pytest.fixture(scope="session")
def postgres():
    """A private PostgreSQL cluster on loopback for the whole run (tests/support/postgres.py)."""
    cluster = start_cluster()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", POSTGRESQL])
def db_url(request, tmp_path) -> str:
    """A fresh policy database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'policy.sqlite'}"
    return request.getfixturevalue("postgres").create_database(f"rbac_{next(_database_names)}")


@pytest.fixture
def issuer():
    """An OpenID Connect issuer on loopback, steered by the test (see tests/support/openid.py)."""
    process = IssuerProcess()
    yield process
    process.stop()


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


@pytest.fixture
def browser_of(jp_fetch, jp_http_port, jp_base_url):
    """browser_of(client) -> a browser signed in as that user through the login page (their own
    token in the password box), with `.websocket(*parts)` opening one from the server's own origin."""

    async def sign_in(client) -> BrowserSession:
        browser = BrowserSession(jp_fetch)
        response = await browser.submit(
            ("login",), ("login",), {"username": client.name, "password": client.token}
        )
        assert response.code == 302, response.code

        async def websocket(*parts: str):
            cookie = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
            url = f"ws://127.0.0.1:{jp_http_port}{jp_base_url}{'/'.join(parts)}"
            own = f"http://127.0.0.1:{jp_http_port}"
            return await websocket_connect(
                HTTPRequest(url, headers={"Cookie": cookie, "Origin": own})
            )

        browser.websocket = websocket
        return browser

    return sign_in
