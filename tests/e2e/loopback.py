"""Helper servers for the parity suite, each on 127.0.0.1 only, each logging what passed
through it: an HTTP CONNECT proxy, a SOCKS5 proxy, a TLS reverse proxy serving the API
server under a path prefix (as Rancher does, websocket upgrades passed through), and a
server that accepts connections and never answers."""

from __future__ import annotations

import socket
import socketserver
import ssl
import struct
import threading
from collections.abc import Callable, Mapping
from contextlib import suppress

LOOPBACK = "127.0.0.1"


def _pipe(a: socket.socket, b: socket.socket) -> None:
    """Copy bytes both ways until either side closes."""
    def copy(src: socket.socket, dst: socket.socket) -> None:
        with suppress(OSError):
            while data := src.recv(65536):
                dst.sendall(data)
        with suppress(OSError):
            dst.shutdown(socket.SHUT_WR)

    back = threading.Thread(target=copy, args=(b, a), daemon=True)
    back.start()
    copy(a, b)
    back.join()
    a.close()
    b.close()


def _read_head(sock: socket.socket) -> tuple[bytes, bytes]:
    """An HTTP head (up to the blank line) and whatever came after it."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return head, rest


class Server(socketserver.ThreadingTCPServer):
    """A threaded loopback server with a log of what its handler saw."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, handler: type[socketserver.BaseRequestHandler],
                 hosts: Mapping[str, str] | None = None) -> None:
        super().__init__((LOOPBACK, 0), handler)
        self.log: list[str] = []
        self.hosts = dict(hosts or {})
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def port(self) -> int:
        """The port it listens on."""
        return int(self.server_address[1])

    def resolve(self, host: str) -> str:
        """Where a name the client asked for is: the test's own names, else itself."""
        return self.hosts.get(host, host)

    def stop(self) -> None:
        """Stop serving."""
        self.shutdown()
        self.server_close()


class ConnectHandler(socketserver.BaseRequestHandler):
    """HTTP CONNECT: `CONNECT host:port`, then the tunnel."""

    server: Server

    def handle(self) -> None:
        head, rest = _read_head(self.request)
        method, target = head.split(b" ")[:2]
        if method != b"CONNECT":
            self.request.sendall(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n")
            return
        host, _, port = target.decode().rpartition(":")
        self.server.log.append(f"CONNECT {host}:{port}")
        try:
            upstream = socket.create_connection((self.server.resolve(host), int(port)), 5)
        except OSError:
            self.request.sendall(b"HTTP/1.1 502 Bad Gateway\r\n\r\n")
            return
        self.request.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        if rest:
            upstream.sendall(rest)
        _pipe(self.request, upstream)


class Socks5Handler(socketserver.BaseRequestHandler):
    """SOCKS5 without authentication, CONNECT only, names resolved here (RFC 1928)."""

    server: Server

    def _exactly(self, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = self.request.recv(size - len(data))
            if not chunk:
                raise ConnectionError("client went away")
            data += chunk
        return data

    def handle(self) -> None:
        _, methods = self._exactly(2)
        self._exactly(methods)
        self.request.sendall(b"\x05\x00")
        _, command, _, kind = self._exactly(4)
        if kind == 1:
            host = socket.inet_ntoa(self._exactly(4))
        elif kind == 3:
            host = self._exactly(self._exactly(1)[0]).decode()
        else:
            host = socket.inet_ntop(socket.AF_INET6, self._exactly(16))
        (port,) = struct.unpack("!H", self._exactly(2))
        self.server.log.append(f"SOCKS5 CONNECT {host}:{port}")
        try:
            assert command == 1
            upstream = socket.create_connection((self.server.resolve(host), port), 5)
        except (OSError, AssertionError):
            self.request.sendall(b"\x05\x05\x00\x01" + bytes(6))
            return
        self.request.sendall(b"\x05\x00\x00\x01" + bytes(6))
        _pipe(self.request, upstream)


class PrefixHandler(socketserver.BaseRequestHandler):
    """TLS in, the API server behind a path prefix (Rancher's /k8s/clusters/ID): checks the
    client's bearer token, strips the prefix, and forwards to the API server as the proxy's own
    identity (its client certificate). Requests other than upgrades are forwarded with
    `Connection: close`, so each connection carries one request; an upgrade (the exec
    websocket) is piped both ways, or, with stall_upgrades, never answered."""

    server: PrefixProxy

    def handle(self) -> None:
        try:
            client = self.server.tls.wrap_socket(self.request, server_side=True)
        except (OSError, ssl.SSLError):
            return
        head, rest = _read_head(client)
        if not head:
            return
        request_line, *header_lines = head.decode("latin-1").split("\r\n")
        method, path, version = request_line.split(" ")
        headers = [line.split(":", 1) for line in header_lines]
        authorization = next((v.strip() for k, v in headers if k.lower() == "authorization"), "")
        self.server.log.append(f"{method} {path}")
        if not path.startswith(self.server.prefix + "/") or (
                authorization != f"Bearer {self.server.token}"):
            body = (b'{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",'
                    b'"message":"Unauthorized","reason":"Unauthorized","code":401}')
            client.sendall(b"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"
                           b"Connection: close\r\nContent-Length: %d\r\n\r\n%s"
                           % (len(body), body))
            client.close()
            return
        upgrade = any(k.lower() == "upgrade" for k, _ in headers)
        if upgrade and self.server.stall_upgrades:
            with suppress(OSError):
                client.settimeout(120)
                while client.recv(1):
                    pass
            return
        kept = [(k, v) for k, v in headers
                if k.lower() not in ("authorization", "host") and
                (upgrade or k.lower() != "connection")]
        kept += [("Host", self.server.upstream_host)]
        kept += [] if upgrade else [("Connection", " close")]
        forwarded = "\r\n".join([f"{method} {path[len(self.server.prefix):]} {version}",
                                 *(f"{k}:{v}" for k, v in kept)]) + "\r\n\r\n"
        upstream = self.server.upstream()
        upstream.sendall(forwarded.encode("latin-1") + rest)
        _pipe(client, upstream)


class PrefixProxy(Server):
    """PrefixHandler's server: its TLS identity, its prefix and token, and the API server."""

    def __init__(self, tls: ssl.SSLContext, prefix: str, token: str,
                 upstream: Callable[[], ssl.SSLSocket], upstream_host: str,
                 stall_upgrades: bool = False) -> None:
        self.tls, self.prefix, self.token = tls, prefix, token
        self.upstream, self.upstream_host = upstream, upstream_host
        self.stall_upgrades = stall_upgrades
        super().__init__(PrefixHandler)


class SilentHandler(socketserver.BaseRequestHandler):
    """Accepts, reads nothing, says nothing, until the client gives up."""

    server: Server

    def handle(self) -> None:
        self.server.log.append("accepted")
        with suppress(OSError):
            self.request.settimeout(120)
            while self.request.recv(1):
                pass
