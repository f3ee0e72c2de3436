"""`kubectl pidshare top` (and `ps --watch`): the targeted Pods' processes, refreshed.

Each refresh is one probe per Pod (one exec, as `ps`); a named Pod's later refreshes are that
exec alone: the Pod's document is the one of the refresh before (Remembered), fetched again
only where it no longer says who owns a process (a container restarted: its new ID) or where
the probe failed (the Pod gone, the container it ran from replaced). CPU% is the CPU time a
process used
between two refreshes over the time between them (the first refresh: over its lifetime, as
ps's %CPU). On a terminal the table is redrawn in place on the alternate screen, cut to the
terminal's size, and the terminal is given back as it was when the view ends (Ctrl-C: 130);
elsewhere every refresh is printed after the last, a timestamped snapshot each. With keys (a
terminal on stdin too), q ends the view (status 0) and a resize redraws the last refresh at
the new size at once.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any, Protocol, TextIO, cast

from kubectl_pidshare import ps
from kubectl_pidshare.errors import PidshareError
from kubectl_pidshare.output import render
from kubectl_pidshare.output.console import QUIT, RESIZE
from kubectl_pidshare.pod.attribution import UNKNOWN
from kubectl_pidshare.pod.model import parse_pod
from kubectl_pidshare.pod.snapshot import Listing
from kubectl_pidshare.ps import PsOptions, gather, prefix, sections
from kubectl_pidshare.transport import Transport

ENTER, LEAVE = "\x1b[?1049h\x1b[?25l", "\x1b[?25h\x1b[?1049l"
HOME, END_OF_LINE, BELOW, CLEAR = "\x1b[H", "\x1b[K", "\x1b[J", "\x1b[2J"
Key = tuple[tuple[str, ...], int, object]


class Keys(Protocol):
    """Where keys and resizes come from (console.Console)."""

    def wait(self, seconds: float) -> str:
        """Wait up to seconds: QUIT, RESIZE or NOTHING."""

    def size(self) -> tuple[int, int]:
        """The terminal's columns and lines now."""


@dataclass
class Terminal:
    """The terminal the view is drawn on: its size, and its keys and resizes (None: neither,
    the view sleeps between refreshes)."""

    width: int
    height: int
    keys: Keys | None = None


@dataclass
class Frame:
    """One refresh, to draw at any width: the title, the rows with their CPU%, and what went
    wrong (each Pod's errors and warnings)."""

    title: str
    rated: list[render.Section]
    wall: datetime
    notes: str

    def text(self, options: PsOptions, width: int | None) -> str:
        """The title and the table, lines cut to width."""
        text = io.StringIO()
        text.write(self.title)
        if self.rated:
            render.write_table(text, self.rated, render.Layout(
                render.TOP, options.headers, prefix(options), options.sort_by, width,
                self.wall))
        return text.getvalue()


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


class Remembered:
    """A transport whose Pod GETs are answered with the document fetched before, until
    forgotten; everything else goes to the transport it wraps."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        self.pods: dict[str, dict[str, Any]] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.transport, name)

    def get_pod(self, name: str) -> dict[str, Any]:
        """The Pod's document: the one fetched before, if any."""
        if name not in self.pods:
            self.pods[name] = self.transport.get_pod(name)
        return self.pods[name]

    def forget(self) -> bool:
        """Fetch the documents again from now on; whether there were any."""
        had = bool(self.pods)
        self.pods.clear()
        return had


def _gather(transport: Transport, options: PsOptions, notes: TextIO
            ) -> tuple[list[Listing], list[PidshareError]]:
    """gather(), for a Remembered transport: again with the Pod fetched if the probe failed,
    and each listing attributed again with the Pod fetched if a process belongs to none of
    its containers."""
    if not isinstance(transport, Remembered):
        return gather(transport, options, notes)
    try:
        listings, failures = gather(cast(Transport, transport), options, notes)
    except PidshareError:
        if not transport.forget():
            raise
        return gather(cast(Transport, transport), options, notes)
    if any(row.owner.name == UNKNOWN for listing in listings for rows in ps.group(listing)
           for row in rows) and transport.forget():
        listings = [replace(listing, pod=parse_pod(transport.get_pod(listing.pod.name)))
                    for listing in listings]
    return listings, failures


def frame(transport: Transport, options: PsOptions, seen: dict[Key, tuple[float, float]],
          interval: float, clock: Callable[[], float]) -> Frame:
    """One refresh: one probe per Pod."""
    notes = io.StringIO()
    listings, failures = _gather(transport, options, notes)
    wall = datetime.now(timezone.utc)
    rated = cpu_percent(sections(listings, options), seen, clock(), wall)
    processes = sum(len(rows) for _, groups in rated for rows in groups)
    title = (f"{wall:%H:%M:%S} kubectl pidshare top: {len(listings)} pod(s), {processes} "
             f"process(es), every {interval:g}s, by {options.sort_by}\n")
    for failure in failures:
        notes.write(failure.render() + "\n")
    return Frame(title, rated if listings else [], wall, notes.getvalue())


def draw(out: TextIO, shown: Frame, options: PsOptions, terminal: Terminal) -> None:
    """The frame in place on the screen, cut to the terminal's size."""
    lines = [line[:terminal.width] for line in
             (shown.text(options, terminal.width) + shown.notes).splitlines()[:terminal.height]]
    out.write(HOME + "".join(line + END_OF_LINE + "\n" for line in lines[:-1])
              + lines[-1] + END_OF_LINE + BELOW)
    out.flush()


def watch(out: TextIO, shown: Frame, options: PsOptions, terminal: Terminal, keys: Keys,
          due: float, clock: Callable[[], float]) -> bool:
    """Draw the frame, and again at each resize, until the next refresh is due (at clock time
    due); False when q was pressed."""
    draw(out, shown, options, terminal)
    while clock() < due:
        event = keys.wait(due - clock())
        if event == QUIT:
            return False
        if event == RESIZE:
            terminal.width, terminal.height = keys.size()
            out.write(CLEAR)
            draw(out, shown, options, terminal)
    return True


def top(transport: Transport, options: PsOptions, out: TextIO, err: TextIO, interval: float,
        terminal: Terminal | None = None, sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] = time.monotonic) -> None:
    """Refresh the view every interval seconds until interrupted (KeyboardInterrupt) or, on a
    terminal with keys, until q is pressed."""
    sleep = sleep or time.sleep
    seen: dict[Key, tuple[float, float]] = {}
    if options.targets.one_pod:
        transport = cast(Transport, Remembered(transport))
    if terminal is not None:
        out.write(ENTER)
    try:
        while True:
            started = clock()
            shown = frame(transport, options, seen, interval, clock)
            if terminal is not None and terminal.keys is not None:
                if not watch(out, shown, options, terminal, terminal.keys, started + interval,
                             clock):
                    return
                continue
            if terminal is None:
                out.write(shown.text(options, None) + "\n")
                err.write(shown.notes)
                out.flush()
            else:
                draw(out, shown, options, terminal)
            sleep(max(interval - (clock() - started), 0.0))
    finally:
        if terminal is not None:
            out.write(LEAVE)
            out.flush()
