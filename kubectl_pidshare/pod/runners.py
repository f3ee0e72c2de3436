"""Where a command's scripts run: a container of the Pod chosen for the target, and pidshare's
debug container only when none of them can.

`--debug-image` (or PIDSHARE_DEBUG_IMAGE) adds an ephemeral container only when no container of
the Pod can run the script (none has `sh` and `grep`), or when the profile asked for needs what
no running container has (general: SYS_PTRACE, netadmin: NET_ADMIN and NET_RAW, sysadmin:
privileged; a non-root uid has no effective capability whatever it adds). Otherwise the script
runs from the Pod's container, and one line says why nothing was added. For a process of a
named container (`container/NAME`) those that may reach it come first, in the usual order (the
same container or uid; a root one with CAP_KILL to signal it, CAP_SYS_PTRACE to read its
files); in a Pod that does not share its process namespace only that container can see it.
For a PID, a container the kernel refused is followed by the process's own, or one of its
uid (Runners.retry).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from kubectl_pidshare.errors import PidshareError
from kubectl_pidshare.pod.debug_container import DebugOptions, debug_container, ours
from kubectl_pidshare.pod.model import Container, Pod, no_shell_error, runner_candidates
from kubectl_pidshare.pod.runner import Outcome, attempt
from kubectl_pidshare.status import ExitStatus
from kubectl_pidshare.transport import Sink, Transport

NEEDS = {"restricted": frozenset(), "general": frozenset({"SYS_PTRACE"}),
         "netadmin": frozenset({"NET_ADMIN", "NET_RAW"})}


def fits(container: Container, profile: str) -> bool:
    """Whether the container already has what the debug profile would give."""
    if container.privileged:
        return True
    if profile not in NEEDS:
        return False
    root = container.run_as_user in (None, 0) or not NEEDS[profile]
    return root and NEEDS[profile] <= container.caps_add


def reaches(runner: Container, target: Container, need: str) -> bool:
    """Whether processes of runner may probably reach those of target, as far as the spec says:
    the same container, or the same uid, or a root runner with CAP_KILL (need "signal") or
    CAP_SYS_PTRACE (need "read")."""
    if runner.name == target.name or (
            runner.run_as_user is not None and runner.run_as_user == target.run_as_user):
        return True
    if runner.run_as_user not in (None, 0):
        return False
    if need == "read":
        return runner.may_ptrace
    return runner.privileged or "KILL" in runner.caps_add or not {"KILL", "ALL"} & runner.caps_drop


def not_shared(pod: Pod, runner: Container, doing: str) -> str:
    """The warning for a Pod whose containers each see only their own processes."""
    return (f'warning: pod "{pod.name}" does not share its process namespace; {doing} what '
            f'container "{runner.name}" can see')


@dataclass
class Runners:
    """The containers to run a command's scripts from, in order; the Pod as it is now (a debug
    container added changes it)."""

    transport: Transport
    pod: Pod
    containers: list[Container]
    debug: DebugOptions
    notice: Callable[[str], object]
    target: Container | None = None
    doing: str | None = None
    said: bool = field(default=False, repr=False)

    def run(self, name: str, args: list[str], stdout: Sink) -> Outcome:
        """Run script name from the first container that has `sh` (it runs the next scripts
        too); none: from pidshare's debug container with --debug-image, else an error."""
        outcome = self._first(self.containers, name, args, stdout)
        if outcome is None and self.debug.image is not None:
            self.pod, container = debug_container(self.transport, self.pod, self.debug,
                                                  self.notice, self.target)
            self.containers, self.said = [container], True
            outcome = self._first(self.containers, name, args, stdout)
        if outcome is None:
            raise no_shell_error(self.pod, self.containers)
        return outcome

    def retry(self, code: str, owner: str | None, uid: int | None, name: str,
              args: list[str], stdout: Sink) -> Outcome | None:
        """After the container that ran script name was refused (code): run it again from
        another one that may reach a process of container owner running as uid (owner itself,
        then those of that uid), if the Pod shares its processes and there is one; None if
        there is none, or it was refused the same way."""
        ran, *others = self.containers
        if not self.pod.shares_processes or ran.name == owner:
            return None
        near = [c for c in others if c.name == owner or (uid is not None and c.run_as_user == uid)]
        near.sort(key=lambda c: c.name != owner)
        again = self._first(near, name, args, stdout)
        if again is None or (again.refusal is not None and again.refusal.code == code):
            self._settle(ran)
            return None
        return again

    def _first(self, containers: list[Container], name: str, args: list[str],
               stdout: Sink) -> Outcome | None:
        for container in containers:
            ran = attempt(self.transport, self.pod.name, container.name, name, args, stdout)
            if ran is not None:
                self._settle(container)
                return Outcome(container, *ran)
        return None

    def _settle(self, container: Container) -> None:
        self.containers = [container, *(c for c in self.containers if c != container)]
        if self.said:
            return
        self.said = True
        if self.doing is not None and not self.pod.shares_processes and not self.pod.host_pid:
            self.notice(not_shared(self.pod, container, self.doing))
        if self.debug.image is not None and not ours(container.name, container.kind):
            has = "" if self.debug.profile == "restricted" else (
                f" with what profile {self.debug.profile} gives")
            self.notice(f"not adding a debug container (--debug-image {self.debug.image}): "
                        f'container "{container.name}" of pod "{self.pod.name}" can run the '
                        f"script{has}")


def choose(transport: Transport, pod: Pod, requested: str | None, debug: DebugOptions,
           notice: Callable[[str], object], aimed: str | None = None,
           doing: str | None = None, need: str = "signal") -> Runners:
    """The Runners of a command: `--exec-container` alone, else the Pod's running containers
    (runner_candidates; with --debug-image only those that have what its profile gives),
    those that reach the container aimed at first (it alone where the Pod does not share its
    processes). doing: what the command does, for the warning on a Pod that does not share
    its processes; need: what reaching means (reaches)."""
    if debug.image is not None and requested is not None:
        raise PidshareError("--exec-container and --debug-image choose the container to run "
                            "from both: give one of them", ExitStatus.USAGE)
    own = runner_candidates(pod, requested)
    if debug.image is not None:
        own = [c for c in own if not ours(c.name, c.kind) and fits(c, debug.profile)]
    target = pod.container(aimed) if aimed is not None else None
    if target is not None and requested is None:
        if not pod.shares_processes:
            own = [c for c in own if c.name == target.name] or own
        own.sort(key=lambda c: not reaches(c, target, need))
    return Runners(transport, pod, own, debug, notice, target, doing)
