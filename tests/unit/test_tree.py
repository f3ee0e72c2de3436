"""tree.sh run here, as the exec runs it, with the tools of each kind of runner; its stream
parsed by tree.Parser; the copy written by localtree."""

from __future__ import annotations

import io
import os
import shutil
import stat
import tarfile
from pathlib import Path

import pytest

from kubectl_pidshare.cat import encode_path
from kubectl_pidshare.localtree import LocalTree, Refused, TarStream, components
from kubectl_pidshare.tree import Entry, Parser
from tests.unit.test_scripts import run

HOSTILE = [b"new\nline", b"bad\xff\xfe", b"-n", b"*", b" space", b".dot", b"\x1b[31mred"]


class Recorded:
    """A tree.Handler that keeps everything."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.bytes: dict[bytes, bytes] = {}
        self.read: dict[bytes, int] = {}
        self.notes: list[tuple[str, bytes]] = []

    def entry(self, entry: Entry) -> None:
        self.entries.append(entry)
        if entry.state == "c":
            self.bytes[entry.path] = b""

    def data(self, chunk: memoryview) -> None:
        path = self.entries[-1].path
        self.bytes[path] += bytes(chunk)

    def done(self, read: int) -> None:
        self.read[self.entries[-1].path] = read

    def note(self, reason: str, path: bytes) -> None:
        self.notes.append((reason, path))


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A tree with hostile names, a link out, a FIFO, NULs, an empty file."""
    top = tmp_path / "top"
    (top / "sub" / "deeper").mkdir(parents=True)
    for name in HOSTILE:
        (top / "sub").joinpath(os.fsdecode(name)).write_bytes(b"x" + name)
    (top / "binary").write_bytes(bytes(range(256)) * 3)
    (top / "empty").write_bytes(b"")
    (top / "sub" / "deeper" / "f").write_bytes(b"deep")
    (top / "sub" / "deeper" / "hard").write_bytes(b"hard")
    os.link(top / "sub" / "deeper" / "hard", top / "sub" / "deeper" / "linked")
    (top / "out").symlink_to("/etc")
    (top / "rel").symlink_to("../../..")
    os.mkfifo(top / "fifo")
    os.chmod(top / "binary", 0o751)
    os.utime(top / "binary", (1_000_000_000, 1_000_000_000))
    return top


def tools(tmp_path: Path, names: dict[str, str]) -> Path:
    """A PATH directory holding exactly these tools."""
    bare = tmp_path / "bin"
    bare.mkdir()
    for name, real in names.items():
        (bare / name).symlink_to(real)
    return bare


def walked(bare: Path, path: Path, mode: str, all_: str = "1", deep: str = "1") -> Recorded:
    status, out, err = run(bare, "tree", str(os.getpid()), encode_path(str(path)), mode,
                           all_, deep)
    assert (status, err) == (0, b"")
    recorded = Recorded()
    parser = Parser(recorded)
    for index in range(0, len(out), 7):  # in small pieces: fields and bytes cut anywhere
        parser.write(out[index:index + 7])
    assert parser.ended
    return recorded


RUNNERS = {
    "sh-grep": {"sh": "dash", "grep": "grep"},
    "gnu": {"sh": "dash", "grep": "grep", "ls": "ls", "head": "head", "readlink": "readlink"},
    "busybox-head": {name: "busybox" for name in ("sh", "grep", "stat", "head", "readlink")},
    "busybox": {name: "busybox" for name in ("sh", "grep", "stat", "head", "readlink", "ls",
                                             "dd", "tar")},
}


@pytest.mark.parametrize("runner", RUNNERS)
def test_cp_stream_holds_every_entry_and_byte(tmp_path: Path, tree: Path, runner: str) -> None:
    names = {name: shutil.which(real) or real for name, real in RUNNERS[runner].items()}
    recorded = walked(tools(tmp_path, names), tree, "cp")
    expected = {os.fsencode(os.path.relpath(os.path.join(folder, name), tree))
                for folder, dirs, files in os.walk(tree) for name in dirs + files}
    assert {entry.path for entry in recorded.entries} == expected | {b""}
    kinds = {entry.path: entry.kind for entry in recorded.entries}
    assert (kinds[b"out"], kinds[b"fifo"], kinds[b"sub"], kinds[b"binary"]) == ("l", "s", "d", "f")
    links = {entry.path: entry.target for entry in recorded.entries if entry.kind == "l"}
    if runner != "sh-grep":
        assert links == {b"out": b"/etc", b"rel": b"../../.."}
        assert recorded.bytes[b"binary"] == (tree / "binary").read_bytes()
        assert recorded.bytes[b"sub/new\nline"] == b"xnew\nline"
        assert recorded.bytes[b"empty"] == b""
        hard = [entry for entry in recorded.entries if entry.links == 2 and entry.kind == "f"]
        assert sorted(entry.path for entry in hard) == [b"sub/deeper/hard", b"sub/deeper/linked"]
        for entry in recorded.entries:  # every file's own bytes, a hard link's tar member too
            if entry.path in recorded.bytes:
                assert recorded.bytes[entry.path] == (tree / os.fsdecode(entry.path)).read_bytes()
        binary = next(entry for entry in recorded.entries if entry.path == b"binary")
        assert (binary.mode, binary.mtime, binary.size) == (
            stat.S_IFREG | 0o751, 1_000_000_000, 768)
    else:
        assert not recorded.bytes


