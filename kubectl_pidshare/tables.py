"""Plain tables of rows that are already text (ports, fds), as kubectl prints them."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TextIO


def write(out: TextIO, headers: Sequence[str], rows: Sequence[Sequence[object]],
          right: Collection[str] = (), show_headers: bool = True) -> None:
    """The rows under headers, columns named in right aligned right, cells never reparsed."""
    import tabulate

    tabulate.PRESERVE_WHITESPACE = True
    align = ["right" if header in right else "left" for header in headers]
    text = tabulate.tabulate([list(row) for row in rows],
                             headers=list(headers) if show_headers else (), tablefmt="plain",
                             colalign=align, disable_numparse=True)
    out.write(text + "\n")


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
