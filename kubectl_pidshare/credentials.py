"""The server and the credentials of the chosen context, and the TLS context they make.

Certificates, bearer tokens (inline, in files, or the in-cluster service account) and exec
credential plugins are handled here; legacy auth providers go through the official client's
loader. Either way nothing is written back.
"""

from __future__ import annotations

import base64
import json
import os
import ssl
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from kubectl_pidshare.errors import ConfigurationError, PidshareError


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
    insecure: bool = False
    server_name: str | None = None
    impersonate: tuple[tuple[str, str], ...] = ()

    def headers(self) -> list[tuple[str, str]]:
        """The Authorization header, when there is a token, and the Impersonate-* headers
        (repeated for several groups or extra values, as client-go sends them)."""
        authorization = [("Authorization", f"Bearer {self.token}")] if self.token else []
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


def from_kubeconfig(config: dict[str, Any], cluster: dict[str, Any], user: dict[str, Any],
                    base: Path, user_name: str = "") -> Credentials:
    """Credentials of the selected cluster and user (config: the whole merged kubeconfig;
    user_name: the user's entry name, for messages)."""
    if not cluster.get("server"):
        raise PidshareError("invalid configuration: the cluster has no server")
    if cluster.get("proxy-url"):
        raise PidshareError("proxy-url is not supported: reach the API server directly")
    if user.get("username") or user.get("password"):
        raise PidshareError("basic authentication is not supported (Kubernetes removed it)")
    if user.get("auth-provider"):
        return _through_client(config, base)
    insecure = cluster.get("insecure-skip-tls-verify") is True
    if insecure and (cluster.get("certificate-authority")
                     or cluster.get("certificate-authority-data")):
        raise PidshareError("specifying a root certificates file with the insecure flag is not "
                            "allowed")
    issued = _exec_plugin(user["exec"], base) if user.get("exec") else {}
    return Credentials(
        server=str(cluster["server"]).rstrip("/"),
        ca_file=_file(cluster, "certificate-authority"),
        ca_data=_data(cluster, "certificate-authority"),
        cert_file=_file(user, "client-certificate"),
        key_file=_file(user, "client-key"),
        cert_data=_pem(issued, "clientCertificateData") or _data(user, "client-certificate"),
        key_data=_pem(issued, "clientKeyData") or _data(user, "client-key"),
        token=issued.get("token") or user.get("token") or None,
        insecure=insecure,
        server_name=cluster.get("tls-server-name") or None,
        impersonate=impersonation(user.get("as"), user.get("as-uid"),
                                  user.get("as-groups") or [], user.get("as-user-extra") or {},
                                  user_name),
    )


def _pem(issued: Mapping[str, Any], key: str) -> bytes | None:
    value = issued.get(key)
    return value.encode() if value else None


def _exec_plugin(spec: Mapping[str, Any], base: Path) -> dict[str, Any]:
    """Run an exec credential plugin as kubectl does; its ExecCredential status."""
    command = str(spec.get("command") or "")
    if "/" in command and not os.path.isabs(command):
        command = str(base / command)
    env = dict(os.environ)
    env.update({item["name"]: item["value"] for item in spec.get("env") or []})
    env["KUBERNETES_EXEC_INFO"] = json.dumps({
        "apiVersion": spec.get("apiVersion"), "kind": "ExecCredential",
        "spec": {"interactive": False}})
    try:
        ran = subprocess.run([command, *(spec.get("args") or [])], env=env, check=False,
                             stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    except OSError as exc:
        hint = spec.get("installHint")
        raise PidshareError(f"exec credential plugin {command!r}: {exc.strerror}"
                            + (f"; {' '.join(str(hint).split())}" if hint else "")) from None
    except subprocess.TimeoutExpired:
        raise PidshareError(f"exec credential plugin {command!r} did not answer in 60 s") from None
    if ran.returncode != 0:
        lines = ran.stderr.decode(errors="replace").strip().splitlines()
        raise PidshareError(f"exec credential plugin {command!r} exited {ran.returncode}: "
                            f"{lines[-1] if lines else 'no message'}")
    try:
        status: dict[str, Any] = json.loads(ran.stdout)["status"]
    except (ValueError, KeyError, TypeError):
        raise PidshareError(f"exec credential plugin {command!r} printed no ExecCredential "
                            "status") from None
    return status


def _through_client(config: dict[str, Any], base: Path) -> Credentials:
    try:
        from kubernetes.client import Configuration
    except ImportError:
        raise PidshareError("auth-provider credentials need the Python package kubernetes: "
                            "pip install kubernetes") from None
    from kubernetes.config.config_exception import ConfigException
    from kubernetes.config.kube_config import KubeConfigLoader

    configuration = Configuration()
    try:
        KubeConfigLoader(config_dict=config, config_base_path=str(base)).load_and_set(
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


def in_cluster(environ: Mapping[str, str], account: Path) -> Credentials:
    """The Pod's own service account, as kubectl uses it inside a cluster."""
    host, port = environ["KUBERNETES_SERVICE_HOST"], environ.get("KUBERNETES_SERVICE_PORT", "443")
    if ":" in host:
        host = f"[{host}]"
    return Credentials(
        server=f"https://{host}:{port}",
        ca_file=str(account / "ca.crt"),
        token=(account / "token").read_text().strip(),
    )


def ssl_context(credentials: Credentials) -> ssl.SSLContext:
    """A TLS context that verifies the server and presents the client certificate, if any."""
    cadata = credentials.ca_data.decode() if credentials.ca_data else None
    context = ssl.create_default_context(cafile=credentials.ca_file, cadata=cadata)
    if credentials.insecure:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if credentials.cert_data or credentials.key_data:
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
