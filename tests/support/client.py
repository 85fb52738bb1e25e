"""A user's requests to the test server (through pytest-jupyter's `jp_fetch`), as (status, body)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tornado.httpclient import HTTPClientError


class Client:
    """Requests to the running server as one user, answered as (status, JSON or text)."""

    def __init__(self, fetch: Callable, ws_fetch: Callable, name: str, token: str):
        self._fetch = fetch
        self._ws_fetch = ws_fetch
        self.name = name
        self.token = token
        self.headers = {"Authorization": f"token {token}"}

    def as_token(self, token: str) -> Client:
        """The same user, with another of their tokens (a limited one, say)."""
        return Client(self._fetch, self._ws_fetch, self.name, token)

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


def forbidden(scope: str) -> tuple[int, str, str]:
    """What a user is shown when the policy refuses for lack of `scope`: compare with `refusal`."""
    return 403, scope, f"Forbidden: you need the scope {scope}"


def refusal(answer: tuple[int, Any]) -> tuple[int, str | None, str | None]:
    """A (status, body) answer as (status, the scope it says is missing, its message)."""
    status, body = answer
    body = body if isinstance(body, dict) else {}
    return status, body.get("missing_scope"), body.get("message")


# What jupyter_server answers a request it cannot tie to a user (no valid credential): no scope
# to name, since nobody is asking.
NOT_SIGNED_IN = (403, {"message": "Forbidden", "reason": None})
