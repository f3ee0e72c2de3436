"""Client configuration, context and namespace, resolved the way kubectl resolves them.

Files are read, never written: credentials the client refreshes stay in memory.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kubectl_pidshare.errors import PidshareError

if TYPE_CHECKING:
    from kubectl_pidshare.credentials import Credentials

SERVICE_ACCOUNT = Path("/var/run/secrets/kubernetes.io/serviceaccount")
NAMED_LISTS = ("clusters", "users", "contexts")
# The typed fields pidshare reads, as client-go's structs declare them: (struct, Go type, Python).
TYPED: dict[str, tuple[str, dict[str, tuple[str, type]]]] = {
    "clusters": ("Cluster", {"server": ("string", str), "insecure-skip-tls-verify": ("bool", bool),
                             "disable-compression": ("bool", bool)}),
    "users": ("AuthInfo", {"token": ("string", str), "as": ("string", str),
                           "as-uid": ("string", str), "as-groups": ("[]string", list)}),
}
JSON_TYPES = ((bool, "bool"), (str, "string"), ((int, float), "number"), (list, "array"),
              (dict, "object"))
FILE_KEYS = {
    "clusters": ("certificate-authority",),
    "users": ("client-certificate", "client-key", "tokenFile"),
}


@dataclass(frozen=True)
class ConfigFlags:
    """The kubectl flags that choose the cluster, the credentials and the namespace."""

    kubeconfig: str | None = None
    context: str | None = None
    cluster: str | None = None
    user: str | None = None
    namespace: str | None = None
    request_timeout: float | None = None


@dataclass(frozen=True)
class Target:
    """Where to talk to: the server and credentials, and the namespace to work in."""

    credentials: Credentials
    namespace: str
    timeout: float | None


def kubeconfig_files(flags: ConfigFlags, environ: Mapping[str, str]) -> list[Path]:
    """The kubeconfig files to merge, in priority order (kubectl's loading rules)."""
    if flags.kubeconfig:
        path = Path(flags.kubeconfig).expanduser()
        if not path.is_file():
            raise PidshareError(f"stat {flags.kubeconfig}: no such file or directory")
        return [path]
    if environ.get("KUBECONFIG"):
        found: list[Path] = []
        for item in environ["KUBECONFIG"].split(os.pathsep):
            path = Path(item).expanduser()
            if item and path not in found and path.is_file():
                found.append(path)
        return found
    default = Path(environ.get("HOME") or Path.home()) / ".kube" / "config"
    return [default] if default.is_file() else []


def _absolute_paths(config: dict[str, Any], base: Path) -> None:
    for section, keys in FILE_KEYS.items():
        for entry in config.get(section) or []:
            body = entry.get(section[:-1]) if isinstance(entry, dict) else None
            if not isinstance(body, dict):
                continue
            for key in keys:
                value = body.get(key)
                if isinstance(value, str) and value and not os.path.isabs(value):
                    body[key] = str(base / value)


def check_types(path: Path, config: Mapping[str, Any]) -> None:
    """Refuse a field of the wrong type (`insecure-skip-tls-verify: "false"`) as client-go does
    when it loads the file, rather than reading it as something else."""
    for section, (struct, fields) in TYPED.items():
        for entry in config.get(section) or []:
            body = entry.get(section[:-1]) if isinstance(entry, dict) else None
            for key, (go_type, python_type) in fields.items():
                value = body.get(key) if isinstance(body, dict) else None
                if value is None or isinstance(value, python_type):
                    continue
                found = next((name for kind, name in JSON_TYPES if isinstance(value, kind)),
                             type(value).__name__)
                raise PidshareError(
                    f'error loading config file "{path}": json: cannot unmarshal {found} into '
                    f"Go struct field {struct}.{section}.{section[:-1]}.{key} of type {go_type}")


def merge(documents: Sequence[tuple[Path, Any]]) -> dict[str, Any]:
    """Merge kubeconfig documents: the first file to set a name or a key wins.

    Relative file paths are made absolute against the directory of the file that names them.
    """
    merged: dict[str, Any] = {name: [] for name in NAMED_LISTS}
    for path, document in documents:
        if not document:
            continue
        if not isinstance(document, Mapping):
            raise PidshareError(f"error loading config file {path}: not a kubeconfig")
        check_types(path, document)
        config = copy.deepcopy(dict(document))
        _absolute_paths(config, path.absolute().parent)
        for name in NAMED_LISTS:
            known = {entry.get("name") for entry in merged[name]}
            for entry in config.get(name) or []:
                if isinstance(entry, dict) and entry.get("name") not in known:
                    merged[name].append(entry)
                    known.add(entry.get("name"))
        if config.get("current-context") and "current-context" not in merged:
            merged["current-context"] = config["current-context"]
    return merged


def _named(config: Mapping[str, Any], section: str, name: str) -> dict[str, Any] | None:
    for entry in config.get(section) or []:
        if entry.get("name") == name:
            body = entry.get(section[:-1])
            return body if isinstance(body, dict) else {}
    return None


def _read_token_file(config: dict[str, Any], user_name: str | None) -> None:
    """kubectl reads a user's tokenFile and trims it; the client library does not trim."""
    user = _named(config, "users", user_name) if user_name else None
    if not user or user.get("token") or not user.get("tokenFile"):
        return
    try:
        token = Path(user["tokenFile"]).read_text().strip()
    except OSError as exc:
        raise PidshareError(f"reading tokenFile of user {user_name!r}: {exc.strerror}") from None
    config["users"] = [
        {"name": entry.get("name"), "user": {**user, "token": token}}
        if entry.get("name") == user_name else entry
        for entry in config.get("users") or []
    ]


def select_context(config: dict[str, Any], flags: ConfigFlags
                   ) -> tuple[dict[str, Any], dict[str, Any]]:
    """Apply --context, --cluster and --user; return the config and the chosen context."""
    name = flags.context or config.get("current-context") or ""
    context = _named(config, "contexts", name) if name else None
    if name and context is None and not (flags.cluster and flags.user):
        raise PidshareError(f'context "{name}" does not exist')
    chosen = dict(context or {})
    if flags.cluster:
        chosen["cluster"] = flags.cluster
    if flags.user:
        chosen["user"] = flags.user
    if not chosen.get("cluster"):
        raise PidshareError(
            "no context is set: use --context, or set current-context in the kubeconfig"
        )
    if _named(config, "clusters", chosen["cluster"]) is None:
        raise PidshareError(f'cluster "{chosen["cluster"]}" does not exist in the kubeconfig')
    if chosen.get("user") and _named(config, "users", chosen["user"]) is None:
        raise PidshareError(f'user "{chosen["user"]}" does not exist in the kubeconfig')
    result = dict(config)
    _read_token_file(result, chosen.get("user"))
    result["contexts"] = [{"name": "pidshare", "context": chosen}]
    result["current-context"] = "pidshare"
    return result, chosen


def _in_cluster(flags: ConfigFlags, environ: Mapping[str, str]) -> Target | None:
    if not (environ.get("KUBERNETES_SERVICE_HOST") and (SERVICE_ACCOUNT / "token").is_file()):
        return None
    from kubectl_pidshare.credentials import in_cluster

    namespace_file = SERVICE_ACCOUNT / "namespace"
    namespace = namespace_file.read_text().strip() if namespace_file.is_file() else ""
    return Target(in_cluster(environ, SERVICE_ACCOUNT), flags.namespace or namespace or "default",
                  flags.request_timeout)


def load(flags: ConfigFlags, environ: Mapping[str, str] = os.environ) -> Target:
    """Resolve the client configuration and namespace from the flags and the environment."""
    files = kubeconfig_files(flags, environ)
    if not files:
        target = _in_cluster(flags, environ)
        if target is None:
            raise PidshareError(
                "no configuration has been provided: set KUBECONFIG, pass --kubeconfig, "
                "or create ~/.kube/config"
            )
        return target

    import yaml

    documents = []
    for path in files:
        try:
            documents.append((path, yaml.safe_load(path.read_bytes())))
        except (OSError, yaml.YAMLError) as exc:
            detail = " ".join(str(exc).split())
            raise PidshareError(f"error loading config file {path}: {detail}") from None
    config, context = select_context(merge(documents), flags)
    from kubectl_pidshare.credentials import from_kubeconfig

    cluster = _named(config, "clusters", context["cluster"]) or {}
    user = _named(config, "users", context.get("user") or "") or {}
    credentials = from_kubeconfig(config, cluster, user, files[0].absolute().parent,
                                  context.get("user") or "")
    namespace = flags.namespace or context.get("namespace") or "default"
    return Target(credentials, namespace, flags.request_timeout)
