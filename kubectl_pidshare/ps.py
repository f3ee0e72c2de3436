"""`kubectl pidshare ps`: every process of a Pod, per container, as a tree."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from typing import TextIO

from kubectl_pidshare import procfs, render
from kubectl_pidshare.attribution import SANDBOX, UNKNOWN, Owner, container_ids, owner
from kubectl_pidshare.errors import PidshareError
from kubectl_pidshare.pods import Pod, no_shell_error, parse_pod, runner_candidates
from kubectl_pidshare.remote import Transport
from kubectl_pidshare.runner import Outcome, attempt, run_script


def group(snapshot: procfs.Snapshot, pod: Pod) -> list[list[render.Row]]:
    """Attribute every process and group the rows: sandbox, containers in spec order, unknown."""
    users: dict[str, dict[int, str]] = {}
    for cgroup, names in snapshot.passwd:
        for container_id in container_ids(cgroup):
            if container_id in pod.ids:
                users.setdefault(pod.ids[container_id].name, names)
    order = [SANDBOX, *(c.name for c in pod.containers), UNKNOWN]
    groups: dict[str, list[render.Row]] = {name: [] for name in order}
    owners: dict[tuple[str, bool], Owner] = {}
    for process in snapshot.processes.values():
        key = (process.cgroup, process.pid == 1)
        who = owners.get(key) or owners.setdefault(key, owner(process, pod))
        groups[who.name].append(render.Row(
            pid=process.pid, ppid=process.ppid, owner=who,
            user=users.get(who.name, {}).get(process.uid, str(process.uid)), uid=process.uid,
            state=process.state, threads=process.threads, rss_kib=process.rss_kib,
            cpu_seconds=process.cpu_seconds,
            start=render.start_time(snapshot.boot_time, process.start_ticks, procfs.CLOCK_TICKS),
            name=process.name, args=tuple(process.args),
        ))
    return [groups[name] for name in order if groups[name]]


def _probe(transport: Transport, pod_name: str, container: str | None,
           raw: io.BytesIO) -> tuple[Pod, Outcome]:
    """The Pod and the probe's run. With -c the Pod is fetched while the probe runs."""
    if container is None:
        pod = parse_pod(transport.get_pod(pod_name))
        return pod, run_script(transport, pod, runner_candidates(pod, None), "probe", [], raw)
    with ThreadPoolExecutor(max_workers=1) as pool:
        fetched = pool.submit(transport.get_pod, pod_name)
        ran: tuple[int, bytes] | PidshareError | None
        try:
            ran = attempt(transport, pod_name, container, "probe", [], raw)
        except PidshareError as exc:
            ran = exc
        pod = parse_pod(fetched.result())
    runner = runner_candidates(pod, container)[0]
    if isinstance(ran, PidshareError):
        raise ran
    if ran is None:
        raise no_shell_error(pod, [runner])
    return pod, Outcome(runner, *ran)


def ps(transport: Transport, pod_name: str, container: str | None, output: str,
       out: TextIO, err: TextIO) -> None:
    """List the Pod's processes on out; warnings go to err."""
    raw = io.BytesIO()
    pod, outcome = _probe(transport, pod_name, container, raw)
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
