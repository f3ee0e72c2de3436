"""Benchmark `kubectl pidshare cp` against `kubectl cp` of the same files, from the seed Pod's
busybox container (it has tar, which kubectl cp needs): a 200 MiB file and a tree of 5,000
files (50 directories of 100). Each copy goes to a fresh local directory. Run it with
`python -m tests.bench.copying [-n TIMES]` after tests/venv and tests/cluster/up.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tests.bench import bench
from tests.bench.bench import NAMESPACE, SEED, Case, Run, compare, kubectl

BIG = 200 * 1024 * 1024
MAKE = (f"[ -s /tmp/big ] || head -c {BIG} /dev/urandom > /tmp/big; "
        "[ -d /tmp/tree ] || (mkdir /tmp/tree && cd /tmp/tree && i=0 && "
        "while [ $i -lt 5000 ]; do d=d$((i / 100)); mkdir -p $d; echo file $i > $d/f$i; "
        "i=$((i + 1)); done)")


def shell_pid(env: dict[str, str]) -> str:
    """The PID of the busybox container's main process."""
    listing = json.loads(subprocess_out(env, "kubectl", "pidshare", "-n", NAMESPACE, "ps",
                                        "nginx", "-c", "shell", "-o", "json"))
    return str(min(p["pid"] for p in listing["processes"]))


def subprocess_out(env: dict[str, str], *argv: str) -> str:
    """A command's stdout."""
    return subprocess.run(argv, env=env, check=True, capture_output=True).stdout.decode()


def retried(argv: Sequence[str], env: dict[str, str]) -> Run:
    """bench.run, tried up to 5 times: `kubectl cp` of many files fails now and then here
    ("error reading from error stream"); the failures are counted and printed."""
    for _ in range(4):
        try:
            return ORIGINAL_RUN(argv, env)
        except SystemExit as failure:
            FAILURES.append(str(failure)[:200])
    return ORIGINAL_RUN(argv, env)


ORIGINAL_RUN = bench.run
FAILURES: list[str] = []


def main() -> None:
    """Set up the files, run both cases, write the results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--times", type=int, default=3)
    parser.add_argument("--json", default="bench-copying.json")
    options = parser.parse_args()
    env = dict(os.environ)
    subprocess_out(env, "sh", "-c", f"kubectl create namespace {NAMESPACE} || true")
    kubectl(env, "apply", "-f", str(SEED))
    kubectl(env, "wait", "--for=condition=Ready", "pod/nginx", "--timeout=300s")
    kubectl(env, "exec", "nginx", "-c", "shell", "--", "sh", "-c", MAKE)
    pid = shell_pid(env)
    bench.run = retried
    scratch = Path(tempfile.mkdtemp(prefix="pidshare-bench-cp-"))
    print(f"{'case (A vs B)':<34} {'A median':>10} {'B median':>10} {'A/B':>8} "
          f"{'A MiB':>8} {'B MiB':>8}")
    cases = []
    for name, path in (("cp 200 MiB file", "/tmp/big"), ("cp 5,000-file tree", "/tmp/tree")):
        out = scratch / "out"
        mine = f"rm -rf {out} && kubectl pidshare -n {NAMESPACE} cp nginx {pid} {path} {out}"
        theirs = f"rm -rf {out} && kubectl -n {NAMESPACE} cp nginx:{path} {out} -c shell"
        cases.append(compare(Case(f"{name} vs kubectl cp", mine, theirs),
                             ["sh", "-c", mine], ["sh", "-c", theirs], options.times, env))
    print(f"{len(FAILURES)} failed runs retried:", *FAILURES, sep="\n")
    Path(options.json).write_text(json.dumps([c.summary() | {"name": c.name} for c in cases],
                                             indent=2))


if __name__ == "__main__":
    main()
