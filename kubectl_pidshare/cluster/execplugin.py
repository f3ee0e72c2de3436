"""Exec credential plugins, run as client-go runs them: the ExecCredential request in
KUBERNETES_EXEC_INFO (with the cluster when provideClusterInfo is set), stdin passed through
when the plugin may interact, its stderr always the user's, the reply's apiVersion checked."""

from __future__ import annotations

import base64
import json
import os
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kubectl_pidshare.cluster.validation import interactive_mode
from kubectl_pidshare.errors import PidshareError

API_VERSIONS = ("client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1")
CLUSTER_EXTENSION = "client.authentication.k8s.io/exec"


class CredentialError(PidshareError):
    """A plugin that gave no credentials, said as kubectl says it for a request."""

    def render(self) -> str:
        """`Unable to connect to the server: getting credentials: …`, kubectl's line."""
        return f"Unable to connect to the server: getting credentials: {self.message}"


def cluster_info(cluster: Mapping[str, Any]) -> dict[str, Any]:
    """The ExecCredential's spec.cluster: the cluster as the plugin needs to know it."""
    ca = cluster.get("certificate-authority-data")
    if not ca and cluster.get("certificate-authority"):
        ca = base64.b64encode(Path(cluster["certificate-authority"]).read_bytes()).decode()
    info = {"server": cluster.get("server"), "tls-server-name": cluster.get("tls-server-name"),
            "insecure-skip-tls-verify": cluster.get("insecure-skip-tls-verify"),
            "certificate-authority-data": ca, "proxy-url": cluster.get("proxy-url"),
            "disable-compression": cluster.get("disable-compression")}
    extension = next((item.get("extension") for item in cluster.get("extensions") or []
                      if item.get("name") == CLUSTER_EXTENSION), None)
    if extension is not None:
        info["config"] = extension
    return {key: value for key, value in info.items() if value not in (None, "", False)}


def _interactive(spec: Mapping[str, Any]) -> bool:
    mode = interactive_mode(spec)
    terminal = os.isatty(0)
    if mode == "Always" and not terminal:
        raise CredentialError("exec plugin cannot support interactive mode: standard input is "
                              "not a terminal")
    return mode != "Never" and terminal


def run(spec: Mapping[str, Any], cluster: Mapping[str, Any],
        environ: Mapping[str, str]) -> dict[str, Any]:
    """Run the plugin of a user's exec section; its ExecCredential status."""
    api_version = str(spec.get("apiVersion"))
    if api_version not in API_VERSIONS:
        raise PidshareError(f'exec plugin: invalid apiVersion "{api_version}"')
    command = str(spec["command"])
    interactive = _interactive(spec)
    request: dict[str, Any] = {"kind": "ExecCredential", "apiVersion": api_version,
                               "spec": {"interactive": interactive}}
    if spec.get("provideClusterInfo"):
        request["spec"]["cluster"] = cluster_info(cluster)
    env = {**environ, **{item["name"]: str(item.get("value", ""))
                         for item in spec.get("env") or []}}
    env["KUBERNETES_EXEC_INFO"] = json.dumps(request)
    try:
        ran = subprocess.run([command, *map(str, spec.get("args") or [])], env=env, check=False,
                             stdin=None if interactive else subprocess.DEVNULL,
                             stdout=subprocess.PIPE)
    except OSError as exc:
        if "/" in command:
            reason = (exc.strerror or str(exc)).lower()
            raise CredentialError(f"exec: fork/exec {command}: {reason}") from None
        hint = " ".join(str(spec.get("installHint") or "").split())
        raise CredentialError(f"exec: executable {command} not found"
                              + (f"; {hint}" if hint else "")) from None
    if ran.returncode != 0:
        raise CredentialError(f"exec: executable {command} failed with exit code "
                              f"{ran.returncode}")
    return _status(ran.stdout, api_version)


def _status(stdout: bytes, api_version: str) -> dict[str, Any]:
    try:
        reply = json.loads(stdout)
    except ValueError as exc:
        raise CredentialError(f"decoding stdout: {exc}") from None
    replied = reply.get("apiVersion") if isinstance(reply, dict) else None
    if replied != api_version:
        raise CredentialError(f"exec plugin is configured to use API version {api_version}, "
                              f"plugin returned version {replied}")
    status = reply.get("status")
    if not isinstance(status, dict):
        raise CredentialError("exec plugin didn't return a status field")
    if not (status.get("token") or status.get("clientCertificateData")
            or status.get("clientKeyData")):
        raise CredentialError("exec plugin didn't return a token or cert/key pair")
    if bool(status.get("clientCertificateData")) != bool(status.get("clientKeyData")):
        raise CredentialError("exec plugin returned only certificate or key, not both")
    return status
