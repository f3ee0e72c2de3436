"""The exit statuses: the README's table is the enum, and every script refusal has its own."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

import pytest

from kubectl_pidshare import files as cat_command
from kubectl_pidshare import procenv, signals
from kubectl_pidshare.runner import Refusals
from kubectl_pidshare.status import ExitStatus

README = Path(__file__).parents[2] / "README.md"
ROW = re.compile(r"^\| (\d+) \| `([A-Z_]+)` \| (.+) \|$", re.M)


def test_the_readme_table_is_the_enum() -> None:
    section = README.read_text().split("### Exit statuses", 1)[1].split("\n## ", 1)[0]
    rows = [(int(number), name) for number, name, _ in ROW.findall(section)]
    assert rows == [(status.value, status.name) for status in ExitStatus]


@pytest.mark.parametrize(("script", "table"), [
    pytest.param("kill", signals.REFUSALS, id="kill"),
    pytest.param("cat", cat_command.REFUSALS, id="cat"),
    pytest.param("environ", procenv.REFUSALS, id="env"),
])
def test_every_refusal_of_a_script_is_declared(script: str, table: Refusals) -> None:
    text = files("kubectl_pidshare").joinpath(f"sh/{script}.sh").read_text()
    assert set(re.findall(r"\brefuse ([a-z-]+)", text)) == set(table)


def test_refusals_of_cat_each_have_their_own_status() -> None:
    statuses = [status for status, _ in cat_command.REFUSALS.values()]
    assert len(set(statuses)) == len(statuses)
