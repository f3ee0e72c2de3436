"""kill and cat through the error boundary, with a fake transport."""

from __future__ import annotations

import pytest

from kubectl_pidshare.cat import encode_path
from kubectl_pidshare.kill import parse_signal, signal_list
from kubectl_pidshare.status import ExitStatus

from .fakes import FakeTransport, Harness, Install, Main

MASTER_STAT = (b"7/cmdline:nginx: master process nginx -g daemon off;\0"
               b"7/stat:7 (nginx) S 0 7 7 0 -1 4194560 1104 0 3 0 0 0 0 0 20 0 1 0 569229\n\0"
               b"pidshare-lines\0"
               b"7/status:Name:\tnginx\n7/status:State:\tS (sleeping)\n7/status:PPid:\t0\n"
               b"7/status:Uid:\t0\t0\t0\t0\n"
               b"7/cgroup:9:name=systemd:/kubepods/besteffort/"
               b"podb44d657c-60d3-4af0-b4e0-7eb79d41e387/"
               b"02c57553ac108269b1d692002e810f5eff38f755764b4d7e5c0314326847f276\n")


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("HUP", (1, "SIGHUP"), id="name"),
    pytest.param("SIGHUP", (1, "SIGHUP"), id="name-with-sig-prefix"),
    pytest.param("hup", (1, "SIGHUP"), id="lower-case-name"),
    pytest.param("1", (1, "SIGHUP"), id="number"),
    pytest.param("9", (9, "SIGKILL"), id="number-kill"),
    pytest.param("sigterm", (15, "SIGTERM"), id="lower-case-with-sig-prefix"),
    pytest.param("IOT", (6, "SIGABRT"), id="alias"),
    pytest.param("0", (0, "signal 0"), id="zero"),
    pytest.param("34", (34, "signal 34"), id="real-time-number"),
])
def test_parse_signal(text: str, expected: tuple[int, str]) -> None:
    assert parse_signal(text) == expected


def test_signal_list_is_numbered() -> None:
    lines = signal_list().splitlines()
    assert lines[0] == " 1) HUP" and lines[14] == "15) TERM" and len(lines) == 31


@pytest.mark.parametrize(("path", "encoded"), [
    pytest.param("/a b", "\\0057\\0141\\0040\\0142", id="ascii-and-space"),
    pytest.param("/\udcff", "\\0057\\0377", id="undecodable-byte"),
])
def test_encode_path_escapes_every_byte(path: str, encoded: str) -> None:
    assert encode_path(path) == encoded


def test_kill_reports_what_it_hit(install: Install, main: Main) -> None:
    fake = install("nginx")
    fake.exec_status["shell"] = (0, MASTER_STAT, b"")
    assert main("kill", "nginx", "7", "hup") == (
        0, 'sent SIGHUP to PID 7 (nginx: master process nginx -g daemon off;) in container '
           '"nginx"\n', "")
    [(_, container, argv)] = fake.execs
    assert container == "shell"
    assert argv[3:] == ["pidshare-kill", "7", "1", ""]


def test_kill_pid_1_is_refused_before_any_exec(install: Install, main: Main) -> None:
    fake = install("nginx")
    status, out, err = main("kill", "nginx", "1")
    assert (status, out) == (66, "")
    assert err.startswith('error: refusing to signal PID 1 of pod "nginx"')
    assert err.count("\n") == 1 and fake.execs == []


def test_unknown_signal_is_refused_before_any_request(install: Install, main: Main) -> None:
    fake = install("nginx")
    assert main("kill", "nginx", "7", "BOGUS") == (
        1, "", 'error: unknown signal "BOGUS": use a name such as HUP or TERM, or a number '
               "(list them with: kubectl pidshare kill -l)\n")
    assert fake.gets == []


def test_kill_list(main: Main) -> None:
    status, out, _ = main("kill", "-l")
    assert status == 0 and out == signal_list()


def test_cat_streams_stdout_and_passes_the_remote_status_through(
        install: Install, harness: Harness) -> None:
    fake = install("nginx")
    fake.exec_status["shell"] = (3, b"partial\0\xff", b"cat: read error: I/O error\n")
    assert harness.run("cat", "nginx", "7", "/var/data").exit_code == 3
    assert (harness.stdout_bytes, harness.stderr_bytes) == (
        b"partial\0\xff", b"cat: read error: I/O error\n")
    [(_, _, argv)] = fake.execs
    assert argv[3:] == ["pidshare-cat", "7", encode_path("/var/data")]


def test_cat_relative_path_is_refused_before_any_request(install: Install, main: Main) -> None:
    fake = install("nginx")
    assert main("cat", "nginx", "7", "etc/passwd") == (
        1, "", "error: etc/passwd: the path must be absolute, as PID 7 sees it "
               "(for example /etc/passwd)\n")
    assert fake.gets == []


