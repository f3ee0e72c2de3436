"""One command line of `kubectl pidshare` run from two checkouts (each its bin/ first on PATH)
and `kubectl exec … ps ax`, interleaved (before, after, exec, before, …): median wall time, peak
RSS and the per-round ratios, to measure a change end to end on the local cluster.

    python -m tests.bench.checkouts -n 10 BEFORE_CHECKOUT AFTER_CHECKOUT -- \\
        -n NAMESPACE ps POD --exec-container shell
"""

from __future__ import annotations

import argparse
import os
import statistics
from pathlib import Path

from tests.bench.bench import Run, run


def summary(name: str, runs: list[Run], exec_runs: list[Run]) -> str:
    """One line: median, ratio to exec (median of the rounds' ratios), peak RSS."""
    ratios = [a.seconds / b.seconds for a, b in zip(runs, exec_runs)]
    return (f"{name:<8} median {statistics.median(r.seconds for r in runs):7.3f} s  "
            f"x exec {statistics.median(ratios):5.2f}  "
            f"+{statistics.median(a.seconds - b.seconds for a, b in zip(runs, exec_runs)):6.3f} s  "
            f"peak {max(r.peak_kib for r in runs) / 1024:6.1f} MiB")


def main() -> None:
    """Run the rounds and print the lines."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("-n", "--times", type=int, default=10)
    parser.add_argument("--container", default="shell", help="where kubectl exec runs ps ax")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    options = parser.parse_args()
    args = [arg for arg in options.args if arg != "--"]
    namespace, pod = args[args.index("-n") + 1], args[args.index("ps") + 1]
    envs = {name: {**os.environ, "PATH": f"{checkout.resolve()}/bin:{os.environ['PATH']}"}
            for name, checkout in (("before", options.before), ("after", options.after))}
    commands = {name: ["kubectl", "pidshare", *args] for name in envs}
    exec_ps = ["kubectl", "-n", namespace, "exec", pod, "-c", options.container, "--", "ps", "ax"]
    runs: dict[str, list[Run]] = {"before": [], "after": [], "exec": []}
    for name in envs:
        run(commands[name], envs[name])
    for _ in range(options.times):
        for name in envs:
            runs[name].append(run(commands[name], envs[name]))
        runs["exec"].append(run(exec_ps, dict(os.environ)))
    for name in ("before", "after"):
        print(summary(name, runs[name], runs["exec"]))
    print(f"{'exec':<8} median {statistics.median(r.seconds for r in runs['exec']):7.3f} s  "
          f"peak {max(r.peak_kib for r in runs['exec']) / 1024:6.1f} MiB")


if __name__ == "__main__":
    main()
