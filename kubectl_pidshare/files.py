"""`kubectl pidshare cat`: the bytes of a file as a process of the Pod sees it, streamed."""

from __future__ import annotations

import os
from typing import BinaryIO

from kubectl_pidshare.errors import PidshareError, RemoteExit
from kubectl_pidshare.pods import Container, Pod, parse_pod, runner_candidates
from kubectl_pidshare.remote import Transport
from kubectl_pidshare.render import escape
from kubectl_pidshare.runner import run_script

# The statuses cat.sh exits with when it refuses; anything else is cat's own, passed through.
REFUSALS = {
    "no-process": 64, "no-access": 65, "loop": 67, "special": 68, "not-found": 69,
    "directory": 70, "not-regular": 71, "no-readlink": 72, "permission": 73,
}


def encode_path(path: str) -> str:
    """Every byte of path as a `\\0ooo` escape: argv-safe and decoded by `printf %b`."""
    return "".join(f"\\0{byte:03o}" for byte in os.fsencode(path))


def _ptrace_hint(runner: Container) -> str:
    return (
        "reading another process's root needs ptrace access: the same uid and a dumpable "
        f'process, or CAP_SYS_PTRACE; container "{runner.name}" '
        + ("has SYS_PTRACE, so the process may run as another user in another user namespace"
           if runner.may_ptrace else
           "lacks it: add SYS_PTRACE to its securityContext.capabilities.add, or use -c")
    )


def _refusal_message(code: str, detail: str, pid: int, pod: Pod, runner: Container) -> str:
    shown = escape(detail)
    messages = {
        "no-process": f'no process {pid} in pod "{pod.name}"',
        "no-access": f"cannot read the files of PID {pid}: {_ptrace_hint(runner)}",
        "loop": f"too many levels of symbolic links at {shown}",
        "special": (
            f"{shown.replace(' -> ', ' is a symlink to ')}: that is a stream or a kernel "
            f"file of the process, not a file in its root; for a container's output use: "
            f"kubectl logs {pod.name}"
        ),
        "not-found": f"{shown}: no such file as PID {pid} sees it",
        "directory": f"{shown}: is a directory",
        "not-regular": f"{shown}: not a regular file (a device, a pipe or a socket)",
        "no-readlink": (f'{shown} is a symlink and container "{runner.name}" has no readlink '
                        "to follow it: use -c with a container that has one"),
        "permission": f'{shown}: permission denied (reading from container "{runner.name}")',
    }
    return messages[code]


def cat(transport: Transport, pod_name: str, pid: int, path: str, container: str | None,
        out: BinaryIO, err: BinaryIO) -> None:
    """Stream PATH, resolved inside PID's root, to out; refusals become errors."""
    if not path.startswith("/"):
        raise PidshareError(f"{escape(path)}: the path must be absolute, as PID {pid} sees it "
                            f"(for example /{escape(path)})")
    pod = parse_pod(transport.get_pod(pod_name))
    candidates = runner_candidates(pod, container)
    outcome = run_script(transport, pod, candidates, "cat", [str(pid), encode_path(path)], out)
    out.flush()
    if outcome.status == 0:
        return
    refusal = outcome.refusal()
    if refusal and REFUSALS.get(refusal[0]) == outcome.status:
        code, detail = refusal
        raise PidshareError(_refusal_message(code, detail, pid, pod, outcome.container),
                            outcome.status)
    err.write(outcome.stderr)
    err.flush()
    raise RemoteExit(outcome.status)
