"""Show a process list: the per-container tree table, wide, JSON and YAML."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, TextIO

from kubectl_pidshare.output import tables
from kubectl_pidshare.pod.attribution import Owner
from kubectl_pidshare.signals import Dispositions
from kubectl_pidshare.text import command, decoded, escape

CUT = "…"
TREE = ("CONTAINER", "PID", "PPID", "USER", "STAT", "TIME", "COMMAND")
WIDE = (*TREE[:-1], "START", "AGE", "RSS", "THREADS", "COMMAND")
TOP = ("CONTAINER", "PID", "USER", "STAT", "%CPU", "RSS", "TIME", "COMMAND")
SIGNALS = (*TREE[:-2], "CAUGHT", "IGNORED", "BLOCKED", "COMMAND")
DEFUNCT = " <defunct>"


@dataclass(frozen=True)
class Row:
    """One process, attributed and ready to show."""

    pid: int
    ppid: int
    owner: Owner
    user: str
    uid: int
    state: str
    threads: int
    rss_kib: int
    cpu_seconds: float
    start: datetime | None
    name: str
    args: tuple[bytes, ...]
    cpu_percent: float | None = None
    dispositions: Dispositions | None = None

    def command(self, shown: Callable[[bytes | str], str] = escape) -> str:
        """The command line as ps shows it (see text.command), a zombie's `<defunct>`."""
        return command(self.name, self.args, shown) + (DEFUNCT if self.state == "Z" else "")

    def signals(self) -> dict[str, str]:
        """The CAUGHT, IGNORED and BLOCKED cells: names joined by commas, `-` for none, `?`
        when unknown."""
        if self.dispositions is None:
            return dict.fromkeys(("CAUGHT", "IGNORED", "BLOCKED"), "?")
        return {key.upper(): ",".join(names) or "-"
                for key, names in self.dispositions.named().items()}


def cpu_time(seconds: float) -> str:
    """ps's TIME: M:SS, or H:MM:SS from an hour on."""
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def tree_order(rows: list[Row]) -> list[tuple[str, Row]]:
    """Rows in tree order with their branch prefix; a process whose parent is not in the
    same group is a root."""
    pids = {row.pid for row in rows}
    children: dict[int, list[Row]] = {}
    for row in sorted(rows, key=lambda r: r.pid):
        children.setdefault(row.ppid if row.ppid in pids else 0, []).append(row)
    ordered: list[tuple[str, Row]] = []
    stack: list[tuple[Row, str, str]] = [(row, "", "") for row in reversed(children.get(0, []))]
    while stack:
        row, branch, indent = stack.pop()
        ordered.append((branch, row))
        kids = children.get(row.pid, [])
        for index in reversed(range(len(kids))):
            last = index == len(kids) - 1
            stack.append((kids[index], indent + ("└─ " if last else "├─ "),
                          indent + ("   " if last else "│  ")))
    return ordered


def age(seconds: float) -> str:
    """kubectl's relative age (its HumanDuration): 45s, 3m20s, 95m, 5h30m, 20h, 3d4h, 30d, 2y5d."""
    total = int(seconds)
    if total < -1:
        return "<invalid>"
    if total < 120:
        return f"{max(total, 0)}s"
    minutes, hours = total // 60, total // 3600
    days, years = hours // 24, hours // (24 * 365)
    if minutes < 10:
        return f"{minutes}m{total % 60}s" if total % 60 else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    if hours < 8:
        return f"{hours}h{minutes % 60}m" if minutes % 60 else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        return f"{days}d{hours % 24}h" if hours % 24 else f"{days}d"
    if hours < 24 * 365 * 2:
        return f"{days}d"
    if hours < 24 * 365 * 8:
        return f"{years}y{days % 365}d" if days % 365 else f"{years}y"
    return f"{years}y"


@dataclass(frozen=True)
class Layout:
    """How to lay a table out: its columns, whether with headers, the prefix columns
    (NAMESPACE, POD) of a listing of several Pods, a sort key (None: per container, as trees),
    the width to cut lines to, and the time AGE is counted to."""

    columns: tuple[str, ...] = TREE
    headers: bool = True
    prefix: tuple[str, ...] = ()
    sort_by: str | None = None
    width: int | None = None
    now: datetime | None = None


Section = tuple[tuple[str, ...], list[list[Row]]]
RIGHT = {"PID", "PPID", "TIME", "RSS", "THREADS", "%CPU"}


def _started(row: Row, now: datetime) -> str:
    return "?" if row.start is None else row.start.strftime("%Y-%m-%dT%H:%M:%SZ")


def _age(row: Row, now: datetime) -> str:
    return "?" if row.start is None else age((now - row.start).total_seconds())


def _signals(key: str) -> Callable[[Row, str, datetime], str]:
    return lambda row, branch, now: row.signals()[key]


