"""http1: the request as http.client sent it, and responses of every framing read whole."""

from __future__ import annotations

import io
import socket
import threading

import pytest

from kubectl_pidshare.cluster import http1


def exchange(answer: bytes, host: str = "api.corp", port: int = 6443
             ) -> tuple[bytes, http1.Response]:
    """The bytes a request sends, and the response read from answer."""
    client, server = socket.socketpair()
    sent = bytearray()

    def serve() -> None:
        while b"\r\n\r\n" not in sent:
            sent.extend(server.recv(65536))
        server.sendall(answer)
        server.close()

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        response = http1.request(client, host, port, "GET", "/api/v1/namespaces/default/pods/nginx",
                                 [("Accept", "application/json"), ("Authorization", "Bearer t")])
    finally:
        thread.join()
        client.close()
    return bytes(sent), response


def test_sends_what_http_client_sent() -> None:
    sent, _ = exchange(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
    assert sent == (b"GET /api/v1/namespaces/default/pods/nginx HTTP/1.1\r\n"
                    b"Host: api.corp:6443\r\nAccept-Encoding: identity\r\n"
                    b"Accept: application/json\r\nAuthorization: Bearer t\r\n\r\n")
    assert exchange(b"HTTP/1.1 204 No Content\r\n\r\n", host="::1", port=80)[0].split(
        b"\r\n")[1] == b"Host: [::1]"


@pytest.mark.parametrize(("answer", "body", "will_close"), [
    pytest.param(b"HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n{\"a\":1}", b'{"a":1}', False,
                 id="content-length"),
    pytest.param(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\n{\"a\r\n"
                 b"4\r\n\":1}\r\n0\r\nTrailer: t\r\n\r\n", b'{"a":1}', False, id="chunked"),
    pytest.param(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nto the end", b"to the end", True,
                 id="until-closed"),
    pytest.param(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}", b"{}",
                 True, id="connection-close"),
    pytest.param(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}", b"{}", True, id="http-1.0"),
    pytest.param(b"HTTP/1.1 404 Not Found\r\ncontent-length: 2\r\n\r\n{}", b"{}", False,
                 id="not-found"),
])
def test_reads_each_framing(answer: bytes, body: bytes, will_close: bool) -> None:
    _, response = exchange(answer)
    assert (response.body, response.will_close) == (body, will_close)
    assert response.status in (200, 404) and response.reason in ("OK", "Not Found")


@pytest.mark.parametrize(("answer", "error"), [
    pytest.param(b"", http1.RemoteDisconnected, id="closed"),
    pytest.param(b"SSH-2.0-OpenSSH\r\n\r\n", http1.HTTPException, id="not-http"),
    pytest.param(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", http1.HTTPException,
                 id="short"),
    pytest.param(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                 http1.HTTPException, id="bad-chunk"),
])
def test_what_is_not_a_response_says_so(answer: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        http1.read_response(io.BytesIO(answer))


def test_a_closed_connection_is_a_connection_error() -> None:
    assert issubclass(http1.RemoteDisconnected, ConnectionResetError)
