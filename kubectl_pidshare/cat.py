"""`kubectl pidshare cat`: the bytes of a file as a process of the Pod sees it, streamed."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import BinaryIO

from kubectl_pidshare.errors import PidshareError, RemoteExit
from kubectl_pidshare.pod.aim import Aim, main_process
from kubectl_pidshare.pod.attribution import Attribution
from kubectl_pidshare.pod.debug_container import DebugOptions
from kubectl_pidshare.pod.model import Pod, parse_pod
from kubectl_pidshare.pod.permissions import CAP_SYS_PTRACE, advice
from kubectl_pidshare.pod.runner import Outcome, Refusals
from kubectl_pidshare.pod.runners import Runners, choose
from kubectl_pidshare.pod.snapshot import snapshot
from kubectl_pidshare.signals import NAMES
from kubectl_pidshare.status import ExitStatus
from kubectl_pidshare.text import escape
from kubectl_pidshare.transport import Sink, Transport

READ_MARK = b"pidshare-read "
CGROUP = re.compile(rb"^/proc/(\d+)/cgroup:(.*)$", re.MULTILINE)
REFUSALS: Refusals = {
    "no-process": (ExitStatus.NO_SUCH_PROCESS, 'no process {pid} in pod "{pod}"'),
    "no-access": (ExitStatus.NO_PTRACE_ACCESS, "cannot read the files of PID {pid}: {ptrace}"),
    "loop": (ExitStatus.SYMLINK_LOOP, "too many levels of symbolic links at {detail}"),
    "special": (ExitStatus.SPECIAL_FILE, "{link}: that is a stream or a kernel file of the "
                "process, not a file in its root; for a container's output use: {logs}"),
    "not-found": (ExitStatus.NO_SUCH_FILE, "{detail}: no such file as PID {pid} sees it"),
    "directory": (ExitStatus.IS_A_DIRECTORY, "{detail}: is a directory"),
    "not-regular": (ExitStatus.NOT_A_REGULAR_FILE,
                    "{detail}: not a regular file (a device, a pipe or a socket)"),
    "no-readlink": (ExitStatus.NO_READLINK, '{detail} is a symlink and container "{runner}" has '
                    "no readlink to follow it: use --exec-container with a container that has one"),
    "permission": (ExitStatus.PERMISSION_DENIED,
                   '{detail}: permission denied (reading from container "{runner}")'),
    "changed": (ExitStatus.CHANGED, "{detail}: changed while it was being opened (PID {pid}'s "
                "container is changing it); nothing was read: try again"),
}


@dataclass(frozen=True)
class CatOptions:
    """What `cat` (and ls, cp) was asked for: a path, absolute, as the process aimed at sees it
    (checked here, before any request)."""

    pod: str
    aim: Aim
    path: str
    runner: str | None = None
    debug: DebugOptions = field(default_factory=DebugOptions)

    def __post_init__(self) -> None:
        if not self.path.startswith("/"):
            shown = escape(self.path)
            raise PidshareError(f"{shown}: the path must be absolute, as {_who(self.aim)} sees "
                                f"it (for example /{shown})")


def encode_path(path: str) -> str:
    """Every byte of path as a `\\0ooo` escape: argv-safe and decoded by `printf %b`."""
    return "".join(f"\\0{byte:03o}" for byte in os.fsencode(path))


def _who(aim: Aim) -> str:
    return f"PID {aim.pid}" if aim.pid is not None else f'container "{aim.container}"'


def target(transport: Transport, options: CatOptions, err: BinaryIO) -> tuple[Runners, int]:
    """The containers to run from (chosen to read the target), and the PID aimed at
    (container/NAME's main process, said on err)."""
    pod = parse_pod(transport.get_pod(options.pod))

    def notice(line: str) -> None:
        err.write(line.encode() + b"\n")

    runners = choose(transport, pod, options.runner, options.debug, notice,
                     options.aim.container, "acting only on", "read")
    pid = options.aim.pid
    if pid is None:
        pid = main_process(runners, str(options.aim.container), notice)
    return runners, pid


def read_file(runners: Runners, pid: int, path: str, out: Sink
              ) -> tuple[Outcome, bytes, str | None]:
    """Run cat.sh, streaming path to out byte-exact: how it ended, what it said on stderr (the
    size line taken out), and, where fewer bytes arrived than the script read, how many."""
    held = HoldLast(out)
    outcome = _read(runners, pid, path, held)
    said, size = _read_size(outcome.stderr)
    drop = size is not None and held.count == size + 1
    held.finish(drop=drop)
    arrived = held.count - drop
    short = (f"{arrived} of its {size} bytes arrived" if size is not None and arrived != size
             and outcome.status == 0 else None)
    return outcome, said, short


def refused(outcome: Outcome, pod: Pod, pid: int, aim: Aim,
            table: Refusals = REFUSALS) -> PidshareError:
    """The error of a script that refused to read a path of PID's root."""
    refusal = outcome.refusal
    assert refusal is not None
    ptrace = ""
    if refusal.code == "no-access":
        ptrace = advice(pod, outcome.container, refusal.detail, CAP_SYS_PTRACE, aim.container)
    return refusal.error(table, pid=str(pid), pod=pod.name, runner=outcome.container.name,
                         ptrace=ptrace, logs=pod.kubectl("logs", _owner(pod, outcome, pid)),
                         link=escape(refusal.detail).replace(" -> ", " is a symlink to "))


def cat(transport: Transport, options: CatOptions, out: BinaryIO, err: BinaryIO) -> None:
    """Stream PATH, resolved inside PID's root, to out; refusals become errors."""
    runners, pid = target(transport, options, err)
    outcome, said, short = read_file(runners, pid, options.path, out)
    out.flush()
    if outcome.refusal is not None:
        raise refused(outcome, runners.pod, pid, options.aim)
    if short is not None:
        raise PidshareError(f"{escape(options.path)}: the stream was cut on its way: {short} "
                            "(the API server or the kubelet closed it early); what was written "
                            "is incomplete", ExitStatus.INCOMPLETE)
    if outcome.status != 0:
        err.write(said)
        err.flush()
        raise RemoteExit(outcome.status, _killed(outcome.status) if not said else None)


def _owner(pod: Pod, outcome: Outcome, pid: int) -> str | None:
    """The container of process pid, from the cgroup lines its refusal put on stderr (the
    process's, then the script's shell's)."""
    lines = {int(number): line.decode(errors="replace")
             for number, line in CGROUP.findall(outcome.stderr)}
    target = lines.pop(pid, None)
    if target is None:
        return None
    own = next(iter(lines.values()), None)
    found = Attribution(pod, outcome.container, own).container(target)
    return found.name if found is not None else None


class HoldLast:
    """A sink that passes on all but the last byte written so far, until finish: where the
    runner has no cat, grep streams the file with a NUL after its last piece, which belongs to
    the file only if grep read one more byte than it wrote."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.count = 0
        self.last = b""

    def write(self, data: bytes | memoryview) -> int:
        """Pass on the byte held and all of data but its last byte, which is held."""
        view = memoryview(data)
        if not view:
            return 0
        if self.last:
            self.sink.write(self.last)
        self.sink.write(view[:-1])
        self.last = bytes(view[-1:])
        self.count += len(view)
        return len(view)

    def finish(self, drop: bool) -> None:
        """Pass on the byte held, unless it is grep's NUL."""
        if not (drop and self.last == b"\0"):
            self.sink.write(self.last)
        self.last = b""


def _read_size(stderr: bytes) -> tuple[bytes, int | None]:
    """The script's stderr without grep's `pidshare-read SIZE` line, and SIZE if it is there."""
    head, mark, size = stderr.rpartition(READ_MARK)
    if not mark or not size.rstrip(b"\n").isdigit() or (head and not head.endswith(b"\n")):
        return stderr, None
    return head, int(size)


def _read(runners: Runners, pid: int, path: str, out: Sink) -> Outcome:
    """Run the cat script (see read_root)."""
    return read_root(runners, pid, "cat", [str(pid), encode_path(path)], out)


def read_root(runners: Runners, pid: int, name: str, args: list[str], out: Sink) -> Outcome:
    """Run script name (cat, tree) on PID's root; if the runner may not read it, again from a
    container that may (the process's own, or one of its uid), found with a probe."""
    outcome = runners.run(name, args, out)
    refusal = outcome.refusal
    if refusal is None or refusal.code != "no-access" or len(runners.containers) < 2:
        return outcome
    try:
        _, listing = snapshot(runners)
    except PidshareError:
        return outcome
    process = listing.process(pid)
    if process is None:
        return outcome
    return runners.retry(refusal.code, listing.attribution.owner(process).name, process.uid, name,
                         args, out) or outcome


def _killed(status: int) -> str | None:
    """What a silent remote exit by a signal means: the container's processes were killed."""
    if status <= 128:
        return None
    number = status - 128
    name = f"SIG{NAMES[number]}" if number in NAMES else f"signal {number}"
    return (f'error: the remote cat was killed by {name} (exit {status}): the pod was deleted or '
            "its container restarted? The output is incomplete")
