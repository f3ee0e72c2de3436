"""`kubectl pidshare kill`: signal a process of any container, and say what was hit."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TextIO

from kubectl_pidshare.errors import PidshareError
from kubectl_pidshare.pod import procfs
from kubectl_pidshare.pod.aim import COMMAND_SHOWN, Aim, main_process
from kubectl_pidshare.pod.attribution import NODE, is_sandbox
from kubectl_pidshare.pod.debug_container import DebugOptions
from kubectl_pidshare.pod.model import Pod, parse_pod
from kubectl_pidshare.pod.permissions import CAP_KILL, advice
from kubectl_pidshare.pod.runner import Outcome, Refusal, Refusals
from kubectl_pidshare.pod.runners import Runners, choose
from kubectl_pidshare.pod.snapshot import parsed, snapshot
from kubectl_pidshare.pod.zombies import where
from kubectl_pidshare.signals import ALIASES, NAMES, SIGNALS, SIGRTMAX, SIGRTMIN
from kubectl_pidshare.status import ExitStatus
from kubectl_pidshare.text import command, shorten
from kubectl_pidshare.transport import Transport

SANDBOX_REASON = (
    "in a shared process namespace PID 1 is the Pod's sandbox (/pause), not an application: "
    "`kill -{signal} 1` does not reach your program. Pass --force to signal it anyway"
)

REFUSALS: Refusals = {
    "no-process": (ExitStatus.NO_SUCH_PROCESS, 'no process {pid} in pod "{pod}"'),
    "not-expected": (ExitStatus.NOT_EXPECTED, "{what} does not match --expect {expect}: "
                     "not signalled (the PID may have been reused)"),
    "gone": (ExitStatus.NO_SUCH_PROCESS, "process {pid} exited before it could be signalled"),
    "denied": (ExitStatus.ERROR, "permission denied signalling {what}: {hint}"),
    "uncaught": (ExitStatus.UNCAUGHT, "{process} does not catch {signal}: its default action "
                 "would terminate it; pass --force to send it anyway"),
    "ignored": (ExitStatus.IGNORED, "{process} ignores {signal}: nothing would happen; pass "
                "--force to send it anyway"),
}


@dataclass(frozen=True)
class KillOptions:
    """What `kill` was asked for."""

    pod: str
    aim: Aim = field(default_factory=Aim)
    signal: str = "TERM"
    runner: str | None = None
    expect: str | None = None
    force: bool = False
    debug: DebugOptions = field(default_factory=DebugOptions)
    dry_run: bool = False

    def __post_init__(self) -> None:
        self.signo  # noqa: B018 - an unknown signal is refused when the options are made

    @cached_property
    def signo(self) -> tuple[int, str]:
        """The signal's number and name (see parse_signal)."""
        return parse_signal(self.signal)


def parse_signal(text: str) -> tuple[int, str]:
    """`HUP`, `SIGHUP`, `hup` or `1` -> (1, "SIGHUP"); 0 checks existence only."""
    word = text.strip().upper()
    if word.isdigit():
        number = int(word)
        if number in NAMES:
            return number, f"SIG{NAMES[number]}"
        if number == 0 or SIGRTMIN <= number <= SIGRTMAX:
            return number, f"signal {number}"
    else:
        name = ALIASES.get(word.removeprefix("SIG"), word.removeprefix("SIG"))
        if name in SIGNALS:
            return SIGNALS[name], f"SIG{name}"
    raise PidshareError(
        f'unknown signal "{text}": use a name such as HUP or TERM, or a number '
        "(list them with: kubectl pidshare kill -l)"
    )


def is_signal(word: str) -> bool:
    """Whether word names a signal, as parse_signal reads it (HUP, sighup, 9)."""
    try:
        parse_signal(word)
    except PidshareError:
        return False
    return True


def signal_list() -> str:
    """The names `kill -l` prints, numbered."""
    return "\n".join(f"{number:2d}) {name}" for number, name in sorted(NAMES.items())) + "\n"


def _describe(pid: int, process: procfs.Process | None, owner: str | None) -> str:
    if process is None or owner is None:
        return f"PID {pid}"
    return f"PID {pid} ({_shown(process)}) in {where(owner)}"


def _shown(process: procfs.Process) -> str:
    return shorten(command(process.name, process.args), COMMAND_SHOWN)


def _process(pid: int, process: procfs.Process | None) -> str:
    if process is None:
        return f"process {pid}"
    return f"process {pid} ({_shown(process)})"


def _pending(process: procfs.Process | None, number: int, name: str) -> str:
    """What the kill line adds for a signal the process blocks."""
    held = process.dispositions if process is not None else None
    if number == 0 or held is None or not held.blocked >> (number - 1) & 1:
        return ""
    return (f"; it blocks {name}: the signal stays pending until the process unblocks it "
            "(or takes it with sigwait)")


