"""`kubectl pidshare ps`: every process of a Pod, per container, as a tree."""

from __future__ import annotations

import io
from typing import TextIO

from kubectl_pidshare import procfs, render
from kubectl_pidshare.attribution import SANDBOX, UNKNOWN, Owner, container_ids, owner
from kubectl_pidshare.errors import PidshareError
from kubectl_pidshare.pods import Pod, parse_pod, runner_candidates
from kubectl_pidshare.remote import Transport
from kubectl_pidshare.runner import run_script


def group(snapshot: procfs.Snapshot, pod: Pod) -> list[list[render.Row]]:
    """Attribute every process and group the rows: sandbox, containers in spec order, unknown."""
    users: dict[str, dict[int, str]] = {}
    for cgroup, names in snapshot.passwd:
        for container_id in container_ids(cgroup):
            if container_id in pod.ids:
                users.setdefault(pod.ids[container_id].name, names)
    order = [SANDBOX, *(c.name for c in pod.containers), UNKNOWN]
    groups: dict[str, list[render.Row]] = {name: [] for name in order}
    owners: dict[str, Owner] = {}
    for process in snapshot.processes.values():
        who = owners.get(process.cgroup) or owners.setdefault(process.cgroup, owner(process, pod))
        if who.name == UNKNOWN and pod.shares_processes and process.pid == 1:
            who = Owner(SANDBOX, "sandbox")
        groups[who.name].append(render.Row(
            pid=process.pid, ppid=process.ppid, owner=who,
            user=users.get(who.name, {}).get(process.uid, str(process.uid)), uid=process.uid,
            state=process.state, threads=process.threads, rss_kib=process.rss_kib,
            cpu_seconds=process.cpu_seconds,
            start=render.start_time(snapshot.boot_time, process.start_ticks, procfs.CLOCK_TICKS),
            name=process.name, args=tuple(process.args),
        ))
    return [groups[name] for name in order if groups[name]]


def ps(transport: Transport, pod_name: str, container: str | None, output: str,
       out: TextIO, err: TextIO) -> None:
    """List the Pod's processes on out; warnings go to err."""
    pod = parse_pod(transport.get_pod(pod_name))
    candidates = runner_candidates(pod, container)
    ids = [c.container_id for c in pod.containers if c.container_id]
    raw = io.BytesIO()
    outcome = run_script(transport, pod, candidates, "probe", ids, raw)
    runner = outcome.container
    if outcome.status != 0:
        lines = outcome.stderr.decode(errors="replace").strip().splitlines()
        raise PidshareError(f'the probe failed in container "{runner.name}" '
                            f"(exit {outcome.status}): {lines[-1] if lines else 'no message'}")
    if not pod.shares_processes:
        err.write(f'warning: pod "{pod.name}" does not share its process namespace; '
                  f'showing only what container "{runner.name}" can see\n')
    groups = group(procfs.parse(raw.getvalue()), pod)
    if output in ("json", "yaml"):
        doc = render.document({
            "pod": pod.name, "namespace": pod.namespace, "shareProcessNamespace":
            pod.shares_processes, "probeContainer": runner.name,
            "containers": [{"name": c.name, "kind": c.kind, "containerID": c.container_id,
                            "running": c.running} for c in pod.containers],
        }, groups)
        (render.write_json if output == "json" else render.write_yaml)(out, doc)
    else:
        render.write_table(out, groups, wide=output == "wide")
