"""A fake Transport answering from the recordings, and a runner for the typer app."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from kubectl_pidshare import cli
from kubectl_pidshare.remote import Sink

DATA = Path(__file__).parents[1] / "unit" / "data"


class FakeTransport:
    """A Transport that answers from the recordings, or raises what a test asks for."""

    def __init__(self, name: str) -> None:
        self.pod: dict[str, Any] = json.loads((DATA / f"pod-{name}.json").read_text())
        self.probe = (DATA / f"probe-{name}.bin").read_bytes()
        self.pod_error: BaseException | None = None
        self.exec_errors: dict[str, BaseException] = {}
        self.exec_status: dict[str, tuple[int, bytes, bytes]] = {}
        self.gets: list[str] = []
        self.execs: list[tuple[str, str, list[str]]] = []

    def get_pod(self, name: str) -> dict[str, Any]:
        """The recorded Pod, or the configured error."""
        self.gets.append(name)
        if self.pod_error is not None:
            raise self.pod_error
        return self.pod

    def exec(self, pod: str, container: str, argv: Sequence[str], stdout: Sink,
             stderr: Sink) -> int:
        """Write the recorded probe output, or raise / exit as configured for container."""
        self.execs.append((pod, container, list(argv)))
        if container in self.exec_errors:
            raise self.exec_errors[container]
        if container in self.exec_status:
            status, out, err = self.exec_status[container]
            stdout.write(out)
            stderr.write(err)
            return status
        stdout.write(self.probe)
        return 0


Install = Callable[..., FakeTransport]


def invoke(*args: str) -> Any:
    """Run the typer app under CliRunner as `kubectl pidshare`."""
    return CliRunner().invoke(cli.app, list(args), prog_name="kubectl pidshare")
