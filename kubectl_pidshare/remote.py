"""Talk to the API server: one GET of a Pod, and exec over the websocket exec API.

`Transport` is the seam the core depends on; `KubeTransport` is the real one, built on the
official client's configuration, REST client and websocket code.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

from kubectl_pidshare.errors import PidshareError, ServerError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kubectl_pidshare.kubeconfig import Target

STDOUT, STDERR, STATUS, CLOSE = 1, 2, 3, 255


class Sink(Protocol):
    """Where a stream of output goes: a binary file, or anything with write()."""

    def write(self, data: bytes | memoryview, /) -> int:
        """Take the next piece of the stream."""
        ...


class Transport(Protocol):
    """What the commands need from a cluster."""

    def get_pod(self, name: str) -> dict[str, Any]:
        """The Pod as the API server returns it (JSON)."""
        ...

    def exec(
        self, pod: str, container: str, argv: Sequence[str], stdout: Sink, stderr: Sink
    ) -> int:
        """Run argv in the container, streaming its output; return its exit status."""
        ...


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


class KubeTransport:
    """The real cluster, reached with the official Kubernetes client."""

    def __init__(self, target: Target) -> None:
        from kubernetes.client import ApiClient

        self.target = target
        self.api = ApiClient(target.configuration)

    def _path(self, pod: str) -> str:
        namespace = quote(self.target.namespace, safe="")
        return f"/api/v1/namespaces/{namespace}/pods/{quote(pod, safe='')}"

    def get_pod(self, name: str) -> dict[str, Any]:
        """GET the Pod, returning its JSON without building client models."""
        method, url, headers, _, _ = self.api.param_serialize(
            "GET", self._path(name), header_params={"Accept": "application/json"},
            auth_settings=["BearerToken"],
        )
        response = self.api.call_api(method, url, headers, _request_timeout=self.target.timeout)
        body = response.read()
        if response.status != 200:
            raise server_error(response.status, response.reason or "", body)
        document: dict[str, Any] = json.loads(body)
        return document

    def _headers(self) -> dict[str, str]:
        token = self.target.configuration.get_api_key_with_prefix(
            "BearerToken", alias="authorization"
        )
        return {"authorization": token} if token else {}

    def exec(
        self, pod: str, container: str, argv: Sequence[str], stdout: Sink, stderr: Sink
    ) -> int:
        """Exec argv over the websocket API (v5.channel.k8s.io, else v4), streaming output."""
        from kubernetes.stream import ws_client
        from websocket import ABNF, WebSocketException

        query: list[tuple[str, Any]] = [("command", list(argv)), ("container", container),
                                        ("stdout", "true"), ("stderr", "true")]
        url = ws_client.get_websocket_url(
            self.target.configuration.host + self._path(pod) + "/exec", query
        )
        status = b""
        try:
            sock = ws_client.create_websocket(self.target.configuration, url, self._headers())
        except WebSocketException as exc:
            raise _handshake_error(exc) from None
        try:
            while True:
                opcode, frame = sock.recv_data_frame(False)
                if opcode == ABNF.OPCODE_CLOSE:
                    break
                data = memoryview(frame.data)
                if not data:
                    continue
                channel, payload = data[0], data[1:]
                if channel == STDOUT:
                    stdout.write(payload)
                elif channel == STDERR:
                    stderr.write(payload)
                elif channel == STATUS:
                    status += payload
        except WebSocketException as exc:
            if not status:
                raise PidshareError(f"exec connection lost: {exc}") from None
        finally:
            sock.close()
        if not status:
            raise PidshareError("exec ended without an exit status")
        return exit_status(status)


def _handshake_error(exc: Exception) -> PidshareError:
    status = getattr(exc, "status_code", 0) or 0
    body = getattr(exc, "resp_body", None)
    if status:
        return server_error(status, str(exc), body)
    return PidshareError(f"exec failed: {exc}")
