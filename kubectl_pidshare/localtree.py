"""Where `cp` writes: a local directory tree written only below LOCAL, or a tar stream.

Every name comes from the container, so every name is hostile: each path is split into
components, each must be a plain name (no `..`, `.`, empty, no `/`), and every file is made
relative to a descriptor of its directory, opened with O_NOFOLLOW component by component from
LOCAL: no link, whoever made it, is ever followed. A file is written under a temporary name and
renamed to its own once complete, so an interrupted copy leaves no half-written file under a
final name; an existing file is replaced only with --force.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tarfile
from typing import BinaryIO

from kubectl_pidshare.text import escape

DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
TEMP = b".pidshare-partial-"


class Refused(Exception):  # noqa: N818 - a file not written, and why (reported, not fatal)
    """A file that cannot be written where it belongs."""


def components(path: bytes) -> list[bytes]:
    """The names of a relative path from the container; refused if one is not a plain name."""
    parts = path.split(b"/") if path else []
    for part in parts:
        if part in (b"", b".", b"..") or b"\0" in part:
            raise Refused("not a plain relative name")
    return parts


class LocalTree:
    """A copy written below root (a directory, made if missing), or, when PATH is a file
    called name, as the file root (or root/name if root is a directory)."""

    def __init__(self, root: bytes, name: bytes | None, force: bool) -> None:
        self.force = force
        self.dirs: list[tuple[list[bytes], int | None, int | None]] = []
        self.cached: tuple[list[bytes], int] | None = None
        self.single: bytes | None = None
        if name is not None:
            parent, self.single = os.path.split(root.rstrip(b"/") or b"/")
            if os.path.isdir(root):
                parent, self.single = root, name
            self.root = os.open(parent or b".", DIRECTORY)
            return
        if not os.path.isdir(root):
            os.mkdir(root, 0o700)
        self.root = os.open(root, DIRECTORY)

    def _parent(self, parts: list[bytes]) -> tuple[int, bytes]:
        """A descriptor of the directory that holds parts, and its last name."""
        if self.single is not None:
            return self.root, self.single
        if not parts:
            raise Refused("the copy's own directory is not a file")
        folder, name = parts[:-1], parts[-1]
        if self.cached is not None and self.cached[0] == folder:
            return self.cached[1], name
        fd = os.dup(self.root)
        try:
            for part in folder:
                inner = os.open(part, DIRECTORY, dir_fd=fd)
                os.close(fd)
                fd = inner
        except OSError as exc:
            os.close(fd)
            raise Refused(f"{exc.strerror} (its directory {escape(b'/'.join(folder))})"
                          ) from None
        if self.cached is not None:
            os.close(self.cached[1])
        self.cached = (folder, fd)
        return fd, name

    def _free(self, fd: int, name: bytes) -> None:
        """Refuse to replace name without --force."""
        try:
            os.lstat(name, dir_fd=fd)
        except FileNotFoundError:
            return
        if not self.force:
            raise Refused("it exists here (use --force to replace it)")

    def directory(self, path: bytes, mode: int | None, mtime: int | None) -> None:
        """Make directory path (its mode and mtime are set by finish, when it is complete)."""
        parts = components(path)
        if parts:
            fd, name = self._parent(parts)
            try:
                os.mkdir(name, 0o700, dir_fd=fd)
            except FileExistsError:
                os.close(os.open(name, DIRECTORY, dir_fd=fd))
        self.dirs.append((parts, mode, mtime))

    def symlink(self, path: bytes, target: bytes, mode: int | None, mtime: int | None) -> None:
        """A symlink holding target as it is (a link's mode and mtime are not kept)."""
        fd, name = self._parent(components(path))
        self._free(fd, name)
        temp = TEMP + os.urandom(6).hex().encode()
        os.symlink(target, temp, dir_fd=fd)
        os.rename(temp, name, src_dir_fd=fd, dst_dir_fd=fd)

    def file(self, path: bytes, size: int, mode: int | None, mtime: int | None) -> LocalFile:
        """A regular file to fill, under a temporary name until it is kept."""
        fd, name = self._parent(components(path))
        self._free(fd, name)
        return LocalFile(fd, name, mode, mtime)

    def finish(self) -> None:
        """Give the directories their modes and mtimes, the deepest first; close."""
        for parts, mode, mtime in reversed(self.dirs):
            fd = os.dup(self.root)
            for part in parts:
                inner = os.open(part, DIRECTORY, dir_fd=fd)
                os.close(fd)
                fd = inner
            try:
                if mode is not None:
                    os.chmod(fd, stat.S_IMODE(mode))
                if mtime is not None:
                    os.utime(fd, (mtime, mtime))
            finally:
                os.close(fd)
        self.close()

    def close(self) -> None:
        """Close the descriptors held."""
        if self.cached is not None:
            os.close(self.cached[1])
            self.cached = None
        os.close(self.root)


class LocalFile:
    """A file being written: a temporary name in its directory, renamed when kept."""

    def __init__(self, folder: int, name: bytes, mode: int | None, mtime: int | None) -> None:
        self.folder, self.name, self.mode, self.mtime = folder, name, mode, mtime
        self.temp = TEMP + os.urandom(6).hex().encode()
        self.fd = os.open(self.temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW,
                          0o600, dir_fd=folder)

    def write(self, data: bytes | memoryview) -> int:
        """Write all of data."""
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view):]
        return len(data)

    def keep(self) -> None:
        """Set its mode and mtime, and give the file its name."""
        if self.mode is not None:
            os.fchmod(self.fd, stat.S_IMODE(self.mode))
        if self.mtime is not None:
            os.utime(self.fd, (self.mtime, self.mtime))
        os.close(self.fd)
        self.fd = -1
        os.rename(self.temp, self.name, src_dir_fd=self.folder, dst_dir_fd=self.folder)

    def drop(self) -> None:
        """Remove the temporary file (a copy that did not complete)."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.temp, dir_fd=self.folder)


class TarStream:
    """The copy as a tar archive (PAX, names as they are, below top) written to out as it
    comes; the same calls as LocalTree."""

    def __init__(self, out: BinaryIO, top: bytes) -> None:
        self.out = out
        self.top = top

    def _header(self, path: bytes, kind: bytes, mode: int | None, mtime: int | None,
                size: int = 0, target: bytes = b"") -> None:
        components(path)
        info = tarfile.TarInfo(os.fsdecode(b"/".join(filter(None, (self.top, path))) or b"."))
        info.type = kind
        info.mode = stat.S_IMODE(mode) if mode is not None else 0o644
        info.mtime = mtime or 0
        info.size = size
        info.linkname = os.fsdecode(target)
        self.out.write(info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape"))

    def directory(self, path: bytes, mode: int | None, mtime: int | None) -> None:
        """A directory member."""
        self._header(path, tarfile.DIRTYPE, mode, mtime)

    def symlink(self, path: bytes, target: bytes, mode: int | None, mtime: int | None) -> None:
        """A symlink member."""
        self._header(path, tarfile.SYMTYPE, mode, mtime, target=target)

    def file(self, path: bytes, size: int, mode: int | None, mtime: int | None) -> TarMember:
        """A regular file member of size bytes, which follow through the member's write()."""
        self._header(path, tarfile.REGTYPE, mode, mtime, size)
        return TarMember(self.out, size)

    def finish(self) -> None:
        """The archive's end."""
        self.out.write(b"\0" * (2 * tarfile.BLOCKSIZE))
        self.out.flush()

    def close(self) -> None:
        """Nothing is held."""


class TarMember:
    """A file's bytes in the archive: exactly the size its header said."""

    def __init__(self, out: BinaryIO, size: int) -> None:
        self.out, self.size, self.written = out, size, 0

    def write(self, data: bytes | memoryview) -> int:
        """The next bytes, up to the size."""
        part = memoryview(data)[:self.size - self.written]
        self.written += len(part)
        self.out.write(part)
        return len(data)

    def keep(self) -> None:
        """Fill the member to its size and its last block."""
        missing = self.size - self.written
        self.out.write(b"\0" * (missing + (-self.size % tarfile.BLOCKSIZE)))
        self.written = self.size

    def drop(self) -> None:
        """A member cannot be taken back: it is filled (the copy says the file is missing)."""
        self.keep()
