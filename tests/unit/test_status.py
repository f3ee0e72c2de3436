"""The exit statuses: the README's table is the enum, and every script refusal has its own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kubectl_pidshare import cat as cat_command
from kubectl_pidshare import env, kill
from kubectl_pidshare.pod.runner import Refusals, script
from kubectl_pidshare.status import ExitStatus

README = Path(__file__).parents[2] / "README.md"
ROW = re.compile(r"^\| (\d+) \| `([A-Z_]+)` \| (.+) \|$", re.M)


def test_the_readme_table_is_the_enum() -> None:
    section = README.read_text().split("### Exit statuses", 1)[1].split("\n## ", 1)[0]
    rows = [(int(number), name) for number, name, _ in ROW.findall(section)]
    assert rows == [(status.value, status.name) for status in ExitStatus]


@pytest.mark.parametrize(("name", "table"), [
    pytest.param("kill", kill.REFUSALS, id="kill"),
    pytest.param("cat", cat_command.REFUSALS, id="cat"),
    pytest.param("environ", env.REFUSALS, id="env"),
])
def test_every_refusal_of_a_script_is_declared(name: str, table: Refusals) -> None:
    assert set(re.findall(r"\brefuse ([a-z-]+)", script(name))) == set(table)


def test_ls_and_cp_refuse_as_cat_does() -> None:
    """tree.sh's refusals are turned into errors by cat's table."""
    assert set(re.findall(r"\brefuse ([a-z-]+)", script("tree"))) <= set(cat_command.REFUSALS)


def test_refusals_of_cat_each_have_their_own_status() -> None:
    statuses = [status for status, _ in cat_command.REFUSALS.values()]
    assert len(set(statuses)) == len(statuses)
