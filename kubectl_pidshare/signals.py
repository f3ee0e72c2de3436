"""`kubectl pidshare kill`: signal a process of any container, and say what was hit."""

from __future__ import annotations

import io
from typing import TextIO

from kubectl_pidshare import procfs, render
from kubectl_pidshare.attribution import SANDBOX, Owner, owner
from kubectl_pidshare.errors import PidshareError
from kubectl_pidshare.pods import Container, Pod, parse_pod, runner_candidates
from kubectl_pidshare.remote import Transport
from kubectl_pidshare.runner import Outcome, run_script

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
EXIT_NO_PROCESS, EXIT_MISMATCH, EXIT_SANDBOX = 64, 65, 66
SANDBOX_REASON = (
    "in a shared process namespace PID 1 is the Pod's sandbox (/pause), not an application: "
    "`kill -HUP 1` does not reach your program. Pass --force to signal it anyway"
)


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
    return (
        f'container "{runner.name}" {lacks}; signalling a process of {target} needs the same '
        f"uid or CAP_KILL: run from a container with that uid (-c), or add KILL to "
        f'securityContext.capabilities.add of container "{runner.name}"'
    )


def _describe(pid: int, process: procfs.Process | None, who: Owner | None) -> str:
    if process is None or who is None:
        return f"PID {pid}"
    where = "the sandbox" if who.name == SANDBOX else f'container "{who.name}"'
    return f"PID {pid} ({render.command(process.name, process.args)}) in {where}"


def _outcome_error(outcome: Outcome, pod: Pod, pid: int, expect: str | None,
                   process: procfs.Process | None, what: str) -> PidshareError:
    refusal = outcome.refusal()
    code = refusal[0] if refusal else ""
    if outcome.status == EXIT_NO_PROCESS and code == "no-process":
        return PidshareError(f'no process {pid} in pod "{pod.name}"', EXIT_NO_PROCESS)
    if outcome.status == EXIT_MISMATCH and code == "mismatch":
        return PidshareError(f"{what} does not match --expect {expect!r}: "
                             "not signalled (the PID may have been reused)", EXIT_MISMATCH)
    if outcome.status == EXIT_SANDBOX and code == "sandbox":
        return PidshareError(f"refusing to signal {what}: {SANDBOX_REASON}",
                             EXIT_SANDBOX)
    message = render.escape(outcome.stderr.decode(errors="surrogateescape").strip())
    if "not permitted" in message:
        uid = process.uid if process else None
        return PidshareError(f"permission denied signalling {what}: "
                             f"{_permission_hint(outcome.container, uid)}")
    if "No such process" in message or "no such process" in message:
        return PidshareError(f"process {pid} exited before it could be signalled",
                             EXIT_NO_PROCESS)
    return PidshareError(f"kill failed in container \"{outcome.container.name}\" "
                         f"(exit {outcome.status}): {message or 'no message'}")


def kill(transport: Transport, pod_name: str, pid: int, signal: str, container: str | None,
         expect: str | None, force: bool, out: TextIO) -> None:
    """Signal PID in the Pod after checking it is what the user means; report what was hit."""
    number, name = parse_signal(signal)
    pod = parse_pod(transport.get_pod(pod_name))
    if pid == 1 and pod.shares_processes and not force:
        raise PidshareError(f'refusing to signal PID 1 of pod "{pod.name}": {SANDBOX_REASON}',
                            EXIT_SANDBOX)
    candidates = runner_candidates(pod, container)
    ids = [c.container_id for c in pod.containers if c.container_id]
    described = io.BytesIO()
    args = [str(pid), str(number), expect or "", "force" if force else "", *pod.cgroup_names(),
            *ids]
    outcome = run_script(transport, pod, candidates, "kill", args, described)
    process = procfs.parse(described.getvalue()).processes.get(pid)
    who = owner(process, pod) if process else None
    what = _describe(pid, process, who)
    if outcome.status != 0:
        raise _outcome_error(outcome, pod, pid, expect, process, what)
    out.write(f"sent {name} to {what}\n")
