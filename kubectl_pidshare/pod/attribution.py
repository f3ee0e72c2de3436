"""Which container a process belongs to, from the container IDs in its cgroup paths.

The cgroup line of a process names its container's ID (cgroup v1 or v2, cgroupfs or systemd
paths, CRI-O's and Docker's scopes). Where containers have private cgroup namespaces (cgroup
v2 clusters), the runner's own processes read `/` and the others a path relative to it: a
process in the probe's own cgroup belongs to the container the probe ran in. In a Pod that
shares the node's process namespace (hostPID) every other process is the node's.
A zombie has left its cgroups (on cgroup v1 its lines read `/`): it is its parent's, inferred.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from kubectl_pidshare.pod.model import Container, Pod
from kubectl_pidshare.pod.procfs import Process

SANDBOX = "(sandbox)"
UNKNOWN = "unknown"
NODE = "(node)"
CONTAINER_ID = re.compile(r"(?:^|[/-])([0-9a-f]{64})(?:\.scope)?$")


@dataclass(frozen=True)
class Owner:
    """The owner of a process: a container of the Pod, the sandbox, the node, or unknown."""

    name: str
    kind: str
    inferred: bool = False


def container_ids(cgroup: str) -> set[str]:
    """The 64-hex container IDs named by the last component of each cgroup path."""
    ids = set()
    for line in cgroup.splitlines():
        path = line.split(":", 2)[-1]
        match = CONTAINER_ID.search(path)
        if match:
            ids.add(match[1])
    return ids


def is_sandbox(pid: int, pod: Pod) -> bool:
    """The sandbox rule, for ps and kill alike: in a shared process namespace PID 1 is the
    Pod's sandbox (the pause process), whatever its cgroup looks like."""
    return pid == 1 and pod.shares_processes


@dataclass
class Attribution:
    """Owners of the processes one script saw from `runner`, whose own cgroup line it read."""

    pod: Pod
    runner: Container
    own_cgroup: str | None
    _cache: dict[str, Container | None] = field(default_factory=dict, repr=False)

    def container(self, cgroup: str) -> Container | None:
        """The container whose cgroup line this is, if any (remembered per line)."""
        if cgroup not in self._cache:
            found = None
            if cgroup == self.own_cgroup:
                found = self.runner
            for container_id in container_ids(cgroup):
                found = self.pod.ids.get(container_id, found)
            self._cache[cgroup] = found
        return self._cache[cgroup]

    def owner(self, process: Process, processes: Mapping[int, Process] | None = None) -> Owner:
        """A container of the Pod, else the sandbox, else the node's (hostPID), else unknown:
        never guessed. A zombie whose cgroup names no container is its parent's (among
        processes), inferred."""
        parent = (processes or {}).get(process.ppid)
        if process.state == "Z" and parent is not None and parent.state != "Z" and (
                not container_ids(process.cgroup)):
            found = self.owner(parent)
            return Owner(found.name, found.kind, inferred=True)
        container = self.container(process.cgroup)
        if container is not None:
            return Owner(container.name, container.kind)
        if is_sandbox(process.pid, self.pod):
            return Owner(SANDBOX, "sandbox")
        if self.pod.host_pid:
            return Owner(NODE, "node")
        return Owner(UNKNOWN, "unknown")
