"""procfs.parse() on the recorded probe outputs and on hand-made hostile or broken input."""

from __future__ import annotations

from kubectl_pidshare import procfs
from kubectl_pidshare.attribution import container_ids
from tests.unit.recordings import NAMES, container_id, pod, probe, snapshot

Summary = dict[int, tuple[int, int, str, list[bytes]]]

NGINX: Summary = {
    1: (0, 65535, "pause", [b"/pause"]),
    7: (0, 0, "nginx", [b"nginx: master process nginx -g daemon off;"]),
    13: (7, 101, "nginx", [b"nginx: worker process"]),
    14: (0, 0, "sh", [b"sh"]),
}
QUAD: Summary = {
    1: (0, 65535, "pause", [b"/pause"]),
    12: (0, 0, "nginx", [b"nginx: master process nginx -g daemon off;"]),
    18: (12, 101, "nginx", [b"nginx: worker process"]),
    19: (0, 0, "sh", [b"sh", b"-c", b"while :; do sleep 3600; done"]),
    26: (19, 0, "sleep", [b"sleep", b"3600"]),
    27: (0, 1000, "sh", [b"sh", b"-c", b"sleep 3601 & sleep 3602 & wait"]),
    34: (27, 1000, "sleep", [b"sleep", b"3601"]),
    35: (27, 1000, "sleep", [b"sleep", b"3602"]),
    36: (0, 0, "sleeper", [b"/sleeper"]),
}
HOSTILE_15_ARGS = [
    b"sh",
    b"-c",
    b"sh -c 'while :; do sleep 3601; done' \"$(printf 'bad\\377\\376utf8')\" &\n"
    b"while :; do sleep 3600; done\n",
    b"line1\nline2",
    b"\x1b[31mred\x1b[0m\x1b]0;title\x07",
    b"1/cmdline:fake",
    b"pidshare-probe:1",
]
HOSTILE_21_ARGS = [b"sh", b"-c", b"while :; do sleep 3601; done", b"bad\xff\xfeutf8"]
HOSTILE: Summary = {
    1: (0, 65535, "pause", [b"/pause"]),
    7: (0, 0, "sh", [b"sh", b"-c", b"while :; do sleep 3600; done"]),
    14: (7, 0, "sleep", [b"sleep", b"3600"]),
    15: (0, 0, "sh", HOSTILE_15_ARGS),
    21: (15, 0, "sh", HOSTILE_21_ARGS),
    23: (15, 0, "sleep", [b"sleep", b"3600"]),
    24: (21, 0, "sleep", [b"sleep", b"3601"]),
}
NOPS: Summary = {
    1: (0, 65535, "pause", [b"/pause"]),
    7: (0, 0, "sleeper", [b"/sleeper"]),
    13: (0, 0, "sh", [b"sh", b"-c", b"while :; do sleep 3600; done"]),
    18: (13, 0, "sleep", [b"sleep", b"3600"]),
}
APART: Summary = {
    1: (0, 0, "sh", [b"sh", b"-c", b"while :; do sleep 3600; done"]),
    7: (1, 0, "sleep", [b"sleep", b"3600"]),
}
EXPECTED = {"nginx": NGINX, "quad": QUAD, "hostile": HOSTILE, "nops": NOPS, "apart": APART}
PROBE_PIDS = {"nginx": 240, "quad": 42, "hostile": 61, "nops": 75, "apart": 8}

STAT = b"%d (%s) S %d 1 1 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0 500 0 0\n"
STATUS = (b"Name:\t%s\nState:\tS (sleeping)\nPPid:\t%d\nUid:\t%d\t%d\t%d\t%d\n"
          b"Threads:\t2\nVmRSS:\t  42 kB\n")


def summary(snap: procfs.Snapshot) -> Summary:
    """pid -> (ppid, uid, name, args) of every process of a snapshot."""
    return {p.pid: (p.ppid, p.uid, p.name, p.args) for p in snap.processes.values()}


def records(*items: bytes) -> bytes:
    """Probe output made of NUL-terminated records."""
    return b"".join(item + b"\0" for item in items)


