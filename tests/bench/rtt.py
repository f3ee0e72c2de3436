"""The round-trip axis: the start-up cases with the API server 0, 20 or 50 ms of round trip
away (tests/bench/latency.py, a loopback proxy, in front of it; a copy of the kubeconfig,
flattened, pointing at the proxy), every case and RTT interleaved in each round.

RTT 0 is the API server itself, through the same flattened kubeconfig copy.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from tests.bench.bench import NAMESPACE, ROOT, SEED, Case, Run, kubectl, report, run

SMALL_FILE = "/etc/nginx/nginx.conf"


@contextmanager
def delayed(env: dict[str, str], rtt_ms: int, scratch: Path) -> Iterator[dict[str, str]]:
    """The environment whose kubeconfig reaches the API server rtt_ms away (a proxy for as
    long as the context lasts; none for 0)."""
    config = yaml.safe_load(subprocess.run(
        ["kubectl", "config", "view", "--raw", "--minify", "--flatten"], env=env, check=True,
        capture_output=True, text=True).stdout)
    cluster = config["clusters"][0]["cluster"]
    server = urlsplit(cluster["server"])
    proxy = None
    if rtt_ms:
        proxy = subprocess.Popen([sys.executable, "-m", "tests.bench.latency", "--rtt-ms",
                                  str(rtt_ms), "--to", server.netloc], cwd=ROOT,
                                 stdout=subprocess.PIPE, text=True)
        assert proxy.stdout is not None
        port = int(proxy.stdout.readline())
        cluster["server"] = f"https://127.0.0.1:{port}"
        if server.hostname not in ("127.0.0.1", None):
            cluster.setdefault("tls-server-name", server.hostname)
    path = scratch / f"rtt{rtt_ms}.kubeconfig"
    path.write_text(yaml.safe_dump(config))
    try:
        yield {**env, "KUBECONFIG": str(path)}
    finally:
        if proxy is not None:
            proxy.terminate()
            proxy.wait()


def commands(pid: str, before: str | None) -> dict[str, list[str]]:
    """The start-up cases: what pidshare runs and what kubectl runs for the same answer (and
    `ps` from another checkout, before, if given: its bin/ first on PATH)."""
    ns = ["-n", NAMESPACE]
    earlier = {"ps (before)": ["kubectl", "pidshare", "ps", "nginx", *ns]} if before else {}
    manual = (f"kubectl -n {NAMESPACE} get pod nginx -o json >/dev/null && "
              f"kubectl -n {NAMESPACE} exec nginx -c shell -- ps ax >/dev/null && "
              f"kubectl -n {NAMESPACE} exec nginx -c shell -- sh -c 'cat /proc/*/cgroup' "
              ">/dev/null")
    return {
        "ps": ["kubectl", "pidshare", "ps", "nginx", *ns],
        "exec ps ax": ["kubectl", *ns, "exec", "nginx", "-c", "shell", "--", "ps", "ax"],
        "manual 3 commands": ["sh", "-c", manual],
        "kill -0": ["kubectl", "pidshare", "kill", "nginx", pid, "0", *ns],
        "exec kill -0": ["kubectl", *ns, "exec", "nginx", "-c", "shell", "--", "kill", "-0",
                         pid],
        "cat small file": ["kubectl", "pidshare", "cat", "nginx", pid, SMALL_FILE, *ns],
        "exec cat": ["kubectl", *ns, "exec", "nginx", "-c", "nginx", "--", "cat", SMALL_FILE],
        "--help": ["kubectl", "pidshare", "--help"],
        "version --client": ["kubectl", "version", "--client"],
        **earlier,
    }


PAIRS = [("ps", "exec ps ax"), ("ps", "manual 3 commands"), ("kill -0", "exec kill -0"),
         ("cat small file", "exec cat"), ("--help", "version --client"),
         ("ps (before)", "exec ps ax"), ("ps (before)", "manual 3 commands"),
         ("ps", "ps (before)")]


def master_pid(env: dict[str, str]) -> str:
    """The seed's Pod running, the PID of its nginx master."""
    subprocess.run(["kubectl", "create", "namespace", NAMESPACE], env=env,
                   capture_output=True, check=False)
    kubectl(env, "apply", "-f", str(SEED))
    kubectl(env, "wait", "--for=condition=Ready", "pod/nginx", "--timeout=300s")
    listing = subprocess.run(["kubectl", "pidshare", "ps", "nginx", "-n", NAMESPACE, "-o", "json"],
                             env=env, check=True, capture_output=True).stdout
    return str(json.loads(listing)["processes"][1]["pid"])


