"""One HTTP/1.1 request on a connection already made (dial.connect): what remote.py needs of
http.client (the request as http.client sends it, the response's status, reason and body, and
whether the server keeps the connection for the exec), without http.client, whose import
brings the email package with it (about 10 ms at every run, before the first request).
"""

from __future__ import annotations

import socket
from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO

LINE_LIMIT = 65536
HEADER_LIMIT = 100


class HTTPException(Exception):  # noqa: N818 - http.client's name, which errors.describe knows
    """The server's answer is not HTTP."""


class RemoteDisconnected(ConnectionResetError, HTTPException):  # noqa: N818 - http.client's
    """The server closed the connection without answering (as http.client says it)."""


@dataclass
class Response:
    """A response read whole."""

    status: int
    reason: str
    headers: dict[str, str]
    body: bytes
    will_close: bool


def request(sock: socket.socket, host: str, port: int, method: str, target: str,
            headers: Sequence[tuple[str, str]], body: bytes | None = None) -> Response:
    """Send the request (with http.client's Host and Accept-Encoding headers) and read the
    response."""
    name = f"[{host}]" if ":" in host else host
    head = [f"{method} {target} HTTP/1.1", f"Host: {name if port == 80 else f'{name}:{port}'}",
            "Accept-Encoding: identity", *(f"{k}: {v}" for k, v in headers)]
    sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + (body or b""))
    with sock.makefile("rb") as stream:
        return read_response(stream, method)


def read_response(stream: BinaryIO, method: str = "GET") -> Response:
    """Read one response from a buffered binary stream."""
    status_line = stream.readline(LINE_LIMIT + 1)
    if not status_line:
        raise RemoteDisconnected("Remote end closed connection without response")
    version, _, rest = status_line.decode("latin-1").rstrip("\r\n").partition(" ")
    code, _, reason = rest.partition(" ")
    if not version.startswith("HTTP/") or not (code.isdigit() and len(code) == 3):
        raise HTTPException(f"bad status line: {status_line[:100]!r}")
    headers = _headers(stream)
    status = int(code)
    chunked = "chunked" in headers.get("transfer-encoding", "").lower()
    length = headers.get("content-length")
    closing = headers.get("connection", "").lower()
    will_close = ("close" in closing if version == "HTTP/1.1" else "keep-alive" not in closing)
    if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
        return Response(status, reason, headers, b"", will_close)
    if chunked:
        return Response(status, reason, headers, _chunks(stream), will_close)
    if length is not None and length.strip().isdigit():
        return Response(status, reason, headers, _exactly(stream, int(length)), will_close)
    return Response(status, reason, headers, stream.read(), True)


def _headers(stream: BinaryIO) -> dict[str, str]:
    found: dict[str, str] = {}
    for _ in range(HEADER_LIMIT + 1):
        line = stream.readline(LINE_LIMIT + 1)
        if line in (b"\r\n", b"\n", b""):
            return found
        name, _, value = line.decode("latin-1").partition(":")
        key = name.strip().lower()
        found[key] = f"{found[key]}, {value.strip()}" if key in found else value.strip()
    raise HTTPException(f"got more than {HEADER_LIMIT} headers")


def _exactly(stream: BinaryIO, size: int) -> bytes:
    data = stream.read(size)
    if len(data) < size:
        raise HTTPException(f"incomplete read: {len(data)} bytes of {size}")
    return data


def _chunks(stream: BinaryIO) -> bytes:
    parts: list[bytes] = []
    while True:
        line = stream.readline(LINE_LIMIT + 1)
        try:
            size = int(line.split(b";", 1)[0].strip(), 16)
        except ValueError:
            raise HTTPException(f"bad chunk size: {line[:100]!r}") from None
        if size == 0:
            _headers(stream)
            return b"".join(parts)
        parts.append(_exactly(stream, size))
        _exactly(stream, 2)
