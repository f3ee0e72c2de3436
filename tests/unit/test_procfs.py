"""procfs.parse() on the recorded probe outputs and on hand-made hostile or broken input."""

from __future__ import annotations

import pytest

from kubectl_pidshare.pod import procfs
from kubectl_pidshare.pod.attribution import container_ids
from tests.unit.recordings import NAMES, container_id, pod, probe, snapshot

Summary = dict[int, tuple[int, int, str, list[bytes]]]


def parsed(output: bytes) -> tuple[procfs.Snapshot, int]:
    """The snapshot, and how many pieces of output the parser's grammar does not know."""
    return procfs.parse(output), unparsed(output)


def unparsed(output: bytes) -> int:
    """How many records and lines of a probe's output the parser's grammar does not know."""
    records, _, lines = output.partition(procfs.LINES_MARK)
    return (sum(1 for r in records.split(b"\0") if r and not procfs.RECORD.match(r)
                and not r.startswith(procfs.PROBE_MARK))
            + sum(1 for line in lines.split(b"\n") if line and not procfs.LINE.fullmatch(line)
                  and not procfs.BTIME.fullmatch(line)))

NGINX: Summary = {
    1: (0, 65535, "pause", [b"/pause"]),
    7: (0, 0, "nginx", [b"nginx: master process nginx -g daemon off;"]),
    13: (7, 101, "nginx", [b"nginx: worker process"]),
    14: (0, 0, "sh", [b"sh"]),
}
QUAD: Summary = {
    1: (0, 65535, "pause", [b"/pause"]),
    13: (0, 0, "nginx", [b"nginx: master process nginx -g daemon off;"]),
    19: (13, 101, "nginx", [b"nginx: worker process"]),
    20: (0, 0, "sh", [b"sh", b"-c", b"while :; do sleep 3600; done"]),
    26: (20, 0, "sleep", [b"sleep", b"3600"]),
    27: (0, 1000, "sh", [b"sh", b"-c", b"sleep 3601 & sleep 3602 & wait"]),
    33: (27, 1000, "sleep", [b"sleep", b"3601"]),
    34: (27, 1000, "sleep", [b"sleep", b"3602"]),
    35: (0, 0, "sleeper", [b"/sleeper"]),
}
HOSTILE_14_ARGS = [
    b"sh",
    b"-c",
    b"sh -c 'while :; do sleep 3601; done' \"$(printf 'bad\\377\\376utf8')\" &\n"
    b"while :; do sleep 3600; done\n",
    b"line1\nline2",
    b"\x1b[31mred\x1b[0m\x1b]0;title\x07",
    b"1/cmdline:fake",
    b"pidshare-probe:1",
]
HOSTILE_20_ARGS = [b"sh", b"-c", b"while :; do sleep 3601; done", b"bad\xff\xfeutf8"]
HOSTILE: Summary = {
    1: (0, 65535, "pause", [b"/pause"]),
    7: (0, 0, "sh", [b"sh", b"-c", b"while :; do sleep 3600; done"]),
    13: (7, 0, "sleep", [b"sleep", b"3600"]),
    14: (0, 0, "sh", HOSTILE_14_ARGS),
    20: (14, 0, "sh", HOSTILE_20_ARGS),
    21: (14, 0, "sleep", [b"sleep", b"3600"]),
    23: (20, 0, "sleep", [b"sleep", b"3601"]),
}
NOPS: Summary = {
    1: (0, 65535, "pause", [b"/pause"]),
    6: (0, 0, "sleeper", [b"/sleeper"]),
    12: (0, 0, "sh", [b"sh", b"-c", b"while :; do sleep 3600; done"]),
    18: (12, 0, "sleep", [b"sleep", b"3600"]),
}
APART: Summary = {
    1: (0, 0, "sh", [b"sh", b"-c", b"while :; do sleep 3600; done"]),
    7: (1, 0, "sleep", [b"sleep", b"3600"]),
}
EXPECTED = {"nginx": NGINX, "quad": QUAD, "hostile": HOSTILE, "nops": NOPS, "apart": APART}
PROBE_PIDS = {"nginx": 82, "quad": 86, "hostile": 48, "nops": 49, "apart": 33}

STAT = b"%d (%s) S %d 1 1 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0 500 0 0\n"
STATUS = (b"Name:\t%s", b"State:\tS (sleeping)", b"PPid:\t%d", b"Uid:\t%d\t%d\t%d\t%d",
          b"Threads:\t2", b"VmRSS:\t      42 kB")
CGROUP = b"0::/kubepods/besteffort/pod11111111-2222-3333-4444-555555555555/" + b"a" * 64

# A made-up process or piece of output: (NUL-terminated records, newline-terminated lines).
Part = tuple[list[bytes], list[bytes]]


