"""`kubectl pidshare ps`: every process of the targeted Pods, per container, as trees."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TextIO, Union

from kubectl_pidshare.cluster.targets import Targets, nothing_found, resolve
from kubectl_pidshare.errors import Failed, PidshareError, describe
from kubectl_pidshare.output import render
from kubectl_pidshare.pod import procfs
from kubectl_pidshare.pod.attribution import NODE, SANDBOX, UNKNOWN
from kubectl_pidshare.pod.debug_container import DebugOptions, ours
from kubectl_pidshare.pod.model import (
    Container,
    Pod,
    no_shell_error,
    not_running,
    parse_pod,
    runner_candidates,
)
from kubectl_pidshare.pod.own import compact, started_by_pidshare
from kubectl_pidshare.pod.runner import Outcome, attempt
from kubectl_pidshare.pod.runners import choose, not_shared
from kubectl_pidshare.pod.snapshot import Listing, parsed
from kubectl_pidshare.pod.zombies import notes
from kubectl_pidshare.transport import Transport

CONCURRENT = 10
COLUMNS = {"wide": render.WIDE, "signals": render.SIGNALS}
DOCUMENTS = ("json", "yaml")  # kubectl prints an empty List, and no "No resources found"


@dataclass(frozen=True)
class PsOptions:
    """What `ps` was asked for: the targets, whose processes to show (-c, None: every
    container's), the container to run from (None: choose), the format and order, and whether
    to show pidshare's own processes and debug containers."""

    targets: Targets
    container: str | None = None
    runner: str | None = None
    output: str = "tree"
    headers: bool = True
    sort_by: str | None = None
    debug: DebugOptions = field(default_factory=DebugOptions)
    show_pidshare: bool = False
    show_secrets: bool = False
    script: str = "probe"
    args: tuple[str, ...] = ()


Probed = Union[Listing, PidshareError]


def group(listing: Listing, container: str | None = None, show_pidshare: bool = False
          ) -> list[list[render.Row]]:
    """Attribute every process and group the rows: sandbox, containers in spec order, the
    node's (hostPID), unknown (only the named container's, if one is). pidshare's own
    processes (other runs' scripts, its debug containers) are listed only with show_pidshare,
    compactly."""
    pod, snapshot, attribution = listing.pod, listing.snapshot, listing.attribution
    users: dict[str, dict[int, str]] = {}
    for cgroup, names in snapshot.passwd:
        owner = attribution.container(cgroup)
        if owner is not None:
            users.setdefault(owner.name, names)
    order = [SANDBOX, *(c.name for c in pod.containers), NODE, UNKNOWN]
    if container is not None:
        order = [container]
    groups: dict[str, list[render.Row]] = {name: [] for name in order}
    pidshare = started_by_pidshare(snapshot.processes.values())
    for process in snapshot.processes.values():
        who = attribution.owner(process, snapshot.processes)
        hidden = process.pid in pidshare or ours(who.name, who.kind)
        if (hidden and not show_pidshare) or who.name not in groups:
            continue
        groups[who.name].append(render.Row(
            pid=process.pid, ppid=process.ppid, owner=who,
            user=users.get(who.name, {}).get(process.uid, str(process.uid)), uid=process.uid,
            state=process.state, threads=process.threads, rss_kib=process.rss_kib,
            cpu_seconds=process.cpu_seconds,
            start=render.start_time(snapshot.boot_time, process.start_ticks, procfs.CLOCK_TICKS),
            name=process.name, args=compact(process), dispositions=process.dispositions,
        ))
    return [groups[name] for name in order if groups[name]]


def _overlapped(transport: Transport, name: str, runner: str, raw: io.BytesIO, script: str,
                args: tuple[str, ...] = ()) -> tuple[Pod, Outcome]:
    """With the container to run from named, the Pod is fetched while the probe runs (the
    probe takes no argument)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        fetched = pool.submit(transport.get_pod, name)
        ran: tuple[int, bytes] | PidshareError | None
        try:
            ran = attempt(transport, name, runner, script, [*args], raw)
        except PidshareError as exc:
            ran = exc
        pod = parse_pod(fetched.result())
    chosen = runner_candidates(pod, runner)[0]
    if isinstance(ran, PidshareError):
        raise ran
    if ran is None:
        raise no_shell_error(pod, [chosen])
    return pod, Outcome(chosen, *ran)


def probe(transport: Transport, options: PsOptions, name: str, err: TextIO,
          document: dict[str, Any] | None = None) -> Listing:
    """Run the probe in Pod name (its document, if already fetched): what it saw, and where."""
    raw = io.BytesIO()
    if document is None and options.runner is not None and not options.debug.image:
        pod, outcome = _overlapped(transport, name, options.runner, raw, options.script,
                                   options.args)
    else:
        runners = choose(transport, parse_pod(document or transport.get_pod(name)),
                         options.runner, options.debug, lambda line: err.write(line + "\n"))
        outcome = runners.run(options.script, [*options.args], raw)
        pod = runners.pod
    runner = outcome.container
    if options.container is not None:
        pod.container(options.container)
    if outcome.status != 0:
        raise outcome.probe_failed(pod.name)
    _warn(pod, runner, options.container, err)
    return parsed(pod, runner, raw.getvalue(), options.show_secrets,
                  raw.getvalue() if options.script != "probe" else b"")


def _warn(pod: Pod, runner: Container, shown: str | None, err: TextIO) -> None:
    """What the listing of pod cannot show: the node's processes as such (hostPID), the other
    containers' (a Pod that does not share), those of containers that do not run."""
    if pod.host_pid:
        err.write(f'note: pod "{pod.name}" shares the node\'s process namespace (hostPID): '
                  f"the listing includes the node's processes, as {NODE}\n")
    elif not pod.shares_processes:
        err.write(not_shared(pod, runner, "showing only") + "\n")
    for container in pod.containers:
        if not container.running and (shown == container.name or (
                shown is None and container.kind == "container")):
            err.write(f"warning: {not_running(pod, container)}\n")


def _safely(task: Callable[[], Listing]) -> Probed:
    try:
        return task()
    except PidshareError as exc:
        return exc
    except Exception as exc:  # noqa: BLE001 - one Pod's failure must not hide the others
        return PidshareError(describe(exc))


def probe_all(transport: Transport, options: PsOptions, documents: Sequence[dict[str, Any]],
              err: TextIO) -> list[Probed]:
    """Probe every Pod, CONCURRENT at a time, each over its own connection: a Listing or
    the error of each, in order."""
    from concurrent.futures import ThreadPoolExecutor

    tasks = [(transport.namespaced(document["metadata"].get("namespace") or transport.namespace),
              document) for document in documents]

    def one(task: tuple[Transport, dict[str, Any]]) -> Probed:
        own, document = task
        return _safely(lambda: probe(own, options, document["metadata"]["name"], err, document))

    if len(tasks) == 1:
        return [one(tasks[0])]
    with ThreadPoolExecutor(max_workers=min(CONCURRENT, len(tasks)) or 1) as pool:
        return list(pool.map(one, tasks))


def gather(transport: Transport, options: PsOptions, err: TextIO
           ) -> tuple[list[Listing], list[PidshareError]]:
    """The Listings of every Pod the targets come to, and what failed on the way."""
    if options.targets.one_pod:
        return [probe(transport, options, options.targets.refs[0].name, err)], []
    resolved = resolve(transport, options.targets)
    probed = probe_all(transport, options, resolved.pods, err)
    if not probed and not resolved.errors and options.output not in DOCUMENTS:
        err.write(nothing_found(transport, options.targets) + "\n")
    return ([p for p in probed if isinstance(p, Listing)],
            [*resolved.errors, *(p for p in probed if isinstance(p, PidshareError))])


def prefix(options: PsOptions) -> tuple[str, ...]:
    """The columns that say which Pod: none for one named Pod, else POD (NAMESPACE too
    with -A)."""
    if options.targets.one_pod:
        return ()
    return ("NAMESPACE", "POD") if options.targets.all_namespaces else ("POD",)


def sections(listings: Sequence[Listing], options: PsOptions) -> list[render.Section]:
    """Each Pod's groups with its prefix cells."""
    names = prefix(options)
    cells = {"NAMESPACE": lambda pod: pod.namespace, "POD": lambda pod: pod.name}
    return [(tuple(cells[name](listing.pod) for name in names),
             group(listing, options.container, options.show_pidshare)) for listing in listings]


def report(failures: Sequence[PidshareError], err: TextIO) -> None:
    """Each failure on its line; the status of the first, if any failed."""
    for failure in failures:
        err.write(failure.render() + "\n")
    if failures:
        raise Failed(failures[0].status)


def _document(listing: Listing, options: PsOptions) -> dict[str, Any]:
    pod, runner = listing.pod, listing.runner
    return render.document({
        "pod": pod.name, "namespace": pod.namespace, "shareProcessNamespace":
        pod.shares_processes, "hostPID": pod.host_pid, "probeContainer": runner.name,
        "containers": [{"name": c.name, "kind": c.kind, "containerID": c.container_id,
                        "running": c.running} for c in pod.containers],
    }, group(listing, options.container, options.show_pidshare))


def ps(transport: Transport, options: PsOptions, out: TextIO, err: TextIO,
       width: int | None = None, now: datetime | None = None) -> None:
    """List the Pods' processes on out, table lines cut to width if given; warnings and each
    Pod's failure on err (the others are listed all the same)."""
    listings, failures = gather(transport, options, err)
    if options.output in DOCUMENTS:
        documents = [_document(listing, options) for listing in listings]
        doc = (documents[0] if options.targets.one_pod else {
            "apiVersion": "v1", "items": documents, "kind": "List",
            "metadata": {"resourceVersion": ""}})
        (render.write_json if options.output == "json" else render.write_yaml)(out, doc)
    elif listings:
        columns = COLUMNS.get(options.output, render.TREE)
        render.write_table(out, sections(listings, options), render.Layout(
            columns, options.headers, prefix(options), options.sort_by, width, now))
    for listing in listings:
        for line in notes(listing):
            err.write(line + "\n")
    report(failures, err)
