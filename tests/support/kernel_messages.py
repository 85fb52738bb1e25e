"""Jupyter kernel protocol messages over a kernel's websocket channels, as a client writes them,
and waiting for the server to answer or to close the connection."""

from __future__ import annotations

import asyncio
import json
from uuid import uuid4

TIMEOUT = 30  # a kernel's first answer includes starting it


def kernel_info_request() -> tuple[str, str]:
    msg_id = uuid4().hex
    header = {
        "msg_id": msg_id, "msg_type": "kernel_info_request", "username": "", "session": uuid4().hex,
        "date": "", "version": "5.3",
    }  # fmt: skip
    message = {
        "header": header,
        "parent_header": {},
        "metadata": {},
        "content": {},
        "channel": "shell",
    }
    return json.dumps(message), msg_id


async def ask_kernel_info(connection) -> dict:
    request, msg_id = kernel_info_request()
    await connection.write_message(request)
    while True:
        raw = await asyncio.wait_for(connection.read_message(), TIMEOUT)
        assert raw is not None, f"closed: {connection.close_code} {connection.close_reason}"
        message = json.loads(raw)
        if (
            message["parent_header"].get("msg_id") == msg_id
            and message["msg_type"] == "kernel_info_reply"
        ):
            return message


async def until_closed(connection) -> tuple[int | None, str | None]:
    """Read until the server closes the connection; its close code and reason."""
    while (await asyncio.wait_for(connection.read_message(), TIMEOUT)) is not None:
        pass
    return connection.close_code, connection.close_reason


def execute_request(code: str) -> str:
    header = {
        "msg_id": uuid4().hex, "msg_type": "execute_request", "username": "", "session": uuid4().hex,
        "date": "", "version": "5.3",
    }  # fmt: skip
    content = {
        "code": code,
        "silent": False,
        "store_history": False,
        "user_expressions": {},
        "allow_stdin": False,
    }
    return json.dumps(
        {
            "header": header,
            "parent_header": {},
            "metadata": {},
            "content": content,
            "channel": "shell",
        }
    )
