"""The sign-in throttle stops a guesser where they knock and locks nobody else out (issue 15,
items 3 and 4): failures count per name and address, per name, per address; wrong current
passwords on the API count with them.

Different client addresses are real ones: the client's socket is bound to 127.0.0.2, 127.0.0.3,
... (all of 127.0.0.0/8 is loopback on Linux), and the server sees them as `remote_ip`.
"""

from __future__ import annotations

import asyncio
import functools
import json

import pytest

from jupyter_rbac.identity.throttle import MAX_KEYS, LoginThrottle

from .support.browser_session import BrowserSession
from .support.openapi_check import validate_response

pytestmark = pytest.mark.slow  # a server for each test: outside the fast subset

RBAC = ("api", "rbac")
PASSWORD = "correct horse"


@pytest.fixture
def rbac_config() -> dict:
    return {"login_attempts_per_user": 3, "login_attempts_per_address": 6, "login_window": 300}


@pytest.fixture
def browser(jp_fetch):
    """browser(address) -> a BrowserSession whose requests come from that loopback address."""

    def make(address: str = "127.0.0.1") -> BrowserSession:
        return BrowserSession(functools.partial(jp_fetch, network_interface=address))

    return make


@pytest.fixture
def ann(rbac):
    rbac.store.create_user("ann")
    rbac.accounts.change_password("ann", "", PASSWORD)
    return "ann"


async def sign_in(browser, address: str, username: str, password: str):
    session = browser(address)
    response = await session.submit(
        ("login",), ("login",), {"username": username, "password": password}
    )
    return response


async def code_of(browser, address: str, username: str, password: str) -> int:
    return (await sign_in(browser, address, username, password)).code


# -- per name and address -----------------------------------------------------------------------


async def test_a_guesser_cannot_go_on_and_the_owner_gets_in_from_elsewhere(ann, browser, admin):
    for _ in range(3):
        assert await code_of(browser, "127.0.0.2", "ann", "wrong horse") == 401
    refused = await sign_in(browser, "127.0.0.2", "ann", PASSWORD)
    assert refused.code == 429 and int(refused.headers["Retry-After"]) > 200  # the window
    # the owner, from a clean address, at once
    assert await code_of(browser, "127.0.0.1", "ann", PASSWORD) == 302
    # the guesser's address still may sign in as someone else
    assert await code_of(browser, "127.0.0.2", "", admin.token) == 302


async def test_the_right_password_clears_its_own_pair(ann, browser):
    for _ in range(2):
        assert await code_of(browser, "127.0.0.2", "ann", "wrong horse") == 401
    assert await code_of(browser, "127.0.0.2", "ann", PASSWORD) == 302
    for _ in range(2):  # a fresh count: two more mistakes are not yet a lock-out
        assert await code_of(browser, "127.0.0.2", "ann", "wrong horse") == 401
    assert await code_of(browser, "127.0.0.2", "ann", PASSWORD) == 302


async def test_guesses_sent_at_once_do_not_slip_under_the_limit(ann, browser):
    """Each attempt counts before its password is checked (the check takes a tenth of a second)."""
    codes = await asyncio.gather(
        *(code_of(browser, "127.0.0.2", "ann", f"guess {n}") for n in range(10))
    )
    assert sorted(codes) == [401] * 3 + [429] * 7


# -- per name, from many addresses ---------------------------------------------------------------


async def test_guesses_on_one_name_from_many_addresses_slow_down(ann, browser):
    """Past the limit, an address that failed on the name waits a delay that doubles with each
    failure; an address that never failed on it is heard at once."""
    assert await code_of(browser, "127.0.0.2", "ann", "wrong horse") == 401
    assert await code_of(browser, "127.0.0.2", "ann", "wrong horse") == 401
    assert await code_of(browser, "127.0.0.3", "ann", "wrong horse") == 401  # 3 on the name
    first = await sign_in(browser, "127.0.0.3", "ann", "wrong horse")
    assert first.code == 429 and first.headers["Retry-After"] == "1"
    await asyncio.sleep(1.1)
    assert await code_of(browser, "127.0.0.3", "ann", "wrong horse") == 401  # 4 on the name
    second = await sign_in(browser, "127.0.0.2", "ann", PASSWORD)
    assert second.code == 429 and second.headers["Retry-After"] == "2"
    assert await code_of(browser, "127.0.0.4", "ann", PASSWORD) == 302  # a clean address
    await asyncio.sleep(2.1)
    assert await code_of(browser, "127.0.0.2", "ann", PASSWORD) == 302  # slowed, not locked out


