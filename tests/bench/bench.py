"""Benchmark kubectl pidshare side by side with plain kubectl on the local cluster.

Each case runs its A and B commands interleaved, N times, and reports the median wall time
and peak RSS of each side and the median of the per-pair ratios A/B. Results also go to a JSON
file so runs can be compared. Run it with tests/bench/run (not part of the test suite).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tests.bench import kubeconfigs
from tests.bench.installs import installs

ROOT = Path(__file__).resolve().parents[2]
NAMESPACE = "pidshare-bench"
SEED = ROOT / "tests" / "e2e" / "manifests" / "share-process-namespace.yaml"
GIB = 1 << 30


@dataclass
class Run:
    """One run of one command."""

    seconds: float
    peak_kib: int


@dataclass
class Case:
    """A and B of one comparison, and their runs."""

    name: str
    a: str
    b: str
    a_runs: list[Run] = field(default_factory=list)
    b_runs: list[Run] = field(default_factory=list)

    def summary(self) -> dict[str, float]:
        """Medians of each side and the median of the per-pair ratios."""
        ratios = [x.seconds / y.seconds for x, y in zip(self.a_runs, self.b_runs, strict=True)]
        return {
            "a_median_s": statistics.median(r.seconds for r in self.a_runs),
            "b_median_s": statistics.median(r.seconds for r in self.b_runs),
            "ratio_median": statistics.median(ratios),
            "a_peak_mib": max(r.peak_kib for r in self.a_runs) / 1024,
            "b_peak_mib": max(r.peak_kib for r in self.b_runs) / 1024,
        }


@functools.cache
def pycache() -> str:
    """Where the checkout's bytecode goes (the tree stays clean)."""
    return tempfile.mkdtemp(prefix="pidshare-bench-pycache-")


def run(argv: Sequence[str], env: dict[str, str]) -> Run:
    """Run argv to completion (output discarded); wall time and the child's peak RSS. The
    plugin run from a checkout imports bytecode, as an installed one does (pip compiles what it
    installs), even where PYTHONDONTWRITEBYTECODE is set: the warm-up run compiles it."""
    if list(argv[:2]) == ["kubectl", "pidshare"]:
        env = {**env, "PYTHONPYCACHEPREFIX": pycache()}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    assert child.stderr is not None
    errors = child.stderr.read()
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(f"bench: {' '.join(argv)} exited {child.returncode}: {errors.decode()[-500:]}")
    return Run(elapsed, usage.ru_maxrss)


def report(case: Case) -> Case:
    """Print the case's line of the table."""
    s = case.summary()
    print(f"{case.name:<34} {s['a_median_s']:8.3f} s {s['b_median_s']:8.3f} s "
          f"{s['ratio_median']:7.2f}x {s['a_peak_mib']:8.1f} {s['b_peak_mib']:8.1f}", flush=True)
    return case


def compare(case: Case, a: Sequence[str], b: Sequence[str], times: int,
            env: dict[str, str]) -> Case:
    """Run A and B interleaved; print and return the case."""
    run(a, env), run(b, env)
    for _ in range(times):
        case.a_runs.append(run(a, env))
        case.b_runs.append(run(b, env))
    return report(case)


BARE = (ROOT / "tests" / "e2e" / "manifests" / "distroless.yaml").read_text()
DEBUGGER = "busybox:1.28"


def bare_pods(env: dict[str, str], names: Sequence[str]) -> None:
    """Pods with no shell anywhere (the e2e manifest), Ready."""
    for name in names:
        kubectl(env, "apply", "-f", "-", stdin=BARE.replace("name: bare", f"name: {name}").encode())
    for name in names:
        kubectl(env, "wait", "--for=condition=Ready", f"pod/{name}", "--timeout=120s")


def kubectl_debug(pod: str) -> list[str]:
    """What a user does by hand: add a debug container, then list processes from it once it
    runs (kubectl debug without -it returns when the container is added, not started)."""
    return ["sh", "-c", f"kubectl -n {NAMESPACE} debug {pod} --image={DEBUGGER} "
            "--profile=restricted -c dbg -- sleep 36000 >/dev/null && "
            f"until kubectl -n {NAMESPACE} exec {pod} -c dbg -- ps ax; do sleep 0.1; done"]


