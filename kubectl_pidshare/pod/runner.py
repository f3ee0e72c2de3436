"""Run one of pidshare's shell scripts in a container of the Pod, and decode how it ended.

Every script is run after PREAMBLE, which defines what the scripts share:
- `refuse CODE DETAIL` prints `pidshare: CODE DETAIL` on stderr and exits with REFUSED: the
  scripts name what went wrong, and only Python turns a refusal into a message and an exit
  status, through the table each command declares;
- `cgroup_line FILE...` prints, for each cgroup file, `FILE:` and the first line that carries a
  container ID (64 hex digits, in any cgroup version, driver or runtime's naming), else the
  unified line `0::...` (a container's own cgroup in a private namespace reads `0::/`);
- `creds PID` prints `UID/GID/CAPEFF`: the effective uid, gid and capabilities (hexadecimal) of
  process PID, `?` for what cannot be read, from /proc/PID/status (which needs no ptrace
  access);
- a watcher that ends the script and everything it started when the client goes away: pidshare
  opens stdin and never writes to it, so its end means the connection is gone (Ctrl-C, a
  deadline, a closed stdout). An exec'd process leads its own process group (runc makes it a
  session), so `kill 0` reaches the script's processes and nothing else; should a runtime not do
  so, only the script's shell is killed, never a group that is not its own. The watcher holds no
  output stream (the exec would wait for it) and is stopped when the script exits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pkgutil import get_data

from kubectl_pidshare.errors import PidshareError, ServerError
from kubectl_pidshare.pod.model import Container, Pod, no_shell_error
from kubectl_pidshare.status import ExitStatus
from kubectl_pidshare.text import escape
from kubectl_pidshare.transport import Sink, Transport

NO_SHELL_EXIT = (126, 127)
STDERR_KEPT = 64 * 1024
REFUSED = 99
MARKER = "pidshare: "
# How long a script may run: the probe and kill read a bounded amount, so a minute means
# something blocks them; cat streams for as long as the file lasts. --request-timeout bounds all.
DEADLINES = {"probe": 60.0, "kill": 60.0, "environ": 60.0, "audit": 60.0, "fds": 60.0}
# Scripts run as the concatenation of others: audit and fds read more, then run the ps probe;
# cat and tree resolve their path with resolve.sh.
COMPOSED = {"audit": ("audit", "probe"), "fds": ("fds", "probe"), "cat": ("resolve", "cat"),
            "tree": ("resolve", "tree")}

Refusals = Mapping[str, tuple[ExitStatus, str]]


def _text(part: str) -> str:
    """A script of pod/sh/, from the tree or a zip (pkgutil: importlib.resources costs tempfile
    and random at import)."""
    data = get_data("kubectl_pidshare.pod", f"sh/{part}.sh")
    assert data is not None, part
    return data.decode()


# What every script starts with (sh/preamble.sh): refuse (MARKER, then exit REFUSED), the
# helpers, and the watcher that ends the script's process group when the connection ends.
PREAMBLE = _text("preamble")


def script(name: str) -> str:
    """The text of one of the package's shell scripts (`probe`, `kill`, `cat`...), preamble
    first."""
    return PREAMBLE + "".join(_text(part) for part in COMPOSED.get(name, (name,)))


class Counted:
    """A sink that counts what passes through it."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.count = 0

    def write(self, data: bytes | memoryview) -> int:
        """Pass data on, counting it."""
        self.count += len(data)
        return self.sink.write(data)


class Tail:
    """A sink that keeps the last STDERR_KEPT bytes: a remote stderr cannot fill memory."""

    def __init__(self) -> None:
        self.data = b""

    def write(self, data: bytes | memoryview) -> int:
        """Keep the end of what was written."""
        self.data = (self.data + bytes(data))[-STDERR_KEPT:]
        return len(data)


@dataclass(frozen=True)
class Refusal:
    """A script's own `refuse CODE DETAIL`: what it would not do, and on what."""

    code: str
    detail: str

    def error(self, table: Refusals, **fields: str) -> PidshareError:
        """The command's message and status for this refusal; DETAIL is escaped into
        `{detail}`, the command's own fields fill the rest of the message."""
        if self.code not in table:
            return PidshareError(f"unexpected refusal from the remote script: {escape(self.code)}")
        status, message = table[self.code]
        return PidshareError(message.format(detail=escape(self.detail), **fields), status)


@dataclass(frozen=True)
class Outcome:
    """How a script ended: where it ran, its status and the end of its stderr."""

    container: Container
    status: int
    stderr: bytes

    @property
    def refusal(self) -> Refusal | None:
        """The script's refusal, if it ended with one."""
        if self.status != REFUSED:
            return None
        text = self.stderr.decode(errors="surrogateescape")
        marker = text.rfind(MARKER)
        if marker < 0:
            return None
        code, _, detail = text[marker + len(MARKER):].rstrip("\n").partition(" ")
        return Refusal(code, detail)

    def probe_failed(self, pod: str) -> PidshareError:
        """The error of a probe of Pod pod that did not end with status 0."""
        return PidshareError(f'the probe failed in container "{self.container.name}" of pod '
                             f'"{pod}" (exit {self.status}): {self.message()}')

    def message(self) -> str:
        """The last line of its stderr, escaped, for a failure that is not a refusal."""
        lines = self.stderr.decode(errors="surrogateescape").strip().splitlines()
        return escape(lines[-1]) if lines else "no message"


def _no_shell(error: ServerError) -> bool:
    message = error.message
    return '"sh": executable file not found' in message or "no such file" in message


def attempt(transport: Transport, pod: str, container: str, name: str, args: list[str],
            stdout: Sink) -> tuple[int, bytes] | None:
    """Run script `name` in one container, streaming its stdout: (status, end of stderr), or
    None if the container has no shell (or no grep) and nothing was written."""
    out, err = Counted(stdout), Tail()
    try:
        status = transport.exec(pod, container, ["sh", "-c", script(name), f"pidshare-{name}",
                                                 *args], out, err, DEADLINES.get(name))
    except ServerError as exc:
        if _no_shell(exc):
            return None
        raise
    if status in NO_SHELL_EXIT and not out.count:
        return None
    return status, err.data


def run_script(transport: Transport, pod: Pod, candidates: list[Container], name: str,
               args: list[str], stdout: Sink) -> Outcome:
    """Run script `name` with args from the first candidate that has `sh`."""
    for container in candidates:
        ran = attempt(transport, pod.name, container.name, name, args, stdout)
        if ran is not None:
            return Outcome(container, *ran)
    raise no_shell_error(pod, candidates)
