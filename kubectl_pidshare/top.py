"""`kubectl pidshare top` (and `ps --watch`): the targeted Pods' processes, refreshed.

Each refresh is one probe per Pod (one exec, as `ps`); CPU% is the CPU time a process used
between two refreshes over the time between them (the first refresh: over its lifetime, as
ps's %CPU). On a terminal the table is redrawn in place on the alternate screen, cut to the
terminal's size, and the terminal is given back as it was when the view ends (Ctrl-C: 130);
elsewhere every refresh is printed after the last, a timestamped snapshot each.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import TextIO

from kubectl_pidshare import render
from kubectl_pidshare.ps import PsOptions, gather, prefix, sections
from kubectl_pidshare.remote import Transport

ENTER, LEAVE = "\x1b[?1049h\x1b[?25l", "\x1b[?25h\x1b[?1049l"
HOME, END_OF_LINE, BELOW = "\x1b[H", "\x1b[K", "\x1b[J"
Key = tuple[tuple[str, ...], int, object]


@dataclass
class Terminal:
    """The terminal the view is drawn on: its size."""

    width: int
    height: int


def cpu_percent(sections: list[render.Section], seen: dict[Key, tuple[float, float]],
                now: float, wall: datetime) -> list[render.Section]:
    """The sections with each row's CPU% since it was last seen (at monotonic time now; wall
    is the same instant, for processes seen the first time); seen is updated."""
    result: list[render.Section] = []
    current: dict[Key, tuple[float, float]] = {}
    for cells, groups in sections:
        rows = []
        for group in groups:
            rated = []
            for row in group:
                key = (cells, row.pid, row.start)
                before = seen.get(key)
                if before is not None and now > before[1]:
                    percent = (row.cpu_seconds - before[0]) / (now - before[1]) * 100
                elif row.start is not None and wall > row.start:
                    percent = row.cpu_seconds / (wall - row.start).total_seconds() * 100
                else:
                    percent = 0.0
                current[key] = (row.cpu_seconds, now)
                rated.append(replace(row, cpu_percent=max(percent, 0.0)))
            rows.append(rated)
        result.append((cells, rows))
    seen.clear()
    seen.update(current)
    return result


def frame(transport: Transport, options: PsOptions, seen: dict[Key, tuple[float, float]],
          interval: float, width: int | None, clock: Callable[[], float]) -> tuple[str, str]:
    """One refresh: the title line and the table; and what went wrong (each Pod's errors and
    warnings)."""
    notes = io.StringIO()
    listings, failures = gather(transport, options, notes)
    wall = datetime.now(timezone.utc)
    rated = cpu_percent(sections(listings, options), seen, clock(), wall)
    processes = sum(len(rows) for _, groups in rated for rows in groups)
    text = io.StringIO()
    text.write(f"{wall:%H:%M:%S} kubectl pidshare top: {len(listings)} pod(s), {processes} "
               f"process(es), every {interval:g}s, by {options.sort_by}\n")
    if listings:
        render.write_table(text, rated, render.Layout(
            render.TOP, options.headers, prefix(options), options.sort_by, width, wall))
    for failure in failures:
        notes.write(failure.render() + "\n")
    return text.getvalue(), notes.getvalue()


def top(transport: Transport, options: PsOptions, out: TextIO, err: TextIO, interval: float,
        terminal: Terminal | None = None, sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] = time.monotonic) -> None:
    """Refresh the view every interval seconds until interrupted (KeyboardInterrupt)."""
    sleep = sleep or time.sleep
    seen: dict[Key, tuple[float, float]] = {}
    if terminal is not None:
        out.write(ENTER)
    try:
        while True:
            started = clock()
            text, notes = frame(transport, options, seen, interval,
                                terminal.width if terminal else None, clock)
            if terminal is None:
                out.write(text + "\n")
                err.write(notes)
            else:
                lines = [line[:terminal.width]
                         for line in (text + notes).splitlines()[:terminal.height]]
                out.write(HOME + "".join(line + END_OF_LINE + "\n" for line in lines[:-1])
                          + lines[-1] + END_OF_LINE + BELOW)
            out.flush()
            sleep(max(interval - (clock() - started), 0.0))
    finally:
        if terminal is not None:
            out.write(LEAVE)
            out.flush()
