"""The probe that reads /proc inside the Pod, and the parser of what it prints.

The probe's output (see sh/probe.sh) is NUL-terminated records `<file>:<content>` for what a
process controls (command lines, stat), then lines `<file>:<line>`: kernel-escaped text
(status fields, cgroup) and the `NAME:PASSWORD:UID:` of /etc/passwd entries. grep prefixes
every piece with the real name of the file it came from, so a process cannot forge another's
records whatever it holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kubectl_pidshare.signals import Dispositions, dispositions

CLOCK_TICKS = 100  # USER_HZ, the same on every architecture Kubernetes runs on
RECORD = re.compile(rb"(\d+)/(stat|cmdline):", re.ASCII)
# Each whole record (what follows a NUL, or starts the text, up to the next NUL) that is a piece
# of a command line or a stat line, found by one pass over the text, in order; and the first
# record that is the probe's mark.
RECORDS = re.compile(rb"(?<![^\0])(\d+)/(stat|cmdline):([^\0]*)", re.ASCII)
PROBE = re.compile(rb"(?<![^\0])pidshare-probe:([^\0]*)")
# Each whole line (none matches across one: no part of it matches a line break) that is a
# status field (its name: what precedes the first colon or tab), a cgroup line (all of it after
# `cgroup:`) or an /etc/passwd entry; found by one pass over the text, in order.
LINE = re.compile(rb"^(\d+)/(?:(status|cgroup):(([^:\t\n]*):?[ \t\r\f\v]*(.*))"
                  rb"|root/etc/passwd:(.*))$", re.ASCII | re.MULTILINE)
BTIME = re.compile(rb"^stat:btime (\d+)$", re.ASCII | re.MULTILINE)
PROBE_MARK = b"pidshare-probe:"
LINES_MARK = b"\0pidshare-lines\0"


@dataclass
class Process:
    """One process as /proc described it."""

    pid: int
    ppid: int
    name: str
    state: str
    uid: int
    threads: int
    rss_kib: int
    cpu_seconds: float
    start_ticks: int
    args: list[bytes]
    cgroup: str
    dispositions: Dispositions | None = None


@dataclass
class Snapshot:
    """Everything one probe run saw: passwd holds (cgroup, users) of one process a container;
    own_cgroup is the cgroup line of the probe itself."""

    probe_pid: int | None = None
    own_cgroup: str | None = None
    boot_time: int | None = None
    processes: dict[int, Process] = field(default_factory=dict)
    passwd: list[tuple[str, dict[int, str]]] = field(default_factory=list)


@dataclass
class _Raw:
    stat: bytes | None = None
    status: dict[str, str] = field(default_factory=dict)
    cgroup: str | None = None
    args: list[bytes] = field(default_factory=list)
    passwd: list[bytes] = field(default_factory=list)


def parse_passwd(lines: list[bytes]) -> dict[int, str]:
    """uid -> user name from /etc/passwd lines (the first name of a uid wins)."""
    users: dict[int, str] = {}
    for line in lines:
        parts = line.split(b":")
        if len(parts) >= 3 and parts[2].isdigit():
            users.setdefault(int(parts[2]), parts[0].decode(errors="backslashreplace"))
    return users


def _process(pid: int, raw: _Raw) -> Process | None:
    if raw.stat is None or raw.cgroup is None:
        return None
    after_comm = raw.stat[raw.stat.rfind(b")") + 2:].split()
    status = raw.status
    try:
        utime, stime, start = int(after_comm[11]), int(after_comm[12]), int(after_comm[19])
        return Process(
            pid=pid,
            ppid=int(status["PPid"]),
            name=status.get("Name", ""),
            state=status.get("State", "?")[:1],
            uid=int(status["Uid"].split()[1]),
            threads=int(status.get("Threads", "1")),
            rss_kib=int(status.get("VmRSS", "0 kB").split()[0]),
            cpu_seconds=(utime + stime) / CLOCK_TICKS,
            start_ticks=start,
            args=raw.args,
            cgroup=raw.cgroup,
            dispositions=dispositions(status),
        )
    except (IndexError, KeyError, ValueError):
        return None


def _raw(raws: dict[int, _Raw], pid: int) -> _Raw:
    raw = raws.get(pid)
    if raw is None:
        raw = raws[pid] = _Raw()
    return raw


def _records(snapshot: Snapshot, raws: dict[int, _Raw], part: bytes) -> None:
    last, raw = b"", _Raw()
    for match in RECORDS.finditer(part):
        pid, kind, content = match.groups()
        if pid != last:
            last, raw = pid, _raw(raws, int(pid))
        if kind == b"cmdline":
            raw.args.append(content)
        else:
            raw.stat = content
    mark = PROBE.search(part)
    if mark:
        snapshot.probe_pid = int(mark[1] or b"0")


def _lines(snapshot: Snapshot, raws: dict[int, _Raw], part: bytes) -> None:
    last, raw = b"", _Raw()
    for match in LINE.finditer(part):  # not findall: a tuple a line held, 30 MiB of 10,000
        pid, kind, rest, key, value, user = match.groups()
        if pid != last:
            last, raw = pid, _raw(raws, int(pid))
        if kind == b"status":
            raw.status[key.decode()] = value.decode(errors="backslashreplace")
        elif kind:
            raw.cgroup = rest.decode(errors="backslashreplace")
        else:
            raw.passwd.append(user)
    for boot_time in BTIME.findall(part)[-1:]:
        snapshot.boot_time = int(boot_time)


def parse(output: bytes) -> Snapshot:
    """Parse the probe's output. A process not fully read (it came or went mid-scan) is left
    out, never invented."""
    snapshot = Snapshot()
    raws: dict[int, _Raw] = {}
    records, _, lines = output.partition(LINES_MARK)
    _records(snapshot, raws, records)
    _lines(snapshot, raws, lines)
    for pid, raw in raws.items():
        process = _process(pid, raw)
        if process is not None:
            snapshot.processes[pid] = process
        if raw.passwd and raw.cgroup is not None:
            snapshot.passwd.append((raw.cgroup, parse_passwd(raw.passwd)))
    if snapshot.probe_pid in raws:
        snapshot.own_cgroup = raws[snapshot.probe_pid].cgroup
    _drop_probe(snapshot)
    return snapshot


def _drop_probe(snapshot: Snapshot) -> None:
    if snapshot.probe_pid is None:
        return
    ours = {snapshot.probe_pid}
    children: dict[int, list[int]] = {}
    for process in snapshot.processes.values():
        children.setdefault(process.ppid, []).append(process.pid)
    todo = [snapshot.probe_pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in ours:
                ours.add(child)
                todo.append(child)
    for pid in ours:
        snapshot.processes.pop(pid, None)
