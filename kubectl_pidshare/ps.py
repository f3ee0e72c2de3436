"""`kubectl pidshare ps`: every process of a Pod, per container, as a tree."""

from __future__ import annotations

import io
from typing import TextIO

from kubectl_pidshare import procfs, render
from kubectl_pidshare.attribution import SANDBOX, UNKNOWN, Owner, container_ids, owner
from kubectl_pidshare.errors import PidshareError, ServerError
from kubectl_pidshare.pods import Container, Pod, no_shell_error, parse_pod, runner_candidates
from kubectl_pidshare.remote import Transport

OUTPUTS = ("tree", "wide", "json", "yaml")
NO_SHELL_EXIT = (126, 127)


def _no_shell(error: ServerError) -> bool:
    return '"sh": executable file not found' in error.message or "no such file" in error.message


def run_probe(transport: Transport, pod: Pod, candidates: list[Container], script: str,
              args: list[str]) -> tuple[Container, bytes]:
    """Run a probe script from the first candidate that has `sh`; return it and the output."""
    for container in candidates:
        out, err = io.BytesIO(), io.BytesIO()
        try:
            status = transport.exec(pod.name, container.name, ["sh", "-c", script, *args],
                                    out, err)
        except ServerError as exc:
            if _no_shell(exc):
                continue
            raise
        if status in NO_SHELL_EXIT and not out.getvalue():
            continue
        if status != 0:
            detail = err.getvalue().decode(errors="replace").strip().splitlines()
            raise PidshareError(f'the probe failed in container "{container.name}" '
                                f"(exit {status}): {detail[-1] if detail else 'no message'}")
        return container, out.getvalue()
    raise no_shell_error(pod, candidates)


def group(snapshot: procfs.Snapshot, pod: Pod) -> list[list[render.Row]]:
    """Attribute every process and group the rows: sandbox, containers in spec order, unknown."""
    users: dict[str, dict[int, str]] = {}
    for cgroup, names in snapshot.passwd:
        for container_id in container_ids(cgroup):
            if container_id in pod.ids:
                users.setdefault(pod.ids[container_id].name, names)
    order = [SANDBOX, *(c.name for c in pod.containers), UNKNOWN]
    groups: dict[str, list[render.Row]] = {name: [] for name in order}
    for process in snapshot.processes.values():
        who = owner(process, pod)
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
    runner, raw = run_probe(transport, pod, candidates, procfs.script("probe"),
                            ["pidshare-probe", *ids])
    if not pod.shares_processes:
        err.write(f'warning: pod "{pod.name}" does not share its process namespace; '
                  f'showing only what container "{runner.name}" can see\n')
    groups = group(procfs.parse(raw), pod)
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