def first_calls(times: int, env: dict[str, str]) -> Case:
    """--debug-image's first call (it adds the container) against kubectl debug and exec, each
    on a fresh Pod: time to the first listing."""
    case = Case("debug 1st call vs kubectl debug", f"kubectl pidshare ps POD --debug-image "
                f"{DEBUGGER}", "kubectl debug POD ... && kubectl exec POD -c dbg -- ps ax")
    tag = time.strftime("%H%M%S")
    pairs = [(f"bare-{tag}-a{i}", f"bare-{tag}-b{i}") for i in range(times)]
    bare_pods(env, [name for pair in pairs for name in pair])
    for a, b in pairs:
        case.a_runs.append(run(["kubectl", "pidshare", "-n", NAMESPACE, "ps", a,
                                "--debug-image", DEBUGGER], env))
        case.b_runs.append(run(kubectl_debug(b), env))
    return report(case)


def kubectl(env: dict[str, str], *args: str, stdin: bytes | None = None) -> str:
    """kubectl in the bench namespace; its stdout."""
    return subprocess.run(["kubectl", "-n", NAMESPACE, *args], env=env, input=stdin,
                          check=True, capture_output=True).stdout.decode()


def crowd_pod(name: str, processes: int) -> str:
    """A shared-namespace Pod whose `crowd` container runs that many sleeping processes."""
    return json.dumps({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
        "spec": {"shareProcessNamespace": True, "terminationGracePeriodSeconds": 1,
                 "containers": [
                     {"name": "shell", "image": "busybox:1.28",
                      "command": ["sh", "-c", "while :; do sleep 3600; done"]},
                     {"name": "crowd", "image": "busybox:1.28", "command": [
                         "sh", "-c", f"i=0; while [ $i -lt {processes} ]; do sleep 36000 & "
                                     "i=$((i+1)); done; echo started; wait"]}]}})


def connections_pod(name: str, connections: int) -> str:
    """A Pod whose `conns` container holds that many established TCP connections (both ends:
    twice as many sockets) with itself, and a busybox shell."""
    return json.dumps({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
        "spec": {"shareProcessNamespace": True, "terminationGracePeriodSeconds": 1,
                 "containers": [
                     {"name": "shell", "image": "busybox:1.28",
                      "command": ["sh", "-c", "while :; do sleep 3600; done"]},
                     {"name": "conns", "image": "pidshare/listen:1",
                      "args": ["tcp:9000", f"connect:9000:{connections}"]}]}})


def ports_case(env: dict[str, str], connections: int, times: int) -> Case:
    """`ports` on a Pod holding that many established connections against `kubectl exec cat
    /proc/net/tcp` (the raw table, without owners)."""
    name = f"conns{connections}"
    subprocess.run(["kubectl", "create", "namespace", NAMESPACE], env=env,
                   capture_output=True, check=False)
    kubectl(env, "apply", "-f", "-", stdin=connections_pod(name, connections).encode())
    kubectl(env, "wait", "--for=condition=Ready", f"pod/{name}", "--timeout=300s")
    deadline = time.monotonic() + 300
    while int(kubectl(env, "exec", name, "-c", "shell", "--", "grep", "-c", " 01 ",
                      "/proc/net/tcp")) < 2 * connections:
        assert time.monotonic() < deadline, f"{name} did not open its connections"
        time.sleep(1)
    ns = ["-n", NAMESPACE]
    return compare(Case(f"ports {connections} conns vs exec cat", f"kubectl pidshare ports {name}",
                        f"kubectl exec {name} -- cat /proc/net/tcp"),
                   ["kubectl", "pidshare", "ports", name, *ns],
                   ["kubectl", *ns, "exec", name, "-c", "shell", "--", "cat", "/proc/net/tcp"],
                   times, env)


def setup(env: dict[str, str], sizes: Sequence[int]) -> None:
    """The bench namespace with the seed's Pod, crowded Pods and a 1 GiB file."""
    subprocess.run(["kubectl", "create", "namespace", NAMESPACE], env=env,
                   capture_output=True, check=False)
    kubectl(env, "apply", "-f", str(SEED))
    for size in sizes:
        kubectl(env, "apply", "-f", "-", stdin=crowd_pod(f"crowd{size}", size).encode())
    for pod in ["nginx", *(f"crowd{size}" for size in sizes)]:
        kubectl(env, "wait", "--for=condition=Ready", f"pod/{pod}", "--timeout=300s")
    for size in sizes:
        deadline = time.monotonic() + 600
        while int(kubectl(env, "exec", f"crowd{size}", "-c", "shell", "--", "sh", "-c",
                          "ls -d /proc/[0-9]* | wc -l")) < size:
            assert time.monotonic() < deadline, f"crowd{size} did not start its processes"
            time.sleep(1)
    kubectl(env, "exec", "nginx", "-c", "nginx", "--", "sh", "-c",
            f"[ -s /tmp/gib ] || head -c {GIB} /dev/urandom > /tmp/gib")


