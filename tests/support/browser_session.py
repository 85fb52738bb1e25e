"""A browser's part, over HTTP: a cookie jar, XSRF tokens of forms, no redirects followed.

For tests of the login page and invitation links against the real server (pytest-jupyter's
`jp_fetch`); the browser tests in ui-tests/ drive a real chromium through the same pages.
"""

from __future__ import annotations

import json
import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode

_XSRF_FIELD = re.compile(r'name="_xsrf" value="([^"]+)"')


class BrowserSession:
    def __init__(self, fetch):
        self._fetch = fetch
        self.cookies: dict[str, str] = {}

    async def request(self, method: str, *parts: str, params=None, body=None, headers=None):
        kwargs = {
            "method": method,
            "headers": {"Authorization": "", **self._cookie_header(), **(headers or {})},
            "follow_redirects": False,
            "raise_error": False,
        }
        if params:
            kwargs["params"] = params
        if body is not None:
            kwargs["body"] = body
        response = await self._fetch(*parts, **kwargs)
        for header in response.headers.get_list("Set-Cookie"):
            for name, morsel in SimpleCookie(header).items():
                if (
                    morsel.value
                    and "1970" not in morsel.get("expires", "")
                    and morsel.value != '""'
                ):
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response

    async def get(self, *parts: str, params=None):
        return await self.request("GET", *parts, params=params)

    async def submit(
        self, page_parts: tuple[str, ...], action_parts: tuple[str, ...], fields: dict, params=None
    ):
        """Open a page with a form (for its XSRF token), then post the form's fields."""
        page = await self.get(*page_parts, params=params)
        match = _XSRF_FIELD.search(page.body.decode())
        assert match, f"no form on {page_parts}: {page.code} {page.body[:300]!r}"
        body = urlencode({**fields, "_xsrf": match.group(1)})
        return await self.request(
            "POST",
            *action_parts,
            params=params,
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

    async def api(self, method: str, *parts: str, body=None):
        """A JupyterLab-style API call: the session cookie plus the XSRF header."""
        headers = {"X-XSRFToken": self.cookies.get("_xsrf", "")}
        data = (
            json.dumps(body)
            if body is not None
            else ("{}" if method in ("POST", "PUT", "PATCH") else None)
        )
        response = await self.request(method, *parts, body=data, headers=headers)
        text = response.body.decode() if response.body else ""
        return response.code, (json.loads(text) if text.startswith(("{", "[")) else text)

    def _cookie_header(self) -> dict:
        if not self.cookies:
            return {}
        return {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
