"""KubeTransport.exec over a fake websocket: channels, exit status, and the credentials sent."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from websocket import ABNF, WebSocketConnectionClosedException, WebSocketTimeoutException

from kubectl_pidshare.cluster import client
from kubectl_pidshare.cluster.client import KubeTransport, exit_status, server_error
from kubectl_pidshare.cluster.configflags import ConfigFlags
from kubectl_pidshare.cluster.kubeconfig import Target, load
from kubectl_pidshare.errors import PidshareError, ServerError

NON_ZERO = (b'{"status":"Failure","reason":"NonZeroExitCode","details":{"causes":'
            b'[{"reason":"ExitCode","message":"3"}]}}')


class FakeSocket:
    """A websocket that plays a list of exec frames (an exception is raised in its turn), then
    closes."""

    def __init__(self, frames: list[bytes | Exception]) -> None:
        self.frames: list[tuple[int, Any] | Exception] = [
            f if isinstance(f, Exception) else (ABNF.OPCODE_BINARY, SimpleNamespace(data=f))
            for f in frames]
        self.frames.append((ABNF.OPCODE_CLOSE, SimpleNamespace(data=b"")))
        self.closed = False
        self.timeouts: list[float | None] = []

    def recv_data_frame(self, control: bool) -> tuple[int, Any]:
        """The next frame."""
        frame = self.frames.pop(0)
        if isinstance(frame, Exception):
            raise frame
        return frame

    def settimeout(self, timeout: float | None) -> None:
        """Remember the timeouts set."""
        self.timeouts.append(timeout)

    def close(self) -> None:
        """Remember that it was closed."""
        self.closed = True


def transport(tmp_path: Path, user: dict[str, Any]) -> KubeTransport:
    """A KubeTransport from a temporary kubeconfig with the given user."""
    path = tmp_path / "config"
    path.write_text(yaml.safe_dump({
        "clusters": [{"name": "c", "cluster": {"server": "https://127.0.0.1:6443",
                                               "insecure-skip-tls-verify": True}}],
        "users": [{"name": "u", "user": user}],
        "contexts": [{"name": "x", "context": {"cluster": "c", "user": "u", "namespace": "ns"}}],
        "current-context": "x",
    }))
    return KubeTransport(load(ConfigFlags(kubeconfig=str(path)), {}))


def run(monkeypatch: pytest.MonkeyPatch, kube: KubeTransport, frames: list[bytes | Exception],
        deadline: float | None = None, out: io.BytesIO | None = None
        ) -> tuple[int, bytes, bytes, dict[str, Any]]:
    """Exec with a fake websocket; (status, stdout, stderr, what open_websocket was given and
    the timeouts set on the socket)."""
    seen: dict[str, Any] = {}
    sock = FakeSocket(frames)
    seen["timeouts"] = sock.timeouts

    def create(target: Target, url: str, reuse: object = None) -> FakeSocket:
        seen.update(url=url, headers=target.credentials.headers())
        return sock

    monkeypatch.setattr(client, "open_websocket", create)
    monkeypatch.setattr(KubeTransport, "_open", lambda self: None)
    out, err = out or io.BytesIO(), io.BytesIO()
    try:
        status = kube.exec("p", "c", ["sh", "-c", "echo a b"], out, err, deadline)
    finally:
        assert sock.closed
    return status, out.getvalue(), err.getvalue(), seen


def test_exec_channels_and_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kube = transport(tmp_path, {"token": "t0k"})
    status, out, err, seen = run(monkeypatch, kube, [
        b"\x01hello ", b"\x02oops\n", b"\x01world", b"", b"\x03",
        b'\x03{"status":"Success"}',
    ])
    assert (status, out, err) == (0, b"hello world", b"oops\n")
    assert seen["url"] == ("wss://127.0.0.1:6443/api/v1/namespaces/ns/pods/p/exec?command=sh&"
                           "command=-c&command=echo+a+b&container=c&stdin=true&stdout=true&"
                           "stderr=true")
    assert seen["timeouts"] == []


def test_exec_sends_the_bearer_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A kubeconfig token user must authenticate the exec websocket too, not only the GET."""
    kube = transport(tmp_path, {"token": "t0k"})
    _, _, _, seen = run(monkeypatch, kube, [b'\x03{"status":"Success"}'])
    assert seen["headers"] == [("Authorization", "Bearer t0k")]


def test_exec_non_zero_exit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kube = transport(tmp_path, {})
    status, out, err, seen = run(monkeypatch, kube, [b"\x03" + NON_ZERO])
    assert (status, out, err, seen["headers"]) == (3, b"", b"", [])


@pytest.mark.parametrize(("frames", "detail"), [
    pytest.param([b"\x01partial"], "the server closed it without an exit status", id="closed"),
    pytest.param([b"\x01partial", WebSocketConnectionClosedException("Connection to remote host "
                                                                     "was lost.")],
                 "Connection to remote host was lost.", id="lost"),
    pytest.param([ConnectionResetError(104, "Connection reset by peer")],
                 "[Errno 104] Connection reset by peer", id="reset"),
])
def test_exec_stream_ended_early(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 frames: list[bytes | Exception], detail: str) -> None:
    kube = transport(tmp_path, {})
    with pytest.raises(PidshareError) as caught:
        run(monkeypatch, kube, frames)
    assert caught.value.message == f"the exec stream ended early: {detail} (pod deleted?)"