def summary(snap: procfs.Snapshot) -> Summary:
    """pid -> (ppid, uid, name, args) of every process of a snapshot."""
    return {p.pid: (p.ppid, p.uid, p.name, p.args) for p in snap.processes.values()}


def output(*parts: bytes | Part, lines: tuple[bytes, ...] = ()) -> bytes:
    """Probe output: the records (a bytes item is one record), `pidshare-lines`, then the lines
    of the parts and `lines`."""
    records: list[bytes] = []
    text: list[bytes] = []
    for part in parts:
        if isinstance(part, bytes):
            records.append(part)
        else:
            records += part[0]
            text += part[1]
    text += lines
    return (b"".join(r + b"\0" for r in records) + b"pidshare-lines\0"
            + b"".join(line + b"\n" for line in text))


def status_lines(pid: int, *fields: bytes) -> list[bytes]:
    """`<pid>/status:<field>` lines, as grep -H prints them."""
    return [b"%d/status:" % pid + f for f in fields]


def process(pid: int, ppid: int, name: bytes = b"x", uid: int = 0) -> Part:
    """The stat record and the status and cgroup lines of a made-up process."""
    fields = (STATUS[0] % name, STATUS[1], STATUS[2] % ppid, STATUS[3] % ((uid,) * 4),
              *STATUS[4:])
    return ([b"%d/stat:" % pid + STAT % (pid, name, ppid)],
            [*status_lines(pid, *fields), b"%d/cgroup:" % pid + CGROUP])


def without(recorded: bytes, *prefixes: bytes) -> bytes:
    """A recording with the records and lines starting with any of prefixes removed."""
    records, mark, lines = recorded.partition(b"\0pidshare-lines\0")
    assert mark
    kept = [r for r in records.split(b"\0") if not r.startswith(prefixes)]
    kept_lines = [line for line in lines.split(b"\n") if not line.startswith(prefixes)]
    return b"\0".join(kept) + mark + b"\n".join(kept_lines)


RECORDINGS = [pytest.param(name, id=name) for name in NAMES]


@pytest.mark.parametrize("name", RECORDINGS)
def test_every_recording_exact_processes(name: str) -> None:
    assert summary(snapshot(name)) == EXPECTED[name]


@pytest.mark.parametrize("name", RECORDINGS)
def test_every_recording_probe_pid_boot_time_and_nothing_ignored(name: str) -> None:
    snap = snapshot(name)
    assert (snap.probe_pid, snap.boot_time, unparsed(probe(name))) == (
        PROBE_PIDS[name], 1795919000, 0)


@pytest.mark.parametrize("name", RECORDINGS)
def test_probe_shell_is_in_the_recording_but_not_in_the_result(name: str) -> None:
    pid = PROBE_PIDS[name]
    assert b"\0%d/stat:" % pid in probe(name)
    assert pid not in snapshot(name).processes


def test_nginx_worker_every_field() -> None:
    nginx_id = container_id("nginx", "nginx")
    path = f"/kubepods/besteffort/podb44d657c-60d3-4af0-b4e0-7eb79d41e387/{nginx_id}"
    assert snapshot("nginx").processes[13] == procfs.Process(
        pid=13, ppid=7, name="nginx", state="S", uid=101, threads=1, rss_kib=2788,
        cpu_seconds=0.0, start_ticks=569235, args=[b"nginx: worker process"],
        cgroup=f"9:name=systemd:{path}",
    )


def test_nginx_pause_cpu_and_memory() -> None:
    pause = snapshot("nginx").processes[1]
    assert (pause.state, pause.threads, pause.rss_kib, pause.cpu_seconds, pause.start_ticks) == (
        "S", 1, 700, 0.01, 569206)


def passwd_by_container(name: str) -> dict[str, dict[int, str]]:
    """The passwd entries of a recording, keyed by the container name their cgroup names."""
    pod_ids = {c.container_id: c.name for c in pod(name).containers}
    found: dict[str, dict[int, str]] = {}
    for cgroup, users in snapshot(name).passwd:
        (cid,) = container_ids(cgroup)
        found[pod_ids[cid]] = users
    return found


def test_passwd_nginx() -> None:
    assert passwd_by_container("nginx") == {
        "nginx": {0: "root", 101: "nginx"},
        "shell": {0: "root", 1: "daemon", 65534: "nobody"},
    }


def test_passwd_quad() -> None:
    assert passwd_by_container("quad") == {
        "web": {0: "root", 101: "nginx"},
        "worker": {0: "root", 1000: "app", 65534: "nobody"},
        "app": {0: "root", 65532: "nonroot"},
        "shell": {0: "root", 1: "daemon", 65534: "nobody"},
    }


