"""A minimal HTTP/1.1 client on one keep-alive connection: just enough to drive Radar's JSON API
while spending as little of the machine's CPU as possible.

Why it exists: on a 2-core machine the load generator shares the CPU with the server, and
``httpx`` costs about 2 ms of client CPU per request there, a core's worth at a few hundred
requests per second. This client costs about 0.15 ms, so what it measures is the server. It
sends a request, reads the status line and headers, then exactly ``Content-Length`` bytes of
body; it refuses chunked responses (Radar's JSON responses always carry a length).
"""

from __future__ import annotations

import asyncio
import contextlib
import json

from loadgen import TRANSPORT_ERROR, Call

HEAD_END = b"\r\n\r\n"


class ProtocolError(Exception):
    """The server answered with something this small client does not handle."""


class RawConnection:
    """One TCP connection to ``host:port``, reopened after an error or ``Connection: close``."""

    def __init__(self, host: str, port: int, headers: dict[str, str]) -> None:
        self._host = host
        self._port = port
        extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        self._fixed = f"Host: {host}:{port}\r\n{extra}"
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def send(self, call: Call) -> int:
        try:
            return await self._exchange(call)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            await self.aclose()
            return TRANSPORT_ERROR

    async def _exchange(self, call: Call) -> int:
        if self._reader is None or self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self._host, self._port)
        self._writer.write(request_bytes(call, self._fixed))
        status, length, close = parse_head(await self._reader.readuntil(HEAD_END))
        await self._reader.readexactly(length)
        if close:
            await self.aclose()
        return status

    async def aclose(self) -> None:
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


def request_bytes(call: Call, fixed_headers: str) -> bytes:
    """The request line, the fixed headers and, for a JSON body, its type, length and bytes."""
    head = f"{call.method} {call.path} HTTP/1.1\r\n{fixed_headers}"
    if call.json is None:
        return (head + "\r\n").encode()
    body = json.dumps(call.json).encode()
    head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


def parse_head(head: bytes) -> tuple[int, int, bool]:
    """Status, body length and whether the server will close the connection."""
    status_line, *lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ", 2)[1])
    length, close = 0, False
    for line in lines:
        name, _, value = line.partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "connection":
            close = value == "close"
        elif name == "transfer-encoding":
            raise ProtocolError(f"unsupported Transfer-Encoding: {value}")
    return status, length, close
