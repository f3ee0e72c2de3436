"""The sockets of the Pod's network namespace (/proc/net/{tcp,tcp6,udp,udp6,unix}) and the
descriptors of its processes, from what sh/fds.sh prints (see there for the framing).

Records of part 1 cannot hold a NUL, so no readlink target can pass for another record; lines
of part 2 are kernel text, each prefixed with its file's name by grep, except a unix socket's
path, which may hold newlines: a line of /proc/net/unix that is not a socket's continues the
path of the one before. Addresses are in the byte order of little-endian nodes (amd64, arm64).
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache

LINES_MARK = b"\0pidshare-fds-lines\0"
# What fds.sh ends its output with, before the probe's.
SECTION_END = b"\0pidshare-end\0"
ROWS = 50000
RECORD = re.compile(rb"(\d+)/fd/(\d+):([-fdpScb]):(\d*):(\d*):(.*)", re.DOTALL)
MARK = re.compile(rb"(denied|cut)[: ](\d+)")
NET = re.compile(rb"net/(tcp6?|udp6?|unix):(.*)", re.DOTALL)
FDINFO = re.compile(rb"(\d+):(pos|flags|mnt_id|ino):\t(\d+)")
INET = re.compile(rb"\s*\d+: ([0-9A-F]{8}|[0-9A-F]{32}):([0-9A-F]{4}) ([0-9A-F]+):([0-9A-F]{4}) "
                  rb"([0-9A-F]{2}) ([0-9A-F]{8}):([0-9A-F]{8}) \S+ \S+ +(\d+) +\d+ (\d+)\b.*")
UNIX = re.compile(rb"[0-9a-fA-F]+: [0-9A-F]{8} [0-9A-F]{8} ([0-9A-F]{8}) ([0-9A-F]{4}) "
                  rb"([0-9A-F]{2}) +(\d+)(?: (.*))?", re.DOTALL)
STATES = {1: "ESTAB", 2: "SYN-SENT", 3: "SYN-RECV", 4: "FIN-WAIT-1", 5: "FIN-WAIT-2",
          6: "TIME-WAIT", 7: "UNCONN", 8: "CLOSE-WAIT", 9: "LAST-ACK", 10: "LISTEN",
          11: "CLOSING", 12: "SYN-RECV"}
UNIX_TYPES = {1: "stream", 2: "dgram", 5: "seqpacket"}
UNIX_STATES = {1: "UNCONN", 2: "SYN-SENT", 3: "ESTAB", 4: "CLOSE-WAIT"}
ACCEPTING = 0x10000
DELETED = b" (deleted)"


@dataclass(frozen=True)
class Socket:
    """One socket of the network namespace. Unix sockets have a type and a path (abstract
    ones start with @), no ports and no queues."""

    protocol: str
    state: str
    local: str
    local_port: int | None
    remote: str
    remote_port: int | None
    recv_q: int | None
    send_q: int | None
    inode: int
    uid: int | None
    listening: bool
    type: str = ""
    path: bytes = b""


@dataclass
class Descriptor:
    """One open descriptor: what test(1) said of it (KIND of fds.sh), readlink's target, the
    size and inode of a file, and its fdinfo."""

    pid: int
    fd: int
    kind: str = "?"
    size: int | None = None
    inode: int | None = None
    target: bytes | None = None
    info: dict[str, int] = field(default_factory=dict)

    @property
    def deleted(self) -> bool:
        """A file whose name was removed while it is still open."""
        return self.kind == "f" and self.target is not None and self.target.endswith(DELETED)


@dataclass
class Held:
    """What fds.sh saw: the sockets, the descriptors, the processes it could not read
    (denied), those it did not read wholly (cut), the tables cut at ROWS."""

    sockets: list[Socket] = field(default_factory=list)
    descriptors: dict[tuple[int, int], Descriptor] = field(default_factory=dict)
    denied: set[int] = field(default_factory=set)
    cut: set[int] = field(default_factory=set)
    tables_cut: set[str] = field(default_factory=set)
    no_readlink: bool = False

    def socket_owners(self) -> dict[int, list[Descriptor]]:
        """Socket inode -> the descriptors holding it. A descriptor is a socket's if test(1)
        said so, or (ports reads inodes only) if its inode is a socket's and it sits on the
        mount most such descriptors sit on: sockfs, where every socket lives; a file of
        another file system with the same inode number is no socket."""
        inodes = {s.inode for s in self.sockets if s.inode}
        matching = [d for d in self.descriptors.values() if d.info.get("ino") in inodes]
        mounts = Counter(d.info.get("mnt_id") for d in matching if d.kind in ("?", "S"))
        sockfs = mounts.most_common(1)[0][0] if mounts else None
        owners: dict[int, list[Descriptor]] = {}
        for descriptor in matching:
            if descriptor.kind == "S" or (descriptor.kind == "?"
                                          and descriptor.info.get("mnt_id") == sockfs):
                owners.setdefault(descriptor.info["ino"], []).append(descriptor)
        return owners


@lru_cache(maxsize=4096)
def _address(hexa: bytes) -> str:
    """An address as the kernel prints it: each 32-bit word in the node's (little-endian)
    order; IPv4-mapped IPv6 as ::ffff:a.b.c.d on every Python."""
    raw = bytes.fromhex(hexa.decode())
    address = ipaddress.ip_address(b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4)))
    mapped = getattr(address, "ipv4_mapped", None)
    return f"::ffff:{mapped}" if mapped else str(address)


def inet_socket(protocol: str, line: bytes) -> Socket | None:
    """A row of /proc/net/tcp, tcp6, udp or udp6 (None for the header or a bad line)."""
    match = INET.fullmatch(line)
    if match is None or len(match[1]) != len(match[3]):
        return None
    state = int(match[5], 16)
    return Socket(
        protocol=protocol, state=STATES.get(state, f"0x{state:02X}"),
        local=_address(match[1]), local_port=int(match[2], 16),
        remote=_address(match[3]), remote_port=int(match[4], 16),
        send_q=int(match[6], 16), recv_q=int(match[7], 16),
        uid=int(match[8]), inode=int(match[9]),
        listening=state == 10 or (protocol.startswith("udp") and state == 7))


def unix_socket(line: bytes) -> Socket | None:
    """A row of /proc/net/unix (None for the header or a path's continuation)."""
    match = UNIX.fullmatch(line)
    if match is None:
        return None
    flags, kind, state = int(match[1], 16), int(match[2], 16), int(match[3], 16)
    path = match[5] or b""
    accepting = bool(flags & ACCEPTING)
    bound_dgram = kind == 2 and state == 1 and bool(path)
    return Socket(
        protocol="unix", state="LISTEN" if accepting else UNIX_STATES.get(state, str(state)),
        local="", local_port=None, remote="", remote_port=None, recv_q=None, send_q=None,
        inode=int(match[4]), uid=None, listening=accepting or bound_dgram,
        type=UNIX_TYPES.get(kind, str(kind)), path=path)


def _record(held: Held, record: bytes) -> None:
    match = RECORD.fullmatch(record)
    if match:
        pid, fd = int(match[1]), int(match[2])
        held.descriptors[(pid, fd)] = Descriptor(
            pid, fd, match[3].decode(), int(match[4]) if match[4] else None,
            int(match[5]) if match[5] else None, match[6] if match[3] != b"S" else None)
    else:
        _mark(held, record)


def _mark(held: Held, record: bytes) -> None:
    marked = MARK.fullmatch(record)
    if marked:
        (held.denied if marked[1] == b"denied" else held.cut).add(int(marked[2]))


def _table(held: Held, table: str, text: bytes, counts: Counter[str]) -> None:
    counts[table] += 1
    if counts[table] > ROWS:
        held.tables_cut.add(table)
        return
    if table != "unix":
        parsed = inet_socket(table, text)
    else:
        parsed = unix_socket(text)
        last = held.sockets[-1] if held.sockets else None
        if parsed is None and counts[table] > 1 and last is not None and last.protocol == "unix":
            held.sockets[-1] = _continued(last, text)
            return
    if parsed is not None:
        held.sockets.append(parsed)


def _continued(socket: Socket, text: bytes) -> Socket:
    return replace(socket, path=socket.path + b"\n" + text)


def _lines(held: Held, part: bytes) -> None:
    counts: Counter[str] = Counter()
    pid: int | None = None
    for line in part.split(b"\n"):
        net = NET.fullmatch(line)
        if net:
            _table(held, net[1].decode(), net[2], counts)
            continue
        info = FDINFO.fullmatch(line)
        if info and pid is not None:
            fd = int(info[1])
            descriptor = held.descriptors.setdefault((pid, fd), Descriptor(pid, fd))
            value = int(info[3], 8 if info[2] == b"flags" else 10)
            descriptor.info[info[2].decode()] = value
        elif line.startswith(b"fds ") and line[4:].isdigit():
            pid = int(line[4:])
        elif line == b"missing readlink":
            held.no_readlink = True
        else:
            _mark(held, line)


def parse(output: bytes) -> Held:
    """Parse fds.sh's output (what comes before SECTION_END: the probe's follows)."""
    held = Held()
    before = output.partition(SECTION_END)[0]
    records, _, lines = (b"\0" + before).partition(LINES_MARK)
    for record in records.split(b"\0"):
        _record(held, record)
    _lines(held, lines)
    return held