def test_passwd_apart_only_the_probing_container() -> None:
    assert passwd_by_container("apart") == {"shell": {0: "root", 1: "daemon", 65534: "nobody"}}


def test_parse_passwd_first_name_of_a_uid_wins_and_junk_is_skipped() -> None:
    text = [b"root:x:0:", b"toor:x:0:", b"broken", b"weird:x:abc:", b"app:x:1000:"]
    assert procfs.parse_passwd(text) == {0: "root", 1000: "app"}


def test_hostile_args_land_exactly_on_their_own_pid() -> None:
    snap = snapshot("hostile")
    assert snap.processes[14].args == HOSTILE_14_ARGS
    assert snap.processes[20].args == HOSTILE_20_ARGS
    assert snap.processes[1].args == [b"/pause"]
    others = {pid: p.args for pid, p in snap.processes.items() if pid not in (14, 20)}
    assert others == {pid: HOSTILE[pid][3] for pid in (1, 7, 13, 21, 23)}
    assert snap.probe_pid == 48


def test_vanished_mid_scan_is_left_out_and_the_rest_unchanged() -> None:
    full = snapshot("quad")
    output = without(probe("quad"), b"26/stat:", b"26/status:")
    assert output != probe("quad")
    snap = procfs.parse(output)
    assert sorted(snap.processes) == [1, 13, 19, 20, 27, 33, 34, 35]
    assert {pid: p for pid, p in full.processes.items() if pid != 26} == snap.processes
    assert unparsed(output) == 0


def test_vanished_parent_keeps_its_children() -> None:
    snap = procfs.parse(without(probe("quad"), b"27/stat:", b"27/status:"))
    assert sorted(snap.processes) == [1, 13, 19, 20, 26, 33, 34, 35]
    assert (snap.processes[33].ppid, snap.processes[34].ppid) == (27, 27)


@pytest.mark.parametrize("missing", [
    pytest.param(b"13/stat:", id="stat"),
    pytest.param(b"13/cgroup:", id="cgroup"),
    pytest.param(b"13/status:", id="status"),
    pytest.param(b"13/status:Uid:", id="status-uid-line"),
])
def test_only_the_process_missing_a_file_is_left_out(missing: bytes) -> None:
    recorded = without(probe("nginx"), missing)
    assert (sorted(procfs.parse(recorded).processes), unparsed(recorded)) == ([1, 7, 14], 0)


def test_no_cmdline_is_kept_with_empty_args() -> None:
    snap = procfs.parse(output(b"pidshare-probe:99", process(5, 2, b"kworker", 0)))
    assert summary(snap) == {5: (2, 0, "kworker", [])}
    assert snap.processes[5] == procfs.Process(
        pid=5, ppid=2, name="kworker", state="S", uid=0, threads=2, rss_kib=42,
        cpu_seconds=0.1, start_ticks=500, args=[], cgroup=CGROUP.decode())


def test_recording_without_cmdline_of_one_pid_keeps_it_with_empty_args() -> None:
    snap = procfs.parse(without(probe("nginx"), b"7/cmdline:"))
    assert snap.processes[7].args == []
    assert summary(snap) == {**NGINX, 7: (0, 0, "nginx", [])}


def test_garbage_records_are_counted_not_fatal() -> None:
    snap, ignored = parsed(output(
        b"pidshare-probe:99",
        b"hello",
        b"7/environ:PATH=/bin",
        b"/stat:1 (x) S",
        b"x/cmdline:sh",
        b"grep: 12/status: No such file or directory",
        process(7, 0, b"sh", 0),
        b"7/cmdline:sh",
    ))
    assert ignored == 5
    assert summary(snap) == {7: (0, 0, "sh", [b"sh"])}


def test_lines_not_in_the_grammar_are_counted_not_fatal() -> None:
    snap, ignored = parsed(output(
        b"pidshare-probe:99",
        process(7, 0, b"sh", 0),
        b"7/cmdline:sh",
        lines=(
            b"hello",
            b"7/environ:PATH=/bin",
            b"/status:PPid:\t3",
            b"x/cgroup:0::/",
            b"7/stat:7 (x) S 3 1 1 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0 500 0 0",
            b"7/cmdline:forged",
            b"grep: 12/status: No such file or directory",
            b"pidshare-probe:7",
            b"stat:btime soon",
            b"stat:cpu 1 2 3 4",
            b"stat:btime 1795919000",
            b"",
        ),
    ))
    assert (ignored, snap.probe_pid, snap.boot_time) == (10, 99, 1795919000)
    assert summary(snap) == {7: (0, 0, "sh", [b"sh"])}
    assert snap.processes[7].start_ticks == 500


