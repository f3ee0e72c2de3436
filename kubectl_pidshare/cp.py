"""`kubectl pidshare cp`: a file or a directory tree out of a process's root, no tar needed.

One exec walks PATH (sh/tree.sh) and, where the runner has head, streams every regular file's
bytes in the same stream; where it has not, each file is then read by cat's script, one exec a
file. What arrives is written below LOCAL (localtree) or, with `-`, as a tar archive on stdout.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import BinaryIO, Union

from kubectl_pidshare.cat import CatOptions, read_file
from kubectl_pidshare.errors import OutputError, PidshareError
from kubectl_pidshare.localtree import LocalFile, LocalTree, Refused, TarMember, TarStream
from kubectl_pidshare.status import ExitStatus
from kubectl_pidshare.text import escape
from kubectl_pidshare.transport import Sink, Transport
from kubectl_pidshare.tree import Entry, StreamCutError, Walked, walk

Destination = Union[LocalTree, TarStream]
Member = Union[LocalFile, TarMember]
SKIPPED = {"s": "a special file (device, pipe or socket): skipped"}
REASONS = {"permission": "permission denied", "changed": "changed while it was opened",
           "unreadable": "a directory that could not be opened", "deep": "too deep (256 levels)",
           "no-readlink": "a symlink, and the container has no readlink to read it",
           "hard-link": "changed while it was read (it became a hard link)"}
MIB = 1024 * 1024
WALKS = 3  # a walk whose stream was cut is walked again for what it had not brought, this often
UNKNOWN_MODES = {"d": 0o755, "f": 0o644}  # where the runner cannot tell (no stat, no ls)


@dataclass(frozen=True)
class CpOptions:
    """What `cp` was asked for: source.path copied to local (`-`: a tar stream on stdout)."""

    source: CatOptions
    local: str
    force: bool = False


class Progress:
    """A line on stderr, redrawn, for copies that last more than a second (a terminal only)."""

    def __init__(self, err: BinaryIO | None, clock: Callable[[], float] = time.monotonic) -> None:
        self.err, self.clock = err, clock
        self.start = self.shown = clock()
        self.bytes = self.files = 0
        self.drawn = False

    def add(self, size: int = 0, files: int = 0) -> None:
        """Count; redraw at most 4 times a second, from the first second on."""
        self.bytes += size
        self.files += files
        now = self.clock()
        if self.err is not None and now - self.start >= 1 and now - self.shown >= 0.25:
            self.shown = now
            self.draw(now)

    def draw(self, now: float) -> None:
        """The line: bytes, files, rate."""
        assert self.err is not None
        rate = self.bytes / max(now - self.start, 1e-6) / MIB
        self.err.write(f"\r{self.bytes / MIB:.1f} MiB, {self.files} files, "
                       f"{rate:.1f} MiB/s\x1b[K".encode())
        self.err.flush()
        self.drawn = True

    def end(self) -> None:
        """The last figures, and the line ended."""
        if self.drawn and self.err is not None:
            self.draw(self.clock())
            self.err.write(b"\n")


class Copier:
    """A tree.Handler that writes what arrives to the destination, made at the first entry
    (PATH itself), and keeps what was skipped, missed, or left to read file by file."""

    def __init__(self, make: Callable[[Entry], Destination], progress: Progress) -> None:
        self.make, self.progress = make, progress
        self.dest: Destination | None = None
        self.current: Member | None = None
        self.entry_now: Entry | None = None
        self.later: list[Entry] = []
        self.missing: list[tuple[bytes, str]] = []
        self.skipped: list[tuple[bytes, str]] = []
        self.placed: set[bytes] = set()

    def again(self) -> None:
        """Before another walk of the same tree: what was placed stays, the rest is retried."""
        self.later, self.missing, self.skipped = [], [], []

    def entry(self, entry: Entry) -> None:
        """Make the directory or the link; open the file whose bytes follow."""
        if self.dest is None:
            self.dest = self.make(entry)
        if entry.mode is None:
            entry = replace(entry, mode=UNKNOWN_MODES.get(entry.kind))
        self.entry_now, self.current = entry, None
        if entry.path in self.placed:
            return
        try:
            self._place(self.dest, entry)
        except Refused as exc:
            self.missing.append((entry.path, str(exc)))
        except OSError as exc:
            self.missing.append((entry.path, exc.strerror or str(exc)))

    def _place(self, dest: Destination, entry: Entry) -> None:
        if entry.kind == "d":
            dest.directory(entry.path, entry.mode, entry.mtime)
            self.placed.add(entry.path)
        elif entry.kind == "l" and entry.state != "-":
            self.missing.append((entry.path, REASONS.get(entry.state, entry.state)))
        elif entry.kind == "l":
            dest.symlink(entry.path, entry.target, entry.mode, entry.mtime)
            self.placed.add(entry.path)
        elif entry.kind != "f":
            self.skipped.append((entry.path, SKIPPED.get(entry.kind, "unknown type: skipped")))
        elif (entry.links or 1) > 1:
            self.skipped.append((entry.path, f"a hard link ({entry.links} names): skipped"))
        elif entry.state == "c":
            self.current = dest.file(entry.path, entry.size or 0, entry.mode, entry.mtime)
        elif entry.state == "-":
            self.later.append(entry)
        else:
            self.missing.append((entry.path, REASONS.get(entry.state, entry.state)))

    def data(self, chunk: memoryview) -> None:
        """The current file's bytes (dropped if it is not being written)."""
        if self.current is not None:
            try:
                self.current.write(chunk)
            except OSError as exc:
                raise OutputError(f"cannot write the copy: {exc.strerror}") from None
        self.progress.add(len(chunk))

    def done(self, read: int) -> None:
        """Keep the file, unless it shrank while it was read."""
        entry, member, self.current = self.entry_now, self.current, None
        if member is None or entry is None:
            return
        if read < (entry.size or 0):
            member.drop()
            self.missing.append((entry.path, "changed while it was read (it shrank)"))
            return
        member.keep()
        self.placed.add(entry.path)
        self.progress.add(files=1)

    def note(self, reason: str, path: bytes) -> None:
        """A directory not walked: what is below it is missing."""
        self.missing.append((path, REASONS.get(reason, reason)))

    def abandon(self) -> None:
        """The stream ended in the middle of a file: its temporary file goes."""
        if self.current is not None:
            self.current.drop()
            if self.entry_now is not None:
                self.missing.append((self.entry_now.path, "the copy stopped while it was read"))
            self.current = None