def fleet(env: dict[str, str], sizes: Sequence[int], times: int) -> list[Case]:
    """`ps -l` over n Pods (copies of the seed's, labelled in<n> for every n they count in)
    against a shell loop of `kubectl exec ps ax` over the same Pods."""
    seed = SEED.read_text()
    names = [f"fleet-{i:02d}" for i in range(max(sizes))]
    for index, name in enumerate(names):
        labels = ", ".join(f"in{n}: 'yes'" for n in sizes if index < n)
        kubectl(env, "apply", "-f", "-", stdin=seed.replace(
            "name: nginx", f"name: {name}\n  labels: {{{labels}}}", 1).encode())
    for name in names:
        kubectl(env, "wait", "--for=condition=Ready", f"pod/{name}", "--timeout=300s")
    cases = []
    for n in sizes:
        loop = " ".join(names[:n])
        case = Case(f"ps -l over {n} Pods vs exec loop", f"kubectl pidshare ps -l in{n}=yes",
                    f"for p in {n} Pods; do kubectl exec $p -c shell -- ps ax; done")
        cases.append(compare(case, ["kubectl", "pidshare", "-n", NAMESPACE, "ps", "-l",
                                    f"in{n}=yes"],
                             ["sh", "-c", f"for p in {loop}; do kubectl -n {NAMESPACE} exec $p "
                                          "-c shell -- ps ax; done"], times, env))
    return cases


