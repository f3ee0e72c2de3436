"""The remote scripts, checked by shellcheck as they run: preamble first, as POSIX sh."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from kubectl_pidshare.cat import encode_path
from kubectl_pidshare.pod import procfs
from kubectl_pidshare.pod.runner import MARKER, PREAMBLE, REFUSED, script


@pytest.mark.parametrize("name", ["probe", "kill", "cat", "environ", "audit", "fds",
                                  "tree"])
def test_shellcheck_clean_as_posix_sh(name: str) -> None:
    checked = subprocess.run(
        ["shellcheck", "--shell=sh", "--exclude=SC2329", "-"],  # the preamble's unused helpers
        input=script(name), capture_output=True, text=True, check=False)
    assert (checked.returncode, checked.stdout) == (0, "")


def test_refuse_prints_the_marker_and_exits_refused(sh_and_grep: Path) -> None:
    """(stdin held open, as the exec holds it: its end is what stops a script.)"""
    proc = subprocess.Popen([str(sh_and_grep / "sh"), "-c",
                             PREAMBLE + "refuse some-code 'a detail'"],
                            env={"PATH": str(sh_and_grep)}, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    with proc.stdin:
        out, err = proc.stdout.read(), proc.stderr.read()
        assert (proc.wait(timeout=30), out) == (REFUSED, b"")
    assert err == f"{MARKER}some-code a detail\n".encode()


@pytest.fixture(scope="module")
def sh_and_grep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A PATH directory holding what pidshare/sh-grep:1 holds: dash as sh, and grep."""
    bare = tmp_path_factory.mktemp("sh-and-grep")
    (bare / "sh").symlink_to(shutil.which("dash") or "/bin/dash")
    (bare / "grep").symlink_to(shutil.which("grep") or "/bin/grep")
    return bare


def run(bare: Path, name: str, *args: str) -> tuple[int, bytes, bytes]:
    """Script name run as the exec runs it (its own session, stdin held open until it ends),
    with only sh and grep on PATH: its status, stdout and stderr."""
    proc = subprocess.Popen([str(bare / "sh"), "-c", script(name), f"pidshare-{name}", *args],
                            env={"PATH": str(bare)}, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    with proc.stdin:
        out, err = proc.stdout.read(), proc.stderr.read()
        return proc.wait(timeout=60), out, err


def test_the_probe_needs_sh_and_grep_only(sh_and_grep: Path) -> None:
    status, out, err = run(sh_and_grep, "probe")
    assert (status, err) == (0, b"")
    snapshot = procfs.parse(out)
    assert len(snapshot.processes) > 1
    assert any(users.get(0) == "root" for _, users in snapshot.passwd), snapshot.passwd


def test_kill_and_expect_need_sh_and_grep_only(sh_and_grep: Path) -> None:
    with subprocess.Popen(["sleep", "60"]) as sleeper:
        try:
            pid = str(sleeper.pid)
            assert run(sh_and_grep, "kill", pid, "0", "sleep 60")[0] == 0
            assert run(sh_and_grep, "kill", pid, "0", "p 6")[0] == 0
            assert run(sh_and_grep, "kill", pid, "0", "sleep  60")[::2] == (
                REFUSED, f"pidshare: not-expected {pid}\n".encode())
        finally:
            sleeper.kill()


@pytest.mark.parametrize("content", [b"", b"a", b"a\0b", b"a\0b\0", b"\0\0", b"x\n"])
def test_cat_without_cat_streams_through_grep(sh_and_grep: Path, tmp_path: Path,
                                              content: bytes) -> None:
    """grep adds a NUL to a file that does not end with one; the size it read says so."""
    (tmp_path / "f").write_bytes(content)
    status, out, err = run(sh_and_grep, "cat", str(os.getpid()),
                           encode_path(str(tmp_path / "f")))
    assert (status, err) == (0, b"pidshare-read %d\n" % len(content))
    assert out == content + (b"\0" if content and not content.endswith(b"\0") else b"")
