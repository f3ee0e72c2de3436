"""Plain tables of rows that are already text (ports, fds), as kubectl prints them."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TextIO


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
