"""tables.plain lays a table out exactly as tabulate's "plain" format did for ps (its cells
text, no number parsing, whitespace kept), with and without wcwidth installed."""

from __future__ import annotations

import random
import sys
import types
import unicodedata

import pytest
import tabulate

from kubectl_pidshare.output import tables

CELLS = ["", "a", "root", "12345", "-1", "1.5", "True", "None", " lead", "trail ", "漢字",
         "🙂x", "e\u0301", "\uff26\uff35", "└─ sh -c x", "\\x1b[31m", "  ", "0:00", "?",
         "<defunct>"]


def tabulated(headers: list[str] | None, rows: list[list[str]], right: list[bool]) -> list[str]:
    """What ps printed through tabulate."""
    tabulate.PRESERVE_WHITESPACE = True
    text = tabulate.tabulate(rows, headers=headers or (), tablefmt="plain", disable_numparse=True,
                             colalign=["right" if r else "left" for r in right])
    return text.split("\n")


def tables_of(seed: int) -> tuple[list[str] | None, list[list[str]], list[bool]]:
    """A random table: 1 to 8 columns, 1 to 30 rows, with or without headers."""
    rng = random.Random(seed)
    columns = rng.randrange(1, 9)
    rows = [[rng.choice(CELLS) for _ in range(columns)] for _ in range(rng.randrange(1, 30))]
    headers = None if rng.random() < 0.3 else [rng.choice(["PID", "COMMAND", "X", "漢"])
                                               for _ in range(columns)]
    return headers, rows, [rng.random() < 0.5 for _ in range(columns)]


@pytest.mark.parametrize("seed", range(120))
def test_plain_is_tabulates(seed: int) -> None:
    """The same lines as tabulate for random tables of odd cells."""
    headers, rows, right = tables_of(seed)
    assert tables.plain(headers, rows, right) == tabulated(headers, rows, right)


def wcswidth(text: str) -> int:
    """A stand-in for wcwidth's: East Asian wide characters two columns, combining marks none."""
    return sum(0 if unicodedata.combining(char) else
               2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def test_plain_counts_columns_as_tabulate_does_with_wcwidth(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Where wcwidth is installed, both pad by its widths."""
    monkeypatch.setitem(sys.modules, "wcwidth", types.SimpleNamespace(wcswidth=wcswidth))
    monkeypatch.setattr(tabulate, "wcwidth", sys.modules["wcwidth"])
    monkeypatch.setattr(tabulate, "WIDE_CHARS_MODE", True)
    for seed in range(100):
        headers, rows, right = tables_of(seed)
        assert tables.plain(headers, rows, right) == tabulated(headers, rows, right)
