"""The server and the credentials of the chosen context, and the TLS context they make.

Certificates, bearer tokens (inline, in files, or the in-cluster service account), basic
authentication and impersonation are handled here, exec credential plugins in execplugin.py;
legacy auth providers go through the official client's loader. Either way nothing is
written back.
"""

from __future__ import annotations

import base64
import os
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from kubectl_pidshare.errors import ConfigurationError, PidshareError

if TYPE_CHECKING:
    from kubectl_pidshare.cluster.configflags import ConfigFlags


@dataclass(frozen=True)
class Credentials:
    """How to reach and authenticate to one API server."""

    server: str
    ca_file: str | None = None
    ca_data: bytes | None = None
    cert_file: str | None = None
    key_file: str | None = None
    cert_data: bytes | None = None
    key_data: bytes | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    basic: tuple[str, str] | None = field(default=None, repr=False)
    insecure: bool = False
    server_name: str | None = None
    proxy_url: str | None = None
    impersonate: tuple[tuple[str, str], ...] = ()

    def headers(self) -> list[tuple[str, str]]:
        """The Authorization header (a bearer token, else basic), when there is one, and the
        Impersonate-* headers (repeated for several groups or extra values, as client-go sends
        them)."""
        authorization = [("Authorization", f"Bearer {self.token}")] if self.token else []
        if self.basic and not self.token:
            pair = base64.b64encode(":".join(self.basic).encode()).decode()
            authorization = [("Authorization", f"Basic {pair}")]
        return [*authorization, *self.impersonate]


def impersonation(user: str | None, uid: str | None, groups: Sequence[str],
                  extra: Mapping[str, Sequence[str]], entry: str) -> tuple[tuple[str, str], ...]:
    """The Impersonate-* headers for the kubeconfig user `entry`'s as, as-uid, as-groups and
    as-user-extra."""
    if not user and (uid or groups or extra):
        raise ConfigurationError(f"requesting uid, groups or user-extra for {entry} without "
                                 "impersonating a user")
    if not user:
        return ()
    headers = [("Impersonate-User", user)]
    headers += [("Impersonate-Uid", uid)] if uid else []
    headers += [("Impersonate-Group", group) for group in groups]
    headers += [(f"Impersonate-Extra-{quote(key, safe='')}", value)
                for key, values in extra.items() for value in values]
    return tuple(headers)


def _data(body: Mapping[str, Any], key: str) -> bytes | None:
    value = body.get(f"{key}-data")
    if not value:
        return None
    try:
        return base64.b64decode(value, validate=True)
    except ValueError:
        raise PidshareError(f"invalid configuration: {key}-data is not base64") from None


