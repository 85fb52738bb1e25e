"""A tour through the whole /api/rbac: callers whose every answer is checked against the OpenAPI
spec and noted, so that the tour can tell which documented answers it met."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .client import Client
from .openapi_check import (
    request_body_errors,
    request_parameter_errors,
    validate_response,
    validate_schema,
)

RBAC = ("api", "rbac")


@dataclass
class Caller:
    """A Client whose every answer is checked against the spec and noted in `seen`."""

    client: Client
    base_url: str
    seen: set[tuple[str, str, int]]

    def url(self, path: str) -> str:
        """The request's path as the server sees it, base_url included."""
        return f"{self.base_url}api/rbac/{path}"

    async def call(self, method: str, path: str, expect: int, **kwargs: Any) -> Any:
        status, payload = await self.client.request(method, *RBAC, *path.split("/"), **kwargs)
        who = f"{self.client.name}: {method} {path}"
        assert status == expect, f"{who}: expected {expect}, got {status} {payload!r}"
        headers = self.client.last_headers
        op = validate_response(method, self.url(path), status, payload, headers, self.base_url)
        self.seen.add((method, op.template, status))
        if status < 400:
            # what the server accepts, the spec must accept too
            body, params = kwargs.get("body"), kwargs.get("params") or {}
            if isinstance(body, dict):
                assert request_body_errors(method, self.url(path), body, self.base_url) == [], who
            assert request_parameter_errors(method, self.url(path), params, self.base_url) == [], (
                who
            )
        return payload

    def header(self, name: str) -> str:
        return self.client.last_headers[name]

    async def get(self, path: str, expect: int = 200, **kwargs: Any) -> Any:
        return await self.call("GET", path, expect, **kwargs)

    async def post(self, path: str, body: Any, expect: int = 201, **kwargs: Any) -> Any:
        return await self.call("POST", path, expect, body=body, **kwargs)

    async def put(self, path: str, body: Any, expect: int = 200, **kwargs: Any) -> Any:
        return await self.call("PUT", path, expect, body=body, **kwargs)

    async def patch(self, path: str, body: Any, expect: int = 200, **kwargs: Any) -> Any:
        return await self.call("PATCH", path, expect, body=body, **kwargs)

    async def delete(self, path: str, expect: int = 204, **kwargs: Any) -> Any:
        return await self.call("DELETE", path, expect, **kwargs)

    async def denied(
        self, method: str, path: str, missing: str | None = None, **kwargs: Any
    ) -> None:
        """A 403 for a missing scope: the body names it (and it is `missing`, if given)."""
        payload = await self.call(method, path, 403, **kwargs)
        validate_schema("ScopeDenied", payload)
        if missing is not None:
            assert payload["missing_scope"] == missing, payload

    async def revalidate(self, path: str, **kwargs: Any) -> None:
        """GET twice: the second time with the first ETag as If-None-Match, answered 304. A
        list of users or tokens shows when each was last seen or used, which the server's timer
        writes apart from requests: once that settled (the first look may straddle a write),
        the answer must stay the same."""
        for _ in range(3):
            await self.get(path, **kwargs)
            etag = self.header("ETag")
            parts = (*RBAC, *path.split("/"))
            params = kwargs.get("params")
            status, _ = await self.client.request(
                "GET", *parts, headers={"If-None-Match": etag}, params=params
            )
            if status == 304:
                break
        await self.get(path, 304, headers={"If-None-Match": etag}, **kwargs)

    async def bad_params(self, path: str, params: dict[str, str], message: str) -> None:
        """Query parameters the server refuses with 400, and the spec too."""
        payload = await self.call("GET", path, 400, params=params)
        assert message in payload["message"], payload
        errors = request_parameter_errors("GET", self.url(path), params, self.base_url)
        assert errors, f"the spec accepts {params}"

    async def bad_path(self, method: str, path: str, message: str) -> None:
        """A path argument the server refuses with 400, and the spec too."""
        payload = await self.call(method, path, 400)
        assert message in payload["message"], payload
        errors = request_parameter_errors(method, self.url(path), {}, self.base_url)
        assert errors, f"the spec accepts {path}"

    async def bad_body(
        self, method: str, path: str, body: Any, message: str, semantic: bool = False, **kwargs: Any
    ) -> None:
        """A body the server refuses with 400. Unless the mistake is `semantic` (an unknown name or
        scope, which only the server can know), the spec's schema refuses it too."""
        payload = await self.call(method, path, 400, body=body, **kwargs)
        assert message in payload["message"], payload
        if isinstance(body, dict) and not semantic:
            errors = request_body_errors(method, self.url(path), body, self.base_url)
            assert errors, f"the spec accepts {body}"


@dataclass
class Tour:
    admin: Caller
    nobody: Caller  # nora: only the implicit `user` role
    editor: Caller  # eddie: the `editor` role (no policy administration)
    role_admin: Caller  # rolf: write:roles, read:users, but none of the server's resources
    anonymous: Caller  # nobody signed in
    limited: Caller | None = (
        None  # nora with a token limited to read:lab!user=nora (made by _setup)
    )
    seen: set[tuple[str, str, int]] = field(default_factory=set)