def test_cat_refusal_becomes_its_own_message_and_status(install: Install, main: Main) -> None:
    fake = install("nginx")
    fake.exec_status["shell"] = (99, b"", b"pidshare: directory /etc\n")
    assert main("cat", "nginx", "7", "/etc") == (71, "", "error: /etc: is a directory\n")


def test_kill_expect_is_sent_as_given_and_may_not_be_empty(install: Install, main: Main) -> None:
    fake = install("nginx")
    fake.exec_status["shell"] = (0, MASTER_STAT, b"")
    assert main("kill", "nginx", "7", "--expect", "master process\nnginx")[0] == 0
    assert fake.execs[0][2][3:] == ["pidshare-kill", "7", "15", "master process\nnginx"]
    status, out, err = main("kill", "nginx", "7", "--expect", "")
    assert (status, out) == (2, "")
    assert err == ('error: invalid argument "" for "--expect" flag: must not be empty: it would '
                   "match any process (leave it out to signal the PID without a check)\n"
                   "See 'kubectl pidshare kill --help' for usage.\n")
    assert len(fake.execs) == 1


@pytest.mark.parametrize(("command", "deadline"), [
    pytest.param(("ps", "nginx"), 60.0, id="ps"),
    pytest.param(("kill", "nginx", "7", "0"), 60.0, id="kill"),
    pytest.param(("cat", "nginx", "7", "/etc/passwd"), None, id="cat-streams-unbounded"),
])
def test_each_script_has_its_deadline(install: Install, main: Main, command: tuple[str, ...],
                                      deadline: float | None) -> None:
    fake = install("nginx")
    fake.exec_status["shell"] = (0, MASTER_STAT if command[0] == "kill" else b"", b"")
    main(*command)
    assert fake.deadlines == [deadline]


@pytest.mark.parametrize(("status", "stderr", "line"), [
    pytest.param(137, b"", "error: the remote cat was killed by SIGKILL (exit 137): the pod was "
                 "deleted or its container restarted? The output is incomplete\n", id="killed"),
    pytest.param(143, b"", "error: the remote cat was killed by SIGTERM (exit 143): the pod was "
                 "deleted or its container restarted? The output is incomplete\n", id="termed"),
    pytest.param(137, b"Killed\n", "Killed\n", id="its-own-words"),
    pytest.param(2, b"", "", id="a-plain-failure-says-nothing-more"),
])
def test_cat_killed_remotely_says_so(install: Install, main: Main, status: int, stderr: bytes,
                                     line: str) -> None:
    install("nginx").exec_status["shell"] = (status, b"part", stderr)
    assert main("cat", "nginx", "7", "/var/data") == (status, "part", line)


def test_kill_force_reaches_the_script_and_a_blocked_signal_is_said_pending(
        install: Install, main: Main) -> None:
    fake = install("nginx")
    masks = (b"7/status:SigBlk:\t0000000000000001\n7/status:SigIgn:\t0000000000000000\n"
             b"7/status:SigCgt:\t0000000000000000\n")
    fake.exec_status["shell"] = (0, MASTER_STAT + masks, b"")
    assert main("kill", "nginx", "7", "HUP", "--force") == (
        0, 'sent SIGHUP to PID 7 (nginx: master process nginx -g daemon off;) in container '
           '"nginx"; it blocks SIGHUP: the signal stays pending until the process unblocks it '
           "(or takes it with sigwait)\n", "")
    assert fake.execs[0][2][3:] == ["pidshare-kill", "7", "1", "", "force"]
    assert main("kill", "nginx", "7", "USR1")[1] == (
        'sent SIGUSR1 to PID 7 (nginx: master process nginx -g daemon off;) in container '
        '"nginx"\n')


@pytest.mark.parametrize(("signal", "shown"), [
    pytest.param("TERM", "kill -TERM 1", id="name"),
    pytest.param("sigkill", "kill -KILL 1", id="lower-case-with-sig-prefix"),
    pytest.param("0", "kill -0 1", id="zero"),
    pytest.param("40", "kill -40 1", id="real-time"),
])
def test_the_pid_1_refusal_names_the_signal_asked(install: Install, main: Main, signal: str,
                                                 shown: str) -> None:
    install("nginx")
    status, _, err = main("kill", "nginx", "1", signal)
    assert status == 66 and f"`{shown}` does not reach your program" in err, err


