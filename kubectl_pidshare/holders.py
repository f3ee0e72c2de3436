"""Who holds a descriptor: the process and its container, attributed as `ps` attributes them
(the probe run in the same exec as fds.sh), and what to say of the processes that could not
be read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from kubectl_pidshare.pod.attribution import is_sandbox
from kubectl_pidshare.pod.debug_container import ours
from kubectl_pidshare.pod.netfs import ROWS, Descriptor, Held
from kubectl_pidshare.pod.snapshot import Listing
from kubectl_pidshare.text import command, escape

SHOWN = 3


@lru_cache(maxsize=256)
def shown(name: str) -> str:
    """A container's name escaped (once: a table repeats it on every row)."""
    return escape(name)


@dataclass(frozen=True)
class Holder:
    """A process holding a descriptor, and its container (shown: the name escaped)."""

    pid: int
    fd: int
    container: str
    kind: str
    uid: int
    command: str

    @property
    def shown(self) -> str:
        """The container's name, escaped for a terminal."""
        return shown(self.container)


class Holders:
    """The processes of one Listing, attributed once, by PID."""

    def __init__(self, listing: Listing) -> None:
        self.listing = listing
        self.attribution = listing.attribution
        self._known: dict[int, Holder | None] = {}

    def holder(self, pid: int, fd: int = -1) -> Holder | None:
        """Process pid holding fd, attributed; None if the probe did not list it (it exited,
        or it is the probe's own)."""
        if pid not in self._known:
            process = self.listing.snapshot.processes.get(pid)
            owner = self.attribution.owner(process) if process else None
            self._known[pid] = None if process is None or owner is None else Holder(
                pid, fd, owner.name, owner.kind, process.uid, command(process.name, process.args))
        known = self._known[pid]
        if known is None:
            return None
        return Holder(pid, fd, known.container, known.kind, known.uid, known.command)

    def of(self, descriptors: Iterable[Descriptor]) -> list[Holder]:
        """The holders of descriptors, by PID."""
        found = [self.holder(d.pid, d.fd) for d in descriptors]
        return sorted((h for h in found if h is not None), key=lambda h: (h.pid, h.fd))

    def denied(self, held: Held) -> list[int]:
        """The listed processes whose descriptors could not be read; zombies hold none, and
        the sandbox's pause (another uid) holds nothing but its standard streams."""
        processes, pod = self.listing.snapshot.processes, self.listing.pod
        return sorted(pid for pid in held.denied if pid in processes
                      and processes[pid].state != "Z" and not is_sandbox(pid, pod))


def _pids(pids: list[int], processes: dict[int, object]) -> str:
    shown = ", ".join(f"{pid} (uid {getattr(processes[pid], 'uid', '?')})"
                      for pid in pids[:SHOWN])
    more = f" and {len(pids) - SHOWN} more" if len(pids) > SHOWN else ""
    return f"PID {shown}{more}" if len(pids) == 1 else f"PIDs {shown}{more}"


def denial(listing: Listing, pids: list[int]) -> str:
    """Whose descriptors could not be read, why, and what would see them (for pidshare's
    debug container, the --debug-profile)."""
    runner = listing.runner
    if runner.may_ptrace:
        remedy = (f'container "{runner.name}" has SYS_PTRACE, yet the kernel refused: the '
                  "process may be in another user namespace, or a security module denies it")
    elif ours(runner.name, runner.kind):
        remedy = (f'container "{runner.name}" lacks it: pass --debug-profile general (it adds '
                  "SYS_PTRACE)")
    elif runner.run_as_user not in (0, None):
        remedy = (f'container "{runner.name}" runs as uid {runner.run_as_user}, and a process '
                  "that is not root has no effective capability: use --exec-container with a "
                  "root container that has SYS_PTRACE, or pass --debug-image IMAGE "
                  "--debug-profile general (it adds SYS_PTRACE)")
    else:
        remedy = (f'container "{runner.name}" lacks it: add SYS_PTRACE to its '
                  "securityContext.capabilities.add, or pass --debug-image IMAGE "
                  "--debug-profile general (it adds SYS_PTRACE)")
    return (f"the descriptors of {_pids(pids, dict(listing.snapshot.processes))} cannot be "
            "read: /proc/PID/fd needs ptrace access (the same uid and a dumpable process, or "
            f"CAP_SYS_PTRACE); {remedy}")


def cuts(listing: Listing, held: Held) -> list[str]:
    """Warnings for what was not read wholly: tables over ROWS, processes over their bound."""
    name = listing.pod.name
    lines = [f'warning: pod "{name}": /proc/net/{table} holds more than {ROWS} sockets; the '
             "others are not listed" for table in sorted(held.tables_cut)]
    cut = sorted(pid for pid in held.cut if pid in listing.snapshot.processes)
    if cut:
        lines.append(f'warning: pod "{name}": not every descriptor of '
                     f"{_pids(cut, dict(listing.snapshot.processes))} was read (more than "
                     "pidshare reads in one run); what the others hold is not shown")
    return lines


def address(host: str, port: int | None, wildcard: bool = False) -> str:
    """host:port, ss's way: IPv6 in brackets, `*` for port 0 of a peer."""
    shown = f"[{host}]" if ":" in host else host
    return f"{shown}:{'*' if wildcard and not port else port}"


def pod_cells(listing: Listing, names: tuple[str, ...]) -> list[str]:
    """The NAMESPACE and POD cells of a listing of several Pods (see ps.prefix)."""
    pod = listing.pod
    return [escape(pod.namespace if name == "NAMESPACE" else pod.name) for name in names]
