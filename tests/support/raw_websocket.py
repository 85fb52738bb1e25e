"""A websocket client that never reads: it sends frames and ignores whatever the server says,
its close frame included, as a client bent on going on after the server closed it would.
(asyncio: the tests' server runs on the same loop.)"""

from __future__ import annotations

import asyncio
import base64
import os
import struct
from urllib.parse import urlsplit


class DeafWebsocket:
    def __init__(self, writer: asyncio.StreamWriter):
        self.writer = writer

    @classmethod
    async def connect(cls, url: str, headers: dict[str, str]) -> DeafWebsocket:
        parts = urlsplit(url)
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        key = base64.b64encode(os.urandom(16)).decode()
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        lines = [
            f"GET {target} HTTP/1.1",
            f"Host: {parts.hostname}:{parts.port}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
            *(f"{name}: {value}" for name, value in headers.items()),
        ]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        answer = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)  # nothing more
        status = answer.split(b"\r\n", 1)[0]
        if b" 101 " not in status:
            raise ConnectionError(status.decode(errors="replace"))
        return cls(writer)

    async def send_binary(self, payload: bytes) -> None:
        """One masked binary frame (as every client frame must be)."""
        mask = os.urandom(4)
        length = len(payload)
        if length < 126:
            header = struct.pack("!BB", 0x82, 0x80 | length)
        elif length < 65536:
            header = struct.pack("!BBH", 0x82, 0x80 | 126, length)
        else:
            header = struct.pack("!BBQ", 0x82, 0x80 | 127, length)
        masked = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))
        self.writer.write(header + mask + masked)
        await self.writer.drain()

    def close(self) -> None:
        self.writer.close()
