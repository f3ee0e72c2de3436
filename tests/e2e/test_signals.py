"""Signals that do what you mean (kill reads what the process does with the signal in the same
exec), what each process catches, ignores and blocks, and the zombies nobody reaps."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest

from kubectl_pidshare.status import ExitStatus

from .harness import MANIFESTS, Cluster, Namespace, fresh_namespace
from .test_kill_cat import error_line

# Attribution (of zombies above all) depends on the cgroup namespace mode: tests/run runs
# this module in both.
pytestmark = pytest.mark.cgroupns

MASTER = "nginx: master process nginx -g daemon off;"
WORKER = "nginx: worker process"


@pytest.fixture(scope="module")
def pod(cluster: Cluster) -> Iterator[Namespace]:
    """One namespace for the module with the Pod of signals.yaml."""
    with fresh_namespace(cluster, "signals") as ns:
        ns.apply(MANIFESTS / "signals.yaml", wait_for=("signals",))
        yield ns


def processes(ns: Namespace, target: str = "signals") -> list[dict[str, Any]]:
    """Every process `ps -o json` lists."""
    return list(json.loads(ns.pidshare("ps", target, "-o", "json").stdout)["processes"])


def one(ns: Namespace, container: str, command: str) -> dict[str, Any]:
    """The process of container with that command line."""
    [found] = [p for p in processes(ns) if (p["container"], p["command"]) == (container, command)]
    return found


def test_ps_signals_shows_what_each_process_catches_ignores_and_blocks(pod: Namespace) -> None:
    master = one(pod, "nginx", MASTER)
    assert "HUP" in master["signals"]["caught"] and "TERM" in master["signals"]["caught"]
    assert one(pod, "deaf", "sleep 3600")["signals"]["ignored"] == ["HUP"]
    assert one(pod, "app", "sleep 3600")["signals"] == {"caught": [], "ignored": [],
                                                        "blocked": []}

    proc = pod.pidshare("ps", "signals", "-o", "signals", "-c", "nginx")
    lines = proc.stdout.decode().splitlines()
    assert lines[0].split() == ["CONTAINER", "PID", "PPID", "USER", "STAT", "CAUGHT", "IGNORED",
                                "BLOCKED", "COMMAND"]
    row = next(line.split(None, 8) for line in lines[1:] if line.endswith(MASTER))
    assert "HUP" in row[5].split(",") and row[8] == MASTER


def test_kill_hup_of_a_process_that_does_not_catch_it(pod: Namespace) -> None:
    sleep = one(pod, "app", "sleep 3600")["pid"]
    refused = pod.pidshare("kill", "signals", str(sleep), "HUP", check=False)
    assert refused.returncode == ExitStatus.UNCAUGHT
    assert error_line(refused) == (
        f"error: process {sleep} (sleep 3600) does not catch SIGHUP: its default action would "
        "terminate it; pass --force to send it anyway")
    assert one(pod, "app", "sleep 3600")["pid"] == sleep, "nothing was sent"

    sent = f'to PID {sleep} (sleep 3600) in container "app"\n'
    checked = pod.pidshare("kill", "signals", str(sleep), "0")
    assert checked.stdout.decode() == f"sent signal 0 {sent}"
    forced = pod.pidshare("kill", "signals", str(sleep), "HUP", "--force")
    assert forced.stdout.decode() == f"sent SIGHUP {sent}"
    deadline = time.monotonic() + 30
    while any(p["pid"] == sleep for p in processes(pod)):
        assert time.monotonic() < deadline, f"PID {sleep} outlived SIGHUP"
        time.sleep(0.3)


def test_kill_of_an_ignored_signal_is_refused(pod: Namespace) -> None:
    sleep = one(pod, "deaf", "sleep 3600")["pid"]
    refused = pod.pidshare("kill", "signals", str(sleep), "HUP", check=False)
    assert refused.returncode == ExitStatus.IGNORED
    assert error_line(refused) == (
        f"error: process {sleep} (sleep 3600) ignores SIGHUP: nothing would happen; pass "
        "--force to send it anyway")
    forced = pod.pidshare("kill", "signals", str(sleep), "HUP", "--force")
    assert forced.stdout.decode() == (
        f'sent SIGHUP to PID {sleep} (sleep 3600) in container "deaf"\n')
    assert one(pod, "deaf", "sleep 3600")["pid"] == sleep, "an ignored signal changes nothing"


def test_nginx_master_takes_hup(pod: Namespace) -> None:
    worker = one(pod, "nginx", WORKER)["pid"]
    proc = pod.pidshare("kill", "signals", "container/nginx", "HUP", "--expect", "nginx: master")
    assert proc.stdout.decode().startswith("sent SIGHUP to PID ")
    deadline = time.monotonic() + 30
    while (now := [p["pid"] for p in processes(pod) if p["command"] == WORKER]) in ([], [worker]):
        assert time.monotonic() < deadline, f"worker {worker} was not replaced: {now}"
        time.sleep(0.3)


def test_zombies_are_shown_with_their_parent_and_container(pod: Namespace) -> None:
    parent = one(pod, "zombies", "sleep 3600")
    deadline = time.monotonic() + 30
    while len(zombies := [p for p in processes(pod) if p["state"] == "Z"]) < 2:
        assert time.monotonic() < deadline, f"no zombies: {zombies}"
        time.sleep(0.3)
    assert [(z["ppid"], z["container"], z["command"]) for z in zombies] == [
        (parent["pid"], "zombies", "[sleep] <defunct>")] * 2
    assert parent["containerInferred"] is False
    runner = json.loads(pod.pidshare("ps", "signals", "-o", "json").stdout)["probeContainer"]
    for zombie in zombies:
        # Inferred from the parent where the zombie's cgroup, as the probe reads it, names no
        # container (kernels that move an exiting task to the root cgroup: `/` on cgroup v1);
        # this kernel keeps it where it was.
        cgroup = pod.kubectl("exec", "signals", "-c", runner, "--", "cat",
                             f"/proc/{zombie['pid']}/cgroup").stdout.decode()
        named = re.search("[0-9a-f]{64}", cgroup) is not None
        assert zombie["containerInferred"] is not named, cgroup

    proc = pod.pidshare("ps", "signals", "-c", "zombies")
    rows = [line.split(None, 6) for line in proc.stdout.decode().splitlines()[1:]]
    assert [(row[0], row[2], row[4], row[6]) for row in rows] == [
        ("zombies", str(parent["ppid"]), "S", "sleep 3600"),
        ("zombies", str(parent["pid"]), "Z", "├─ [sleep] <defunct>"),
        ("zombies", str(parent["pid"]), "Z", "└─ [sleep] <defunct>"),
    ]
    assert proc.stderr.decode() == (
        f'note: pod "signals": PID {parent["pid"]} (sleep 3600) in container "zombies" holds 2 '
        "zombies (exited children it has not waited for: they go when it waits or exits); "
        "orphans are reaped by PID 1 (/pause) in the sandbox\n")


def workers(ns: Namespace) -> dict[str, int]:
    """Pod -> its nginx worker's PID, for every replica of the Deployment."""
    document = json.loads(ns.pidshare("ps", "deploy/web", "-c", "nginx", "-o", "json").stdout)
    return {item["pod"]: next(p["pid"] for p in item["processes"] if p["command"] == WORKER)
            for item in document["items"]}