# -- per address ----------------------------------------------------------------------------------


async def test_many_names_from_one_address_slow_it_down_without_locking_it(ann, browser, admin):
    """One NAT or proxy: someone behind it tries six names; the others behind it are slowed by a
    growing delay, never shut out, and other addresses are not slowed at all."""
    for name in ("bob", "cy", "dee", "eve", "fay", "gus"):
        assert await code_of(browser, "127.0.0.2", name, "password1") == 401
    waits = []
    for _ in range(2):
        refused = await sign_in(browser, "127.0.0.2", "hal", "password1")
        assert refused.code == 429 and b"Too many failed sign-ins" in refused.body
        waits.append(int(refused.headers["Retry-After"]))
        await asyncio.sleep(waits[-1] + 0.1)
        assert await code_of(browser, "127.0.0.2", "hal", "password1") == 401
    assert waits == [1, 2]  # and 4 s now, then 8, ... at most 30
    assert await code_of(browser, "127.0.0.1", "ann", PASSWORD) == 302  # elsewhere: at once
    refused = await sign_in(browser, "127.0.0.2", "ann", PASSWORD)
    assert refused.code == 429 and refused.headers["Retry-After"] == "4"
    await asyncio.sleep(4.1)
    assert await code_of(browser, "127.0.0.2", "ann", PASSWORD) == 302  # a colleague behind it


# -- wrong current passwords on the API -----------------------------------------------------------


async def put_password(session: BrowserSession, current: str):
    body = json.dumps({"current_password": current, "new_password": "battery staple"})
    headers = {"X-XSRFToken": session.cookies["_xsrf"]}
    response = await session.request("PUT", *RBAC, "me", "password", body=body, headers=headers)
    return response, json.loads(response.body) if response.body else None


async def test_wrong_current_passwords_are_throttled_like_sign_ins(ann, browser, jp_base_url):
    session = browser("127.0.0.2")
    assert (
        await session.submit(("login",), ("login",), {"username": "ann", "password": PASSWORD})
    ).code == 302
    for _ in range(3):
        response, error = await put_password(session, "wrong horse")
        assert response.code == 403 and "wrong password" in error["message"]
    for guess in ("wrong horse", PASSWORD):  # then not even the right one is heard from here
        response, error = await put_password(session, guess)
        assert response.code == 429 and "Too many wrong passwords" in error["message"]
        assert int(response.headers["Retry-After"]) > 200
    url = f"{jp_base_url}api/rbac/me/password"
    validate_response("PUT", url, 429, error, response.headers, jp_base_url)
    # one count with the login page's: it refuses that name from that address too
    assert await code_of(browser, "127.0.0.2", "ann", PASSWORD) == 429
    assert await code_of(browser, "127.0.0.1", "ann", PASSWORD) == 302


async def test_wrong_current_passwords_are_audited(ann, browser, admin):
    session = browser("127.0.0.2")
    await session.submit(("login",), ("login",), {"username": "ann", "password": PASSWORD})
    body = {"current_password": "wrong horse", "new_password": "battery staple"}
    assert (await session.api("PUT", *RBAC, "me", "password", body=body))[0] == 403
    _, trail = await admin.get(*RBAC, "audit", params={"action": "user.login_failed"})
    [event] = trail["items"]
    assert event["target"] == "ann" and event["detail"] == {
        "address": "127.0.0.2",
        "via": "password change",
    }
    assert "wrong horse" not in str(trail)


# -- memory ---------------------------------------------------------------------------------------


def test_memory_stays_bounded():
    throttle = LoginThrottle()
    for n in range(MAX_KEYS):  # a flood of names, each from an address of its own
        throttle.failed(f"name-{n}", f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}")
    assert len(throttle) <= MAX_KEYS