def _file(body: Mapping[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value and not Path(value).is_file():
        raise PidshareError(f"invalid configuration: {key} {value}: no such file")
    return str(value) if value else None


def _token(user: Mapping[str, Any]) -> str | None:
    """client-go's bearer token: the tokenFile's content, trimmed, wins over token while it
    can be read; without token, an unreadable tokenFile is an error."""
    path = user.get("tokenFile")
    if path:
        try:
            from_file = Path(path).read_text().strip()
        except OSError as exc:
            if not user.get("token"):
                raise PidshareError(f"open {path}: {(exc.strerror or '').lower()}") from None
        else:
            if from_file:
                return from_file
    return user.get("token") or None


def from_kubeconfig(config: dict[str, Any], cluster: dict[str, Any], user: dict[str, Any],
                    user_name: str = "", environ: Mapping[str, str] = os.environ
                    ) -> Credentials:
    """Credentials of the selected cluster and user, flags already applied (config: the whole
    merged kubeconfig; user_name: the user's entry name, for messages). Over plain HTTP no
    credential is sent, as client-go sends none."""
    if user.get("auth-provider"):
        return _through_client(config)
    server = str(cluster["server"]).rstrip("/")
    tls = not server.startswith("http://")
    issued: dict[str, Any] = {}
    if tls and user.get("exec"):
        from kubectl_pidshare.cluster.execplugin import run

        issued = run(user["exec"], cluster, environ)
    return Credentials(
        server=server,
        ca_file=_file(cluster, "certificate-authority"),
        ca_data=_data(cluster, "certificate-authority"),
        cert_file=_file(user, "client-certificate") if tls else None,
        key_file=_file(user, "client-key") if tls else None,
        cert_data=(_pem(issued, "clientCertificateData") or _data(user, "client-certificate")
                   if tls else None),
        key_data=_pem(issued, "clientKeyData") or _data(user, "client-key") if tls else None,
        token=(issued.get("token") or _token(user)) if tls else None,
        basic=(str(user.get("username") or ""), str(user.get("password") or ""))
        if tls and (user.get("username") or user.get("password")) else None,
        insecure=cluster.get("insecure-skip-tls-verify") is True,
        server_name=cluster.get("tls-server-name") or None,
        proxy_url=cluster.get("proxy-url") or None,
        impersonate=impersonation(user.get("as"), user.get("as-uid"),
                                  user.get("as-groups") or [], user.get("as-user-extra") or {},
                                  user_name),
    )


def _pem(issued: Mapping[str, Any], key: str) -> bytes | None:
    value = issued.get(key)
    return value.encode() if value else None


def _through_client(config: dict[str, Any]) -> Credentials:
    try:
        from kubernetes.client import Configuration
    except ImportError:
        raise PidshareError("auth-provider credentials need the Python package kubernetes: "
                            "pip install kubernetes") from None
    from kubernetes.config.config_exception import ConfigException
    from kubernetes.config.kube_config import KubeConfigLoader

    configuration = Configuration()
    try:
        KubeConfigLoader(config_dict=config, config_base_path="/").load_and_set(
            configuration)
    except ConfigException as exc:
        raise PidshareError(f"invalid configuration: {exc}") from None
    token = configuration.get_api_key_with_prefix("BearerToken", alias="authorization")
    return Credentials(
        server=configuration.host.rstrip("/"),
        ca_file=configuration.ssl_ca_cert,
        cert_file=configuration.cert_file,
        key_file=configuration.key_file,
        token=token.removeprefix("Bearer ") if token else None,
        insecure=not configuration.verify_ssl,
        server_name=configuration.tls_server_name,
    )


def in_cluster(environ: Mapping[str, str], account: Path, flags: ConfigFlags) -> Credentials:
    """The Pod's own service account, as kubectl uses it inside a cluster (-s, --token and
    --certificate-authority replace its parts)."""
    host, port = environ["KUBERNETES_SERVICE_HOST"], environ.get("KUBERNETES_SERVICE_PORT", "443")
    if ":" in host:
        host = f"[{host}]"
    return Credentials(
        server=(flags.server or f"https://{host}:{port}").rstrip("/"),
        ca_file=flags.certificate_authority or str(account / "ca.crt"),
        token=flags.token or (account / "token").read_text().strip(),
        impersonate=impersonation(flags.impersonate, flags.impersonate_uid,
                                  flags.impersonate_groups, {}, ""),
    )


def ssl_context(credentials: Credentials) -> ssl.SSLContext:
    """A TLS context that verifies the server and presents the client certificate, if any."""
    cadata = credentials.ca_data.decode() if credentials.ca_data else None
    context = ssl.create_default_context(cafile=credentials.ca_file, cadata=cadata)
    if credentials.insecure:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if credentials.cert_data or credentials.key_data:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="pidshare-") as private:
            cert = _private_file(private, "cert", credentials.cert_data) or credentials.cert_file
            key = _private_file(private, "key", credentials.key_data) or credentials.key_file
            context.load_cert_chain(str(cert), key)
    elif credentials.cert_file:
        context.load_cert_chain(credentials.cert_file, credentials.key_file)
    return context


def _private_file(directory: str, name: str, data: bytes | None) -> str | None:
    if data is None:
        return None
    path = os.path.join(directory, name)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    return path