def test_kill_cuts_a_long_command_line(install: Install, main: Main) -> None:
    fake = install("nginx")
    long = MASTER_STAT.replace(b"nginx: master process nginx -g daemon off;",
                               b"java " + b"-Dx=y " * 500)
    fake.exec_status["shell"] = (0, long, b"")
    status, out, err = main("kill", "nginx", "7", "0")
    shown = ("java " + "-Dx=y " * 13)[:79] + "…"
    assert (status, out, err) == (0, f'sent signal 0 to PID 7 ({shown}) in container "nginx"\n',
                                  "")
    assert main("kill", "nginx", "container/nginx", "0") == (
        0, f'sent signal 0 to PID 7 ({shown}) in container "nginx"\n',
        f'the main process of container "nginx" is PID 7 ({shown})\n')


def crashing(fake: FakeTransport) -> None:
    """The recorded Pod, its container "nginx" in CrashLoopBackOff after exiting with 3."""
    [status] = [s for s in fake.pod["status"]["containerStatuses"] if s["name"] == "nginx"]
    status["state"] = {"waiting": {"reason": "CrashLoopBackOff"}}
    status["lastState"] = {"terminated": {"exitCode": 3, "reason": "Error"}}


CRASHING = ('container "nginx" of pod "nginx" is not running (CrashLoopBackOff, last exit code '
            "3): see kubectl logs nginx -n rec -c nginx --previous")


def test_a_crashing_container_is_said(install: Install, main: Main) -> None:
    fake = install("nginx")
    crashing(fake)
    status, _, err = main("ps", "nginx")
    assert (status, err) == (0, f"warning: {CRASHING}\n")
    assert main("ps", "nginx", "-c", "nginx")[2] == f"warning: {CRASHING}\n"
    assert main("ps", "nginx", "-c", "shell")[2] == ""
    assert main("kill", "nginx", "container/nginx") == (
        ExitStatus.NO_SUCH_PROCESS, "", f"error: {CRASHING}\n")
    assert main("cat", "nginx", "container/nginx", "/etc/passwd") == (
        ExitStatus.NO_SUCH_PROCESS, "", f"error: {CRASHING}\n")


def test_a_container_that_ended_points_at_its_logs(install: Install, main: Main) -> None:
    fake = install("nginx")
    [status] = [s for s in fake.pod["status"]["containerStatuses"] if s["name"] == "nginx"]
    status["state"] = {"terminated": {"exitCode": 0, "reason": "Completed"}}
    fake.pod["metadata"]["namespace"] = "default"
    assert main("ps", "nginx", "-c", "nginx")[2] == (
        'warning: container "nginx" of pod "nginx" is not running (Completed, last exit code 0): '
        "see kubectl logs nginx -c nginx\n")


@pytest.mark.parametrize(("streamed", "read", "expected"), [
    pytest.param(b"a\0b\0", 3, b"a\0b", id="grep-s-nul-dropped"),
    pytest.param(b"a\0b\0", 4, b"a\0b\0", id="the-file-s-own-nul-kept"),
    pytest.param(b"", 0, b"", id="empty"),
])
def test_cat_through_grep_is_byte_exact(install: Install, harness: Harness, streamed: bytes,
                                        read: int, expected: bytes) -> None:
    """Where the runner has no cat, grep streams the file and says how much it read."""
    install("nginx").exec_status["shell"] = (0, streamed, b"pidshare-read %d\n" % read)
    assert harness.run("cat", "nginx", "7", "/f").exit_code == 0
    assert (harness.stdout_bytes, harness.stderr_bytes) == (expected, b"")


@pytest.mark.parametrize("streamed", [b"a\0", b"abc"])
def test_cat_says_when_fewer_bytes_arrived_than_were_read(install: Install, harness: Harness,
                                                          streamed: bytes) -> None:
    """The script read 7 bytes and ended well, but 2 or 3 arrived (the platform cut the
    stream's tail): what arrived is written, nothing dropped, and the run fails saying so."""
    install("nginx").exec_status["shell"] = (0, streamed, b"pidshare-read 7\n")
    assert harness.run("cat", "nginx", "7", "/f").exit_code == ExitStatus.INCOMPLETE
    assert harness.stdout_bytes == streamed
    assert harness.stderr_bytes == (
        b"error: /f: the stream was cut on its way: %d of its 7 bytes arrived (the API server or "
        b"the kubelet closed it early); what was written is incomplete\n" % len(streamed))


def test_cat_with_cat_keeps_its_last_byte(install: Install, harness: Harness) -> None:
    install("nginx").exec_status["shell"] = (2, b"data\0", b"grep: read error\n")
    assert harness.run("cat", "nginx", "7", "/f").exit_code == 2
    assert (harness.stdout_bytes, harness.stderr_bytes) == (b"data\0", b"grep: read error\n")