def test_ls_lists_one_level_with_users(tmp_path: Path, tree: Path) -> None:
    names = {name: shutil.which(real) or real for name, real in RUNNERS["busybox"].items()}
    status, out, _ = run(tools(tmp_path, names), "tree", str(os.getpid()),
                         encode_path(str(tree)), "ls", "0", "0")
    users: dict[str, dict[int, str]] = {}
    recorded = Recorded()
    parser = Parser(recorded, users)
    parser.write(out)
    assert status == 0 and users["passwd"][0] == "root" and users["group"][0] == "root"
    assert sorted(entry.path for entry in recorded.entries) == [
        b"", b"binary", b"empty", b"fifo", b"out", b"rel", b"sub"]


def test_a_path_through_a_link_to_proc_is_refused(tmp_path: Path, tree: Path) -> None:
    names = {name: shutil.which(real) or real for name, real in RUNNERS["gnu"].items()}
    (tree / "p").symlink_to("/proc/self")
    status, _, err = run(tools(tmp_path, names), "tree", str(os.getpid()),
                         encode_path(str(tree / "p")), "ls", "0", "0")
    assert status == 99 and err.endswith(b"pidshare: special " + os.fsencode(tree) + b"/p -> "
                                          b"/proc/self\n")


@pytest.mark.parametrize("path", [b"..", b"a/../b", b"/abs", b"a//b", b"."])
def test_names_that_are_not_plain_are_refused(path: bytes) -> None:
    with pytest.raises(Refused):
        components(path)


def test_local_tree_never_writes_through_a_link(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    local = tmp_path / "local"
    local.mkdir()
    (local / "sub").symlink_to(outside)
    dest = LocalTree(os.fsencode(local), None, force=True)
    with pytest.raises(Refused):
        dest.file(b"sub/f", 1, 0o644, 0)
    with pytest.raises(OSError):
        dest.directory(b"sub", 0o755, 0)
    for name in HOSTILE:
        member = dest.file(name, 1, 0o640, 5)
        member.write(b"y")
        member.keep()
    dest.symlink(b"link", b"/etc/passwd", None, None)
    dest.finish()
    assert list(outside.iterdir()) == []
    assert sorted(os.listdir(os.fsencode(local))) == sorted([*HOSTILE, b"link", b"sub"])
    assert os.readlink(local / "link") == "/etc/passwd"
    assert stat.S_IMODE(os.lstat(local.joinpath(os.fsdecode(b"bad\xff\xfe"))).st_mode) == 0o640


def test_an_unkept_file_leaves_nothing_under_its_name(tmp_path: Path) -> None:
    dest = LocalTree(os.fsencode(tmp_path / "copy"), None, force=False)
    dest.directory(b"", 0o755, None)
    member = dest.file(b"half", 10, 0o644, None)
    member.write(b"12345")
    member.drop()
    dest.finish()
    assert os.listdir(tmp_path / "copy") == []


def test_tar_stream_reads_back(tmp_path: Path) -> None:
    out = io.BytesIO()
    dest = TarStream(out, b"top")
    dest.directory(b"", 0o755, 7)
    dest.symlink(b"l", b"/x", None, None)
    member = dest.file(b"bad\xff", 3, 0o600, 9)
    member.write(b"ab")
    member.keep()
    dest.finish()
    with tarfile.open(fileobj=io.BytesIO(out.getvalue()), encoding="utf-8",
                      errors="surrogateescape") as archive:
        members = {m.name: m for m in archive.getmembers()}
        assert members["top/l"].linkname == "/x" and members["top"].isdir()
        data = archive.extractfile(members[os.fsdecode(b"top/bad\xff")])
        assert data is not None and data.read() == b"ab\0"


def test_gnu_ls_gives_a_device_its_mtime(tmp_path: Path) -> None:
    """ls -l shows a device's numbers (`1, 3`) where a file's size goes."""
    names = {name: shutil.which(real) or real for name, real in RUNNERS["gnu"].items()}
    top = tmp_path / "dev"
    top.mkdir()
    os.mknod(top / "null", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    os.chmod(top / "null", 0o666)
    os.utime(top / "null", (1_500_000_000, 1_500_000_000), follow_symlinks=False)
    recorded = walked(tools(tmp_path, names), top, "ls", "0", "0")
    device = recorded.entries[-1]
    assert (device.path, device.kind, device.mtime, device.size) == (b"null", "s", 1_500_000_000,
                                                                     None)
    assert device.mode == stat.S_IFCHR | 0o666
