"""`kubectl pidshare ps`: every process of a Pod, per container, as a tree."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import TextIO

from kubectl_pidshare import procfs, render
from kubectl_pidshare.attribution import SANDBOX, UNKNOWN, Attribution
from kubectl_pidshare.debugging import DebugOptions, candidates, ours
from kubectl_pidshare.errors import PidshareError
from kubectl_pidshare.pods import Container, Pod, no_shell_error, parse_pod, runner_candidates
from kubectl_pidshare.remote import Transport
from kubectl_pidshare.runner import Outcome, attempt, run_script


@dataclass(frozen=True)
class PsOptions:
    """What `ps` was asked for: the Pod, the container to run from (None: choose), the format."""

    pod: str
    runner: str | None = None
    output: str = "tree"
    debug: DebugOptions = field(default_factory=DebugOptions)


def group(snapshot: procfs.Snapshot, pod: Pod, runner: Container) -> list[list[render.Row]]:
    """Attribute every process and group the rows: sandbox, containers in spec order, unknown.
    pidshare's own debug containers (their keep-alive loop) are not listed."""
    attribution = Attribution(pod, runner, snapshot.own_cgroup)
    users: dict[str, dict[int, str]] = {}
    for cgroup, names in snapshot.passwd:
        container = attribution.container(cgroup)
        if container is not None:
            users.setdefault(container.name, names)
    order = [SANDBOX, *(c.name for c in pod.containers), UNKNOWN]
    groups: dict[str, list[render.Row]] = {name: [] for name in order}
    for process in snapshot.processes.values():
        who = attribution.owner(process)
        if ours(who.name, who.kind):
            continue
        groups[who.name].append(render.Row(
            pid=process.pid, ppid=process.ppid, owner=who,
            user=users.get(who.name, {}).get(process.uid, str(process.uid)), uid=process.uid,
            state=process.state, threads=process.threads, rss_kib=process.rss_kib,
            cpu_seconds=process.cpu_seconds,
            start=render.start_time(snapshot.boot_time, process.start_ticks, procfs.CLOCK_TICKS),
            name=process.name, args=tuple(process.args),
        ))
    return [groups[name] for name in order if groups[name]]


def _probe(transport: Transport, options: PsOptions, raw: io.BytesIO, err: TextIO
           ) -> tuple[Pod, Outcome]:
    """The Pod and the probe's run. With a runner named, the Pod is fetched while the probe
    runs (the probe takes no argument)."""
    if options.runner is None or options.debug.image:
        pod, runners = candidates(transport, parse_pod(transport.get_pod(options.pod)),
                                  options.runner, options.debug,
                                  lambda line: err.write(line + "\n"))
        return pod, run_script(transport, pod, runners, "probe", [], raw)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        fetched = pool.submit(transport.get_pod, options.pod)
        ran: tuple[int, bytes] | PidshareError | None
        try:
            ran = attempt(transport, options.pod, options.runner, "probe", [], raw)
        except PidshareError as exc:
            ran = exc
        pod = parse_pod(fetched.result())
    runner = runner_candidates(pod, options.runner)[0]
    if isinstance(ran, PidshareError):
        raise ran
    if ran is None:
        raise no_shell_error(pod, [runner])
    return pod, Outcome(runner, *ran)


def ps(transport: Transport, options: PsOptions, out: TextIO, err: TextIO,
       width: int | None = None) -> None:
    """List the Pod's processes on out, table lines cut to width if given; warnings on err."""
    raw = io.BytesIO()
    pod, outcome = _probe(transport, options, raw, err)
    runner = outcome.container
    if outcome.status != 0:
        raise PidshareError(f'the probe failed in container "{runner.name}" '
                            f"(exit {outcome.status}): {outcome.message()}")
    if not pod.shares_processes:
        err.write(f'warning: pod "{pod.name}" does not share its process namespace; '
                  f'showing only what container "{runner.name}" can see\n')
    groups = group(procfs.parse(raw.getvalue()), pod, runner)
    if options.output in ("json", "yaml"):
        doc = render.document({
            "pod": pod.name, "namespace": pod.namespace, "shareProcessNamespace":
            pod.shares_processes, "probeContainer": runner.name,
            "containers": [{"name": c.name, "kind": c.kind, "containerID": c.container_id,
                            "running": c.running} for c in pod.containers],
        }, groups)
        (render.write_json if options.output == "json" else render.write_yaml)(out, doc)
    else:
        render.write_table(out, groups, wide=options.output == "wide", width=width)
