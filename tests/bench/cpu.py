"""pidshare's own CPU in `ps` of a crowded Pod, in process, without a cluster: the probe's output
parsed, attributed and rendered in every output format, on the synthetic output of a Pod of N
sleeping processes (tests/unit/synthetic.py). Prints the median wall time of each format, a
digest of its output (to compare two checkouts: the same digest is the same bytes) and, with
--profile, cProfile's costliest functions.

    python -m tests.bench.cpu [-p 10000] [-n 5] [--profile] [--only wide]
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import pstats
import statistics
import time

from tests.unit.synthetic import View, crowd, rendered

VIEWS = {"tree": View(), "wide": View("wide"), "signals": View("signals"), "json": View("json"),
         "yaml": View("yaml"), "sort-cpu": View("wide", sort_by="cpu")}


def measure(raw: bytes, output: str, times: int) -> None:
    """Print the median wall time of times runs and the output's digest."""
    seconds = []
    for _ in range(times):
        started = time.perf_counter()
        text = rendered(raw, VIEWS[output])
        seconds.append(time.perf_counter() - started)
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    print(f"{output:<10} {statistics.median(seconds):7.3f} s  (min {min(seconds):.3f})  "
          f"{len(text):>9} chars  sha256 {digest}", flush=True)


def profile(raw: bytes, output: str, top: int) -> None:
    """cProfile's total and its costliest functions (by own time) for one run."""
    profiler = cProfile.Profile()
    profiler.runcall(rendered, raw, VIEWS[output])
    stats = pstats.Stats(profiler)
    print(f"--- {output}: {stats.total_calls} calls, "  # type: ignore[attr-defined]
          f"{stats.total_tt:.3f} s under cProfile")  # type: ignore[attr-defined]
    stats.sort_stats("tottime").print_stats(top)


def main() -> None:
    """Measure every format (or those asked for)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-p", "--processes", type=int, default=10000)
    parser.add_argument("-n", "--times", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--only", help="a format: " + ", ".join(VIEWS))
    options = parser.parse_args()
    raw = crowd(options.processes)
    print(f"{options.processes} processes, {len(raw)} bytes of probe output")
    for output in VIEWS:
        if options.only and options.only != output:
            continue
        measure(raw, output, options.times)
        if options.profile:
            profile(raw, output, options.top)


if __name__ == "__main__":
    main()
