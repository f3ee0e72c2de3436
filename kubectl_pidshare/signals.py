"""Linux's signals by number, and the masks /proc/PID/status gives of what a process does with
them (SigCgt, SigIgn, SigBlk: hex, bit N-1 for signal N)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

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
STATUS_FIELDS = {"SigCgt": "caught", "SigIgn": "ignored", "SigBlk": "blocked"}


def names(mask: int) -> list[str]:
    """The signals of a mask, by name (a number for those without one: glibc's 32 and 33,
    the real-time ones), in numeric order."""
    return list(_names(mask))


@lru_cache(maxsize=4096)  # processes share their masks: 10,000 of them took 0.3 s uncached
def _names(mask: int) -> tuple[str, ...]:
    return tuple(NAMES.get(bit + 1, str(bit + 1)) for bit in range(SIGRTMAX) if mask >> bit & 1)


@dataclass(frozen=True)
class Dispositions:
    """What a process does with each signal: catches (a handler), ignores, blocks."""

    caught: int = 0
    ignored: int = 0
    blocked: int = 0

    def does(self, number: int) -> str:
        """What the process does with signal number, as a verb: blocks (whatever else),
        ignores, catches, or neither catches nor ignores."""
        bit = 1 << (number - 1)
        for mask, verb in ((self.blocked, "blocks"), (self.ignored, "ignores"),
                           (self.caught, "catches")):
            if mask & bit:
                return verb
        return "neither catches nor ignores"

    def named(self) -> dict[str, list[str]]:
        """Each mask by names: caught, ignored, blocked."""
        return {"caught": names(self.caught), "ignored": names(self.ignored),
                "blocked": names(self.blocked)}


def dispositions(status: dict[str, str]) -> Dispositions | None:
    """The masks of a process's status fields; None if any is missing or not hex."""
    try:
        return _dispositions(*(status[field] for field in STATUS_FIELDS))
    except KeyError:
        return None


@lru_cache(maxsize=4096)
def _dispositions(*masks: str) -> Dispositions | None:
    try:
        return Dispositions(**{key: int(mask, 16)
                               for mask, key in zip(masks, STATUS_FIELDS.values())})
    except ValueError:
        return None
