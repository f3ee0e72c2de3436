"""One look at the Pod's processes: run the probe (or a script that ends with it), parse what it
printed, and attribute each process to its container. Every command that needs to know whose a
process is goes through here."""

from __future__ import annotations

import copy
import io
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from kubectl_pidshare import redaction
from kubectl_pidshare.pod import procfs
from kubectl_pidshare.pod.attribution import Attribution
from kubectl_pidshare.pod.model import Container, Pod
from kubectl_pidshare.pod.runner import Outcome
from kubectl_pidshare.pod.runners import Runners


@dataclass(frozen=True)
class Listing:
    """What one run saw in a Pod: the Pod, the container the script ran in, the processes (their
    secrets redacted unless asked otherwise), and whose each one is."""

    pod: Pod
    runner: Container
    snapshot: procfs.Snapshot
    output: bytes = field(default=b"", repr=False)

    @cached_property
    def attribution(self) -> Attribution:
        """Processes to containers, from the cgroups the runner's own cgroup makes sense of."""
        return Attribution(self.pod, self.runner, self.snapshot.own_cgroup)

    def process(self, pid: int) -> procfs.Process | None:
        """The process with that PID, if it was there."""
        return self.snapshot.processes.get(pid)


def redacted(seen: procfs.Snapshot) -> procfs.Snapshot:
    """A copy of a probe's snapshot with every process's arguments redacted (each process
    copied whole, then its arguments replaced: dataclasses.replace took 0.2 s of 10,000)."""
    processes = {}
    for pid, process in seen.processes.items():
        processes[pid] = copied = copy.copy(process)
        copied.args = redaction.arguments(process.args)
    return replace(seen, processes=processes)


def parsed(pod: Pod, runner: Container, raw: bytes, show_secrets: bool = False,
           output: bytes = b"") -> Listing:
    """What the probe's records in raw say (see procfs.parse), attributed (output: the whole
    output of a script that is not the probe alone)."""
    snapshot = procfs.parse(raw)
    return Listing(pod, runner, snapshot if show_secrets else redacted(snapshot),
                   output)


def snapshot(runners: Runners, script: str = "probe", args: Sequence[str] = ()
             ) -> tuple[Outcome, Listing]:
    """Run the probe (or script, whose output ends with the probe's) from the runners' choice:
    how it ended, and what it saw. A failed run raises what the probe's failure means."""
    raw = io.BytesIO()
    outcome = runners.run(script, [*args], raw)
    if outcome.status != 0:
        raise outcome.probe_failed(runners.pod.name)
    return outcome, parsed(runners.pod, outcome.container, raw.getvalue())