# Each column's cell of a row (after the branch prefix of the tree, and the time AGE counts to).
CELLS: dict[str, Callable[[Row, str, datetime], str]] = {
    "CONTAINER": lambda row, branch, now: escape(row.owner.name),
    "PID": lambda row, branch, now: str(row.pid),
    "PPID": lambda row, branch, now: str(row.ppid),
    "USER": lambda row, branch, now: escape(row.user),
    "STAT": lambda row, branch, now: row.state,
    "TIME": lambda row, branch, now: cpu_time(row.cpu_seconds),
    "START": lambda row, branch, now: _started(row, now),
    "AGE": lambda row, branch, now: _age(row, now),
    "RSS": lambda row, branch, now: str(row.rss_kib),
    "THREADS": lambda row, branch, now: str(row.threads),
    "%CPU": lambda row, branch, now: "" if row.cpu_percent is None else f"{row.cpu_percent:.1f}",
    **{key: _signals(key) for key in ("CAUGHT", "IGNORED", "BLOCKED")},
    "COMMAND": lambda row, branch, now: branch + row.command(),
}


def sort_key(key: str) -> Callable[[Row], Any]:
    """The order of --sort-by: pid and start ascending, cpu and mem the greediest first."""
    epoch = datetime.fromtimestamp(0, tz=timezone.utc)
    return {
        "pid": lambda row: row.pid,
        "start": lambda row: (row.start or epoch, row.pid),
        "cpu": lambda row: (-(row.cpu_seconds if row.cpu_percent is None else row.cpu_percent),
                            row.pid),
        "mem": lambda row: (-row.rss_kib, row.pid),
    }[key]


def _ordered(sections: list[Section], sort_by: str | None
             ) -> list[tuple[tuple[str, ...], str, Row]]:
    if sort_by is None:
        return [(prefix, branch, row) for prefix, groups in sections for rows in groups
                for branch, row in tree_order(rows)]
    flat = [(prefix, "", row) for prefix, groups in sections for rows in groups for row in rows]
    key = sort_key(sort_by)
    return sorted(flat, key=lambda item: key(item[2]))


def write_table(out: TextIO, sections: list[Section], layout: Layout = Layout()) -> None:
    """The table of processes: each Pod's grouped per container, each group a process tree
    (or every row in --sort-by order). With a width (a terminal's), lines are cut to it with
    a visible marker, as ps cuts COMMAND, so no wrapped text can pass for a row."""
    ordered = _ordered(sections, layout.sort_by)
    if not ordered:
        out.write("No processes found.\n")
        return
    now = layout.now or datetime.now(timezone.utc)
    cells = [CELLS[column] for column in layout.columns]
    table = [[*(escape(cell) for cell in prefix), *(cell(row, branch, now) for cell in cells)]
             for prefix, branch, row in ordered]
    right = [False] * len(layout.prefix) + [column in RIGHT for column in layout.columns]
    headers = [*layout.prefix, *layout.columns] if layout.headers else None
    for line in tables.plain(headers, table, right):
        if layout.width is not None and len(line) > layout.width:
            line = line[:max(layout.width - 1, 0)] + CUT
        out.write(line + "\n")


def document(pod: dict[str, Any], groups: list[list[Row]]) -> dict[str, Any]:
    """The JSON/YAML document: every field, stable for scripts; text as the process wrote it
    (see text.decoded), which JSON and YAML escape themselves."""
    processes = []
    for rows in groups:
        for _, row in tree_order(rows):
            processes.append({
                "pid": row.pid,
                "ppid": row.ppid,
                "container": row.owner.name,
                "containerKind": row.owner.kind,
                "containerInferred": row.owner.inferred,
                "uid": row.uid,
                "user": row.user,
                "state": row.state,
                "threads": row.threads,
                "rssKiB": row.rss_kib,
                "cpuSeconds": row.cpu_seconds,
                "startTime": row.start.strftime("%Y-%m-%dT%H:%M:%SZ") if row.start else None,
                "name": row.name,
                "command": row.command(decoded),
                "args": [decoded(arg) for arg in row.args],
                "signals": row.dispositions.named() if row.dispositions else None,
            })
    return {"apiVersion": "pidshare/v1", "kind": "ProcessList", **pod, "processes": processes}


def write_json(out: TextIO, doc: dict[str, Any]) -> None:
    """JSON, indented like kubectl's."""
    json.dump(doc, out, indent=4, ensure_ascii=False)
    out.write("\n")


def write_yaml(out: TextIO, doc: dict[str, Any]) -> None:
    """YAML, block style, keys in document order."""
    import yaml

    yaml.safe_dump(doc, out, sort_keys=False, allow_unicode=True, default_flow_style=False)


def start_time(boot_time: int | None, start_ticks: int, ticks: int) -> datetime | None:
    """Wall-clock start of a process from the boot time and its start in clock ticks."""
    if boot_time is None:
        return None
    return datetime.fromtimestamp(boot_time + start_ticks / ticks, tz=timezone.utc)
