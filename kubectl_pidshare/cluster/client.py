"""Talk to the API server: one GET of a Pod, and exec over the websocket exec API.

`KubeTransport` is the real `Transport` (see kubectl_pidshare.transport): http1 for the GET
and websocket-client (which the official client uses too) for exec, so that nothing heavy is
imported on the way.
"""

from __future__ import annotations

import copy
import importlib
import json
import os
import socket
import ssl
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote, urlencode, urlunsplit

from kubectl_pidshare import __version__
from kubectl_pidshare.cluster import http1, websocket_client
from kubectl_pidshare.cluster.verbose import Log
from kubectl_pidshare.errors import PidshareError, ServerError, UnreachableError, describe
from kubectl_pidshare.transport import Sink

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kubectl_pidshare.cluster.kubeconfig import Target

STDOUT, STDERR, STATUS = 1, 2, 3
USER_AGENT = f"kubectl-pidshare/{__version__}"


def server_error(status: int, reason: str, body: str | bytes | None) -> PidshareError:
    """The error to show for a failed API call, from its Status body when there is one."""
    try:
        document = json.loads(body or b"")
    except ValueError:
        document = None
    if isinstance(document, dict) and document.get("kind") == "Status":
        return ServerError(str(document.get("reason") or reason), str(document.get("message")))
    text = body.decode(errors="replace") if isinstance(body, bytes) else str(body or "")
    return ServerError(reason or str(status), text.strip()[:200] or f"status {status}")


def exit_status(message: bytes) -> int:
    """The exit status from the exec status channel's Status document."""
    try:
        status = json.loads(message)
    except ValueError:
        raise PidshareError(f"unexpected exec status: {message[:200]!r}") from None
    if status.get("status") == "Success":
        return 0
    details = status.get("details") or {}
    if status.get("reason") == "NonZeroExitCode":
        for cause in details.get("causes") or []:
            if cause.get("reason") == "ExitCode":
                return int(cause["message"])
    raise ServerError(str(status.get("reason") or "InternalError"), str(status.get("message")))


PROTOCOLS = ["v5.channel.k8s.io", "v4.channel.k8s.io"]
_IMPORTING = threading.Lock()


def _websocket() -> Any:
    """websocket-client, without the python-socks it imports when installed (25 ms): pidshare
    hands it connections already made, through the proxy if any (dial.py). One thread at a
    time: another must not take the module from sys.modules half imported."""
    with _IMPORTING:
        if "websocket" in sys.modules or "python_socks" in sys.modules:
            return sys.modules.get("websocket") or importlib.import_module("websocket")
        sys.modules["python_socks"] = None  # type: ignore[assignment]
        try:
            return websocket_client.connection_only()
        finally:
            del sys.modules["python_socks"]


def open_websocket(target: Target, url: str, sock: socket.socket) -> Any:
    """Open the exec websocket (the subprotocols offered: v5, then v4) on a connection to the
    server (TLS, through the proxy, already made); --request-timeout bounds its start."""
    websocket = _websocket()
    ws = websocket.WebSocket(skip_utf8_validation=True)
    header = [f"{k}: {v}" for k, v in target.credentials.headers()]
    ws.connect(url, header=header, subprotocols=PROTOCOLS, timeout=target.timeout, socket=sock)
    ws.settimeout(None)
    return ws