def import_time(env: dict[str, str]) -> float:
    """Cumulative import time of the package and of what `--help` imports, in seconds."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", "import kubectl_pidshare.cli"],
                          env=env, capture_output=True, text=True, check=True)
    found = re.search(r"\|\s+(\d+) \| kubectl_pidshare.cli$", proc.stderr, re.MULTILINE)
    return int(found[1]) / 1e6 if found else float("nan")


def main() -> None:
    """Run every case and write the results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--times", type=int, default=10)
    parser.add_argument("--json", default="bench-results.json")
    parser.add_argument("--sizes", default="1000,10000", help="processes of the crowded Pods")
    parser.add_argument("--only", help="run only the cases whose name contains this text")
    parser.add_argument("--fleet", help="only `ps -l` over this many Pods (e.g. 1,3,10,30) "
                                        "against a loop of kubectl exec")
    parser.add_argument("--ports", help="only `ports` on a Pod holding this many established "
                                        "connections (e.g. 10000) against kubectl exec cat "
                                        "/proc/net/tcp")
    parser.add_argument("--rtt", help="only the start-up cases with the API server this many "
                                      "ms of round trip away (e.g. 0,20,50), interleaved")
    parser.add_argument("--before", help="with --rtt: also `ps` from this checkout (its bin/)")
    options = parser.parse_args()
    env = dict(os.environ)
    if options.rtt:
        from tests.bench import rtt

        measured = rtt.main_rtt(env, options.rtt, options.times, options.only, options.before)
        Path(options.json).write_text(json.dumps(
            [{**asdict(c), **c.summary()} for c in measured], indent=2))
        return
    if options.ports:
        print(f"{'case (A vs B)':<34} {'A median':>10} {'B median':>10} {'A/B':>8} "
              f"{'A MiB':>8} {'B MiB':>8}")
        measured = [ports_case(env, int(n), options.times) for n in options.ports.split(",")]
        Path(options.json).write_text(json.dumps(
            [{**asdict(c), **c.summary()} for c in measured], indent=2))
        return
    if options.fleet:
        subprocess.run(["kubectl", "create", "namespace", NAMESPACE], env=env,
                       capture_output=True, check=False)
        print(f"{'case (A vs B)':<34} {'A median':>10} {'B median':>10} {'A/B':>8} "
              f"{'A MiB':>8} {'B MiB':>8}")
        measured = fleet(env, [int(n) for n in options.fleet.split(",")], options.times)
        Path(options.json).write_text(json.dumps(
            [{**asdict(c), **c.summary()} for c in measured], indent=2))
        return
    sizes = [int(s) for s in options.sizes.split(",") if s]
    setup(env, sizes)
    listing = subprocess.run(["kubectl", "pidshare", "ps", "nginx", "-n", NAMESPACE, "-o", "json"],
                             env=env, check=True, capture_output=True).stdout
    master = json.loads(listing)["processes"][1]
    pid = str(master["pid"])
    ns = ["-n", NAMESPACE]
    krew, pip = installs(env)
    manual = (f"kubectl -n {NAMESPACE} get pod nginx -o json >/dev/null && "
              f"kubectl -n {NAMESPACE} exec nginx -c shell -- ps ax >/dev/null && "
              f"kubectl -n {NAMESPACE} exec nginx -c shell -- sh -c 'cat /proc/*/cgroup' "
              ">/dev/null")
    scratch = Path(tempfile.mkdtemp(prefix="pidshare-bench-"))
    one = kubeconfigs.write(scratch / "one.yaml", 1)
    big = kubeconfigs.write(scratch / "big.yaml", 50)
    bare_pods(env, ["bare-a", "bare-b"])
    run(["kubectl", "pidshare", "-n", NAMESPACE, "ps", "bare-a", "--debug-image", DEBUGGER], env)
    run(kubectl_debug("bare-b"), env)
    cases = [
        ("debug 2nd call vs exec ps ax",
         ["kubectl", "pidshare", "ps", "bare-a", "--debug-image", DEBUGGER, *ns],
         ["kubectl", *ns, "exec", "bare-b", "-c", "dbg", "--", "ps", "ax"]),
        ("ps vs exec ps ax", ["kubectl", "pidshare", "ps", "nginx", *ns],
         ["kubectl", *ns, "exec", "nginx", "-c", "shell", "--", "ps", "ax"]),
        ("ps --exec-container shell vs exec ps ax",
         ["kubectl", "pidshare", "ps", "nginx", "--exec-container", "shell", *ns],
         ["kubectl", *ns, "exec", "nginx", "-c", "shell", "--", "ps", "ax"]),
        ("ps vs manual attribution", ["kubectl", "pidshare", "ps", "nginx", *ns],
         ["sh", "-c", manual]),
        ("--help vs version --client", ["kubectl", "pidshare", "--help"],
         ["kubectl", "version", "--client"]),
        ("--version vs version --client", ["kubectl", "pidshare", "--version"],
         ["kubectl", "version", "--client"]),
        *((f"ps {size} processes vs exec ps ax",
           ["kubectl", "pidshare", "ps", f"crowd{size}", *ns],
           ["kubectl", *ns, "exec", f"crowd{size}", "-c", "shell", "--", "ps", "ax"])
          for size in sizes),
        ("cat 1 GiB vs exec cat", ["kubectl", "pidshare", "cat", "nginx", pid, "/tmp/gib", *ns],
         ["kubectl", *ns, "exec", "nginx", "-c", "nginx", "--", "cat", "/tmp/gib"]),
        ("krew --help vs pip --help", [*krew.split(), "kubectl", "pidshare", "--help"],
         [*pip.split(), "kubectl", "pidshare", "--help"]),
        ("krew ps vs pip ps", [*krew.split(), "kubectl", "pidshare", "ps", "nginx", *ns],
         [*pip.split(), "kubectl", "pidshare", "ps", "nginx", *ns]),
        ("ps, 50-context kubeconfig vs 1", ["kubectl", "pidshare", "--kubeconfig", str(big),
                                            "ps", "nginx", *ns],
         ["kubectl", "pidshare", "--kubeconfig", str(one), "ps", "nginx", *ns]),
        ("kill -0 vs exec kill -0", ["kubectl", "pidshare", "kill", "nginx", pid, "0", *ns],
         ["kubectl", *ns, "exec", "nginx", "-c", "shell", "--", "kill", "-0", pid]),
    ]
    print(f"{'case (A vs B)':<34} {'A median':>10} {'B median':>10} {'A/B':>8} "
          f"{'A MiB':>8} {'B MiB':>8}")
    results = []
    for name, a, b in cases:
        if options.only and options.only not in name:
            continue
        times = max(3, options.times // 3) if "GiB" in name else options.times
        results.append(compare(Case(name, " ".join(a), " ".join(b)), a, b, times, env))
    if not options.only or options.only in "debug 1st call":
        results.append(first_calls(max(3, options.times // 3), env))
    imports = import_time(env)
    print(f"import time of kubectl_pidshare.cli: {imports:.3f} s")
    parse = kubeconfigs.report(scratch)
    Path(options.json).write_text(json.dumps({
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "import_seconds": imports,
        "kubeconfig_load": parse,
        "cases": [{**asdict(c), **c.summary()} for c in results],
    }, indent=2))
    print(f"results written to {options.json}")


if __name__ == "__main__":
    main()
