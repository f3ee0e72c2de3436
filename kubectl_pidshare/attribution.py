"""Which container a process belongs to, from the container IDs in its cgroup paths."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kubectl_pidshare.pods import Pod
from kubectl_pidshare.procfs import Process

SANDBOX = "(sandbox)"
UNKNOWN = "unknown"
CONTAINER_ID = re.compile(r"(?:^|[/-])([0-9a-f]{64})(?:\.scope)?$")


@dataclass(frozen=True)
class Owner:
    """The owner of a process: a container of the Pod, the sandbox, or unknown."""

    name: str
    kind: str


def container_ids(cgroup: str) -> set[str]:
    """The 64-hex container IDs named by the last component of each cgroup path."""
    ids = set()
    for line in cgroup.splitlines():
        path = line.split(":", 2)[-1]
        match = CONTAINER_ID.search(path)
        if match:
            ids.add(match[1])
    return ids


def owner(process: Process, pod: Pod) -> Owner:
    """Attribute a process. The pause process sits in the Pod's cgroup under an ID that is no
    container's, and is PID 1 of a shared namespace: the sandbox. Otherwise namespaced, absent
    or foreign cgroups: unknown, never guessed."""
    ids = container_ids(process.cgroup)
    for container_id in ids:
        container = pod.ids.get(container_id)
        if container is not None:
            return Owner(container.name, container.kind)
    in_pod = any(name in process.cgroup for name in pod.cgroup_names())
    if (ids and in_pod) or (process.pid == 1 and pod.shares_processes):
        return Owner(SANDBOX, "sandbox")
    return Owner(UNKNOWN, "unknown")
