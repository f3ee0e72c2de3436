"""`kubectl pidshare kill`: signal a process of any container, and say what was hit."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import TextIO

from kubectl_pidshare import procfs, redaction
from kubectl_pidshare.attribution import SANDBOX, Attribution, is_sandbox
from kubectl_pidshare.debugging import DebugOptions, candidates, ours
from kubectl_pidshare.errors import PidshareError
from kubectl_pidshare.main_process import Aim, main_process
from kubectl_pidshare.pods import Container, Pod, parse_pod
from kubectl_pidshare.remote import Transport
from kubectl_pidshare.runner import Refusals, run_script
from kubectl_pidshare.status import ExitStatus
from kubectl_pidshare.text import command

# Linux's numbering (x86, arm): the remote side is Linux whatever the client runs on.
SIGNALS = {
    "HUP": 1, "INT": 2, "QUIT": 3, "ILL": 4, "TRAP": 5, "ABRT": 6, "BUS": 7, "FPE": 8,
    "KILL": 9, "USR1": 10, "SEGV": 11, "USR2": 12, "PIPE": 13, "ALRM": 14, "TERM": 15,
    "STKFLT": 16, "CHLD": 17, "CONT": 18, "STOP": 19, "TSTP": 20, "TTIN": 21, "TTOU": 22,
    "URG": 23, "XCPU": 24, "XFSZ": 25, "VTALRM": 26, "PROF": 27, "WINCH": 28, "IO": 29,
    "PWR": 30, "SYS": 31,
}
ALIASES = {"IOT": "ABRT", "POLL": "IO", "CLD": "CHLD"}
NAMES = {number: name for name, number in SIGNALS.items()}
SIGRTMIN, SIGRTMAX = 34, 64
SANDBOX_REASON = (
    "in a shared process namespace PID 1 is the Pod's sandbox (/pause), not an application: "
    "`kill -HUP 1` does not reach your program. Pass --force to signal it anyway"
)
REFUSALS: Refusals = {
    "no-process": (ExitStatus.NO_SUCH_PROCESS, 'no process {pid} in pod "{pod}"'),
    "not-expected": (ExitStatus.NOT_EXPECTED, "{what} does not match --expect {expect}: "
                     "not signalled (the PID may have been reused)"),
    "gone": (ExitStatus.NO_SUCH_PROCESS, "process {pid} exited before it could be signalled"),
    "denied": (ExitStatus.ERROR, "permission denied signalling {what}: {hint}"),
}


@dataclass(frozen=True)
class KillOptions:
    """What `kill` was asked for."""

    pod: str
    aim: Aim
    signal: str = "TERM"
    runner: str | None = None
    expect: str | None = None
    force: bool = False
    debug: DebugOptions = field(default_factory=DebugOptions)


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


def signal_list() -> str:
    """The names `kill -l` prints, numbered."""
    return "\n".join(f"{number:2d}) {name}" for number, name in sorted(NAMES.items())) + "\n"


def _permission_hint(runner: Container, target_uid: int | None) -> str:
    if runner.run_as_user not in (None, 0):
        lacks = f"runs as uid {runner.run_as_user}, so it has no capabilities"
    elif {"KILL", "ALL"} & runner.caps_drop and "KILL" not in runner.caps_add:
        lacks = "drops CAP_KILL"
    else:
        lacks = "lacks CAP_KILL"
    target = f"uid {target_uid}" if target_uid is not None else "another uid"
    remedy = ("pass --debug-profile general (root, with the runtime's default capabilities)"
              if ours(runner.name, runner.kind) else
              "run from a container with that uid (--exec-container), or add KILL to "
              f'securityContext.capabilities.add of container "{runner.name}"')
    return (f'container "{runner.name}" {lacks}; signalling a process of {target} needs the '
            f"same uid or CAP_KILL: {remedy}")


def _describe(pid: int, process: procfs.Process | None, owner: str | None) -> str:
    if process is None or owner is None:
        return f"PID {pid}"
    where = "the sandbox" if owner == SANDBOX else f'container "{owner}"'
    return f"PID {pid} ({command(process.name, process.args)}) in {where}"


def _refuse_sandbox(pid: int, pod: Pod, force: bool) -> None:
    if is_sandbox(pid, pod) and not force:
        raise PidshareError(f'refusing to signal PID {pid} of pod "{pod.name}": {SANDBOX_REASON}',
                            ExitStatus.SANDBOX)


def kill(transport: Transport, options: KillOptions, out: TextIO, err: TextIO) -> None:
    """Signal the PID after checking it is what the user means; report what was hit."""
    number, name = parse_signal(options.signal)
    pod = parse_pod(transport.get_pod(options.pod))
    if options.aim.pid is not None:
        _refuse_sandbox(options.aim.pid, pod, options.force)
    def notice(line: str) -> None:
        err.write(line + "\n")

    pod, runners = candidates(transport, pod, options.runner, options.debug, notice)
    pid = options.aim.pid
    if pid is None:
        pid = main_process(transport, pod, runners, str(options.aim.container), notice)
        _refuse_sandbox(pid, pod, options.force)
    described = io.BytesIO()
    outcome = run_script(transport, pod, runners, "kill",
                         [str(pid), str(number), options.expect or ""], described)
    snapshot = redaction.snapshot(procfs.parse(described.getvalue()))
    process = snapshot.processes.get(pid)
    owner = None
    if process is not None:
        owner = Attribution(pod, outcome.container, snapshot.own_cgroup).owner(process).name
    what = _describe(pid, process, owner)
    refusal = outcome.refusal
    if refusal is not None:
        uid = process.uid if process else None
        raise refusal.error(REFUSALS, pid=str(pid), pod=pod.name, what=what,
                            expect=repr(options.expect),
                            hint=_permission_hint(outcome.container, uid))
    if outcome.status != 0:
        raise PidshareError(f'kill failed in container "{outcome.container.name}" '
                            f"(exit {outcome.status}): {outcome.message()}")
    out.write(f"sent {name} to {what}\n")
