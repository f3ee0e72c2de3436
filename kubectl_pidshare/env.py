"""`kubectl pidshare env`: a process's environment as the kernel holds it, secrets redacted.

/proc/PID/environ is the environment the process was started with: fixed at exec, so what
the process sets or unsets later is not there (and an `unsetenv` does not scrub it). It is
read by one exec of sh/environ.sh, bounded (MOST variables, LIMIT bytes); values are shown
through redaction.variable unless --show-secrets; `--diff` compares the names with the
container's spec (spec.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, TextIO

from kubectl_pidshare import redaction
from kubectl_pidshare.errors import PidshareError
from kubectl_pidshare.output import render
from kubectl_pidshare.pod import procfs
from kubectl_pidshare.pod.aim import Aim, main_process
from kubectl_pidshare.pod.debug_container import DebugOptions
from kubectl_pidshare.pod.model import parse_pod
from kubectl_pidshare.pod.permissions import CAP_SYS_PTRACE, advice
from kubectl_pidshare.pod.runner import Refusals
from kubectl_pidshare.pod.runners import choose
from kubectl_pidshare.pod.snapshot import parsed
from kubectl_pidshare.pod.spec import SpecEnv, spec_env
from kubectl_pidshare.status import ExitStatus
from kubectl_pidshare.text import command, escape
from kubectl_pidshare.transport import Transport

LIMIT = 1024 * 1024
MOST = 8192
ENVIRON_MARK = b"pidshare-environ\0"
SOURCE = ("/proc/{pid}/environ: the environment the process was started with (exec time); "
          "what it set or unset since is not seen")
REFUSALS: Refusals = {
    "no-process": (ExitStatus.NO_SUCH_PROCESS, 'no process {pid} in pod "{pod}"'),
    "no-access": (ExitStatus.NO_PTRACE_ACCESS,
                  "cannot read the environment of PID {pid}{uid}: {ptrace}"),
}


@dataclass(frozen=True)
class EnvOptions:
    """What `env` was asked for."""

    pod: str
    aim: Aim
    runner: str | None = None
    output: str = "text"
    show_secrets: bool = False
    diff: bool = False
    debug: DebugOptions = field(default_factory=DebugOptions)


@dataclass(frozen=True)
class Variable:
    """One variable as it may be shown: its value is the marker when redacted."""

    name: str
    value: str
    redacted: bool


class Bounded:
    """A sink that keeps the description whole and the first limit bytes of the environment
    after it (the environ record that follows the description's lines), and says if it cut."""

    def __init__(self, limit: int = LIMIT) -> None:
        self.data = bytearray()
        self.limit = limit
        self.start: int | None = None
        self.cut = False

    def write(self, data: bytes | memoryview) -> int:
        """Keep what fits."""
        if self.start is None:
            self.data += data
            lines = self.data.find(procfs.LINES_MARK)
            found = self.data.find(ENVIRON_MARK, lines) if lines >= 0 else -1
            if found >= 0:
                self.start = found + len(ENVIRON_MARK)
                self._trim()
            return len(data)
        room = self.start + self.limit - len(self.data)
        self.data += bytes(data[:max(room, 0)])
        self.cut = self.cut or len(data) > room
        return len(data)

    def _trim(self) -> None:
        end = (self.start or 0) + self.limit
        self.cut = len(self.data) > end
        del self.data[end:]


def split(output: bytes, pid: int) -> tuple[bytes, list[bytes]]:
    """The description part (procfs.parse's format) and the environ entries of PID."""
    head, mark, rest = output.partition(procfs.LINES_MARK)
    lines, _, environ = rest.partition(ENVIRON_MARK)
    prefix = re.compile(rb"%d/environ:" % pid)
    entries = [record[len(f"{pid}/environ:"):] for record in environ.split(b"\0")[:-1]
               if prefix.match(record)]
    return head + mark + lines, entries


def variables(entries: list[bytes], show_secrets: bool) -> list[Variable]:
    """Each entry `NAME=value` as it may be shown."""
    shown = []
    for entry in entries:
        name, _, raw = entry.decode(errors="surrogateescape").partition("=")
        value = raw if show_secrets else redaction.variable(name, raw)
        shown.append(Variable(escape(name), escape(value), value != raw))
    return shown


def diff(names: list[str], spec: SpecEnv) -> dict[str, Any]:
    """What the process has that the spec does not, the reverse, and the envFrom sources whose
    names are not known (names only)."""
    had = set(names)
    return {"container": spec.container, "onlyInProcess": sorted(had - set(spec.names)),
            "onlyInSpec": sorted(set(spec.names) - had), "envFrom": list(spec.sources)}


def _write_diff(out: TextIO, found: dict[str, Any]) -> None:
    out.write(f'# in the process, not in the spec of container "{found["container"]}":\n')
    out.writelines(f"+ {name}\n" for name in found["onlyInProcess"])
    out.write("# in the spec, not in the process:\n")
    out.writelines(f"- {name}\n" for name in found["onlyInSpec"])
    if found["envFrom"]:
        out.write("# from envFrom, whose names pidshare does not read (that needs a GET of "
                  f"each): {', '.join(found['envFrom'])}\n")


@dataclass
class Read:
    """What the script read: the process (if it still ran), its container, its entries."""

    pid: int
    process: procfs.Process | None
    container: str | None
    entries: list[bytes]
    cut: bool


def read(transport: Transport, options: EnvOptions, err: TextIO) -> tuple[Read, dict[str, Any]]:
    """Run the script: what it read, and the Pod's document."""
    document = transport.get_pod(options.pod)
    pod = parse_pod(document)

    def notice(line: str) -> None:
        err.write(line + "\n")

    runners = choose(transport, pod, options.runner, options.debug, notice,
                     options.aim.container, "acting only on", "read")
    pid = options.aim.pid
    if pid is None:
        pid = main_process(runners, str(options.aim.container), notice)
    sink = Bounded()
    outcome = runners.run("environ", [str(pid), str(MOST)], sink)
    pod = runners.pod
    description, entries = split(bytes(sink.data), pid)
    seen = parsed(pod, outcome.container, description)
    process = seen.process(pid)
    owner = None
    if process is not None:
        owner = seen.attribution.owner(process).name
    refusal = outcome.refusal
    if refusal is not None:
        uid = f" (uid {process.uid})" if process else ""
        raise refusal.error(REFUSALS, pid=str(pid), pod=pod.name, uid=uid,
                            ptrace=advice(pod, outcome.container, refusal.detail,
                                          CAP_SYS_PTRACE, owner, "reading the environment of"))
    if outcome.status != 0:
        raise PidshareError(f'reading the environment failed in container '
                            f'"{outcome.container.name}" (exit {outcome.status}): '
                            f"{outcome.message()}")
    return Read(pid, process, owner, entries, sink.cut or len(entries) >= MOST), document


def _document(found: Read, options: EnvOptions, shown: list[Variable],
              compared: dict[str, Any] | None) -> dict[str, Any]:
    process = found.process
    doc: dict[str, Any] = {
        "apiVersion": "pidshare/v1", "kind": "ProcessEnvironment", "pod": options.pod,
        "pid": found.pid, "container": found.container,
        "command": command(process.name, process.args) if process else None,
        "source": SOURCE.format(pid=found.pid), "truncated": found.cut,
        "variables": [{"name": v.name, "value": v.value, "redacted": v.redacted}
                      for v in shown],
    }
    if compared is not None:
        doc["diff"] = compared
    return doc


def env(transport: Transport, options: EnvOptions, out: TextIO, err: TextIO) -> None:
    """Print the environment of the process (or, with diff, how its names differ from the
    spec's); notes on err: a cut, what was redacted."""
    found, document = read(transport, options, err)
    shown = variables(found.entries, options.show_secrets)
    compared = None
    if options.diff:
        compared = diff([v.name for v in shown], spec_env(document, found.container, found.pid))
    if options.output in ("json", "yaml"):
        doc = _document(found, options, shown, compared)
        (render.write_json if options.output == "json" else render.write_yaml)(out, doc)
    elif compared is not None:
        _write_diff(out, compared)
    else:
        out.writelines(f"{v.name}={v.value}\n" for v in shown)
    if found.cut:
        err.write(f"warning: the environment of PID {found.pid} is longer than pidshare reads "
                  f"({MOST} variables, {LIMIT // 1024} KiB): the rest is not shown\n")
    hidden = sum(v.redacted for v in shown)
    if hidden and compared is None:
        err.write(f"note: {hidden} value(s) that look secret are shown as "
                  f"{redaction.MARK} (--show-secrets shows them)\n")
