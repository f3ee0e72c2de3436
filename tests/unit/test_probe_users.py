"""The probe's users part (which /etc/passwd it reads for each cgroup) splits its lines in the
shell instead of reading them (a `read` a byte at a time took seconds for 10,000 processes):
the same files read, in the same order, as the loop it replaces, for hostile cgroup lines."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from kubectl_pidshare.pod.runner import _text

READ_LOOP = """mine=$(printf '%s\\n' "$cgroups" | grep -e "^$$/cgroup:")
printf '%s\\n' "$mine" "$cgroups" | {
    seen='
'
    while IFS= read -r line; do
        group=${line#*/cgroup:}
        case $seen in *"
$group
"*) continue ;; esac
        passwd=${line%%/*}/root/etc/passwd
        [ -f "$passwd" ] && [ -r "$passwd" ] || continue
        seen="$seen$group
"
        (ulimit -t 1; ulimit -v 65536; exec grep -aHo -m 2000 \\
            -E '^[^:]{1,256}:[^:]{0,256}:[0-9]{1,10}:' "$passwd") 2>/dev/null
    done
}
"""
GROUPS = ["0::/", "0::/a b", "0::/*", "0::/[x]?", "0::/back\\\\slash", "0::/\ttab", "0::/a",
          "0::/$(echo no)", "9:name=systemd:/kubepods/" + "f" * 64, "0::/-e", "0::/a/"]


def users_part() -> str:
    """The probe's users part, from `mine=` to the line before btime's."""
    probe = _text("probe")
    return probe[probe.index("mine=$("):probe.index("grep -H '^btime '")]


def proc(tmp_path: Path, pids: int) -> str:
    """A /proc-like directory: PID/root/etc/passwd for some PIDs (a file, a directory, none);
    the cgroup lines of every PID, hostile groups repeated."""
    lines = []
    for pid in range(1, pids):
        etc = tmp_path / str(pid) / "root" / "etc"
        etc.mkdir(parents=True)
        if pid % 3 == 0:
            (etc / "passwd").mkdir()
        elif pid % 3 == 1:
            (etc / "passwd").write_text(f"user{pid}:x:{pid}:\nroot:x:0:\n")
        lines.append(f"{pid}/cgroup:{GROUPS[pid % len(GROUPS)]}")
    return "\n".join(lines)


@pytest.mark.parametrize("shell", ["dash", "busybox", "bash"])
def test_split_lines_read_what_the_read_loop_read(tmp_path: Path, shell: str) -> None:
    """The same output as the `while read` loop, in dash, busybox sh and bash."""
    found = shutil.which(shell)
    assert found is not None, f"no {shell} on PATH (tests/cluster/up installs dash and busybox)"
    argv = [found, "sh"] if shell == "busybox" else [found]
    cgroups = proc(tmp_path, 60)
    outputs = []
    for part in (READ_LOOP, users_part()):
        done = subprocess.run([*argv, "-c", part], cwd=tmp_path, capture_output=True,
                              env={**os.environ, "cgroups": cgroups}, check=True, timeout=60)
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert outputs[0].count(b"/root/etc/passwd:") >= 8
