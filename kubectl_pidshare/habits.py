"""kill(1)'s habits on pidshare's command line (`kill POD PID -s HUP`, `kill -HUP POD PID`,
`kill POD PID -9`): refused as usage errors that show the line pidshare takes, never guessed,
never dialled (`-s` is kubectl's `--server`)."""

from __future__ import annotations

import shlex
from collections.abc import Iterator, Sequence
from typing import Any

from kubectl_pidshare.errors import PidshareError
from kubectl_pidshare.flags import options
from kubectl_pidshare.status import ExitStatus

KILL = "kill"
SERVER = ("-s", "--server")


def _signal(word: str) -> bool:
    """Whether word names a signal (imported only then: signals.py is kill's)."""
    from kubectl_pidshare.kill import is_signal

    return is_signal(word)


def _pairs(declared: dict[str, Any], words: Iterator[str]) -> Iterator[tuple[str, str | None]]:
    """Each word with its value if it is a declared option that takes one (None if not)."""
    for word in words:
        if word == "--":
            yield from ((rest, None) for rest in words)
        elif word in declared and not declared[word].is_flag:
            yield word, next(words, "")
        else:
            yield word, None


def check(root: Any, hoisted: Sequence[str], rest: Sequence[str]) -> None:
    """Refuse a --server that is a signal, and a signal written as a flag in the words of
    `kill`, with the line that works (as split reads the command line: root flags hoisted)."""
    servers = [value for name, value in _pairs(options(root), iter(hoisted))
               if name in SERVER and value is not None and _signal(value)]
    positional: list[str] = []
    flagged: list[str] = []
    signals = []
    kill = list(rest[:1]) == [KILL]
    for word, value in _pairs(options(root.commands[KILL]) if kill else {}, iter(rest[1:])):
        if value is not None:
            flagged += [word, value]
        elif word.startswith("-") and not word.startswith("--") and _signal(word[1:]):
            signals.append(word[1:])
        else:
            (flagged if word.startswith("-") else positional).append(word)
    if not servers and not signals:
        return
    signal = (signals or servers)[0]
    line = (shlex.join([KILL, *positional, signal, *flagged]) if kill
            else f"kill POD PID {signal}")
    said = (f'-s is --server, the API server\'s address, and "{signal}" is a signal' if servers
            else f"-{signal} is a signal, not a flag")
    raise PidshareError(f"{said}: the signal goes after the PID (kubectl pidshare {line})",
                        ExitStatus.USAGE)