def test_kill_deploy_signals_every_replica_s_main_process(cluster: Cluster) -> None:
    with fresh_namespace(cluster, "fleet") as ns:
        deployment = (MANIFESTS / "web-deployment.yaml").read_text()
        ns.apply(deployment.replace("app: web", f"app: {ns.name}"))
        ns.kubectl("rollout", "status", "deploy/web", "--timeout=180s")
        before = workers(ns)
        assert len(before) == 3
        listed = json.loads(ns.pidshare("ps", "deploy/web", "-o", "json").stdout)["items"]
        masters = {item["pod"]: next(p["pid"] for p in item["processes"] if p["command"] == MASTER)
                   for item in listed}

        dry = ns.pidshare("kill", "deploy/web", "container/nginx", "HUP", "--dry-run")
        assert (sorted(dry.stdout.decode().splitlines()), dry.stderr) == (sorted(
            f'pod/{pod}: would send SIGHUP to PID {pid} ({MASTER}) in container "nginx", which '
            "catches it (dry run: nothing sent)" for pod, pid in masters.items()), b"")
        time.sleep(1)
        assert workers(ns) == before, "a dry run sends nothing"

        sent = ns.pidshare("kill", "deploy/web", "container/nginx", "HUP", "--expect",
                           "nginx: master")
        assert (sorted(sent.stdout.decode().splitlines()), sent.stderr) == (sorted(
            f'pod/{pod}: sent SIGHUP to PID {pid} ({MASTER}) in container "nginx"'
            for pod, pid in masters.items()), b"")
        deadline = time.monotonic() + 30
        after = workers(ns)
        while any(now == before[pod] for pod, now in after.items()):
            assert time.monotonic() < deadline, f"not every worker was replaced: {after}"
            time.sleep(0.3)
            after = workers(ns)

        by_pid = ns.pidshare("kill", "deploy/web", "7", "HUP", check=False)
        assert by_pid.returncode == ExitStatus.USAGE
        assert error_line(by_pid).startswith("error: PID 7 names a process of one Pod")
