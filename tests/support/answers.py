"""What a caller learns from one request or websocket upgrade, with object names set aside: so
that the answer about a hidden object can be compared with the answer about a missing one."""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass
from typing import Any

from tornado import websocket
from tornado.httpclient import HTTPClientError

# Headers whose value, once the names are set aside, must be the same; and those that must be
# there for both or for neither (their values differ by nature: a time, a hash).
COMPARED_HEADERS = ("Content-Type", "Location", "Allow", "WWW-Authenticate")
PRESENT_HEADERS = ("ETag", "Last-Modified", "Content-Disposition", "Set-Cookie")


@dataclass(frozen=True)
class Answer:
    """What a caller learns from one request, with the object's name set aside."""

    status: int
    body: Any
    headers: tuple[tuple[str, Any], ...]


def _set_aside(text: str, names: dict[str, str]) -> str:
    for name in sorted(names, key=len, reverse=True):
        for spelling in {name, urllib.parse.quote(name), urllib.parse.quote(name, safe="")}:
            text = text.replace(spelling, names[name])
    return text


async def answer_of(
    client, method: str, parts: tuple[str, ...], names: dict[str, str], params=None, body=None
) -> Answer:
    """The answer to `client`'s request, each of `names` replaced by its placeholder."""
    status, payload = await client.request(method, *parts, params=params, body=body)
    text = _set_aside(
        json.dumps(payload, sort_keys=True) if not isinstance(payload, str) else payload, names
    )
    shown = json.loads(text) if not isinstance(payload, str) else text
    headers = client.last_headers
    compared = tuple((h, _set_aside(headers.get(h, ""), names)) for h in COMPARED_HEADERS)
    present = tuple((h, h in headers) for h in PRESENT_HEADERS)
    return Answer(status, shown, compared + present)


async def websocket_answer_of(client, parts: tuple[str, ...], params=None) -> str:
    """How a websocket upgrade ends: "opened", or the status it was refused with."""
    try:
        connection = await client.websocket(*parts, params=params)
    except HTTPClientError as refused:  # the upgrade's HTTP answer
        return f"refused {refused.code}"
    except websocket.WebSocketClosedError:
        return "closed at once"
    connection.close()
    return "opened"
