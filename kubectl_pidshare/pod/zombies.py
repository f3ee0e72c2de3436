"""Zombies: processes that exited and whose parent has not waited for them, and who reaps them."""

from __future__ import annotations

from collections import Counter

from kubectl_pidshare.pod.aim import COMMAND_SHOWN
from kubectl_pidshare.pod.attribution import NODE, SANDBOX, Attribution
from kubectl_pidshare.pod.procfs import Snapshot
from kubectl_pidshare.pod.snapshot import Listing
from kubectl_pidshare.text import command, shorten


def where(owner: str) -> str:
    """Where a process is, by its owner's name: a container, the sandbox or the node."""
    return {SANDBOX: "the sandbox", NODE: "the node"}.get(owner, f'container "{owner}"')


def _described(pid: int, snapshot: Snapshot, attribution: Attribution) -> str:
    process = snapshot.processes.get(pid)
    if process is None:
        return f"PID {pid}"
    owner = attribution.owner(process, snapshot.processes).name
    return (f"PID {pid} ({shorten(command(process.name, process.args), COMMAND_SHOWN)}) in "
            f"{where(owner)}")


def notes(listing: Listing) -> list[str]:
    """One line per parent that holds zombies: how many, the parent and its container, and
    the process that reaps orphans in the Pod (PID 1: the sandbox's pause where the Pod shares
    its processes, the container's init where it does not)."""
    pod, snapshot, attribution = listing.pod, listing.snapshot, listing.attribution
    held = Counter(process.ppid for process in snapshot.processes.values()
                   if process.state == "Z")
    reaper = _described(1, snapshot, attribution)
    return [f'note: pod "{pod.name}": {_described(parent, snapshot, attribution)} holds {count} '
            f"zombie{'s' if count > 1 else ''} (exited children it has not waited for: they go "
            f"when it waits or exits); orphans are reaped by {reaper}"
            for parent, count in sorted(held.items())]
