"""Plain tables of rows that are already text (ports, fds), as kubectl prints them."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import TextIO

MIN_PADDING = 2  # tabulate's, between a header and its column's widest cell


def write(out: TextIO, headers: Sequence[str], rows: Sequence[Sequence[str]],
          right: Collection[str] = (), show_headers: bool = True) -> None:
    """The rows under headers, two spaces between columns, those named in right aligned
    right; the cells are text already (escaped), shown as they are. tabulate would take a
    second over 40,000 cells guessing their types."""
    lines = [list(headers), *rows] if show_headers else [*rows]
    widths = [max(len(line[column]) for line in [list(headers), *rows])
              for column in range(len(headers))]
    for line in lines:
        out.write("  ".join(cell.rjust(width) if header in right else cell.ljust(width)
                            for cell, width, header in zip(line, widths, headers)).rstrip()
                  + "\n")


def _width() -> Callable[[str], int]:
    """The width of text on a terminal as tabulate counts it: its wcwidth's (columns, wide
    characters two) where that package is installed, else characters."""
    try:
        from wcwidth import wcswidth  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return len
    return wcswidth  # type: ignore[no-any-return]


def plain(headers: Sequence[str] | None, rows: Sequence[Sequence[str]],
          right: Sequence[bool]) -> list[str]:
    """The lines of tabulate's "plain" table of these cells (text already, shown as they are:
    no cell holds a line break or a terminal code), without its cost (it guesses every cell's
    type): each column as wide as its widest cell, and its header and MIN_PADDING if headers
    are given; right-aligned where right says; two spaces between columns, none at the end."""
    width = _width()
    columns = list(zip(*rows)) if rows else [() for _ in right]
    laid: list[list[str]] = []
    for number, cells in enumerate(columns):
        header = [] if headers is None else [headers[number]]
        widest = max([width(cell) for cell in cells] + [width(h) + MIN_PADDING for h in header])
        pad = str.rjust if right[number] else str.ljust
        if width is len:
            laid.append([pad(cell, widest) for cell in [*header, *cells]])
        else:
            laid.append([pad(cell, widest + len(cell) - width(cell))
                         for cell in [*header, *cells]])
    return ["  ".join(line).rstrip() for line in zip(*laid)]


def size(count: int | None) -> str:
    """A byte count in binary units: 512B, 1.5KiB, 50.0MiB; `?` when unknown."""
    if count is None:
        return "?"
    value = float(count)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{count}B" if unit == "B" else f"{value:.1f}{unit}"
        value /= 1024
    return f"{count}B"
