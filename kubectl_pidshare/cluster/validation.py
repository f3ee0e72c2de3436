"""The checks client-go makes of the chosen cluster and user before any request, with its
messages (kubectl prints them after `Error in configuration: `, several as a list)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubectl_pidshare.errors import ConfigurationError, PidshareError

INTERACTIVE_MODES = ("Never", "IfAvailable", "Always")
DEFAULTS_TO_IF_AVAILABLE = ("client.authentication.k8s.io/v1beta1",
                            "client.authentication.k8s.io/v1alpha1")


def _unreadable(path: str) -> str | None:
    try:
        with open(path, "rb"):
            return None
    except OSError as exc:
        return f"open {path}: {(exc.strerror or str(exc)).lower()}"


def cluster_errors(name: str, cluster: Mapping[str, Any]) -> list[str]:
    """What client-go's validateClusterInfo finds wrong with the cluster called name."""
    errors = []
    if not cluster.get("server"):
        errors.append(f'no server found for cluster "{name}"')
    ca, ca_data = cluster.get("certificate-authority"), cluster.get("certificate-authority-data")
    if ca and ca_data:
        errors.append(f"certificate-authority-data and certificate-authority are both specified "
                      f"for {name}. certificate-authority-data will override.")
    if ca and (problem := _unreadable(ca)):
        errors.append(f"unable to read certificate-authority {ca} for {name} due to {problem}")
    return errors


def user_errors(name: str, user: Mapping[str, Any]) -> list[str]:
    """What client-go's validateAuthInfo finds wrong with the user called name."""
    errors = []
    methods = ["token"] if user.get("token") else []
    methods += ["basicAuth"] if user.get("username") or user.get("password") else []
    cert, cert_data = user.get("client-certificate"), user.get("client-certificate-data")
    key, key_data = user.get("client-key"), user.get("client-key-data")
    if cert or cert_data:
        if cert and cert_data:
            errors.append(f"client-cert-data and client-cert are both specified for {name}. "
                          "client-cert-data will override.")
        if key and key_data:
            errors.append(f"client-key-data and client-key are both specified for {name}; "
                          "client-key-data will override")
        if not key and not key_data:
            errors.append(f"client-key-data or client-key must be specified for {name} to use "
                          "the clientCert authentication method.")
        for kind, path in (("client-cert", cert), ("client-key", key)):
            if path and (problem := _unreadable(path)):
                errors.append(f"unable to read {kind} {path} for {name} due to {problem}")
    errors += exec_errors(name, user.get("exec"), bool(user.get("auth-provider")))
    if len(methods) > 1:
        errors.append(f"more than one authentication method found for {name}; found "
                      f"[{' '.join(methods)}], only one is allowed")
    if not user.get("as") and (user.get("as-uid") or user.get("as-groups")
                               or user.get("as-user-extra")):
        errors.append(f"requesting uid, groups or user-extra for {name} without impersonating "
                      "a user")
    return errors


def exec_errors(name: str, spec: Any, auth_provider: bool) -> list[str]:
    """What is wrong with a user's exec credential plugin section."""
    if not isinstance(spec, Mapping):
        return []
    errors = []
    if auth_provider:
        errors.append(f"authProvider cannot be provided in combination with an exec plugin "
                      f"for {name}")
    if not spec.get("command"):
        errors.append(f"command must be specified for {name} to use exec authentication plugin")
    if not spec.get("apiVersion"):
        errors.append(f"apiVersion must be specified for {name} to use exec authentication "
                      "plugin")
    if any(not item.get("name") for item in spec.get("env") or []):
        errors.append(f"env variable name must be specified for {name} to use exec "
                      "authentication plugin")
    mode = interactive_mode(spec)
    if not mode:
        errors.append(f"interactiveMode must be specified for {name} to use exec "
                      "authentication plugin")
    elif mode not in INTERACTIVE_MODES:
        errors.append(f'invalid interactiveMode for {name}: "{mode}"')
    return errors


def interactive_mode(spec: Mapping[str, Any]) -> str:
    """The plugin's interactiveMode, defaulted as client-go defaults it for old apiVersions."""
    mode = str(spec.get("interactiveMode") or "")
    if not mode and spec.get("apiVersion") in DEFAULTS_TO_IF_AVAILABLE:
        return "IfAvailable"
    return mode


def check(cluster_name: str, cluster: Mapping[str, Any], user_name: str,
          user: Mapping[str, Any]) -> None:
    """Refuse the configuration as kubectl does when the cluster or the user is inconsistent."""
    errors = cluster_errors(cluster_name, cluster) + user_errors(user_name, user)
    if errors:
        raise ConfigurationError(errors[0] if len(errors) == 1 else
                                 "".join(f"\n* {error}" for error in errors))
    if cluster.get("insecure-skip-tls-verify") is True and (
            cluster.get("certificate-authority") or cluster.get("certificate-authority-data")):
        raise PidshareError("specifying a root certificates file with the insecure flag is not "
                            "allowed")
