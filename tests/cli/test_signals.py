"""ps -o signals and zombies through the CLI, from a probe that saw a master catching HUP and
a zombie its parent never waited for."""

from __future__ import annotations

import json

from .fakes import Install, Main
from .test_kill_cat import MASTER_STAT

NGINX_CGROUP = MASTER_STAT[MASTER_STAT.index(b"7/cgroup:") + len(b"7/cgroup:"):]
PROBE = (b"pidshare-probe:99\0" + MASTER_STAT.replace(b"pidshare-lines\0", b"")
         .split(b"7/status:")[0]
         + b"8/stat:8 (sleep) Z 7 7 7 0 -1 4227148 0 0 0 0 0 0 0 0 20 0 1 0 569300\n\0"
         + b"pidshare-lines\0"
         + b"7/status:Name:\tnginx\n7/status:State:\tS (sleeping)\n7/status:PPid:\t0\n"
         + b"7/status:Uid:\t0\t0\t0\t0\n7/status:SigBlk:\t0000000000000000\n"
         + b"7/status:SigIgn:\t0000000000001000\n7/status:SigCgt:\t0000000180014a07\n"
         + b"8/status:Name:\tsleep\n8/status:State:\tZ (zombie)\n8/status:PPid:\t7\n"
         + b"8/status:Uid:\t0\t0\t0\t0\n8/status:SigBlk:\t0000000000000000\n"
         + b"8/status:SigIgn:\t0000000000000000\n8/status:SigCgt:\t0000000000000000\n"
         + b"7/cgroup:" + NGINX_CGROUP + b"8/cgroup:9:name=systemd:/\n")
MASTER = "nginx: master process nginx -g daemon off;"
ZOMBIE_NOTE = ('note: pod "nginx": PID 7 (nginx: master process nginx -g daemon off;) in '
               'container "nginx" holds 1 zombie (exited children it has not waited for: they '
               "go when it waits or exits); orphans are reaped by PID 1\n")


def test_ps_signals_names_what_each_process_catches_ignores_and_blocks(
        install: Install, main: Main) -> None:
    install("nginx").exec_status["shell"] = (0, PROBE, b"")
    status, out, err = main("ps", "nginx", "-o", "signals")
    assert (status, err) == (0, ZOMBIE_NOTE)
    assert out.splitlines() == [
        "CONTAINER      PID    PPID  USER    STAT    CAUGHT                                  "
        "IGNORED    BLOCKED    COMMAND",
        "nginx            7       0  0       S       HUP,INT,QUIT,USR1,USR2,TERM,CHLD,32,33  "
        f"PIPE       -          {MASTER}",
        "nginx            8       7  0       Z       -                                       "
        "-          -          └─ [sleep] <defunct>",
    ]


def test_json_says_a_zombie_s_container_is_inferred_from_its_parent(
        install: Install, main: Main) -> None:
    install("nginx").exec_status["shell"] = (0, PROBE, b"")
    status, out, err = main("ps", "nginx", "-o", "json")
    assert (status, err) == (0, ZOMBIE_NOTE)
    master, zombie = json.loads(out)["processes"]
    assert (master["containerInferred"], master["signals"]) == (False, {
        "caught": ["HUP", "INT", "QUIT", "USR1", "USR2", "TERM", "CHLD", "32", "33"],
        "ignored": ["PIPE"], "blocked": []})
    assert (zombie["container"], zombie["containerInferred"], zombie["state"],
            zombie["command"]) == ("nginx", True, "Z", "[sleep] <defunct>")


def test_dry_run_says_what_the_process_does_with_the_signal(install: Install,
                                                            main: Main) -> None:
    fake = install("nginx")
    fake.exec_status["shell"] = (0, PROBE, b"")
    said = f"would send SIG{{}} to PID 7 ({MASTER}) in container \"nginx\", which {{}} it (dry " \
           "run: nothing sent)\n"
    for signal, does in (("HUP", "catches"), ("PIPE", "ignores"),
                         ("ALRM", "neither catches nor ignores")):
        assert main("kill", "nginx", "7", signal, "--dry-run") == (
            0, said.format(signal, does), "")
    assert main("kill", "nginx", "7", "0", "--dry-run")[1] == (
        f'would send signal 0 to PID 7 ({MASTER}) in container "nginx" (dry run: nothing sent)\n')
    assert {argv[3] for _, _, argv in fake.execs} == {"pidshare-probe"}