def process(pid: int, ppid: int, name: bytes = b"x", uid: int = 0) -> list[bytes]:
    """The stat and status records of a made-up process."""
    return [b"%d/stat:" % pid + STAT % (pid, name, ppid),
            b"%d/status:" % pid + STATUS % (name, ppid, uid, uid, uid, uid)]


def without(output: bytes, *prefixes: bytes) -> bytes:
    """A recording with the records starting with any of prefixes removed."""
    kept = [r for r in output.split(b"\0") if not r.startswith(prefixes)]
    return b"\0".join(kept)


def test_every_recording_exact_processes() -> None:
    for name in NAMES:
        assert summary(snapshot(name)) == EXPECTED[name], name


def test_every_recording_probe_pid_boot_time_and_nothing_ignored() -> None:
    for name in NAMES:
        snap = snapshot(name)
        assert (snap.probe_pid, snap.boot_time, snap.ignored) == (
            PROBE_PIDS[name], 1795919000, 0), name


def test_probe_shell_is_in_the_recording_but_not_in_the_result() -> None:
    for name in NAMES:
        pid = PROBE_PIDS[name]
        assert b"\0%d/stat:" % pid in probe(name), name
        assert pid not in snapshot(name).processes, name


def test_nginx_worker_every_field() -> None:
    nginx_id = container_id("nginx", "nginx")
    path = f"/kubepods/besteffort/pod976abdc0-40a4-4d56-9c32-41c0fe810317/{nginx_id}"
    controllers = ["9:name=systemd", "8:pids", "7:blkio", "6:freezer", "5:devices",
                   "4:memory", "3:cpuset", "2:cpuacct", "1:cpu", "0:"]
    assert snapshot("nginx").processes[13] == procfs.Process(
        pid=13, ppid=7, name="nginx", state="S", uid=101, threads=1, rss_kib=2768,
        cpu_seconds=0.0, start_ticks=289196, args=[b"nginx: worker process"],
        cgroup="".join(f"{c}:{path}\n" for c in controllers),
    )


def test_nginx_pause_cpu_and_memory() -> None:
    pause = snapshot("nginx").processes[1]
    assert (pause.state, pause.threads, pause.rss_kib, pause.cpu_seconds, pause.start_ticks) == (
        "S", 1, 696, 0.02, 289158)


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
    text = [b"root:x:0:0::/:/bin/sh\ntoor:x:0:0::/:/bin/sh\nbroken\nweird:x:abc:1\napp:x:1000:1"]
    assert procfs.parse_passwd(text) == {0: "root", 1000: "app"}


def test_hostile_args_land_exactly_on_their_own_pid() -> None:
    snap = snapshot("hostile")
    assert snap.processes[15].args == HOSTILE_15_ARGS
    assert snap.processes[21].args == HOSTILE_21_ARGS
    assert snap.processes[1].args == [b"/pause"]
    others = {pid: p.args for pid, p in snap.processes.items() if pid not in (15, 21)}
    assert others == {pid: HOSTILE[pid][3] for pid in (1, 7, 14, 23, 24)}
    assert snap.probe_pid == 61


def test_vanished_mid_scan_is_left_out_and_the_rest_unchanged() -> None:
    full = snapshot("quad")
    output = without(probe("quad"), b"26/stat:", b"26/status:")
    assert output != probe("quad")
    snap = procfs.parse(output)
    assert sorted(snap.processes) == [1, 12, 18, 19, 27, 34, 35, 36]
    assert {pid: p for pid, p in full.processes.items() if pid != 26} == snap.processes
    assert snap.ignored == 0


def test_vanished_parent_keeps_its_children() -> None:
    snap = procfs.parse(without(probe("quad"), b"27/stat:", b"27/status:"))
    assert sorted(snap.processes) == [1, 12, 18, 19, 26, 34, 35, 36]
    assert (snap.processes[34].ppid, snap.processes[35].ppid) == (27, 27)


def test_only_stat_missing_is_left_out() -> None:
    snap = procfs.parse(without(probe("nginx"), b"13/stat:"))
    assert sorted(snap.processes) == [1, 7, 14]


