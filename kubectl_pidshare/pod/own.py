"""pidshare's own processes in a Pod, whichever run started them: recognised, so that `ps` and
`top` hide them (and `--show-pidshare` shows them compactly).

Every script runs as `sh -c SCRIPT pidshare-NAME ARGS...` (runner.attempt) and the keep-alive
loop of a debug container as `sh -c LOOP pidshare-debug`: a shell whose `$0` is `pidshare-` and
a lower-case word, and whose script is pidshare's (the preamble every script starts with, or
the loop). Its forks (subshells, the watcher) carry the same command line; what it runs (grep,
cat, sleep) is its descendant.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kubectl_pidshare.pod.procfs import Process
from kubectl_pidshare.pod.runner import PREAMBLE

KEEP_ALIVE = "while :; do sleep 3600; done"
KEEP_ALIVE_NAME = "pidshare-debug"
SCRIPT_NAME = re.compile(rb"pidshare-[a-z]+")
SCRIPT_START = PREAMBLE.split("\n", 1)[0].encode()
OCTAL = re.compile(rb"\\0([0-7]{3})")


def is_script(process: Process) -> bool:
    """Whether the process is a shell running one of pidshare's scripts (or keep-alive loop)."""
    args = process.args
    return (len(args) >= 4 and args[1] == b"-c" and SCRIPT_NAME.fullmatch(args[3]) is not None
            and (args[2].startswith(SCRIPT_START) or args[2] == KEEP_ALIVE.encode()))


def started_by_pidshare(processes: Iterable[Process]) -> set[int]:
    """The PIDs of pidshare's scripts and of everything they started."""
    listed = list(processes)
    ours = {process.pid for process in listed if is_script(process)}
    children: dict[int, list[int]] = {}
    for process in listed:
        children.setdefault(process.ppid, []).append(process.pid)
    todo = list(ours)
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in ours:
                ours.add(child)
                todo.append(child)
    return ours


def compact(process: Process) -> tuple[bytes, ...]:
    """The command line to show for one of pidshare's processes: a script as its name and its
    arguments (cat's path decoded), never the script text; anything else as it is."""
    if not is_script(process):
        return tuple(process.args)
    name, *args = process.args[3:]
    if name == b"pidshare-cat" and len(args) == 2:
        args[1] = OCTAL.sub(lambda match: bytes([int(match[1], 8) & 0xFF]), args[1])
    return (name, *args)
