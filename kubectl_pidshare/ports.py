"""`kubectl pidshare ports`: every socket of the Pods' network namespaces, and who holds it.

The containers of a Pod share one network namespace: /proc/net from the container the probe
runs in lists every socket of the Pod; the owners come from the socket inodes behind each
process's descriptors (fdinfo's `ino:`, read with grep), attributed to containers as `ps`
does, in the same exec.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

from kubectl_pidshare.cluster.targets import Targets
from kubectl_pidshare.holders import Holder, Holders, address, cuts, denial, pod_cells
from kubectl_pidshare.output import render, tables
from kubectl_pidshare.pod import netfs
from kubectl_pidshare.pod.debug_container import DebugOptions
from kubectl_pidshare.pod.netfs import Socket
from kubectl_pidshare.pod.snapshot import Listing
from kubectl_pidshare.ps import PsOptions, gather, prefix, report
from kubectl_pidshare.text import escape
from kubectl_pidshare.transport import Transport

COLUMNS = ("PROTO", "STATE", "LOCAL", "PEER", "RECV-Q", "SEND-Q", "CONTAINER", "PID", "COMMAND")
WIDE = (*COLUMNS[:-1], "FD", "UID", "INODE", "COMMAND")
RIGHT = {"RECV-Q", "SEND-Q", "UID", "INODE"}
PROTOCOLS = ("tcp", "tcp6", "udp", "udp6", "unix")
UNKNOWN, NONE = "unknown", "-"


@dataclass(frozen=True)
class PortsOptions:
    """What `ports` was asked for: the targets, the container to run from, only the
    listening sockets or all, the format, headers, the order."""

    targets: Targets
    runner: str | None = None
    listen: bool = False
    output: str = "table"
    headers: bool = True
    sort_by: str | None = None
    debug: DebugOptions = field(default_factory=DebugOptions)

    def probe(self) -> PsOptions:
        """The options of the probe that reads sockets and processes in one exec."""
        return PsOptions(self.targets, None, self.runner, debug=self.debug, script="fds",
                         args=("ports",))


@dataclass(frozen=True)
class Entry:
    """A socket and its holders; unknown: held, but by no process that could be read."""

    socket: Socket
    holders: tuple[Holder, ...]
    unknown: bool


def entries(listing: Listing, err: TextIO, listen: bool = False) -> list[Entry]:
    """The Pod's sockets (only the listening ones if listen) with their holders; warnings
    (hostNetwork, unreadable processes, cuts) on err."""
    held = netfs.parse(listing.output)
    holders = Holders(listing)
    owners = held.socket_owners()
    found = [Entry(socket, tuple(holders.of(owners.get(socket.inode, []))), False)
             for socket in held.sockets if socket.listening or not listen]
    found = [Entry(e.socket, e.holders, not e.holders and e.socket.inode != 0) for e in found]
    if listing.pod.host_network:
        err.write(f'warning: pod "{listing.pod.name}" uses the node\'s network (hostNetwork): '
                  "these are the node's sockets; owners are found among the Pod's processes "
                  "only\n")
    denied = holders.denied(held)
    unknown = sum(1 for entry in found if entry.unknown)
    if denied and unknown:
        err.write(f"warning: {unknown} socket(s) listed with owner unknown in pod "
                  f'"{listing.pod.name}": {denial(listing, denied)}\n')
    if held.descriptors and not any("ino" in d.info for d in held.descriptors.values()):
        err.write(f'warning: pod "{listing.pod.name}": the node\'s kernel shows no inode in '
                  "/proc/PID/fdinfo (Linux before 5.14): the owners of sockets are unknown\n")
    for line in cuts(listing, held):
        err.write(line + "\n")
    return found


def _protocol(socket: Socket) -> str:
    if socket.protocol != "unix" or socket.type == "stream":
        return socket.protocol
    return f"unix-{socket.type}"


def _ends(socket: Socket) -> tuple[str, str]:
    if socket.protocol == "unix":
        return (escape(socket.path) if socket.path else "*"), "*"
    return (address(socket.local, socket.local_port),
            address(socket.remote, socket.remote_port, wildcard=True))


def _queue(value: int | None) -> str:
    return NONE if value is None else str(value)


def _owner(entry: Entry) -> dict[str, str]:
    if not entry.holders:
        who = UNKNOWN if entry.unknown else NONE
        return {"CONTAINER": who, "PID": "?" if entry.unknown else NONE, "FD": NONE,
                "COMMAND": ""}
    return {"CONTAINER": ",".join(dict.fromkeys(h.shown for h in entry.holders)),
            "PID": ",".join(dict.fromkeys(str(h.pid) for h in entry.holders)),
            "FD": ",".join(str(h.fd) for h in entry.holders),
            "COMMAND": entry.holders[0].command}


def cells(entry: Entry) -> dict[str, str]:
    """Every column's cell of an entry."""
    socket = entry.socket
    local, peer = _ends(socket)
    return {"PROTO": _protocol(socket), "STATE": socket.state, "LOCAL": local, "PEER": peer,
            "RECV-Q": _queue(socket.recv_q), "SEND-Q": _queue(socket.send_q),
            "UID": NONE if socket.uid is None else str(socket.uid),
            "INODE": str(socket.inode), **_owner(entry)}