class KubeTransport:
    """The real cluster: HTTPS for the GET, the websocket exec API for the rest."""

    def __init__(self, target: Target, environ: Mapping[str, str] | None = None,
                 log: TextIO | None = None) -> None:
        from kubectl_pidshare.cluster.dial import endpoint

        self.target = target
        self.endpoint = endpoint(target.credentials, os.environ if environ is None else environ)
        self.prefix = self.endpoint.prefix
        self.ws_base = urlunsplit(("wss" if self.endpoint.tls else "ws", self.endpoint.address,
                                   self.prefix, "", ""))
        self.idle: socket.socket | None = None
        self.tls: ssl.SSLContext | None = None
        self.log = Log(target.verbosity, log)

    def _open(self) -> socket.socket:
        """A new connection to the server."""
        from kubectl_pidshare.cluster.credentials import ssl_context
        from kubectl_pidshare.cluster.dial import connect

        if self.tls is None and self.endpoint.tls:
            self.tls = ssl_context(self.target.credentials)
        return connect(self.endpoint, self.tls, self.target.credentials.server_name,
                       self.target.timeout)

    @contextmanager
    def _reaching(self) -> Iterator[None]:
        """Trouble reaching the server, said as kubectl says it; a timeout stays a timeout."""
        try:
            yield
        except (TimeoutError, socket.timeout):
            raise
        except OSError as exc:
            raise UnreachableError(self.endpoint.address, exc) from exc

    @property
    def namespace(self) -> str:
        """The namespace the kubeconfig, or -n, names."""
        return self.target.namespace

    def namespaced(self, namespace: str) -> KubeTransport:
        """A transport to the same server (its proxy, TLS context and log) in another
        namespace, with its own connection."""
        twin = copy.copy(self)
        twin.target, twin.idle = replace(self.target, namespace=namespace), None
        return twin

    def pod_path(self, name: str) -> str:
        """The API path of the Pod called name, in the target's namespace."""
        namespace = quote(self.target.namespace, safe="")
        return f"/api/v1/namespaces/{namespace}/pods/{quote(name, safe='')}"

    def get_pod(self, name: str) -> dict[str, Any]:
        """GET the Pod's JSON. Not found: if its namespace is not found either (one more GET),
        that is the error, as kubectl says it."""
        try:
            return self.get(self.pod_path(name))
        except ServerError as exc:
            if exc.reason != "NotFound":
                raise
            try:
                self.get(f"/api/v1/namespaces/{quote(self.target.namespace, safe='')}")
            except ServerError as missing:
                if missing.reason == "NotFound":
                    raise missing from None
            raise

    def get(self, path: str) -> dict[str, Any]:
        """GET an API path, returning its JSON; the connection is kept for the exec."""
        return self._request("GET", path)

    def get_list(self, path: str, selector: str | None = None) -> list[dict[str, Any]]:
        """GET an API collection's items, with a label selector if given."""
        query = f"?{urlencode({'labelSelector': selector})}" if selector else ""
        items: list[dict[str, Any]] = self.get(path + query).get("items") or []
        return items

    def patch(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """PATCH an API path with a strategic merge patch, returning the result's JSON."""
        return self._request("PATCH", path, json.dumps(body).encode(),
                             "application/strategic-merge-patch+json")

    def _request(self, method: str, path: str, body: bytes | None = None,
                 content_type: str | None = None) -> dict[str, Any]:
        headers = [("Accept", "application/json"), ("User-Agent", USER_AGENT),
                   *self.target.credentials.headers()]
        if body is not None:
            headers += [("Content-Type", content_type or "application/json"),
                        ("Content-Length", str(len(body)))]
        url = f"{self.target.credentials.server}{path}"
        started = time.monotonic()
        self.log.request(method, url, headers, body)
        sock = None
        try:
            with self._reaching():
                sock = self._open()
                response = http1.request(sock, self.endpoint.host, self.endpoint.port, method,
                                         self.prefix + path, headers, body)
            if not response.will_close:
                self.idle, sock = sock, None
        finally:
            if sock is not None:
                sock.close()
        body = response.body
        self.log.response(method, url, response.status, response.reason, started, body)
        if response.status != 200:
            raise server_error(response.status, response.reason or "", body)
        document: dict[str, Any] = json.loads(body)
        return document

    def exec(
        self, pod: str, container: str, argv: Sequence[str], stdout: Sink, stderr: Sink,
        deadline: float | None = None,
    ) -> int:
        """Exec argv over the websocket API (v5.channel.k8s.io, else v4), streaming output,
        within the deadline (see Transport.exec)."""
        WebSocketException = _websocket().WebSocketException  # noqa: N806

        query = urlencode([*(("command", arg) for arg in argv), ("container", container),
                           ("stdin", "true"), ("stdout", "true"), ("stderr", "true")])
        url = f"{self.ws_base}{self.pod_path(pod)}/exec?{query}"
        limit = min((t for t in (deadline, self.target.timeout) if t), default=None)
        self.log.request("GET", url, self.target.credentials.headers(), None)
        started = time.monotonic()
        try:
            with self._reaching():
                reuse, self.idle = self.idle, None
                sock = open_websocket(self.target, url, reuse or self._open())
        except WebSocketException as exc:
            raise _handshake_error(exc) from None
        self.log.response("GET", url, 101, "Switching Protocols", started, None)
        status = b""
        try:
            for channel, payload in _frames(sock, container, limit):
                if channel == STDOUT:
                    stdout.write(payload)
                elif channel == STDERR:
                    stderr.write(payload)
                elif channel == STATUS:
                    status += payload
        except StreamEnded as exc:
            if not status:
                raise _ended_early(str(exc)) from None
        finally:
            sock.close()
        if not status:
            raise _ended_early("the server closed it without an exit status")
        return exit_status(status)


class StreamEnded(Exception):  # noqa: N818 - how a stream ends, not always a failure
    """The exec connection ended without a close frame."""


def _frames(sock: Any, container: str, limit: float | None) -> Iterator[tuple[int, memoryview]]:
    """(channel, payload) of each frame until the close frame, within limit seconds; a
    connection that breaks raises StreamEnded, the sinks' own errors are not caught here."""
    websocket = _websocket()
    ABNF, WebSocketException = websocket.ABNF, websocket.WebSocketException  # noqa: N806
    WebSocketTimeoutException = websocket.WebSocketTimeoutException  # noqa: N806

    ends = time.monotonic() + limit if limit else None
    while True:
        if ends is not None:
            sock.settimeout(max(ends - time.monotonic(), 0.001))
        try:
            opcode, frame = sock.recv_data_frame(False)
        except (WebSocketTimeoutException, socket.timeout):
            raise PidshareError(f'gave up on the command in container "{container}" after '
                                f"{limit:g}s (see --request-timeout); it was stopped") from None
        except (WebSocketException, OSError) as exc:
            raise StreamEnded(str(exc)) from None
        if opcode == ABNF.OPCODE_CLOSE:
            return
        data = memoryview(frame.data)
        if data:
            yield data[0], data[1:]


def _ended_early(detail: str) -> PidshareError:
    return PidshareError(f"the exec stream ended early: {detail} (pod deleted?)")


def _handshake_error(exc: Exception) -> PidshareError:
    status = getattr(exc, "status_code", 0) or 0
    body = getattr(exc, "resp_body", None)
    if status:
        return server_error(status, str(exc), body)
    if type(exc).__name__ == "WebSocketTimeoutException":
        return PidshareError(describe(exc))
    return PidshareError(f"exec failed: {exc}")
