"""The probe that reads /proc inside the Pod, and the parser of what it prints.

The probe's output is a sequence of NUL-terminated records `<file>:<content>`, each prefixed
by grep with the real name of the file it came from, so a process cannot forge another's
records whatever its command line holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CLOCK_TICKS = 100
RECORD = re.compile(rb"(\d+)/(stat|status|cgroup|cmdline|root/etc/passwd):", re.ASCII)
PROBE_MARK = b"pidshare-probe:"


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


@dataclass
class Snapshot:
    """Everything one probe run saw; passwd holds (cgroup, users) of one process a container."""

    probe_pid: int | None = None
    boot_time: int | None = None
    processes: dict[int, Process] = field(default_factory=dict)
    passwd: list[tuple[str, dict[int, str]]] = field(default_factory=list)
    ignored: int = 0


@dataclass
class _Raw:
    stat: bytes | None = None
    status: bytes | None = None
    cgroup: bytes = b""
    args: list[bytes] = field(default_factory=list)
    passwd: list[bytes] = field(default_factory=list)


def _status_fields(status: bytes) -> dict[str, str]:
    fields = {}
    for line in status.decode(errors="backslashreplace").split("\n"):
        key, sep, value = line.partition(":")
        if sep:
            fields[key] = value.strip()
    return fields


def parse_passwd(lines: list[bytes]) -> dict[int, str]:
    """uid -> user name from /etc/passwd text (the first name of a uid wins)."""
    users: dict[int, str] = {}
    for line in b"\0".join(lines).split(b"\n"):
        parts = line.split(b":")
        if len(parts) >= 3 and parts[2].isdigit():
            users.setdefault(int(parts[2]), parts[0].decode(errors="backslashreplace"))
    return users


def _process(pid: int, raw: _Raw) -> Process | None:
    if raw.stat is None or raw.status is None:
        return None
    after_comm = raw.stat[raw.stat.rfind(b")") + 2:].split()
    status = _status_fields(raw.status)
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
            cgroup=raw.cgroup.decode(errors="backslashreplace"),
        )
    except (IndexError, KeyError, ValueError):
        return None


def parse(output: bytes) -> Snapshot:
    """Parse the probe's output. Processes that vanished mid-scan are left out, not invented."""
    snapshot = Snapshot()
    raws: dict[int, _Raw] = {}
    for record in output.split(b"\0"):
        match = RECORD.match(record)
        if match:
            raw = raws.setdefault(int(match[1]), _Raw())
            content = record[match.end():]
            kind = match[2]
            if kind == b"cmdline":
                raw.args.append(content)
            elif kind == b"root/etc/passwd":
                raw.passwd.append(content)
            elif kind == b"cgroup":
                raw.cgroup += content
            elif kind == b"stat":
                raw.stat = content
            else:
                raw.status = content
        elif record.startswith(PROBE_MARK) and snapshot.probe_pid is None:
            snapshot.probe_pid = int(record[len(PROBE_MARK):] or b"0")
        elif record.startswith(b"stat:"):
            found = re.search(rb"^btime (\d+)", record, re.MULTILINE)
            snapshot.boot_time = int(found[1]) if found else None
        elif record:
            snapshot.ignored += 1
    for pid, raw in raws.items():
        process = _process(pid, raw)
        if process is not None:
            snapshot.processes[pid] = process
        if raw.passwd:
            cgroup = raw.cgroup.decode(errors="backslashreplace")
            snapshot.passwd.append((cgroup, parse_passwd(raw.passwd)))
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