def measure(env: dict[str, str], rtts: Sequence[int], times: int, scratch: Path,
            only: str | None = None, before: str | None = None) -> list[Case]:
    """Every case at every RTT, interleaved (each round runs each once, the order rotated);
    the pairs as cases, printed."""
    cases = commands(master_pid(env), before)
    paths = {"ps (before)": f"{Path(before).resolve() / 'bin'}:{env['PATH']}"} if before else {}
    if only:
        cases = {k: v for k, v in cases.items()
                 if any(only in a or only in b for a, b in PAIRS if k in (a, b))}
    with ExitStack() as stack:
        envs = {rtt: stack.enter_context(delayed(env, rtt, scratch)) for rtt in rtts}
        runs: dict[tuple[int, str], list[Run]] = {(rtt, name): [] for rtt in rtts for name in cases}
        jobs = [(rtt, name) for name in cases for rtt in rtts]
        def once(rtt: int, name: str) -> Run:
            return run(cases[name], {**envs[rtt], "PATH": paths.get(name, env["PATH"])})

        for rtt, name in jobs:
            once(rtt, name)
        for round_ in range(times):
            shift = round_ % len(jobs)
            for rtt, name in jobs[shift:] + jobs[:shift]:
                runs[rtt, name].append(once(rtt, name))
    measured = []
    for rtt in rtts:
        for a, b in PAIRS:
            if a in cases and b in cases:
                case = Case(f"RTT {rtt} ms: {a} vs {b}", " ".join(cases[a]), " ".join(cases[b]),
                            runs[rtt, a], runs[rtt, b])
                measured.append(report(case))
    return measured


def table(cases: Sequence[Case]) -> str:
    """The README's round-trip table: ps, kubectl exec, the manual attribution, ratios."""
    rows = ["| RTT | ps | kubectl exec ps ax | manual 3 commands | ps/exec | ps/manual |",
            "|---|---|---|---|---|---|"]
    by_name = {c.name: c.summary() for c in cases}
    for name in by_name:
        if name.endswith(" vs exec ps ax"):
            rtt, ps = name.split(": ")[0], name.split(": ")[1][:-len(" vs exec ps ax")]
            exec_ = by_name[name]
            manual = by_name.get(f"{rtt}: {ps} vs manual 3 commands")
            if manual is None:
                continue
            rows.append(f"| {rtt[4:]}{ps[2:]} | {exec_['a_median_s']:.3f} s | "
                        f"{exec_['b_median_s']:.3f} s | {manual['b_median_s']:.3f} s | "
                        f"{exec_['ratio_median']:.2f} | {manual['ratio_median']:.2f} |")
    return "\n".join(rows)


def main_rtt(env: dict[str, str], rtts: str, times: int, only: str | None,
             before: str | None) -> list[Case]:
    """The --rtt run: the cases, then the table."""
    print(f"{'case (A vs B)':<34} {'A median':>10} {'B median':>10} {'A/B':>8} "
          f"{'A MiB':>8} {'B MiB':>8}")
    with tempfile.TemporaryDirectory(prefix="pidshare-rtt-") as directory:
        measured = measure(env, [int(r) for r in rtts.split(",")], times, Path(directory), only,
                           before)
    print(table(measured))
    return measured
