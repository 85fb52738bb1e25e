"""Upgrading from a plain Jupyter Server: its password carries over to the first administrator,
the settings jupyter-rbac replaces are named at start with what replaces them, and a refused start
stops cleanly with only its real error."""

from __future__ import annotations

import pytest
from jupyter_server.auth.security import passwd
from jupyter_server.serverapp import ServerApp

from jupyter_rbac.model import Catalog
from jupyter_rbac.services import RBACService
from jupyter_rbac.store import Store

from .support.browser_session import BrowserSession
from .support.servers import assert_refused_cleanly, refused_start

pytestmark = pytest.mark.slow  # a server for each test; some start one that must refuse

PASSWORD = "the owner's old password"
ARGON2 = passwd(PASSWORD)  # what `jupyter server password` writes: "argon2:$argon2id$..."
SHA1 = passwd(PASSWORD, algorithm="sha1")


@pytest.fixture
def server_settings() -> dict:
    """Settings of the plain Jupyter Server being upgraded (override per test)."""
    return {}


@pytest.fixture
def jp_server_config(jp_server_config, server_settings):
    for section, values in server_settings.items():
        jp_server_config.setdefault(section, {}).update(values)
    return jp_server_config


async def sign_in(jp_fetch, username: str, password: str):
    browser = BrowserSession(jp_fetch)
    response = await browser.submit(
        ("login",), ("login",), {"username": username, "password": password}
    )
    return browser, response


def startup_log(capfd) -> str:
    return capfd.readouterr().err


# -- the configured password ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "server_settings",
    [
        {"PasswordIdentityProvider": {"hashed_password": ARGON2}},
        {"ServerApp": {"password": ARGON2}},  # the name before jupyter_server 2
    ],
)
async def test_the_configured_password_becomes_the_first_administrators(
    capfd, jp_serverapp, jp_fetch
):
    log = startup_log(capfd)
    assert "is now the password of 'admin', the first administrator" in log
    browser, response = await sign_in(jp_fetch, "admin", PASSWORD)
    assert response.code == 302
    status, me = await browser.api("GET", "api", "rbac", "me")
    assert status == 200 and me["name"] == "admin"
    _, response = await sign_in(jp_fetch, "admin", "another password")
    assert response.code == 401


@pytest.mark.parametrize(
    "server_settings", [{"PasswordIdentityProvider": {"hashed_password": SHA1}}]
)
async def test_a_sha1_password_is_not_carried_over_and_the_start_says_so(
    capfd, jp_serverapp, jp_fetch
):
    log = startup_log(capfd)
    assert "c.PasswordIdentityProvider.hashed_password is ignored" in log
    assert "only argon2 hashes" in log and "jupyter rbac users passwd NAME" in log
    _, response = await sign_in(jp_fetch, "admin", PASSWORD)
    assert response.code == 401


@pytest.fixture
def earlier_administrator() -> str | None:
    """The first administrator an earlier start made (None: this start is the first)."""
    return None


@pytest.fixture
def rbac_db_url(tmp_path, earlier_administrator) -> str:
    url = f"sqlite:///{tmp_path / 'rbac.sqlite'}"
    if earlier_administrator is not None:
        store = Store.open(url)
        try:
            service = RBACService(store, Catalog())
            service.ensure_defaults()
            service.bootstrap_first_admin(earlier_administrator)
        finally:
            store.close()
    return url


@pytest.mark.parametrize("earlier_administrator", ["boss"])
@pytest.mark.parametrize(
    "server_settings", [{"PasswordIdentityProvider": {"hashed_password": ARGON2}}]
)
async def test_the_password_is_read_only_when_the_first_administrator_is_made(capfd, jp_fetch):
    log = startup_log(capfd)
    assert "c.PasswordIdentityProvider.hashed_password is ignored" in log
    assert "the policy database already has users" in log
    _, response = await sign_in(jp_fetch, "boss", PASSWORD)
    assert response.code == 401


# -- settings that jupyter-rbac replaces ------------------------------------------------------------


@pytest.mark.parametrize(
    "server_settings",
    [{"IdentityProvider": {"token": "shared-secret", "updatable_fields": ["name"]}}],
)
async def test_replaced_settings_are_named_at_start_with_what_replaces_them(
    capfd, jp_serverapp, jp_fetch
):
    log = startup_log(capfd)
    assert "c.IdentityProvider.token is ignored" in log and "jupyter rbac token create NAME" in log
    assert (
        "c.IdentityProvider.updatable_fields is ignored" in log
        and "c.RBAC.user_editable_fields" in log
    )
    response = await jp_fetch(
        "api", "contents", headers={"Authorization": "token shared-secret"}, raise_error=False
    )
    assert response.code in (401, 403)  # the old shared token opens nothing


# -- a refused start -------------------------------------------------------------------------------


# only jupyter-rbac: the extensions a refused start never loaded fail to stop on their own account
@pytest.mark.parametrize(
    "server_settings", [{"ServerApp": {"jpserver_extensions": {"jupyter_rbac": True}}}]
)
@pytest.mark.parametrize("rbac_config", [{"websocket_recheck_seconds": 0}])
def test_a_refused_start_stops_cleanly(server_settings, rbac_config, request, jp_asyncio_loop):
    with pytest.raises(SystemExit):
        request.getfixturevalue("jp_serverapp")
    # what an application embedding the server does next (pytest-jupyter too): clean up
    jp_asyncio_loop.run_until_complete(ServerApp.instance()._cleanup())


def test_a_refused_start_of_a_real_server_says_only_why(tmp_path):
    config = {
        "RBAC": {"db_url": f"sqlite:///{tmp_path / 'rbac.sqlite'}", "websocket_recheck_seconds": 0}
    }
    output = refused_start(tmp_path, config)
    assert_refused_cleanly(output, "c.RBAC.websocket_recheck_seconds must be more than 0")
    assert "AttributeError" not in output