def test_no_cmdline_is_kept_with_empty_args() -> None:
    snap = procfs.parse(records(b"pidshare-probe:99", *process(5, 2, b"kworker", 0)))
    assert summary(snap) == {5: (2, 0, "kworker", [])}
    assert snap.processes[5] == procfs.Process(
        pid=5, ppid=2, name="kworker", state="S", uid=0, threads=2, rss_kib=42,
        cpu_seconds=0.1, start_ticks=500, args=[], cgroup="")


def test_recording_without_cmdline_of_one_pid_keeps_it_with_empty_args() -> None:
    snap = procfs.parse(without(probe("nginx"), b"7/cmdline:"))
    assert snap.processes[7].args == []
    assert summary(snap) == {**NGINX, 7: (0, 0, "nginx", [])}


def test_garbage_records_are_counted_not_fatal() -> None:
    output = records(
        b"pidshare-probe:99",
        b"hello",
        b"7/environ:PATH=/bin",
        b"/stat:1 (x) S",
        b"x/cmdline:sh",
        b"grep: 12/status: No such file or directory",
        *process(7, 0, b"sh", 0),
        b"7/cmdline:sh",
    )
    snap = procfs.parse(output)
    assert snap.ignored == 5
    assert summary(snap) == {7: (0, 0, "sh", [b"sh"])}


def test_malformed_stat_or_status_drops_the_process_only() -> None:
    output = records(
        b"8/stat:8 (bad) S",
        b"8/status:Name:\tbad\nPPid:\t0\nUid:\t0\t0\t0\t0\n",
        b"9/stat:" + STAT % (9, b"nouid", 0),
        b"9/status:Name:\tnouid\nPPid:\t0\n",
        *process(10, 0, b"ok", 5),
    )
    snap = procfs.parse(output)
    assert summary(snap) == {10: (0, 5, "ok", [])}
    assert snap.ignored == 0


def test_comm_with_parentheses_and_spaces() -> None:
    stat = b"11/stat:11 (a) b (c) S 0 1 1 0 -1 0 0 0 0 0 150 50 0 0 20 0 1 0 900 0 0\n"
    snap = procfs.parse(records(stat, process(11, 0, b"a) b (c")[1]))
    assert (snap.processes[11].name, snap.processes[11].cpu_seconds,
            snap.processes[11].start_ticks) == ("a) b (c", 2.0, 900)


def test_forged_records_inside_a_cmdline_cannot_create_pids() -> None:
    output = records(
        b"pidshare-probe:99",
        *process(7, 0, b"sh"),
        b"7/cmdline:x\n8/status:Name:\tfake",
        b"7/cmdline:\n9/stat:9 (fake) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 0 0",
        b"7/cmdline:1/cmdline:fake",
        b"7/cmdline:pidshare-probe:7",
    )
    snap = procfs.parse(output)
    assert summary(snap) == {7: (0, 0, "sh", [
        b"x\n8/status:Name:\tfake",
        b"\n9/stat:9 (fake) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 0 0",
        b"1/cmdline:fake",
        b"pidshare-probe:7",
    ])}
    assert (snap.probe_pid, snap.ignored) == (99, 0)


def test_only_the_first_probe_marker_counts() -> None:
    output = records(b"pidshare-probe:50", b"pidshare-probe:7", *process(7, 0), *process(50, 0))
    snap = procfs.parse(output)
    assert (snap.probe_pid, sorted(snap.processes)) == (50, [7])


def test_probe_and_all_its_descendants_are_dropped() -> None:
    output = records(
        b"pidshare-probe:50",
        *process(1, 0), *process(50, 0), *process(51, 50), *process(52, 51), *process(53, 1),
    )
    assert sorted(procfs.parse(output).processes) == [1, 53]


def test_no_probe_marker_drops_nothing() -> None:
    snap = procfs.parse(records(*process(1, 0), *process(2, 1)))
    assert (snap.probe_pid, sorted(snap.processes)) == (None, [1, 2])


def test_empty_output() -> None:
    snap = procfs.parse(b"")
    assert (snap.probe_pid, snap.boot_time, snap.processes, snap.passwd, snap.ignored) == (
        None, None, {}, [], 0)
