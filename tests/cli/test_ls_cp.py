"""ls and cp through the error boundary, with a fake transport answering tree.sh's stream."""

from __future__ import annotations

import io
import json
import os
import tarfile
from pathlib import Path

from kubectl_pidshare.cp import Progress
from kubectl_pidshare.status import ExitStatus

from .fakes import Harness, Install, Main

HEAD = b"pidshare-tree\0stat\0head\0/d\0"
USERS = b"u\0passwd\0root:x:0:\nnginx:x:101:\n\0u\0group\0root:x:0:\n\0"


def entry(kind: bytes, info: bytes, path: bytes, target: bytes = b"", state: bytes = b"-"
          ) -> bytes:
    """One record of tree.sh's stream."""
    return b"\0".join([b"e", kind, info, path, target, state]) + b"\0"


def content(path: bytes, data: bytes, mode: bytes = b"81a4") -> bytes:
    """A regular file's record and its bytes."""
    info = b"%s 1 101 0 %d 1000000000" % (mode, len(data))
    return entry(b"f", info, path, state=b"c") + data + b"%d\0" % len(data)


TREE = (entry(b"d", b"41ed 3 0 0 4096 0", b"") + content(b"a", b"hello", b"81ed")
        + entry(b"l", b"a1ff 1 0 0 11 0", b"out", b"/etc/passwd")
        + entry(b"d", b"41ed 2 0 0 4096 0", b"new\nline")
        + content(b"new\nline/bad\xff", b"x\0y") + entry(b"s", b"11a4 1 0 0 0 0", b"fifo"))


def test_ls_long_format_escapes_names_and_names_owners(install: Install, main: Main) -> None:
    fake = install("nginx")
    fake.exec_status["shell"] = (0, HEAD + USERS + TREE + b"z\0", b"")
    status, out, err = main("ls", "nginx", "7", "/d", "-R")
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split()[:5] == ["-rwxr-xr-x", "1", "nginx", "root", "5"]
    assert lines[0].endswith(" a")
    assert lines[1].endswith(" out -> /etc/passwd") and lines[1].startswith("lrwxrwxrwx")
    assert lines[2].endswith(" new\\nline") and lines[3].endswith(" new\\nline/bad\\xff")
    assert lines[4].startswith("prw-r--r--")
    [(_, _, argv)] = fake.execs
    assert argv[3:6] == ["pidshare-tree", "7", "\\0057\\0144"] and argv[6:] == ["ls", "0", "1"]


def test_ls_json_carries_the_real_text(install: Install, main: Main) -> None:
    install("nginx").exec_status["shell"] = (0, HEAD + USERS + TREE + b"z\0", b"")
    status, out, _ = main("ls", "nginx", "7", "/d", "-R", "-o", "json")
    files = {f["name"]: f for f in json.loads(out)["files"]}
    assert status == 0 and set(files) == {"a", "out", "new\nline", "new\nline/bad\\xff", "fifo"}
    assert files["a"]["mode"] == "0755" and files["a"]["user"] == "nginx"
    assert files["a"]["modified"] == "2001-09-09T01:46:40Z"
    assert files["out"]["target"] == "/etc/passwd"


def test_ls_stops_at_the_limit_and_says_so(install: Install, main: Main) -> None:
    install("nginx").exec_status["shell"] = (0, HEAD + USERS + TREE + b"z\0", b"")
    status, out, err = main("ls", "nginx", "7", "/d", "-R", "--limit", "2")
    assert (status, err) == (ExitStatus.INCOMPLETE, "error: listed the first 2 entries and "
                             "stopped: use --limit to list more\n")
    assert len(out.splitlines()) == 2


def test_cp_writes_the_tree_below_local(install: Install, main: Main, tmp_path: Path) -> None:
    install("nginx").exec_status["shell"] = (0, HEAD + TREE + b"z\0", b"")
    local = tmp_path / "copy"
    status, out, err = main("cp", "nginx", "7", "/d", str(local))
    assert (status, out, err) == (0, "", "cp: /d/fifo: a special file (device, pipe or socket): "
                                         "skipped\n")
    assert (local / "a").read_bytes() == b"hello" and os.stat(local / "a").st_mode & 0o777 == 0o755
    assert os.readlink(local / "out") == "/etc/passwd"
    assert os.path.getmtime(local / "a") == 1_000_000_000
    assert (local / "new\nline" / os.fsdecode(b"bad\xff")).read_bytes() == b"x\0y"


def test_cp_cut_short_leaves_no_half_file(install: Install, main: Main, tmp_path: Path) -> None:
    cut = HEAD + TREE[:TREE.index(b"hello") + 2]
    install("nginx").exec_status["shell"] = (137, cut, b"")
    local = tmp_path / "copy"
    status, _, err = main("cp", "nginx", "7", "/d", str(local))
    assert status == ExitStatus.ERROR
    assert err.splitlines() == [
        "cp: /d/a: not copied: the copy stopped while it was read",
        'error: the walk of /d ended early in container "shell" (exit 137): no message']
    assert os.listdir(local) == []


