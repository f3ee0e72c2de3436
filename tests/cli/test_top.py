"""The live view with a fake transport: frames on a terminal and piped, CPU% between
samples, Ctrl-C, resizes and q; the console's modes, keys and resizes on a pty."""

from __future__ import annotations

import copy
import io
import os
import pty
import signal
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from kubectl_pidshare import top
from kubectl_pidshare.cluster.targets import parse
from kubectl_pidshare.errors import ServerError
from kubectl_pidshare.output import console, render
from kubectl_pidshare.pod.attribution import Owner
from kubectl_pidshare.ps import PsOptions
from kubectl_pidshare.status import ExitStatus

from .fakes import FakeTransport, Install, Main

START = datetime(2026, 11, 29, 7, 0, tzinfo=timezone.utc)


def row(pid: int, cpu: float) -> render.Row:
    """A process that has used cpu seconds."""
    return render.Row(pid=pid, ppid=0, owner=Owner("c", "container"), user="root", uid=0,
                      state="R", threads=1, rss_kib=1, cpu_seconds=cpu, start=START,
                      name="x", args=(b"x",))


def test_cpu_percent_between_samples() -> None:
    seen: dict[top.Key, tuple[float, float]] = {}
    wall = START + timedelta(seconds=100)
    first = top.cpu_percent([((), [[row(5, 10.0), row(6, 0.0)]])], seen, 50.0, wall)
    assert [r.cpu_percent for r in first[0][1][0]] == [10.0, 0.0], "over the lifetime first"
    second = top.cpu_percent([((), [[row(5, 11.0), row(7, 1.0)]])], seen, 52.0, wall)
    assert [r.cpu_percent for r in second[0][1][0]] == [50.0, 1.0]
    assert set(seen) == {((), 5, START), ((), 7, START)}, "what exited is forgotten"
    restarted = replace(row(5, 0.5), start=START + timedelta(seconds=99))
    third = top.cpu_percent([((), [[restarted]])], seen, 53.0, wall)
    assert third[0][1][0][0].cpu_percent == 50.0, "a new process with a reused PID"


class Interrupt:
    """A sleep that lets n refreshes happen, then acts as Ctrl-C."""

    def __init__(self, n: int) -> None:
        self.left = n
        self.asked: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)
        self.left -= 1
        if self.left == 0:
            raise KeyboardInterrupt


def test_on_a_terminal_redrawn_in_place_and_given_back(install: Install) -> None:
    fake = install("nginx")
    out, sleep = io.StringIO(), Interrupt(2)
    options = PsOptions(parse(["nginx"], None, False), sort_by="cpu")
    with pytest.raises(KeyboardInterrupt):
        top.top(fake, options, out, io.StringIO(), 2.0, top.Terminal(60, 4), sleep)
    text = out.getvalue()
    assert text.startswith(top.ENTER + top.HOME) and text.endswith(top.LEAVE)
    frames = text[len(top.ENTER):-len(top.LEAVE)].split(top.HOME)[1:]
    assert len(frames) == 2 and len(fake.execs) == 2
    for frame in frames:
        lines = frame.split(top.END_OF_LINE + "\n")
        assert len(lines) == 4, "cut to the terminal's height"
        assert "kubectl pidshare top: 1 pod(s), 4 process" in lines[0]
        assert lines[1].split()[:7] == ["CONTAINER", "PID", "USER", "STAT", "%CPU", "RSS",
                                        "TIME"]
        assert lines[-1].endswith(top.END_OF_LINE + top.BELOW)
        lines[-1] = lines[-1].removesuffix(top.END_OF_LINE + top.BELOW)
        assert all(len(line) <= 60 for line in lines), "cut to the terminal's width"
    assert all(0 <= seconds <= 2.0 for seconds in sleep.asked)


