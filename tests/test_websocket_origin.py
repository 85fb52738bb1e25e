"""Cross-site websockets: a page on another origin, riding a signed-in browser's cookie, opens no
websocket of the server, on any route (core, JupyterLab, jupyter-collaboration, ours, any
extension's): generated from the live route table, so a new websocket route is covered too.
The same requests from the server's own origin open."""

from __future__ import annotations

import json
import logging

import nbformat
import pytest
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import WebSocketHandler, websocket_connect

from jupyter_rbac.enforcement.route_report import example_path, iter_routes

from .support.browser_session import BrowserSession

pytestmark = pytest.mark.slow  # a server for each test, and the kernels or terminals it starts

EVIL = "http://evil.example"
REFUSED = "refused a websocket to"


def websocket_routes(web_app) -> list[tuple[str, str]]:
    """(example path, handler) for every websocket route of the server."""
    return [
        (example_path(pattern.rstrip("$")), f"{cls.__module__}.{cls.__qualname__}")
        for pattern, cls in iter_routes(web_app)
        if issubclass(cls, WebSocketHandler)
    ]


@pytest.fixture
def sign_in(jp_fetch, admin):
    """sign_in() -> the administrator's browser cookie, signed in through the login page."""

    async def cookie() -> str:
        browser = BrowserSession(jp_fetch)
        response = await browser.submit(
            ("login",), ("login",), {"username": "admin", "password": admin.token}
        )
        assert response.code == 302, response.code
        return "; ".join(f"{k}={v}" for k, v in browser.cookies.items())

    return cookie


async def connect(port: int, path: str, cookie: str, origin: str, query: str = ""):
    url = f"ws://127.0.0.1:{port}{path}{query}"
    return await websocket_connect(HTTPRequest(url, headers={"Cookie": cookie, "Origin": origin}))


async def test_no_websocket_route_opens_from_another_origin(
    jp_serverapp, rbac, sign_in, jp_http_port, caplog
):
    cookie = await sign_in()
    routes = websocket_routes(jp_serverapp.web_app)
    handlers = {handler for _, handler in routes}
    # the server we walk has the websockets of the core, the terminals, collaboration and ours
    assert {
        "jupyter_server.services.kernels.websocket.KernelWebsocketHandler",
        "jupyter_server.services.events.handlers.SubscribeWebsocket",
        "jupyter_server_ydoc.handlers.YDocWebSocketHandler",
        "jupyter_rbac.handlers.collaborators.CollaboratorsStreamHandler",
    } <= handlers, handlers
    opened = []
    for path, handler in routes:
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            try:
                connection = await connect(jp_http_port, path, cookie, EVIL)
            except HTTPClientError as refused:
                code = refused.code
            else:
                connection.close()
                opened.append(f"{path} [{handler}]")
                continue
        refused_for_origin = any(REFUSED in record.getMessage() for record in caplog.records)
        assert code == 403 and refused_for_origin, (
            f"{path} [{handler}]: {code}, refused for its origin: {refused_for_origin}"
        )
    assert opened == [], "opened from another origin:\n" + "\n".join(opened)


async def test_the_same_websockets_open_from_the_servers_own_origin(
    admin, sign_in, jp_http_port, jp_base_url, jp_root_dir
):
    cookie = await sign_in()
    own = f"http://127.0.0.1:{jp_http_port}"
    nbformat.write(nbformat.v4.new_notebook(), jp_root_dir / "shared.ipynb")
    _, kernel = await admin.post("api", "kernels", body={})
    _, session = await admin.put(
        "api",
        "collaboration",
        "session",
        "shared.ipynb",
        body={"format": "json", "type": "notebook"},
    )
    real = [
        ("api/events/subscribe", ""),
        ("api/rbac/collaborators/stream", ""),
        (f"api/kernels/{kernel['id']}/channels", ""),
        (
            f"api/collaboration/room/json:notebook:{session['fileId']}",
            f"?sessionId={session['sessionId']}",
        ),
    ]
    try:
        for path, query in real:
            connection = await connect(jp_http_port, f"{jp_base_url}{path}", cookie, own, query)
            connection.close()
            with pytest.raises(HTTPClientError) as refused:  # and the control of the control
                await connect(jp_http_port, f"{jp_base_url}{path}", cookie, EVIL, query)
            assert refused.value.code == 403
    finally:
        await admin.delete("api", "kernels", kernel["id"])


async def test_a_token_is_not_ambient_so_its_websocket_opens_from_anywhere(
    admin, jp_http_port, jp_base_url
):
    """As in jupyter_server: the Origin check guards cookies; a script holding a token is no page
    riding someone's browser."""
    url = f"ws://127.0.0.1:{jp_http_port}{jp_base_url}api/rbac/collaborators/stream"
    connection = await websocket_connect(
        HTTPRequest(url, headers={**admin.headers, "Origin": EVIL})
    )
    assert json.loads(await connection.read_message())["collaborators"] is not None
    connection.close()
