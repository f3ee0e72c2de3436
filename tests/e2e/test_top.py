"""`kubectl pidshare top` driven in a real terminal (tmux) against the real cluster: refreshes
in place with CPU% from a busy loop, and Ctrl-C gives the terminal back (130, nothing left
running in the Pod); resizes redraw it at the new size, q ends it (0) with the terminal's
modes given back; piped, plain snapshots."""

from __future__ import annotations

import re
import shlex
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .harness import MANIFESTS, Namespace

# Attribution depends on the cgroup namespace mode: tests/run runs this module in both.
pytestmark = pytest.mark.cgroupns

TITLE = re.compile(r"^(\d\d:\d\d:\d\d) kubectl pidshare top: 1 pod\(s\)", re.MULTILINE)
BURNER = re.compile(r"^burner\s+\d+\s+root\s+R\s+(\d+\.\d)\s", re.MULTILINE)


class Tmux:
    """A tmux server of its own, one 150x40 window running a command."""

    def __init__(self, tmp: Path) -> None:
        self.socket = f"pidshare-e2e-{uuid.uuid4().hex[:8]}"
        self.tmp = tmp

    def tmux(self, *args: str) -> str:
        """Run a tmux command against this server; its stdout."""
        return subprocess.run(["tmux", "-L", self.socket, *args], check=True,
                              capture_output=True, text=True).stdout

    def start(self, command: str, env: dict[str, str], width: int = 150) -> None:
        """Run command in a new window, in env, then print its exit status and wait (the
        shell traps SIGINT, so Ctrl-C reaches the command alone)."""
        script = self.tmp / "run.sh"
        exports = "".join(f"export {k}={shlex.quote(v)}\n" for k, v in env.items()
                          if k in ("PATH", "KUBECONFIG", "HOME"))
        script.write_text(f"{exports}trap : INT\nclear\n{command}\necho EXIT=$?\nsleep 600\n")
        self.tmux("new-session", "-d", "-x", str(width), "-y", "40", "sh", str(script))

    def screen(self) -> str:
        """What the window shows now."""
        return self.tmux("capture-pane", "-p")

    def until(self, done: Callable[[str], bool], what: str, timeout: float = 60) -> str:
        """Poll the screen until done(screen)."""
        deadline = time.monotonic() + timeout
        while not done(shown := self.screen()):
            assert time.monotonic() < deadline, f"{what}; the screen:\n{shown}"
            time.sleep(0.2)
        return shown

    def kill(self) -> None:
        """Stop the server and what it runs."""
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], check=False,
                       capture_output=True)


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    """A tmux server for one test, killed afterwards."""
    made = Tmux(tmp_path)
    try:
        yield made
    finally:
        made.kill()


def test_top_in_a_terminal(namespace: Namespace, tmux: Tmux) -> None:
    namespace.apply(MANIFESTS / "busy.yaml", wait_for=("busy",))
    tmux.start(f"kubectl pidshare -n {namespace.name} top busy --interval 1",
               namespace.cluster.env)

    seen: list[str] = []

    def refreshed(screen: str) -> bool:
        title = TITLE.search(screen)
        if title is None or not BURNER.search(screen) or title[1] in seen:
            return False
        seen.append(title[1])
        return True

    for refresh in range(3):
        third = tmux.until(refreshed, f"no refresh {refresh + 1}")
    assert len(TITLE.findall(third)) == 1, "redrawn in place, not appended"
    burner = BURNER.search(third)
    assert burner is not None, third
    assert 5.0 <= float(burner[1]) <= 40.0, f"CPU% of a loop held to 20% of a CPU: {burner[1]}"
    rows = [line.split()[0] for line in third.splitlines()[2:] if line.strip()]
    assert rows[0] == "burner", "sorted by CPU, the busy loop first"
    assert tmux.tmux("display", "-p", "#{alternate_on}").strip() == "1"

    tmux.tmux("send-keys", "C-c")
    done = tmux.until(lambda s: "EXIT=" in s, "top did not end on Ctrl-C")
    assert "EXIT=130" in done
    assert "kubectl pidshare top" not in done, "the terminal is given back as it was"
    assert tmux.tmux("display", "-p", "#{alternate_on} #{cursor_flag}").split() == ["0", "1"]

    time.sleep(1)
    left = namespace.kubectl("exec", "busy", "-c", "shell", "--", "ps", "-o", "args").stdout
    assert b"pidshare" not in left, left.decode()


def test_top_piped_prints_snapshots(namespace: Namespace) -> None:
    namespace.apply(MANIFESTS / "busy.yaml", wait_for=("busy",))
    proc = subprocess.Popen(
        ["kubectl", "pidshare", "-n", namespace.name, "top", "busy", "--interval", "0.5",
         "--sort-by", "mem"], env=namespace.cluster.env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, start_new_session=True)
    assert proc.stdout is not None
    frames: list[list[str]] = []
    text = ""
    for line in proc.stdout:
        text += line
        if TITLE.match(line):
            if len(frames) == 3:
                break
            frames.append([])
        elif line.strip():
            frames[-1].append(line.split()[0])
    proc.terminate()
    proc.wait(timeout=10)
    assert len(frames) == 3
    assert all(frame[0] == "CONTAINER" and sorted(frame[1:]) ==
               ["(sandbox)", "burner", "shell", "shell"] for frame in frames)
    assert "\x1b" not in text


MODES = "stty -a | tr -s ' ;' '\\n\\n' | grep -x -E -- '-?(echo|icanon|isig)' | tr '\\n' ' '"


def test_top_follows_resizes_and_quits_on_q(namespace: Namespace, tmux: Tmux) -> None:
    namespace.apply(MANIFESTS / "busy.yaml", wait_for=("busy",))
    tmux.start(f"{MODES}; echo; kubectl pidshare -n {namespace.name} top busy --interval 30; "
               f"status=$?; {MODES}; echo; (exit $status)", namespace.cluster.env, width=60)
    before = tmux.until(lambda s: TITLE.search(s) is not None, "no first refresh")
    widest = max(len(line.rstrip()) for line in before.splitlines())
    assert widest == 60, before
    assert tmux.tmux("display", "-p", "#{alternate_on}").strip() == "1"

    tmux.tmux("resize-window", "-x", "150", "-y", "40")
    wide = tmux.until(lambda s: max(len(line.rstrip()) for line in s.splitlines()) > 60,
                      "not redrawn when widened", timeout=10)
    assert "every 30s, by cpu" in wide and len(TITLE.findall(wide)) == 1, wide

    tmux.tmux("resize-window", "-x", "40", "-y", "12")
    narrow = tmux.until(lambda s: "every 30s" not in s and TITLE.search(s) is not None,
                        "not redrawn when narrowed", timeout=10)
    lines = narrow.splitlines()
    assert len(TITLE.findall(narrow)) == 1 and lines[0].startswith(TITLE.findall(narrow)[0])
    assert lines[1].split()[:2] == ["CONTAINER", "PID"], narrow
    assert all(len(line.rstrip()) <= 40 for line in lines)

    tmux.tmux("send-keys", "q")
    done = tmux.until(lambda s: "EXIT=" in s, "top did not end on q", timeout=10)
    assert "EXIT=0" in done
    assert tmux.tmux("display", "-p", "#{alternate_on} #{cursor_flag}").split() == ["0", "1"]
    modes = [line.split() for line in done.splitlines() if "icanon" in line]
    assert len(modes) == 2 and modes[0] == modes[1] and "-icanon" not in modes[0], done
