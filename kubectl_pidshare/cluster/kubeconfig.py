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

from kubectl_pidshare.cluster.configflags import ConfigFlags
from kubectl_pidshare.errors import PidshareError

if TYPE_CHECKING:
    from kubectl_pidshare.cluster.credentials import Credentials

DEFAULT_SERVER = "http://localhost:8080"
SERVICE_ACCOUNT = Path("/var/run/secrets/kubernetes.io/serviceaccount")
NAMED_LISTS = ("clusters", "users", "contexts")
# The typed fields pidshare reads, as client-go's structs declare them: (struct, Go type, Python).
TYPED: dict[str, tuple[str, dict[str, tuple[str, type]]]] = {
    "clusters": ("Cluster", {"server": ("string", str), "insecure-skip-tls-verify": ("bool", bool),
                             "disable-compression": ("bool", bool),
                             "certificate-authority": ("string", str),
                             "tls-server-name": ("string", str), "proxy-url": ("string", str)}),
    "users": ("AuthInfo", {"token": ("string", str), "tokenFile": ("string", str),
                           "as": ("string", str), "as-uid": ("string", str),
                           "as-groups": ("[]string", list), "client-certificate": ("string", str),
                           "client-key": ("string", str), "username": ("string", str),
                           "password": ("string", str)}),
}
GO_TYPES = {"clusters": "NamedCluster", "users": "NamedAuthInfo", "contexts": "NamedContext"}
JSON_TYPES = ((bool, "bool"), (str, "string"), ((int, float), "number"), (list, "array"),
              (dict, "object"))
FILE_KEYS = {
    "clusters": ("certificate-authority",),
    "users": ("client-certificate", "client-key", "tokenFile"),
}


@dataclass(frozen=True)
class Target:
    """Where to talk to: the server and credentials, and the namespace to work in."""

    credentials: Credentials
    namespace: str
    timeout: float | None
    verbosity: int = 0


def kubeconfig_files(flags: ConfigFlags, environ: Mapping[str, str]) -> list[Path]:
    """The kubeconfig files to merge, in priority order (kubectl's loading rules)."""
    if flags.kubeconfig:
        path = Path(flags.kubeconfig).expanduser()
        if not path.exists():
            raise PidshareError(f"stat {flags.kubeconfig}: no such file or directory")
        return [path]
    if environ.get("KUBECONFIG"):
        found: list[Path] = []
        for item in environ["KUBECONFIG"].split(os.pathsep):
            path = Path(item).expanduser()
            if item and path not in found and path.exists():
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
            plugin = body.get("exec")
            command = plugin.get("command") if isinstance(plugin, dict) else None
            if isinstance(command, str) and "/" in command and not os.path.isabs(command):
                plugin["command"] = str(base / command)  # type: ignore[index]


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


def check_names(path: Path, config: Mapping[str, Any]) -> None:
    """Refuse a file that names two clusters, users or contexts alike, as client-go does."""
    for section, go_type in GO_TYPES.items():
        seen: set[Any] = set()
        for entry in config.get(section) or []:
            name = entry.get("name") if isinstance(entry, dict) else None
            if name in seen:
                target = go_type.removeprefix("Named")
                raise PidshareError(
                    f'error loading config file "{path}": error converting *[]{go_type} into '
                    f'*map[string]*api.{target}: duplicate name "{name}" in list')
            seen.add(name)


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
        check_names(path, document)
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
    if flags.user and _named(config, "users", flags.user) is None:
        raise PidshareError(f'auth info "{flags.user}" does not exist')
    if chosen.get("cluster") and _named(config, "clusters", chosen["cluster"]) is None:
        raise PidshareError(f'cluster "{chosen["cluster"]}" does not exist')
    if chosen.get("user") and _named(config, "users", chosen["user"]) is None:
        raise PidshareError(f'user "{chosen["user"]}" was not found for context "{name}"')
    result = dict(config)
    result["contexts"] = [{"name": "pidshare", "context": chosen}]
    result["current-context"] = "pidshare"
    return result, chosen


def _in_cluster(flags: ConfigFlags, environ: Mapping[str, str]) -> Target | None:
    """The Pod's service account, when kubectl would use it: no kubeconfig, or an empty one."""
    if not (environ.get("KUBERNETES_SERVICE_HOST") and environ.get("KUBERNETES_SERVICE_PORT")
            and (SERVICE_ACCOUNT / "token").is_file()):
        return None
    from kubectl_pidshare.cluster.credentials import in_cluster

    namespace_file = SERVICE_ACCOUNT / "namespace"
    namespace = environ.get("POD_NAMESPACE") or (
        namespace_file.read_text().strip() if namespace_file.is_file() else "")
    return Target(in_cluster(environ, SERVICE_ACCOUNT, flags),
                  flags.namespace or namespace or "default", flags.request_timeout,
                  flags.verbosity)


def read(path: Path) -> Any:
    """One kubeconfig file's YAML: as kubectl writes it, without PyYAML (kubeyaml), else with
    libyaml's loader where PyYAML has it (ten times faster on big files with inline
    certificates)."""
    from kubectl_pidshare.cluster import kubeyaml

    try:
        text = path.read_bytes()
    except OSError as exc:
        operation = "read" if isinstance(exc, IsADirectoryError) else "open"
        reason = exc.strerror.lower() if exc.strerror else str(exc)
        raise PidshareError(f'error loading config file "{path}": {operation} {path}: '
                            f"{reason}") from None
    try:
        return kubeyaml.load(text)
    except kubeyaml.Unsupported:
        pass
    import yaml

    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        detail = " ".join(str(exc).split())
        raise PidshareError(f"error loading config file {path}: {detail}") from None


def is_empty(config: Mapping[str, Any]) -> bool:
    """Whether the merged kubeconfig says nothing (client-go's IsEmptyConfig)."""
    return not any(config.get(name) for name in (*NAMED_LISTS, "current-context"))


def load(flags: ConfigFlags, environ: Mapping[str, str] = os.environ) -> Target:
    """Resolve the client configuration and namespace from the flags and the environment:
    the kubeconfig files, else the Pod's service account, else kubectl's default server
    (http://localhost:8080); the flags laid over the chosen cluster and user."""
    from kubectl_pidshare.cluster import overrides, validation
    from kubectl_pidshare.cluster.credentials import from_kubeconfig

    files = kubeconfig_files(flags, environ)
    merged = merge([(path, read(path)) for path in files])
    if is_empty(merged) and not flags.kubeconfig:
        target = _in_cluster(flags, environ)
        if target is not None:
            return target
    config, context = select_context(merged, flags)
    cluster_name, user_name = context.get("cluster") or "", context.get("user") or ""
    found = _named(config, "clusters", cluster_name) if cluster_name else None
    cluster = overrides.cluster({"server": DEFAULT_SERVER} if not cluster_name else found or {},
                                flags)
    user = overrides.user(_named(config, "users", user_name) or {}, flags)
    validation.check(cluster_name, cluster, user_name, user)
    credentials = from_kubeconfig(config, cluster, user, user_name, environ)
    namespace = flags.namespace or context.get("namespace") or "default"
    return Target(credentials, namespace, flags.request_timeout, flags.verbosity)
