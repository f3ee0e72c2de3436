"""Pod specs as written: from a Pod's document, or from manifests (the Pod template of what
makes Pods), and the environment a container's spec declares."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kubectl_pidshare.errors import PidshareError
from kubectl_pidshare.pod.model import KINDS

TEMPLATES = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
    "PodTemplate": ("template", "spec"),
}


@dataclass(frozen=True)
class SpecEnv:
    """The variables a container's spec names (env, valueFrom included), and the envFrom
    sources whose names only a read of each would tell (`secret/NAME`, `configMap/NAME`)."""

    container: str
    names: tuple[str, ...]
    sources: tuple[str, ...]


def containers(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(kind, container spec) of every container of a Pod spec: init, regular, ephemeral."""
    for key, kind in KINDS:
        for item in spec.get(key) or []:
            if isinstance(item, dict):
                yield kind, item


def _source(item: dict[str, Any]) -> str:
    for key, kind in (("secretRef", "secret"), ("configMapRef", "configMap")):
        if isinstance(item.get(key), dict):
            prefix = f" (prefix {item['prefix']})" if item.get("prefix") else ""
            return f"{kind}/{item[key].get('name', '')}{prefix}"
    return "unknown"


def spec_env(document: dict[str, Any], container: str | None, pid: int) -> SpecEnv:
    """The environment the spec gives container (the owner of PID), names only."""
    for _, item in containers(document.get("spec") or {}):
        if item.get("name") == container:
            names = tuple(str(entry.get("name")) for entry in item.get("env") or []
                          if isinstance(entry, dict))
            sources = tuple(_source(entry) for entry in item.get("envFrom") or []
                            if isinstance(entry, dict))
            return SpecEnv(str(container), names, sources)
    raise PidshareError(f"PID {pid} is in no container of the Pod's spec "
                        f"({container or 'unknown'}): --diff has no spec to compare with")


def pod_specs(document: Any, source: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(`Kind/name`, Pod spec) of every object of a manifest that makes Pods; a `List`'s
    items too. Other kinds are passed over; a document that is not an object is an error."""
    if document is None:
        return
    if not isinstance(document, dict):
        raise PidshareError(f"{source}: not a Kubernetes object (a mapping with kind)")
    kind = str(document.get("kind") or "")
    if kind.endswith("List") and isinstance(document.get("items"), list):
        for item in document["items"]:
            yield from pod_specs(item, source)
        return
    path = TEMPLATES.get(kind)
    if path is None:
        return
    spec: Any = document
    for key in path:
        spec = spec.get(key) if isinstance(spec, dict) else None
    name = (document.get("metadata") or {}).get("name") or "(no name)"
    if isinstance(spec, dict):
        yield f"{kind}/{name}", spec
