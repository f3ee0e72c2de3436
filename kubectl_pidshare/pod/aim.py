"""`container/NAME` in place of a PID: that container's main process (its oldest), so nobody
needs a PID that changes at every restart."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kubectl_pidshare.errors import PidshareError
from kubectl_pidshare.pod.model import not_running
from kubectl_pidshare.pod.runners import Runners
from kubectl_pidshare.pod.snapshot import snapshot
from kubectl_pidshare.status import ExitStatus
from kubectl_pidshare.text import command, escape, shorten

PREFIX = "container/"
COMMAND_SHOWN = 80  # characters of a command line said on one line


@dataclass(frozen=True)
class Aim:
    """The process a command acts on: a PID, or a container whose main process it is."""

    pid: int | None = None
    container: str | None = None

    def __str__(self) -> str:
        return f"{PREFIX}{self.container}" if self.container is not None else str(self.pid)


def parse_aim(text: str) -> Aim:
    """`8` or `container/nginx`; anything else is a usage error."""
    if text.startswith(PREFIX) and len(text) > len(PREFIX):
        return Aim(container=text[len(PREFIX):])
    if text.isdigit() and int(text) >= 1:
        return Aim(pid=int(text))
    raise PidshareError(f'invalid process "{escape(text)}": a PID (1 or more), or '
                        "container/NAME for that container's main process", ExitStatus.USAGE)


def main_process(runners: Runners, container: str, notice: Callable[[str], object]) -> int:
    """The PID of the container's oldest process, found with one probe, and said."""
    pod = runners.pod
    if not pod.container(container).running:
        raise PidshareError(not_running(pod, pod.container(container)),
                            ExitStatus.NO_SUCH_PROCESS)
    _, listing = snapshot(runners)
    mine = [process for process in listing.snapshot.processes.values()
            if listing.attribution.owner(process).name == container]
    if not mine:
        raise PidshareError(f'container "{container}" of pod "{pod.name}" has no process',
                            ExitStatus.NO_SUCH_PROCESS)
    oldest = min(mine, key=lambda process: (process.start_ticks, process.pid))
    notice(f'the main process of container "{container}" is PID {oldest.pid} '
           f"({shorten(command(oldest.name, oldest.args), COMMAND_SHOWN)})")
    return oldest.pid
