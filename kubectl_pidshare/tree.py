"""What is under a path of a process's root, as sh/tree.sh streams it: shared by ls and cp.

The stream is parsed as it comes (a Sink): records of NUL-terminated fields, and the bytes of
regular files, passed on to a Handler without being held, so memory stays bounded whatever
the size of the files.
"""

from __future__ import annotations

import stat
import tarfile
from dataclasses import dataclass, replace
from typing import BinaryIO, Protocol

from kubectl_pidshare.cat import (
    CatOptions,
    encode_path,
    read_root,
    refused,
    target,
)
from kubectl_pidshare.errors import PidshareError
from kubectl_pidshare.pod.procfs import parse_passwd
from kubectl_pidshare.pod.runner import Outcome
from kubectl_pidshare.pod.runners import Runners
from kubectl_pidshare.text import escape
from kubectl_pidshare.transport import Transport

FIELD_MAX = 4 * 1024 * 1024  # the passwd lines are the longest field: 2000 bounded lines
TYPES = {"d": stat.S_IFDIR, "l": stat.S_IFLNK, "-": stat.S_IFREG, "p": stat.S_IFIFO,
         "s": stat.S_IFSOCK, "c": stat.S_IFCHR, "b": stat.S_IFBLK}
FD_MEMBER = b"proc/self/fd/"  # the names tree.sh's tar gives the files it reads
COUNTS = {"e": 6, "n": 3, "u": 3, "z": 1, "T": 1}


@dataclass(frozen=True)
class Entry:
    """One file under the path: its path below it (b"" for the path itself) and what is known
    of it (None: the runner had no tool to tell); state says whether its bytes follow ("c"),
    were not sent ("-"), or why they could not be read."""

    kind: str
    path: bytes
    mode: int | None
    links: int | None
    uid: int | None
    gid: int | None
    size: int | None
    mtime: int | None
    target: bytes
    state: str


class Handler(Protocol):
    """What receives the stream's parts, in order."""

    def entry(self, entry: Entry) -> None:
        """A file; if its state is "c", its bytes come next through data(), then done()."""

    def data(self, chunk: memoryview) -> None:
        """The next bytes of the current file."""

    def done(self, read: int) -> None:
        """The current file's bytes ended; read: how far the runner read it (less than its
        size: it shrank meanwhile, and the rest was NULs)."""

    def note(self, reason: str, path: bytes) -> None:
        """A directory that was not walked, and why."""


def mode_of(text: str) -> int | None:
    """st_mode from stat's hexadecimal %f or ls's `drwxr-xr-x`."""
    if len(text) >= 10 and text[0] in TYPES:
        bits = 0
        for index, char in enumerate(text[1:10]):
            if char not in "-ST":
                bits |= 1 << (8 - index)
        special = {3: (stat.S_ISUID, "sS"), 6: (stat.S_ISGID, "sS"), 9: (stat.S_ISVTX, "tT")}
        for index, (bit, chars) in special.items():
            if text[index] in chars:
                bits |= bit
        return TYPES[text[0]] | bits
    try:
        return int(text, 16)
    except ValueError:
        return None


def tar_size(field: bytes) -> int:
    """A tar header's size: octal, or base-256 past 8 GiB."""
    if field[:1] and field[0] & 0x80:
        return int.from_bytes(field[1:], "big")
    digits = field.strip(b"\0 ")
    return int(digits, 8) if digits else 0


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def parse_entry(fields: list[bytes]) -> Entry:
    """An entry from its record's fields (after "e")."""
    kind, info, path, link, state = fields
    words = info.decode(errors="replace").split(" ")
    words += ["-"] * (6 - len(words))
    links, uid, gid, size, mtime = (_number(word) for word in words[1:6])
    return Entry(kind.decode(errors="replace"), path, mode_of(words[0]), links, uid, gid, size,
                 mtime, link, state.decode(errors="replace"))


