"""Show a process list: the per-container tree table, wide, JSON and YAML."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, TextIO

from kubectl_pidshare.attribution import Owner
from kubectl_pidshare.text import command, escape

HEADERS = ("CONTAINER", "PID", "PPID", "USER", "STAT", "TIME", "COMMAND")
WIDE_HEADERS = (*HEADERS[:-1], "START", "RSS", "THREADS", "COMMAND")
CUT = "…"


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


def _table(groups: list[list[Row]], wide: bool) -> list[list[Any]]:
    table = []
    for rows in groups:
        for branch, row in tree_order(rows):
            cells: list[Any] = [escape(row.owner.name), row.pid, row.ppid, escape(row.user),
                                row.state, cpu_time(row.cpu_seconds)]
            if wide:
                start = row.start.strftime("%Y-%m-%dT%H:%M:%SZ") if row.start else "?"
                cells += [start, row.rss_kib, row.threads]
            table.append([*cells, branch + command(row.name, row.args)])
    return table


def write_table(out: TextIO, groups: list[list[Row]], wide: bool = False,
                width: int | None = None) -> None:
    """The default output: one table, grouped per container, each group a process tree. With a
    width (a terminal's), lines are cut to it with a visible marker, as ps cuts COMMAND, so
    no wrapped text can pass for a row."""
    import tabulate

    tabulate.PRESERVE_WHITESPACE = True
    headers = WIDE_HEADERS if wide else HEADERS
    align = ["left", "right", "right", "left", "left", "right"]
    align += ["left", "right", "right", "left"] if wide else ["left"]
    if not any(groups):
        out.write("No processes found.\n")
        return
    text = tabulate.tabulate(_table(groups, wide), headers=headers, tablefmt="plain",
                             colalign=align, disable_numparse=True)
    for line in text.split("\n"):
        if width is not None and len(line) > width:
            line = line[:max(width - 1, 0)] + CUT
        out.write(line + "\n")


def document(pod: dict[str, Any], groups: list[list[Row]]) -> dict[str, Any]:
    """The JSON/YAML document: every field, stable for scripts."""
    processes = []
    for rows in groups:
        for _, row in tree_order(rows):
            processes.append({
                "pid": row.pid,
                "ppid": row.ppid,
                "container": row.owner.name,
                "containerKind": row.owner.kind,
                "uid": row.uid,
                "user": escape(row.user),
                "state": row.state,
                "threads": row.threads,
                "rssKiB": row.rss_kib,
                "cpuSeconds": row.cpu_seconds,
                "startTime": row.start.strftime("%Y-%m-%dT%H:%M:%SZ") if row.start else None,
                "name": escape(row.name),
                "command": command(row.name, row.args),
                "args": [escape(arg) for arg in row.args],
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