def _destination(options: CpOptions, out: BinaryIO) -> Callable[[Entry], Destination]:
    """How to make the destination once PATH's own entry says what it is."""
    name = os.path.basename(os.fsencode(options.source.path).rstrip(b"/"))

    def make(top: Entry) -> Destination:
        if options.local == "-":
            return TarStream(out, name or b".")
        local = os.fsencode(options.local)
        if top.kind == "d" and os.path.lexists(local) and not os.path.isdir(local):
            raise PidshareError(f"{escape(local)}: exists and is not a directory")
        try:
            return LocalTree(local, None if top.kind == "d" else name, options.force)
        except OSError as exc:
            raise PidshareError(f"{escape(local)}: {exc.strerror}") from None

    return make


def _shown(options: CpOptions, path: bytes) -> str:
    top = options.source.path
    return escape(f"{top.rstrip('/')}/{os.fsdecode(path)}" if path else top)


def _fetch(copier: Copier, found: Walked, dest: Destination) -> None:
    """Read, one exec each, the files whose bytes the walk could not send (no head)."""
    for entry in copier.later:
        try:
            failed = _fetch_one(found, dest, entry)
        except (Refused, OSError) as exc:
            failed = str(exc)
        if failed is not None:
            copier.missing.append((entry.path, failed))
            continue
        copier.progress.add(entry.size or 0, 1)


def _read(found: Walked, path: bytes, sink: Sink) -> str | None:
    """cat's script on path below PATH, into sink: None, or why it failed."""
    parser, _, runners, pid = found
    whole = os.fsdecode(parser.resolved + (b"/" + path if path else b""))
    outcome, _, short = read_file(runners, pid, whole, sink)
    if short is not None:
        return f"the copy stopped while it was read ({short})"
    if outcome.status == 0:
        return None
    return outcome.refusal.code if outcome.refusal else outcome.message()


def _fetch_one(found: Walked, dest: Destination, entry: Entry) -> str | None:
    """One file read by cat's script. A tar member's size comes first: the file is spooled
    to a local temporary file, then added."""
    if isinstance(dest, LocalTree):
        member = dest.file(entry.path, entry.size or 0, entry.mode, entry.mtime)
        failed = _read(found, entry.path, member)
        if failed is None:
            member.keep()
        else:
            member.drop()
        return failed
    with tempfile.TemporaryFile() as spool:
        failed = _read(found, entry.path, spool)
        if failed is None:
            size = spool.tell()
            spool.seek(0)
            added = dest.file(entry.path, size, entry.mode, entry.mtime)
            shutil.copyfileobj(spool, added)
            added.keep()
    return failed


def cp(transport: Transport, options: CpOptions, out: BinaryIO, err: BinaryIO,
       terminal: bool = False) -> None:
    """Copy PATH, resolved inside the process's root, to LOCAL; say what was skipped and what
    is missing (then exit INCOMPLETE)."""
    copier = Copier(_destination(options, out), Progress(err if terminal else None))
    complete = False
    try:
        found = _walk(transport, options, copier, err)
        if found[0].tools[0] == "none":
            err.write(f'container "{found[1].container.name}" has no stat or ls: modes and '
                      "mtimes are not kept, files are 0644 and directories 0755\n".encode())
        if copier.dest is not None:
            _fetch(copier, found, copier.dest)
            copier.dest.finish()
        complete = True
    finally:
        copier.abandon()
        if copier.dest is not None and not complete:
            copier.dest.close()
        copier.progress.end()
        _report(copier, options, err)
    if copier.missing:
        count = len(copier.missing)
        raise PidshareError(f"{count} {'entry was' if count == 1 else 'entries were'} not "
                            "copied (listed above)", ExitStatus.INCOMPLETE)


def _walk(transport: Transport, options: CpOptions, copier: Copier, err: BinaryIO) -> Walked:
    """The walk, again (up to WALKS times in all) where its stream was cut and what arrived
    was written to files: the second walk brings what the first had not (what was placed is
    not written again). A tar stream on stdout cannot take back what it wrote."""
    walks = 1
    while True:
        try:
            return walk(transport, options.source, "cp", (True, True), copier, err)
        except StreamCutError as exc:
            if walks == WALKS or isinstance(copier.dest, TarStream):
                raise
            walks += 1
            copier.abandon()
            copier.again()
            err.write(f"cp: {exc.message}: walking it again for what is missing\n".encode())


def _report(copier: Copier, options: CpOptions, err: BinaryIO) -> None:
    for path, why in copier.skipped:
        err.write(f"cp: {_shown(options, path)}: {why}\n".encode())
    for path, why in copier.missing:
        err.write(f"cp: {_shown(options, path)}: not copied: {why}\n".encode())
    err.flush()