class Parser:
    """A Sink that decodes tree.sh's stream into calls to a Handler: records of fields, the
    bytes of files framed by their size, and tar archives of batches of files (whose records
    come first, with state "t", and take their sizes from the archive's headers)."""

    def __init__(self, handler: Handler, users: dict[str, dict[int, str]] | None = None) -> None:
        self.handler = handler
        self.pending = bytearray()
        self.fields: list[bytes] = []
        self.remaining = self.skip = 0
        self.passing = True
        self.mode = "fields"
        self.member: int | None = None
        self.queue: list[Entry] = []
        self.tools: list[str] = []
        self.resolved = b""
        self.users = {} if users is None else users
        self.ended = False

    def write(self, data: bytes | memoryview) -> int:
        """Take the next piece of the stream."""
        buffer = bytes(data)
        view = memoryview(buffer)
        at = 0
        while at < len(buffer):
            at = self._step(buffer, view, at)
        return len(buffer)

    def _step(self, buffer: bytes, view: memoryview, at: int) -> int:
        """Consume what the current state takes from buffer at offset at; the new offset."""
        if self.remaining:
            taken = view[at:at + self.remaining]
            self.remaining -= len(taken)
            if self.passing:
                self.handler.data(taken)
            if not self.remaining and self.mode == "header":
                self._member_done()
            return at + len(taken)
        if self.skip:
            skipped = min(self.skip, len(buffer) - at)
            self.skip -= skipped
            return at + skipped
        if self.mode == "header":
            taken = view[at:at + tarfile.BLOCKSIZE - len(self.pending)]
            self.pending += taken
            if len(self.pending) == tarfile.BLOCKSIZE:
                block = bytes(self.pending)
                self.pending.clear()
                self._header(block)
            return at + len(taken)
        if self.mode == "padding":
            while at < len(buffer) and buffer[at] == 0:
                at += 1
            if at < len(buffer):
                self.mode = "fields"
            return at
        return self._field(buffer, view, at)

    def _field(self, buffer: bytes, view: memoryview, at: int) -> int:
        nul = buffer.find(b"\0", at)
        if nul < 0:
            self.pending += view[at:]
            if len(self.pending) > FIELD_MAX:
                raise PidshareError("unexpected output from the remote script")
            return len(buffer)
        self.pending += view[at:nul]
        if len(self.pending) > FIELD_MAX:
            raise PidshareError("unexpected output from the remote script")
        self.fields.append(bytes(self.pending))
        self.pending.clear()
        self._record()
        return nul + 1

    def _header(self, block: bytes) -> None:
        """A tar header: the next queued file's bytes follow (or an extension's, skipped);
        a zero block ends the archive (and the zeros after it are skipped)."""
        if block == bytes(tarfile.BLOCKSIZE):
            self.mode = "padding"
            return
        size = tar_size(block[124:136])
        self.passing = block[156:157] in (b"0", b"\0")
        self.member = size if self.passing else None
        if self.passing or block.startswith(FD_MEMBER):
            if not self.queue:
                raise PidshareError("unexpected output from the remote script")
            queued = self.queue.pop(0)
            # Not a regular member: tar saw the file's inode before (a hard link).
            self.handler.entry(replace(queued, size=size, state="c") if self.passing
                               else replace(queued, state="hard-link"))
        self.remaining = size
        if not size:
            self._member_done()

    def _member_done(self) -> None:
        if self.member is not None:
            self.handler.done(self.member)
        self.skip = -(self.member or 0) % tarfile.BLOCKSIZE if self.passing else 0
        self.member = None
        self.passing = True

    def _record(self) -> None:
        fields = self.fields
        if not self.tools:
            if len(fields) == 4:
                self.tools = [field.decode(errors="replace") for field in fields[1:3]]
                self.resolved = fields[3]
                fields.clear()
            return
        if fields[0] == b"r":
            if len(fields) == 2:
                self.handler.done(int(fields[1]) if fields[1].isdigit() else 0)
                fields.clear()
            return
        kind = fields[0].decode(errors="replace")
        if len(fields) < COUNTS.get(kind, 1):
            return
        self.fields = []
        if kind == "e":
            entry = parse_entry(fields[1:])
            if entry.state == "t":
                self.queue.append(entry)
                return
            self.handler.entry(entry)
            if entry.state == "c":
                self.remaining = entry.size or 0
                self.fields = [b"r"]
        elif kind == "T":
            self.mode = "header"
        elif kind == "n":
            self.handler.note(fields[1].decode(errors="replace"), fields[2])
        elif kind == "u":
            self.users[fields[1].decode()] = parse_passwd(fields[2].splitlines())
        elif kind == "z":
            self.ended = True
        else:
            raise PidshareError("unexpected output from the remote script")


Walked = tuple[Parser, Outcome, Runners, int]


class StreamCutError(PidshareError):
    """The script ended well (status 0) but its output stopped short: the stream's tail was
    lost on the way (the API server or the kubelet closed it before all of it had passed)."""


def walk(transport: Transport, source: CatOptions, mode: str, flags: tuple[bool, bool],
         handler: Handler, err: BinaryIO, users: dict[str, dict[int, str]] | None = None
         ) -> Walked:
    """Run tree.sh on source's path (mode ls or cp; flags: dot files, every level), feeding
    handler (and users: the target's users and groups, for ls); a refusal becomes the error
    cat would give."""
    runners, pid = target(transport, source, err)
    parser = Parser(handler, users)
    args = [str(pid), encode_path(source.path), mode, *("1" if flag else "0" for flag in flags)]
    outcome = read_root(runners, pid, "tree", args, parser)
    if outcome.refusal is not None:
        raise refused(outcome, runners.pod, pid, source.aim)
    if not parser.ended:
        error = StreamCutError if outcome.status == 0 else PidshareError
        raise error(f'the walk of {escape(source.path)} ended early in container '
                    f'"{outcome.container.name}" (exit {outcome.status}): {outcome.message()}')
    return parser, outcome, runners, pid
