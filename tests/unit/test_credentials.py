"""Credentials from kubeconfig entries, the exec-plugin path, and the TLS context they make."""

from __future__ import annotations

import base64
import json
import os
import ssl
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pytest

from kubectl_pidshare.cluster.configflags import ConfigFlags
from kubectl_pidshare.cluster.credentials import (
    Credentials,
    from_kubeconfig,
    in_cluster,
    ssl_context,
)
from kubectl_pidshare.errors import PidshareError

CLUSTER = {"server": "https://127.0.0.1:6443/"}


@pytest.fixture(scope="module")
def pem(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate and its key."""
    directory = tmp_path_factory.mktemp("pki")
    cert, key = directory / "c.crt", directory / "c.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=t",
                    "-keyout", str(key), "-out", str(cert), "-days", "1"],
                   check=True, capture_output=True)
    return cert, key


def config_for(user: Mapping[str, object]) -> dict[str, object]:
    """A merged kubeconfig with one cluster, one user and a context selecting them."""
    return {"clusters": [{"name": "c", "cluster": CLUSTER}],
            "users": [{"name": "u", "user": user}],
            "contexts": [{"name": "x", "context": {"cluster": "c", "user": "u"}}],
            "current-context": "x"}


def test_token_and_inline_certificates(pem: tuple[Path, Path]) -> None:
    cert, key = pem
    user = {"token": "t0k",
            "client-certificate-data": base64.b64encode(cert.read_bytes()).decode(),
            "client-key-data": base64.b64encode(key.read_bytes()).decode()}
    cluster = {**CLUSTER, "certificate-authority-data":
               base64.b64encode(cert.read_bytes()).decode(), "tls-server-name": "kube"}
    found = from_kubeconfig(config_for(user), cluster, user)
    assert (found.server, found.token, found.server_name) == (
        "https://127.0.0.1:6443", "t0k", "kube")
    assert (found.cert_data, found.key_data, found.ca_data) == (
        cert.read_bytes(), key.read_bytes(), cert.read_bytes())
    assert found.headers() == [("Authorization", "Bearer t0k")]


def test_ssl_context_loads_inline_keys_and_leaves_no_file(pem: tuple[Path, Path]) -> None:
    cert, key = pem
    before = set(os.listdir(tempfile.gettempdir()))
    context = ssl_context(Credentials(server="https://x", ca_data=cert.read_bytes(),
                                      cert_data=cert.read_bytes(), key_data=key.read_bytes()))
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert len(context.get_ca_certs()) == 1
    assert set(os.listdir(tempfile.gettempdir())) == before


def test_insecure_skips_verification(pem: tuple[Path, Path]) -> None:
    cert, key = pem
    context = ssl_context(Credentials(server="https://x", insecure=True, cert_file=str(cert),
                                      key_file=str(key)))
    assert (context.verify_mode, context.check_hostname) == (ssl.CERT_NONE, False)


def test_exec_plugin_token(tmp_path: Path) -> None:
    credential = {"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
                  "status": {"token": "from-plugin"}}
    user = {"exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": "sh",
                     "args": ["-c", f"echo '{json.dumps(credential)}'"],
                     "interactiveMode": "Never"}}
    cluster = {**CLUSTER, "insecure-skip-tls-verify": True}
    config = {**config_for(user), "clusters": [{"name": "c", "cluster": cluster}]}
    found = from_kubeconfig(config, cluster, user)
    assert (found.server, found.token, found.insecure) == (
        "https://127.0.0.1:6443", "from-plugin", True)


def test_basic_authentication_is_sent_as_kubectl_sends_it() -> None:
    user = {"username": "a", "password": "b"}
    found = from_kubeconfig(config_for(user), CLUSTER, user)
    assert found.headers() == [("Authorization", "Basic YTpi")]


def test_plain_http_sends_no_credential_but_impersonates() -> None:
    user = {"token": "t0k", "as": "alice"}
    found = from_kubeconfig(config_for(user), {"server": "http://127.0.0.1:8001"}, user)
    assert found.headers() == [("Impersonate-User", "alice")]


def test_token_file_wins_over_token(tmp_path: Path) -> None:
    (tmp_path / "token").write_text(" from-file\n")
    user = {"token": "inline", "tokenFile": str(tmp_path / "token")}
    assert from_kubeconfig(config_for(user), CLUSTER, user).token == "from-file"
    user = {"token": "inline", "tokenFile": str(tmp_path / "missing")}
    assert from_kubeconfig(config_for(user), CLUSTER, user).token == "inline"


@pytest.mark.parametrize(("cluster", "user", "message"), [
    pytest.param({**CLUSTER, "certificate-authority-data": "!!"}, {},
                 "invalid configuration: certificate-authority-data is not base64",
                 id="ca-data-not-base64"),
])
def test_refusals(cluster: dict[str, object], user: dict[str, object], message: str) -> None:
    with pytest.raises(PidshareError) as caught:
        from_kubeconfig(config_for(user), cluster, user)
    assert caught.value.message == message


def test_in_cluster(tmp_path: Path) -> None:
    (tmp_path / "token").write_text("sa-token\n")
    found = in_cluster({"KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "443"},
                       tmp_path, ConfigFlags())
    assert (found.server, found.token, found.ca_file) == (
        "https://[fd00::1]:443", "sa-token", str(tmp_path / "ca.crt"))


def test_exec_plugin_client_certificate_and_environment(pem: tuple[Path, Path]) -> None:
    cert, key = pem
    status = {"clientCertificateData": cert.read_text(), "clientKeyData": key.read_text()}
    script = ("import json, os; info = json.loads(os.environ['KUBERNETES_EXEC_INFO']); "
              "assert info['spec']['interactive'] is False and os.environ['TEAM'] == 'a'; "
              "print(json.dumps({'apiVersion': 'client.authentication.k8s.io/v1', "
              f"'status': {status!r}}}))")
    user = {"exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": sys.executable,
                     "args": ["-c", script], "env": [{"name": "TEAM", "value": "a"}]}}
    found = from_kubeconfig(config_for(user), CLUSTER, user)
    assert (found.cert_data, found.key_data, found.token) == (
        cert.read_bytes(), key.read_bytes(), None)


@pytest.mark.parametrize(("spec", "message"), [
    pytest.param({"command": "sh", "args": ["-c", "exit 3"]},
                 "exec: executable sh failed with exit code 3", id="non-zero-exit"),
    pytest.param({"command": "/nonexistent/auth", "installHint": "install the\n  auth plugin"},
                 "exec: fork/exec /nonexistent/auth: no such file or directory",
                 id="missing-command-by-path"),
    pytest.param({"command": "pidshare-no-such-plugin", "installHint": "install the\n  plugin"},
                 "exec: executable pidshare-no-such-plugin not found; install the plugin",
                 id="missing-command-with-install-hint"),
    pytest.param({"command": "sh", "args": ["-c", "echo '{}'"]},
                 "exec plugin is configured to use API version client.authentication.k8s.io/v1, "
                 "plugin returned version None", id="no-exec-credential-printed"),
    pytest.param({"command": "sh", "args": ["-c", "echo '{\"apiVersion\": "
                                            "\"client.authentication.k8s.io/v1beta1\"}'"]},
                 "exec plugin is configured to use API version client.authentication.k8s.io/v1, "
                 "plugin returned version client.authentication.k8s.io/v1beta1",
                 id="other-api-version-in-the-reply"),
])
def test_exec_plugin_failures(spec: dict[str, object], message: str) -> None:
    user = {"exec": {"apiVersion": "client.authentication.k8s.io/v1", **spec}}
    with pytest.raises(PidshareError) as caught:
        from_kubeconfig(config_for(user), CLUSTER, user)
    assert caught.value.message == message


def test_repr_never_shows_a_token_or_a_key() -> None:
    shown = repr(Credentials(server="https://x", token="s3cr3t", key_data=b"PRIVATE"))
    assert "s3cr3t" not in shown and "PRIVATE" not in shown
