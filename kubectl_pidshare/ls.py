"""`kubectl pidshare ls`: the entries of a directory (or a file itself) as a process sees it."""

from __future__ import annotations

import stat
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, BinaryIO, TextIO

from kubectl_pidshare.cat import CatOptions
from kubectl_pidshare.errors import PidshareError
from kubectl_pidshare.output.render import write_json, write_yaml
from kubectl_pidshare.status import ExitStatus
from kubectl_pidshare.text import decoded, escape
from kubectl_pidshare.transport import Transport
from kubectl_pidshare.tree import Entry, walk

KINDS = {"d": "directory", "f": "file", "l": "symlink", "s": "special"}
LIMIT = 10_000


@dataclass(frozen=True)
class LsOptions:
    """What `ls` was asked for."""

    source: CatOptions
    all: bool = False
    recursive: bool = False
    limit: int = LIMIT
    output: str = "long"


class LimitReached(Exception):  # noqa: N818 - an outcome: the listing is long enough
    """More entries than the limit: the listing stops there."""


class Collected:
    """A tree.Handler that keeps the entries, up to a limit, and the directories not read."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.entries: list[Entry] = []
        self.notes: list[tuple[str, bytes]] = []

    def entry(self, entry: Entry) -> None:
        """Keep it, unless past the limit (PATH itself does not count)."""
        if len(self.entries) > self.limit:
            raise LimitReached
        self.entries.append(entry)

    def data(self, chunk: memoryview) -> None:
        """ls asks for no bytes."""

    def done(self, read: int) -> None:
        """ls asks for no bytes."""

    def note(self, reason: str, path: bytes) -> None:
        """A directory not walked."""
        self.notes.append((reason, path))


def mode_text(entry: Entry) -> str:
    """`drwxr-xr-x`, or the type and `?` where the runner could not tell the mode."""
    if entry.mode is not None:
        return stat.filemode(entry.mode)
    return {"d": "d", "l": "l", "f": "-"}.get(entry.kind, "?") + "?" * 9


def _name(entry: Entry, users: dict[int, str], ident: int | None) -> str:
    if ident is None:
        return "?"
    return users.get(ident, str(ident))


def _known(users: dict[str, dict[int, str]], table: str, ident: int | None) -> str | None:
    return None if ident is None else users.get(table, {}).get(ident)


def _when(mtime: int | None) -> str:
    if mtime is None:
        return "?"
    return datetime.fromtimestamp(mtime).strftime("%Y-%m-%d %H:%M")


def _shown(entries: list[Entry], path: str) -> list[tuple[Entry, str]]:
    """The rows: a directory's entries (PATH itself left out), or the file PATH itself."""
    top = entries[0] if entries and entries[0].path == b"" else None
    if top is not None and top.kind != "d":
        return [(top, escape(path))]
    return [(entry, escape(entry.path)) for entry in entries if entry.path != b""]


def write_long(out: TextIO, rows: list[tuple[Entry, str]], users: dict[str, dict[int, str]]
               ) -> None:
    """ls -l's columns: mode, links, owner, group, size, mtime, name (-> link text)."""
    table = []
    for entry, name in rows:
        link = ""
        if entry.kind == "l":
            link = f" -> {escape(entry.target) if entry.state == '-' else '?'}"
        table.append((mode_text(entry), "?" if entry.links is None else str(entry.links),
                      _name(entry, users.get("passwd", {}), entry.uid),
                      _name(entry, users.get("group", {}), entry.gid),
                      "?" if entry.size is None else str(entry.size), _when(entry.mtime),
                      name + link))
    widths = [max((len(row[column]) for row in table), default=0) for column in range(6)]
    for row in table:
        cells = [row[0].ljust(widths[0]), row[1].rjust(widths[1]), escape(row[2]).ljust(
            widths[2]), escape(row[3]).ljust(widths[3]), row[4].rjust(widths[4]), row[5]]
        out.write(" ".join(cells) + " " + row[6] + "\n")


def document(rows: list[tuple[Entry, str]], users: dict[str, dict[int, str]], path: str,
             complete: bool) -> dict[str, Any]:
    """Every field of every entry, text as it is (see text.decoded)."""
    files = []
    for entry, _ in rows:
        mtime = entry.mtime
        files.append({
            "name": decoded(entry.path) or decoded(path),
            "type": KINDS.get(entry.kind, entry.kind),
            "mode": None if entry.mode is None else f"{stat.S_IMODE(entry.mode):04o}",
            "modeText": mode_text(entry), "links": entry.links,
            "uid": entry.uid, "user": _known(users, "passwd", entry.uid),
            "gid": entry.gid, "group": _known(users, "group", entry.gid),
            "size": entry.size,
            "modified": None if mtime is None else datetime.fromtimestamp(
                mtime, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "target": decoded(entry.target) if entry.kind == "l" else None,
        })
    return {"apiVersion": "pidshare/v1", "kind": "FileList", "path": decoded(path),
            "complete": complete, "files": files}


def ls(transport: Transport, options: LsOptions, out: TextIO, err: BinaryIO) -> None:
    """List PATH, resolved inside the process's root; past the limit, say where it stopped."""
    collected = Collected(options.limit)
    complete = True
    users: dict[str, dict[int, str]] = {}
    try:
        walk(transport, options.source, "ls", (options.all, options.recursive), collected,
             err, users)
    except LimitReached:
        complete = False
    rows = _shown(collected.entries, options.source.path)
    if options.output == "json":
        write_json(out, document(rows, users, options.source.path, complete))
    elif options.output == "yaml":
        write_yaml(out, document(rows, users, options.source.path, complete))
    else:
        write_long(out, rows, users)
    out.flush()
    for reason, path in collected.notes:
        err.write(f"ls: {escape(path)}: not listed ({reason})\n".encode())
    if not complete:
        raise PidshareError(f"listed the first {options.limit} entries and stopped: use "
                            "--limit to list more", ExitStatus.INCOMPLETE)
    if collected.notes:
        raise PidshareError("some directories could not be listed", ExitStatus.INCOMPLETE)
