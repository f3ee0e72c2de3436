"""A fake Transport answering from the recordings, and an Environment around it."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, NamedTuple, TextIO

from kubectl_pidshare import cli
from kubectl_pidshare.cluster.configflags import ConfigFlags
from kubectl_pidshare.errors import ServerError
from kubectl_pidshare.session import Environment
from kubectl_pidshare.transport import Sink, Transport

DATA = Path(__file__).parents[1] / "data"
NOW = datetime(2026, 11, 29, 7, 28, 12, tzinfo=timezone.utc)


def recorded_pod(recording: str) -> dict[str, Any]:
    """The recorded Pod's JSON."""
    pod: dict[str, Any] = json.loads((DATA / f"pod-{recording}.json").read_text())
    return pod


class FakeTransport:
    """A Transport that answers from the recordings, or raises what a test asks for: the
    recorded Pod whatever the name, unless other Pods were added (add_pod) or objects put
    at API paths (objects)."""

    namespace = "rec"

    def __init__(self, name: str) -> None:
        self.pod = recorded_pod(name)
        self.probe = (DATA / f"probe-{name}.bin").read_bytes()
        self.pods: dict[str, dict[str, Any]] = {}
        self.probes: dict[str, bytes] = {}
        self.objects: dict[str, dict[str, Any]] = {}
        self.lists: list[tuple[str, str | None]] = []
        self.namespaces: list[str] = []
        self.pod_error: BaseException | None = None
        self.exec_errors: dict[str, BaseException] = {}
        self.exec_status: dict[str, tuple[int, bytes, bytes]] = {}
        self.exec_queue: dict[str, list[tuple[int, bytes, bytes]]] = {}
        self.gets: list[str] = []
        self.execs: list[tuple[str, str, list[str]]] = []
        self.deadlines: list[float | None] = []
        self.patches: list[tuple[str, dict[str, Any]]] = []

    def add_pod(self, name: str, recording: str = "nginx", namespace: str = "rec",
                labels: dict[str, str] | None = None, phase: str = "Running") -> dict[str, Any]:
        """Another Pod, a copy of a recording with its own name, namespace, labels, phase."""
        pod = recorded_pod(recording)
        pod["metadata"].update(name=name, namespace=namespace, uid=f"uid-{namespace}-{name}",
                               labels=labels or {})
        pod["status"]["phase"] = phase
        self.pods[name] = pod
        self.probes[name] = (DATA / f"probe-{recording}.bin").read_bytes()
        return pod

    def namespaced(self, namespace: str) -> FakeTransport:
        """This fake, the namespace recorded."""
        self.namespaces.append(namespace)
        return self

    def get(self, path: str) -> dict[str, Any]:
        """An object put at path; else the server's version (at /version)."""
        self.gets.append(path)
        if path in self.objects:
            return self.objects[path]
        if path != "/version":
            raise ServerError("NotFound", "the server could not find the requested resource")
        return {"gitVersion": "v1.34.4"}

    def get_list(self, path: str, selector: str | None = None) -> list[dict[str, Any]]:
        """The added Pods whose labels have every `key=value` of the selector (jobs: the
        objects put under path/NAME)."""
        self.lists.append((path, selector))
        if path.endswith("/jobs"):
            return [item for key, item in self.objects.items() if key.startswith(path + "/")]
        wanted = dict(part.split("=", 1) for part in (selector or "").split(",") if part)
        return [pod for pod in self.pods.values()
                if wanted.items() <= (pod["metadata"].get("labels") or {}).items()
                and (path == "/api/v1/pods" or f"/{pod['metadata']['namespace']}/" in path)]

    def get_pod(self, name: str) -> dict[str, Any]:
        """The Pod of that name if added, else the recorded one; or the configured error."""
        self.gets.append(name)
        if self.pod_error is not None:
            raise self.pod_error
        if self.pods and name not in self.pods:
            raise ServerError("NotFound", f'pods "{name}" not found')
        return self.pods.get(name, self.pod)

    def pod_path(self, name: str) -> str:
        """The Pod's API path."""
        return f"/api/v1/namespaces/rec/pods/{name}"

    def patch(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """Record the PATCH; an added ephemeral container is running from then on."""
        self.patches.append((path, body))
        for container in body["spec"]["ephemeralContainers"]:
            self.pod["spec"].setdefault("ephemeralContainers", []).append(container)
            self.pod["status"].setdefault("ephemeralContainerStatuses", []).append(
                {"name": container["name"], "image": container["image"],
                 "state": {"running": {}}})
        return self.pod

    def exec(self, pod: str, container: str, argv: Sequence[str], stdout: Sink,
             stderr: Sink, deadline: float | None = None) -> int:
        """Write the recorded probe output, or raise / exit as configured for container."""
        self.execs.append((pod, container, list(argv)))
        self.deadlines.append(deadline)
        if container in self.exec_errors:
            raise self.exec_errors[container]
        if self.exec_queue.get(container) or container in self.exec_status:
            queued = self.exec_queue.get(container)
            status, out, err = queued.pop(0) if queued else self.exec_status[container]
            stdout.write(out)
            stderr.write(err)
            return status
        stdout.write(self.probes.get(pod, self.probe))
        return 0


class ClosedPipe(io.BytesIO):
    """A stdout whose reader went away."""

    def write(self, data: Any, /) -> int:
        """Fail as a write to a closed pipe fails."""
        raise BrokenPipeError(32, "Broken pipe")


class Result(NamedTuple):
    """How one run of the command line ended, stdout and stderr apart."""

    exit_code: int
    stdout: str
    stderr: str


class Harness:
    """Runs cli.main() in an Environment of in-memory streams and a fake transport."""

    def __init__(self) -> None:
        self.fake: FakeTransport | None = None
        self.flags_seen: list[ConfigFlags] = []
        self.stdout_bytes = b""
        self.stderr_bytes = b""

    def install(self, name: str = "nginx") -> FakeTransport:
        """Answer from the recordings of Pod `name`."""
        self.fake = FakeTransport(name)
        return self.fake

    def transport(self, flags: ConfigFlags, environ: Mapping[str, str], log: TextIO
                  ) -> Transport:
        """The Environment's transport factory: the installed fake."""
        self.flags_seen.append(flags)
        assert self.fake is not None, "the test made a request without a fake installed"
        return self.fake

    def run(self, *argv: str, isatty: bool = False, width: int = 80,
            closed: bool = False) -> Result:
        """main(argv, env): the status, and what was written to stdout (closed: a pipe
        whose reader went away) and stderr."""
        out, err = ClosedPipe() if closed else io.BytesIO(), io.BytesIO()
        env = Environment(
            stdout=io.TextIOWrapper(out, encoding="utf-8", write_through=True),
            stderr=io.TextIOWrapper(err, encoding="utf-8", write_through=True),
            environ={}, transport=self.transport, stdout_isatty=isatty, terminal_width=width,
            clock=lambda: NOW)
        status = cli.main(list(argv), env)
        env.stdout.flush()
        env.stderr.flush()
        self.stdout_bytes, self.stderr_bytes = out.getvalue(), err.getvalue()
        return Result(status, self.stdout_bytes.decode(errors="replace"),
                      self.stderr_bytes.decode(errors="replace"))


Install = Callable[..., FakeTransport]
Main = Callable[..., Result]
