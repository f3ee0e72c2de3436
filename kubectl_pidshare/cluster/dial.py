"""The connection to the API server, as client-go makes it: through the cluster's proxy-url,
else the proxy HTTPS_PROXY or HTTP_PROXY names unless NO_PROXY (or a loopback server)
excludes it; an HTTP CONNECT tunnel through http.client, SOCKS5 through python-socks; TLS
unless the server is http://; kubectl's connect (30 s) and TLS handshake (10 s) timeouts."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from kubectl_pidshare.errors import PidshareError, UnreachableError

if TYPE_CHECKING:
    from kubectl_pidshare.cluster.credentials import Credentials

CONNECT_TIMEOUT = 30.0
TLS_HANDSHAKE_TIMEOUT = 10.0
PROXY_SCHEMES = ("http", "socks5", "socks5h")


@dataclass(frozen=True)
class Endpoint:
    """Where the server is: scheme, host, port and path prefix, and the proxy to go through."""

    tls: bool
    host: str
    port: int
    prefix: str
    proxy: str | None

    @property
    def address(self) -> str:
        """host:port, as kubectl names the server in its messages."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


def _bypassed(host: str, port: int, no_proxy: str) -> bool:
    """Go's httpproxy rules: loopback and localhost never go through the environment's proxy;
    NO_PROXY lists `*`, IPs, CIDRs and domains (a domain covers its subdomains)."""
    if host == "localhost":
        return True
    import ipaddress

    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None and address.is_loopback:
        return True
    for entry in (item.strip().lower() for item in no_proxy.split(",")):
        if not entry:
            continue
        if entry == "*":
            return True
        if "/" in entry and address is not None:
            try:
                if address in ipaddress.ip_network(entry, strict=False):
                    return True
            except ValueError:
                pass
            continue
        name, _, entry_port = entry.rpartition(":") if entry.count(":") == 1 else (entry, "", "")
        if entry_port and entry_port != str(port):
            continue
        name = name.lstrip("*").lstrip(".")
        if host.lower() == name or host.lower().endswith("." + name):
            return True
    return False


def _environment_proxy(tls: bool, host: str, port: int, environ: Mapping[str, str]
                       ) -> str | None:
    names = ("HTTPS_PROXY", "https_proxy") if tls else ("HTTP_PROXY", "http_proxy")
    proxy = next((environ[name] for name in names if environ.get(name)), None)
    if not proxy or _bypassed(host, port, environ.get("NO_PROXY") or environ.get("no_proxy")
                              or ""):
        return None
    return proxy if "://" in proxy else f"http://{proxy}"


def endpoint(credentials: Credentials, environ: Mapping[str, str]) -> Endpoint:
    """The server's endpoint, and the proxy client-go would use to reach it."""
    parsed = urlsplit(credentials.server if "://" in credentials.server
                      else f"https://{credentials.server}")
    tls = parsed.scheme != "http"
    host = parsed.hostname or ""
    port = parsed.port or (443 if tls else 80)
    proxy = credentials.proxy_url or _environment_proxy(tls, host, port, environ)
    if proxy and urlsplit(proxy).scheme not in PROXY_SCHEMES:
        raise PidshareError(f"proxy {proxy}: pidshare reaches the API server through http:// "
                            "and socks5:// proxies only")
    return Endpoint(tls, host, port, parsed.path.rstrip("/"), proxy)


def _tcp(point: Endpoint, timeout: float) -> socket.socket:
    if point.proxy is None:
        return socket.create_connection((point.host, point.port), timeout)
    proxy = urlsplit(point.proxy)
    if proxy.scheme == "http":
        import http.client

        tunnel = http.client.HTTPConnection(proxy.hostname or "", proxy.port or 80,
                                            timeout=timeout)
        headers = {}
        if proxy.username:
            import base64

            pair = f"{proxy.username}:{proxy.password or ''}".encode()
            headers["Proxy-Authorization"] = f"Basic {base64.b64encode(pair).decode()}"
        tunnel.set_tunnel(point.host, point.port, headers)
        try:
            tunnel.connect()
        except ConnectionRefusedError as exc:
            raise UnreachableError(point.address, exc) from exc
        except OSError as exc:
            raise UnreachableError(point.address, exc, "proxyconnect tcp: ") from exc
        assert tunnel.sock is not None
        return tunnel.sock
    from python_socks import ProxyError
    from python_socks.sync import Proxy

    try:
        sock: socket.socket = Proxy.from_url(point.proxy, rdns=True).connect(
            point.host, point.port, timeout)
    except ProxyError as exc:
        raise UnreachableError(point.address, OSError(str(exc)), "socks connect tcp: ") from exc
    return sock


def connect(point: Endpoint, tls: ssl.SSLContext | None, server_name: str | None,
            timeout: float | None) -> socket.socket:
    """A socket to the server (TLS unless http://), ready for HTTP; timeout: the request's
    (None: none), which also bounds the connect and the handshake: a shorter one that runs
    out is a TimeoutError (--request-timeout's), kubectl's own limits an UnreachableError."""
    try:
        sock = _tcp(point, min(timeout or CONNECT_TIMEOUT, CONNECT_TIMEOUT))
    except (socket.timeout, TimeoutError) as exc:
        if timeout is not None and timeout < CONNECT_TIMEOUT:
            raise TimeoutError(f"no connection to {point.address}") from None
        raise UnreachableError(point.address, exc) from exc
    except OSError as exc:
        raise UnreachableError(point.address, exc) from exc
    if point.tls and tls is not None:
        sock.settimeout(min(timeout or TLS_HANDSHAKE_TIMEOUT, TLS_HANDSHAKE_TIMEOUT))
        try:
            sock = tls.wrap_socket(sock, server_hostname=server_name or point.host)
        except (socket.timeout, TimeoutError):
            sock.close()
            if timeout is not None and timeout < TLS_HANDSHAKE_TIMEOUT:
                raise TimeoutError(f"no TLS handshake from {point.address}") from None
            raise UnreachableError(point.address,
                                   TimeoutError("net/http: TLS handshake timeout")) from None
        except OSError as exc:
            sock.close()
            raise UnreachableError(point.address, exc) from exc
    sock.settimeout(timeout)
    return sock
