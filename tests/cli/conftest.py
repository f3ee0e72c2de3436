"""Fixtures of the CLI tests: a fake transport installed in place of the real one."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator

import pytest

from kubectl_pidshare import cli
from kubectl_pidshare.kubeconfig import ConfigFlags

from .fakes import FakeTransport, Install


@pytest.fixture(autouse=True)
def fresh_state(monkeypatch: pytest.MonkeyPatch) -> None:
    """cli.State is process-wide: give every test a clean one."""
    monkeypatch.setattr(cli.State, "flags", ConfigFlags())
    monkeypatch.setattr(cli.State, "debug", False)


@pytest.fixture
def flags_seen() -> list[ConfigFlags]:
    """The flags each transport was built with."""
    return []


@pytest.fixture
def install(monkeypatch: pytest.MonkeyPatch, flags_seen: list[ConfigFlags]) -> Install:
    """Make cli._transport return a FakeTransport for a recording."""

    def make(name: str = "nginx") -> FakeTransport:
        fake = FakeTransport(name)

        def transport(flags: ConfigFlags) -> FakeTransport:
            flags_seen.append(flags)
            return fake

        monkeypatch.setattr(cli, "_transport", transport)
        return fake

    return make


@pytest.fixture
def main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
         ) -> Iterator[Callable[..., tuple[int, str, str]]]:
    """Run cli.main() with argv; (exit status, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["kubectl-pidshare", *args])
        with pytest.raises(SystemExit) as caught:
            cli.main()
        out, err = capsys.readouterr()
        code = caught.value.code
        return (code if isinstance(code, int) else 0 if code is None else 1), out, err

    yield run