def test_piped_plain_snapshots_and_errors_on_stderr(install: Install) -> None:
    fake: FakeTransport = install("nginx")
    fake.add_pod("web-a", labels={"app": "web"})
    fake.add_pod("web-b", labels={"app": "web"}, phase="Pending")
    out, err = io.StringIO(), io.StringIO()
    options = PsOptions(parse([], "app=web", False), sort_by="mem", headers=False)
    with pytest.raises(KeyboardInterrupt):
        top.top(fake, options, out, err, 1.0, None, Interrupt(3))
    frames = out.getvalue().split("\n\n")
    assert frames[-1] == "" and len(frames) == 4
    for frame in frames[:3]:
        lines = frame.splitlines()
        assert "1 pod(s), 4 process(es), every 1s, by mem" in lines[0]
        assert [line.split()[:3] for line in lines[1:]] == [
            ["web-a", "nginx", "7"], ["web-a", "nginx", "13"], ["web-a", "shell", "14"],
            ["web-a", "(sandbox)", "1"]]
    assert "\x1b" not in out.getvalue()
    assert err.getvalue().count('error: pod "web-b" is Pending') == 3


def test_ctrl_c_ends_the_view_with_130(install: Install, main: Main,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    install("nginx")
    monkeypatch.setattr(time, "sleep", Interrupt(1))
    code, out, err = main("ps", "nginx", "--watch")
    assert (code, err) == (ExitStatus.INTERRUPTED, "")
    assert "kubectl pidshare top: 1 pod(s), 4 process(es), every 2s, by cpu" in out
    monkeypatch.setattr(time, "sleep", Interrupt(1))
    code, out, _ = main("top", "nginx", isatty=True)
    assert code == ExitStatus.INTERRUPTED
    assert out.startswith(top.ENTER) and out.endswith(top.LEAVE)


class Keys:
    """Keys and resizes, scripted: each wait returns the next event (NOTHING when none are
    left), and the clock moves on by the seconds waited."""

    def __init__(self, clock: list[float], *events: str) -> None:
        self.clock, self.events = clock, list(events)
        self.sizes = [(150, 6), (30, 3)]

    def wait(self, seconds: float) -> str:
        if self.events:
            return self.events.pop(0)
        self.clock[0] += seconds
        return console.NOTHING

    def size(self) -> tuple[int, int]:
        return self.sizes.pop(0)


def test_resizes_redraw_at_once_and_q_ends_the_view(install: Install) -> None:
    fake = install("nginx")
    now = [0.0]
    keys = Keys(now, console.RESIZE, console.NOTHING, console.RESIZE, console.QUIT)
    out = io.StringIO()
    options = PsOptions(parse(["nginx"], None, False), sort_by="cpu")
    top.top(fake, options, out, io.StringIO(), 2.0, top.Terminal(60, 4, keys),
            clock=lambda: now[0])
    text = out.getvalue()
    assert text.startswith(top.ENTER) and text.endswith(top.LEAVE)
    frames = text[len(top.ENTER):-len(top.LEAVE)].split(top.HOME)[1:]
    assert len(fake.execs) == 1, "redrawn from the refresh it had, not probed again"
    assert frames[0].endswith(top.CLEAR) and frames[1].endswith(top.CLEAR)
    widths = [max(len(line.removesuffix(top.CLEAR).removesuffix(top.BELOW)
                      .removesuffix(top.END_OF_LINE)) for line in frame.split("\n"))
              for frame in frames]
    heights = [frame.count("\n") + 1 for frame in frames]
    assert (widths[0], widths[2], heights) == (60, 30, [4, 6, 3])
    assert 60 < widths[1] <= 150
    assert "nginx: master process nginx -g daemon off;" in frames[1], "wider: more shown"


def test_the_console_reads_keys_without_echo_and_gives_the_terminal_back() -> None:
    main_side, terminal = pty.openpty()
    before = termios.tcgetattr(terminal)
    handler = signal.getsignal(signal.SIGWINCH)
    try:
        with pytest.raises(RuntimeError), console.Console(terminal, terminal) as keys:
            mode = termios.tcgetattr(terminal)
            assert mode[3] & (termios.ECHO | termios.ICANON) == 0
            assert mode[3] & termios.ISIG, "Ctrl-C still interrupts"
            assert keys.wait(0.05) == console.NOTHING
            os.write(main_side, b"x")
            assert keys.wait(1) == console.NOTHING
            os.kill(os.getpid(), signal.SIGWINCH)
            assert keys.wait(1) == console.RESIZE
            os.write(main_side, b"q")
            assert keys.wait(1) == console.QUIT
            raise RuntimeError("any way out")
        assert termios.tcgetattr(terminal) == before
        assert signal.getsignal(signal.SIGWINCH) == handler
    finally:
        os.close(main_side)
        os.close(terminal)


def test_sigterm_gives_the_terminal_back_then_ends_by_sigterm() -> None:
    main_side, terminal = pty.openpty()
    before = termios.tcgetattr(terminal)
    script = ("import os, sys, time\n"
              "from kubectl_pidshare.output.console import Console\n"
              "with Console(0, 0) as keys:\n"
              "    print('ready', flush=True, file=sys.stderr)\n"
              "    keys.wait(30)\n")
    try:
        proc = subprocess.Popen([sys.executable, "-c", script], stdin=terminal,
                                stderr=subprocess.PIPE, text=True,
                                cwd=Path(__file__).resolve().parents[2])
        assert proc.stderr is not None and proc.stderr.readline() == "ready\n"
        assert termios.tcgetattr(terminal)[3] & termios.ECHO == 0
        proc.terminate()
        assert proc.wait(timeout=10) == -signal.SIGTERM
        assert termios.tcgetattr(terminal) == before
    finally:
        os.close(main_side)
        os.close(terminal)


class Then(Interrupt):
    """Interrupt, doing something between the first refresh and the second."""

    def __init__(self, n: int, between: Callable[[], None]) -> None:
        super().__init__(n)
        self.between = between

    def __call__(self, seconds: float) -> None:
        if not self.asked:
            self.between()
        super().__call__(seconds)


def test_later_refreshes_of_a_pod_cost_one_exec_each(install: Install) -> None:
    fake = install("nginx")
    with pytest.raises(KeyboardInterrupt):
        top.top(fake, PsOptions(parse(["nginx"], None, False)), io.StringIO(), io.StringIO(),
                1.0, None, Interrupt(4))
    assert (len(fake.execs), fake.gets, fake.lists) == (4, ["nginx"], [])


def restart(fake: FakeTransport, container: str) -> None:
    """The container restarted: a new container ID in the Pod's status and in /proc."""
    pod = copy.deepcopy(fake.pod)
    [status] = [s for s in pod["status"]["containerStatuses"] if s["name"] == container]
    old = status["containerID"].split("//")[1]
    new = old[::-1]
    status["containerID"] = f"containerd://{new}"
    fake.pod, fake.probe = pod, fake.probe.replace(old.encode(), new.encode())


def test_a_restarted_container_s_processes_are_attributed_with_the_pod_fetched_again(
        install: Install) -> None:
    fake = install("nginx")
    out = io.StringIO()
    with pytest.raises(KeyboardInterrupt):
        top.top(fake, PsOptions(parse(["nginx"], None, False)), out, io.StringIO(), 1.0, None,
                Then(3, lambda: restart(fake, "nginx")))
    frames = out.getvalue().split("\n\n")[:3]
    assert [[line.split()[0] for line in frame.splitlines()[2:]] for frame in frames] == [
        ["(sandbox)", "nginx", "nginx", "shell"]] * 3
    assert (len(fake.execs), fake.gets) == (3, ["nginx", "nginx"])


def test_a_failed_probe_is_answered_with_the_pod_fetched_again(install: Install) -> None:
    fake = install("nginx")

    def gone() -> None:
        fake.pod_error = ServerError("NotFound", 'pods "nginx" not found')
        fake.exec_errors["shell"] = ServerError("NotFound", 'pods "nginx" not found')

    with pytest.raises(ServerError, match="not found"):
        top.top(fake, PsOptions(parse(["nginx"], None, False)), io.StringIO(), io.StringIO(),
                1.0, None, Then(3, gone))
    assert (len(fake.execs), fake.gets) == (2, ["nginx", "nginx"])
