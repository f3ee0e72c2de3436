"""sh/kill.sh's disposition check run for real, with dash and with busybox's ash, against
processes of this machine: what each shell's arithmetic makes of the 64-bit masks."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from kubectl_pidshare.pod.runner import REFUSED, script

SHELLS = [pytest.param(["dash"], id="dash"), pytest.param(["busybox", "sh"], id="busybox")]
# HUP and 64 blocked (64 is the mask's top bit: dash reads a hex constant above 2^63-1 as
# 2^63-1), USR1 caught, PIPE ignored.
HOLDER = ("import signal, time\n"
          "signal.signal(signal.SIGUSR1, lambda *_: None)\n"
          "signal.signal(signal.SIGPIPE, signal.SIG_IGN)\n"
          "signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGHUP, 64})\n"
          "print(flush=True)\n"
          "time.sleep(60)\n")


@pytest.fixture(scope="module")
def holder() -> Iterator[int]:
    """A process that blocks, catches and ignores signals; its PID."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    proc.stdout.readline()
    yield proc.pid
    proc.kill()
    proc.wait()


@pytest.fixture
def sleeper() -> Iterator[subprocess.Popen[bytes]]:
    """A sleep that does nothing with any signal."""
    proc = subprocess.Popen(["sleep", "60"])
    time.sleep(0.05)
    yield proc
    proc.kill()
    proc.wait()


def run(shell: list[str], *args: str) -> tuple[int, str]:
    """The kill script's status and its last stderr line (a refusal), its stdin held open
    until it ends, as pidshare holds it, in a session of its own, as runc makes it."""
    if shutil.which(shell[0]) is None:
        pytest.fail(f"{shell[0]} is needed to run the scripts as the images do")
    proc = subprocess.Popen([*shell, "-c", script("kill"), "pidshare-kill", *args],
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    assert proc.stdin is not None and proc.stderr is not None
    err = proc.stderr.read()
    status = proc.wait(timeout=10)
    proc.stdin.close()
    lines = err.decode().splitlines()
    return status, lines[-1] if lines else ""


@pytest.mark.parametrize("shell", SHELLS)
def test_what_the_process_does_with_the_signal_decides(shell: list[str], holder: int) -> None:
    pid = str(holder)
    assert run(shell, pid, str(int(signal.SIGUSR1))) == (0, "")
    assert run(shell, pid, str(int(signal.SIGHUP))) == (0, ""), "blocked: sent, it stays pending"
    assert run(shell, pid, "64") == (0, ""), "blocked, the mask's top bit"
    assert run(shell, pid, str(int(signal.SIGPIPE))) == (REFUSED, f"pidshare: ignored {pid}")
    assert run(shell, pid, str(int(signal.SIGUSR2))) == (REFUSED, f"pidshare: uncaught {pid}")
    assert run(shell, pid, "40") == (REFUSED, f"pidshare: uncaught {pid}")
    assert run(shell, pid, "0") == (0, "")
    assert run(shell, pid, str(int(signal.SIGWINCH))) == (0, ""), "its default is to ignore it"


@pytest.mark.parametrize("shell", SHELLS)
def test_force_sends_what_the_check_refuses(shell: list[str],
                                            sleeper: subprocess.Popen[bytes]) -> None:
    pid = str(sleeper.pid)
    assert run(shell, pid, str(int(signal.SIGHUP))) == (REFUSED, f"pidshare: uncaught {pid}")
    assert sleeper.poll() is None
    assert run(shell, pid, str(int(signal.SIGHUP)), "", "force") == (0, "")
    assert sleeper.wait(timeout=5) == -signal.SIGHUP
