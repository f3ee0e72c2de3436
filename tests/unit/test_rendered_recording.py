"""`ps` prints exactly what it printed before its table, parser and escapes were made fast: the
output of every format of a varied, hostile synthetic Pod (tests/unit/synthetic.py), recorded
from the code before that change, byte for byte.

    python -m tests.unit.test_rendered_recording   # re-record (only for an intended change)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.synthetic import View, hostile, rendered

DATA = Path(__file__).parents[1] / "data"
PROBE = DATA / "probe-synthetic.bin"
RECORDED = DATA / "ps-synthetic"
VIEWS = {
    "tree": View(), "wide": View("wide"), "signals": View("signals"),
    "json": View("json"), "yaml": View("yaml"),
    "tree-no-headers": View(headers=False), "tree-width-60": View(width=60),
    "tree-pidshare": View(show_pidshare=True), "tree-secrets": View(show_secrets=True),
    "tree-web": View(container="web"), "wide-pods": View("wide", pods=2),
    "json-pods": View("json", pods=2, container="app"),
    "yaml-secrets": View("yaml", show_secrets=True),
    **{f"wide-sort-{key}": View("wide", sort_by=key) for key in ("pid", "start", "cpu", "mem")},
    "signals-sort-mem-width-100": View("signals", sort_by="mem", width=100),
}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_output_is_as_recorded(name: str) -> None:
    """The same bytes as the recording, in each format and with each flag that changes it."""
    expected = (RECORDED / f"{name}.out").read_bytes()
    assert rendered(PROBE.read_bytes(), VIEWS[name]).encode(errors="surrogateescape") == expected


def test_recorded_probe_is_the_generators() -> None:
    """The recorded probe output is what the generator makes (a change to one is seen)."""
    assert PROBE.read_bytes() == hostile()


def record() -> None:
    """Write the probe output and every view's output."""
    RECORDED.mkdir(exist_ok=True)
    PROBE.write_bytes(hostile())
    for name, view in VIEWS.items():
        text = rendered(PROBE.read_bytes(), view)
        (RECORDED / f"{name}.out").write_bytes(text.encode(errors="surrogateescape"))


if __name__ == "__main__":
    record()
