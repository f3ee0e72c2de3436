"""pidshare's own processes: recognised from their command line, with what they started, and
shown compactly."""

from __future__ import annotations

from kubectl_pidshare.pod.own import compact, is_script, started_by_pidshare
from kubectl_pidshare.pod.procfs import Process
from kubectl_pidshare.pod.runner import script


def process(pid: int, ppid: int, *args: bytes) -> Process:
    """A process with this command line."""
    return Process(pid=pid, ppid=ppid, name="sh", state="S", uid=0, threads=1, rss_kib=0,
                   cpu_seconds=0.0, start_ticks=0, args=list(args), cgroup="")


CAT = process(10, 0, b"sh", b"-c", script("cat").encode(), b"pidshare-cat", b"8",
              b"\\0057\\0145\\0377")
LOOP = process(20, 0, b"sh", b"-c", b"while :; do sleep 3600; done", b"pidshare-debug")


def test_scripts_and_the_keep_alive_loop_are_recognised() -> None:
    assert is_script(CAT) and is_script(LOOP)
    assert is_script(process(11, 10, *CAT.args))


def test_look_alikes_are_not() -> None:
    assert not is_script(process(1, 0, b"sh", b"-c", b"while :; do sleep 3600; done"))
    assert not is_script(process(1, 0, b"sh", b"-c", b"echo hi", b"pidshare-cat"))
    assert not is_script(process(1, 0, b"sh", b"-c", script("cat").encode(), b"pidshare-Cat"))
    assert not is_script(process(1, 0, b"pidshare-probe"))


def test_what_they_started_is_theirs_and_nothing_else() -> None:
    listed = [CAT, process(11, 10, b"cat"), process(12, 11, b"tr"), LOOP,
              process(21, 20, b"sleep", b"3600"), process(30, 0, b"nginx"),
              process(31, 30, b"nginx: worker process")]
    assert started_by_pidshare(listed) == {10, 11, 12, 20, 21}


def test_compact_shows_the_script_and_its_target_with_the_path_decoded() -> None:
    assert compact(CAT) == (b"pidshare-cat", b"8", b"/e\xff")
    assert compact(LOOP) == (b"pidshare-debug",)
    assert compact(process(11, 10, b"cat")) == (b"cat",)