def test_exec_after_its_status_a_lost_connection_is_the_end(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kube = transport(tmp_path, {})
    status, out, _, _ = run(monkeypatch, kube, [b"\x01all", b"\x03" + NON_ZERO,
                                                WebSocketConnectionClosedException("lost")])
    assert (status, out) == (3, b"all")


@pytest.mark.parametrize(("deadline", "request_timeout", "limit"), [
    pytest.param(60.0, None, 60.0, id="the-script's"),
    pytest.param(60.0, 2.0, 2.0, id="request-timeout-shorter"),
    pytest.param(None, 5.0, 5.0, id="request-timeout-alone"),
])
def test_exec_deadline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, deadline: float | None,
                       request_timeout: float | None, limit: float) -> None:
    kube = transport(tmp_path, {})
    kube.target = replace(kube.target, timeout=request_timeout)
    with pytest.raises(PidshareError) as caught:
        run(monkeypatch, kube, [b"\x01some", WebSocketTimeoutException("timed out")], deadline)
    assert caught.value.message == (f'gave up on the command in container "c" after {limit:g}s '
                                    "(see --request-timeout); it was stopped")


def test_exec_deadline_counts_down(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kube = transport(tmp_path, {})
    status, _, _, seen = run(monkeypatch, kube, [b"\x01a", b"\x01b", b'\x03{"status":"Success"}'],
                             deadline=30.0)
    assert status == 0
    assert len(seen["timeouts"]) == 4
    assert 29 < seen["timeouts"][-1] <= seen["timeouts"][0] <= 30


def test_exec_a_failing_sink_is_not_a_lost_connection(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Full(io.BytesIO):
        def write(self, data: Any, /) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    kube = transport(tmp_path, {})
    with pytest.raises(BrokenPipeError):
        run(monkeypatch, kube, [b"\x01data", b'\x03{"status":"Success"}'], out=Full())


@pytest.mark.parametrize(("status", "expected"), [
    pytest.param(b'{"status":"Success"}', 0, id="success"),
    pytest.param(NON_ZERO, 3, id="non-zero-exit-code"),
])
def test_exit_status(status: bytes, expected: int) -> None:
    assert exit_status(status) == expected


def test_exit_status_failure_is_a_server_error() -> None:
    with pytest.raises(ServerError) as caught:
        exit_status(b'{"status":"Failure","reason":"InternalError","message":"exec: '
                    b'\\"sh\\": executable file not found in $PATH: unknown"}')
    assert caught.value.render() == (
        'Error from server (InternalError): exec: "sh": executable file not found in $PATH: '
        "unknown")


def test_exit_status_not_json() -> None:
    with pytest.raises(PidshareError) as unexpected:
        exit_status(b"not json")
    assert unexpected.value.message == "unexpected exec status: b'not json'"


@pytest.mark.parametrize(("code", "reason", "body", "rendered"), [
    pytest.param(404, "Not Found",
                 b'{"kind":"Status","reason":"NotFound","message":"pods \\"x\\" not found"}',
                 'Error from server (NotFound): pods "x" not found', id="status-document"),
    pytest.param(502, "Bad Gateway", b"<html>oops</html>\n",
                 "Error from server (Bad Gateway): <html>oops</html>", id="html-body"),
    pytest.param(500, "", b"", "Error from server (500): status 500",
                 id="empty-body-and-reason"),
])
def test_server_error(code: int, reason: str, body: bytes, rendered: str) -> None:
    assert server_error(code, reason, body).render() == rendered


@pytest.mark.parametrize(("namespace", "line"), [
    pytest.param(ServerError("NotFound", 'namespaces "ns" not found'),
                 'Error from server (NotFound): namespaces "ns" not found', id="namespace-missing"),
    pytest.param({"kind": "Namespace"}, 'Error from server (NotFound): pods "p" not found',
                 id="pod-missing"),
    pytest.param(ServerError("Forbidden", 'namespaces "ns" is forbidden'),
                 'Error from server (NotFound): pods "p" not found', id="namespace-forbidden"),
])
def test_a_pod_not_found_in_a_missing_namespace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                namespace: object, line: str) -> None:
    """kubectl says the namespace is missing, not the Pod: one more GET decides."""
    kube = transport(tmp_path, {"token": "t0k"})
    asked = []

    def get(path: str) -> dict[str, Any]:
        asked.append(path)
        answer = namespace if path == "/api/v1/namespaces/ns" else ServerError(
            "NotFound", 'pods "p" not found')
        if isinstance(answer, ServerError):
            raise answer
        return answer  # type: ignore[return-value]

    monkeypatch.setattr(kube, "get", get)
    with pytest.raises(ServerError) as caught:
        kube.get_pod("p")
    assert caught.value.render() == line
    assert asked == ["/api/v1/namespaces/ns/pods/p", "/api/v1/namespaces/ns"]