def _refuse_sandbox(pid: int, pod: Pod, force: bool, signal: tuple[int, str]) -> None:
    if is_sandbox(pid, pod) and not force:
        number, name = signal
        reason = SANDBOX_REASON.format(signal=name[3:] if name.startswith("SIG") else number)
        raise PidshareError(f'refusing to signal PID {pid} of pod "{pod.name}": {reason}',
                            ExitStatus.SANDBOX)


def _refuse_node(runners: Runners, pid: int) -> None:
    """In a Pod that shares the node's processes (hostPID), refuse a process that belongs to no
    container of the Pod, as the probe attributes it."""
    _, listing = snapshot(runners)
    process = listing.process(pid)
    if process is not None and listing.attribution.owner(process).name == NODE:
        raise PidshareError(
            f"refusing to signal PID {pid} "
            f"({shorten(command(process.name, process.args), COMMAND_SHOWN)}) of pod "
            f'"{runners.pod.name}": it belongs to no container of the Pod; the Pod shares the '
            "node's process namespace (hostPID), so it is a process of the node (PID 1 is the "
            "node's init). Pass --force to signal it anyway", ExitStatus.SANDBOX)


def _described(runners: Runners, outcome: Outcome, described: io.BytesIO, pid: int
               ) -> tuple[procfs.Process | None, str | None]:
    listing = parsed(runners.pod, outcome.container, described.getvalue())
    process = listing.process(pid)
    if process is None:
        return None, None
    return process, listing.attribution.owner(process).name


def _signal(runners: Runners, pid: int, number: int, options: KillOptions
            ) -> tuple[Outcome, procfs.Process | None, str | None]:
    """Run the kill script (again from a container that may reach the process, if the kernel
    refused the first): how it ended, the process it described and its owner."""
    args = [str(pid), str(number), options.expect or "", *(["force"] if options.force else [])]
    described = io.BytesIO()
    outcome = runners.run("kill", args, described)
    process, owner = _described(runners, outcome, described, pid)
    refusal = outcome.refusal
    if refusal is not None and refusal.code == "denied":
        again = io.BytesIO()
        retried = runners.retry(refusal.code, owner, process.uid if process else None, "kill",
                                args, again)
        if retried is not None:
            return (retried, *_described(runners, retried, again, pid))
    return outcome, process, owner


def kill(transport: Transport, options: KillOptions, out: TextIO, err: TextIO) -> None:
    """Signal the PID of one Pod after checking it is what the user means; report what was
    hit (with dry_run, what would be)."""
    pod = parse_pod(transport.get_pod(options.pod))

    def notice(line: str) -> None:
        err.write(line + "\n")

    out.write(signal_in(transport, pod, options, notice) + "\n")


def signal_in(transport: Transport, pod: Pod, options: KillOptions,
              notice: Callable[[str], object], chosen: Callable[[str], object] | None = None
              ) -> str:
    """Signal the process aimed at in pod, from one of its containers (notice: warnings;
    chosen: the line naming a container's main process, notice if None): the line that says
    what was hit, or with dry_run what would be (nothing is sent)."""
    number, name = options.signo
    if options.aim.pid is not None:
        _refuse_sandbox(options.aim.pid, pod, options.force, (number, name))
    runners = choose(transport, pod, options.runner, options.debug, notice,
                     options.aim.container, "acting only on")
    pid = options.aim.pid
    if pid is None:
        pid = main_process(runners, str(options.aim.container), chosen or notice)
        _refuse_sandbox(pid, runners.pod, options.force, (number, name))
    elif pod.host_pid and not options.force:
        _refuse_node(runners, pid)
    if options.dry_run:
        return _dry(runners, pid, number, name)
    outcome, process, owner = _signal(runners, pid, number, options)
    what = _describe(pid, process, owner)
    refusal = outcome.refusal
    if refusal is not None:
        hint = ""
        if refusal.code == "denied":
            hint = advice(runners.pod, outcome.container, refusal.detail, CAP_KILL, owner)
        raise refusal.error(REFUSALS, pid=str(pid), pod=runners.pod.name, what=what,
                            expect=repr(options.expect), hint=hint, signal=name,
                            process=_process(pid, process))
    if outcome.status != 0:
        raise PidshareError(f'kill failed in container "{outcome.container.name}" '
                            f"(exit {outcome.status}): {outcome.message()}")
    return f"sent {name} to {what}{_pending(process, number, name)}"


def _dry(runners: Runners, pid: int, number: int, name: str) -> str:
    """What a run would signal, and what the process does with the signal, from one probe:
    nothing is sent."""
    _, listing = snapshot(runners)
    process = listing.process(pid)
    if process is None:
        raise Refusal("no-process", str(pid)).error(REFUSALS, pid=str(pid), pod=runners.pod.name)
    owner = listing.attribution.owner(process, listing.snapshot.processes).name
    held = process.dispositions
    does = f", which {held.does(number)} it" if held is not None and number else ""
    return f"would send {name} to {_describe(pid, process, owner)}{does} (dry run: nothing sent)"