def test_malformed_stat_or_status_drops_the_process_only() -> None:
    snap, ignored = parsed(output(
        ([b"8/stat:8 (bad) S"],
         [*status_lines(8, b"Name:\tbad", b"PPid:\t0", b"Uid:\t0\t0\t0\t0"), b"8/cgroup:0::/"]),
        ([b"9/stat:" + STAT % (9, b"nouid", 0)],
         [*status_lines(9, b"Name:\tnouid", b"PPid:\t0"), b"9/cgroup:0::/"]),
        process(10, 0, b"ok", 5),
    ))
    assert summary(snap) == {10: (0, 5, "ok", [])}
    assert ignored == 0


def test_comm_with_parentheses_and_spaces() -> None:
    stat = b"11/stat:11 (a) b (c) S 0 1 1 0 -1 0 0 0 0 0 150 50 0 0 20 0 1 0 900 0 0\n"
    snap = procfs.parse(output(([stat], process(11, 0, b"a) b (c")[1])))
    assert (snap.processes[11].name, snap.processes[11].cpu_seconds,
            snap.processes[11].start_ticks) == ("a) b (c", 2.0, 900)


def test_forged_records_inside_a_cmdline_cannot_create_pids() -> None:
    snap, ignored = parsed(output(
        b"pidshare-probe:99",
        process(7, 0, b"sh"),
        b"7/cmdline:x\n8/status:Name:\tfake",
        b"7/cmdline:\n9/stat:9 (fake) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 0 0",
        b"7/cmdline:1/cmdline:fake",
        b"7/cmdline:pidshare-probe:7",
    ))
    assert summary(snap) == {7: (0, 0, "sh", [
        b"x\n8/status:Name:\tfake",
        b"\n9/stat:9 (fake) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 0 0",
        b"1/cmdline:fake",
        b"pidshare-probe:7",
    ])}
    assert (snap.probe_pid, ignored) == (99, 0)


def test_status_and_cgroup_lines_cannot_come_from_a_record() -> None:
    """A command line holding newlines and line-shaped text (or the marker itself) stays an
    argument of its own pid: pid 123, whose stat was read before it went, is not completed
    by forged status and cgroup lines, and pid 7 keeps its own uid and parent."""
    forged = (b"x\n123/status:PPid:\t1\n123/status:Uid:\t0\t0\t0\t0\n123/cgroup:" + CGROUP
              + b"\n7/status:Uid:\t0\t0\t0\t0\n7/status:PPid:\t123\n")
    snap, ignored = parsed(output(
        b"pidshare-probe:99",
        b"7/cmdline:sh",
        b"7/cmdline:" + forged,
        b"7/cmdline:pidshare-lines",
        b"7/cmdline:\n123/status:PPid:\t1",
        process(7, 0, b"sh", 1000),
        b"123/stat:" + STAT % (123, b"gone", 1),
    ))
    assert summary(snap) == {7: (0, 1000, "sh", [
        b"sh", forged, b"pidshare-lines", b"\n123/status:PPid:\t1"])}
    assert 123 not in snap.processes
    assert (snap.probe_pid, ignored) == (99, 0)


def test_only_the_first_probe_marker_counts() -> None:
    snap = procfs.parse(output(b"pidshare-probe:50", b"pidshare-probe:7", process(7, 0),
                               process(50, 0)))
    assert (snap.probe_pid, sorted(snap.processes)) == (50, [7])


def test_probe_and_all_its_descendants_are_dropped() -> None:
    snap = procfs.parse(output(
        b"pidshare-probe:50",
        process(1, 0), process(50, 0), process(51, 50), process(52, 51), process(53, 1),
    ))
    assert sorted(snap.processes) == [1, 53]


def test_no_probe_marker_drops_nothing() -> None:
    snap = procfs.parse(output(process(1, 0), process(2, 1)))
    assert (snap.probe_pid, sorted(snap.processes)) == (None, [1, 2])


@pytest.mark.parametrize(("probe_output", "boot_time", "ignored"), [
    pytest.param(output(process(1, 0), lines=(b"stat:btime 1795919000",)), 1795919000, 0,
                 id="btime-line"),
    pytest.param(output(process(1, 0)), None, 0, id="no-btime"),
    pytest.param(output(process(1, 0), b"stat:btime 1795919000"), None, 1,
                 id="btime-as-a-record-is-ignored"),
])
def test_boot_time_is_the_btime_line_only(probe_output: bytes, boot_time: int | None,
                                          ignored: int) -> None:
    snap, unknown = parsed(probe_output)
    assert (snap.boot_time, unknown) == (boot_time, ignored)


def test_empty_output() -> None:
    snap, ignored = parsed(b"")
    assert (snap.probe_pid, snap.boot_time, snap.processes, snap.passwd, ignored) == (
        None, None, {}, [], 0)
