"""Fixtures of the CLI tests: cli.main() run in an Environment with a fake transport."""

from __future__ import annotations

import pytest

from kubectl_pidshare.cluster.configflags import ConfigFlags

from .fakes import Harness, Install, Main


@pytest.fixture
def harness() -> Harness:
    """A fresh Environment factory and fake transport for one test."""
    return Harness()


@pytest.fixture
def install(harness: Harness) -> Install:
    """Answer requests from the recordings of a Pod (nginx by default)."""
    return harness.install


@pytest.fixture
def main(harness: Harness) -> Main:
    """Run the command line with argv: (exit status, stdout, stderr)."""
    return harness.run


@pytest.fixture
def flags_seen(harness: Harness) -> list[ConfigFlags]:
    """The flags each transport was made with."""
    return harness.flags_seen
