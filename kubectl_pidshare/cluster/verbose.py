"""-v=N, kubectl's log levels for requests: at 6 each request's method, URL, status and time,
at 7 its headers too, at 8 the bodies as well. Credentials are never written: the
Authorization header is masked, as kubectl masks it, and what looks secret in a body (a
variable's value, a command line's password) is redacted as `ps` and `env` redact it."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from typing import TextIO

REQUESTS, HEADERS, BODIES = 6, 7, 8
BODY_LIMIT = 10240
SECRET_HEADERS = ("authorization", "proxy-authorization")


class Log:
    """klog-style lines on stderr for the levels at or below verbosity."""

    def __init__(self, verbosity: int, stream: TextIO | None) -> None:
        self.verbosity = verbosity if stream is not None else 0
        self.stream = stream

    def _line(self, text: str) -> None:
        if self.stream is None:
            return
        from datetime import datetime

        now = datetime.now()
        self.stream.write(f"I{now:%m%d %H:%M:%S.%f} {os.getpid():7d} pidshare] {text}\n")
        self.stream.flush()

    def request(self, method: str, url: str, headers: Sequence[tuple[str, str]],
                body: bytes | None) -> None:
        """The request about to be sent."""
        if self.verbosity >= HEADERS:
            self._line(f'"Request" verb="{method}" url="{url}"')
            for name, value in headers:
                shown = _masked(value) if name.lower() in SECRET_HEADERS else value
                self._line(f'"Request Header" key="{name}" value="{shown}"')
        if self.verbosity >= BODIES and body:
            self._line(f'"Request Body" body="{_text(body)}"')

    def response(self, method: str, url: str, status: int, reason: str, started: float,
                 body: bytes | None) -> None:
        """The response, with the time since started (time.monotonic())."""
        if self.verbosity >= REQUESTS:
            elapsed = round((time.monotonic() - started) * 1000)
            self._line(f'"Response" verb="{method}" url="{url}" status="{status} {reason}" '
                       f"milliseconds={elapsed}")
        if self.verbosity >= BODIES and body:
            self._line(f'"Response Body" body="{_text(body)}"')


def _masked(value: str) -> str:
    scheme = value.split(" ", 1)[0]
    return f"{scheme} <masked>"


def _text(body: bytes) -> str:
    import json

    from kubectl_pidshare import redaction

    try:
        shown = json.dumps(redaction.document(json.loads(body)), separators=(",", ":"),
                           ensure_ascii=False)
    except ValueError:
        shown = redaction.value(body.decode(errors="replace"))
    text = shown[:BODY_LIMIT]
    return text + (f" [truncated {len(shown) - BODY_LIMIT} chars]" if len(shown) > BODY_LIMIT
                   else "")