def _default(entry: Entry) -> tuple[Any, ...]:
    socket = entry.socket
    return (not socket.listening, PROTOCOLS.index(socket.protocol), socket.local_port or 0,
            socket.local, socket.path, socket.inode)


ORDERS: dict[str, Callable[[Entry], Any]] = {
    "port": lambda e: (e.socket.local_port or 0, _default(e)),
    "pid": lambda e: (e.holders[0].pid if e.holders else 1 << 32, _default(e)),
    "container": lambda e: (e.holders[0].container if e.holders else "~", _default(e)),
    "proto": lambda e: (PROTOCOLS.index(e.socket.protocol), _default(e)),
    "queue": lambda e: (-((e.socket.recv_q or 0) + (e.socket.send_q or 0)), _default(e)),
}


def ordered(found: list[Entry], options: PortsOptions) -> list[Entry]:
    """The entries in order: listening first unless --sort-by says otherwise."""
    return sorted(found, key=ORDERS[options.sort_by] if options.sort_by else _default)


def as_dict(entry: Entry) -> dict[str, Any]:
    """The JSON/YAML form of an entry: every field."""
    socket = entry.socket
    unix = socket.protocol == "unix"
    return {
        "protocol": socket.protocol, "type": socket.type or None, "state": socket.state,
        "listening": socket.listening,
        "localAddress": None if unix else socket.local, "localPort": socket.local_port,
        "remoteAddress": None if unix else socket.remote, "remotePort": socket.remote_port,
        "path": escape(socket.path) if unix and socket.path else None,
        "recvQ": socket.recv_q, "sendQ": socket.send_q, "uid": socket.uid,
        "inode": socket.inode, "ownerUnknown": entry.unknown,
        "owners": [{"pid": h.pid, "fd": h.fd, "container": h.container, "containerKind": h.kind,
                    "uid": h.uid, "command": h.command} for h in entry.holders],
    }


def _document(listing: Listing, shown: list[Entry]) -> dict[str, Any]:
    pod = listing.pod
    return {"apiVersion": "pidshare/v1", "kind": "SocketList", "pod": pod.name,
            "namespace": pod.namespace, "hostNetwork": pod.host_network,
            "probeContainer": listing.runner.name, "sockets": [as_dict(e) for e in shown]}


def ports(transport: Transport, options: PortsOptions, out: TextIO, err: TextIO) -> None:
    """List the Pods' sockets on out; warnings and each Pod's failure on err."""
    probe = options.probe()
    listings, failures = gather(transport, probe, err)
    shown = [(listing, ordered(entries(listing, err, options.listen), options))
             for listing in listings]
    if options.output in ("json", "yaml"):
        documents = [_document(listing, found) for listing, found in shown]
        doc = (documents[0] if options.targets.one_pod else
               {"apiVersion": "v1", "kind": "List", "items": documents})
        (render.write_json if options.output == "json" else render.write_yaml)(out, doc)
    elif listings:
        columns = WIDE if options.output == "wide" else COLUMNS
        names = prefix(probe)
        rows = [[*pod_cells(listing, names), *map(cells(entry).__getitem__, columns)]
                for listing, found in shown for entry in found]
        if rows:
            tables.write(out, [*names, *columns], rows, RIGHT, options.headers)
        else:
            out.write("No sockets found.\n")
    report(failures, err)