CUT_AFTER_A = HEAD + TREE[:TREE.index(b"new\nline")]
CUT_IN_A = HEAD + TREE[:TREE.index(b"hello") + 2]
AGAIN = ('cp: the walk of /d ended early in container "shell" (exit 0): no message: walking it '
         "again for what is missing")


def test_cp_walks_again_where_the_stream_was_cut(install: Install, main: Main,
                                                 tmp_path: Path) -> None:
    """The script ended well (0) but the stream stopped short (the platform lost its tail):
    the second walk brings the rest; what the first placed is not written again."""
    fake = install("nginx")
    fake.exec_queue["shell"] = [(0, CUT_IN_A, b""), (0, CUT_AFTER_A, b"")]
    fake.exec_status["shell"] = (0, HEAD + TREE + b"z\0", b"")
    local = tmp_path / "copy"
    status, out, err = main("cp", "nginx", "7", "/d", str(local))
    assert (status, out) == (0, "")
    assert err.splitlines() == [AGAIN, AGAIN, "cp: /d/fifo: a special file (device, pipe or "
                                              "socket): skipped"]
    assert len(fake.execs) == 3
    assert (local / "a").read_bytes() == b"hello" and os.readlink(local / "out") == "/etc/passwd"
    assert (local / "new\nline" / os.fsdecode(b"bad\xff")).read_bytes() == b"x\0y"


def test_cp_gives_up_after_three_cut_walks(install: Install, main: Main, tmp_path: Path) -> None:
    fake = install("nginx")
    fake.exec_status["shell"] = (0, CUT_IN_A, b"")
    local = tmp_path / "copy"
    status, _, err = main("cp", "nginx", "7", "/d", str(local))
    assert (status, len(fake.execs)) == (ExitStatus.ERROR, 3)
    assert err.splitlines() == [AGAIN, AGAIN,
                                "cp: /d/a: not copied: the copy stopped while it was read",
                                'error: the walk of /d ended early in container "shell" (exit 0): '
                                "no message"]
    assert os.listdir(local) == []


def test_a_cut_tar_stream_is_not_walked_again(install: Install, harness: Harness) -> None:
    fake = install("nginx")
    fake.exec_status["shell"] = (0, CUT_AFTER_A, b"")
    assert harness.run("cp", "nginx", "7", "/d", "-").exit_code == ExitStatus.ERROR
    assert len(fake.execs) == 1


def test_cp_dash_writes_a_tar_stream(install: Install, harness: Harness) -> None:
    install("nginx").exec_status["shell"] = (0, HEAD + TREE + b"z\0", b"")
    assert harness.run("cp", "nginx", "7", "/d", "-").exit_code == 0
    with tarfile.open(fileobj=io.BytesIO(harness.stdout_bytes)) as archive:
        names = archive.getnames()
        member = archive.extractfile("d/a")
        assert member is not None and member.read() == b"hello"
    assert names == ["d", "d/a", "d/out", "d/new\nline", "d/new\nline/bad\udcff"]


def test_cp_relative_path_is_refused_before_any_request(install: Install, main: Main) -> None:
    fake = install("nginx")
    assert main("cp", "nginx", "7", "etc", "x") == (
        1, "", "error: etc: the path must be absolute, as PID 7 sees it (for example /etc)\n")
    assert fake.gets == []


def test_progress_shows_after_a_second_on_a_terminal_only() -> None:
    now = [0.0]
    err = io.BytesIO()
    progress = Progress(err, lambda: now[0])
    progress.add(5 << 20, 1)
    assert err.getvalue() == b""
    now[0] = 2.0
    progress.add(5 << 20, 1)
    progress.end()
    assert err.getvalue().split(b"\r")[-1] == b"10.0 MiB, 2 files, 5.0 MiB/s\x1b[K\n"
    silent = Progress(None, lambda: now[0])
    silent.add(1, 1)
    silent.end()


def test_ls_of_a_file_shows_it_and_yaml_carries_it(install: Install, main: Main) -> None:
    import yaml

    install("nginx").exec_status["shell"] = (0, HEAD + USERS + content(b"", b"abc") + b"z\0",
                                             b"")
    status, out, _ = main("ls", "nginx", "7", "/d/file")
    assert status == 0 and out.endswith(" /d/file\n") and out.startswith("-rw-r--r-- 1 nginx")
    status, out, _ = main("ls", "nginx", "7", "/d/file", "-o", "yaml")
    [listed] = yaml.safe_load(out)["files"]
    assert (status, listed["name"], listed["size"], listed["type"]) == (0, "/d/file", 3, "file")
