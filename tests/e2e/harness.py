"""The handles end-to-end tests use: the cluster's environment and a per-test namespace."""

from __future__ import annotations

import json
import shlex
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[2]
MANIFESTS = Path(__file__).resolve().parent / "manifests"
T = TypeVar("T")


@dataclass(frozen=True)
class Cluster:
    """A running cluster: the environment in which `kubectl` and `kubectl pidshare` work."""

    env: dict[str, str]

    def run(
        self, *argv: str, check: bool = True, input: bytes | None = None, timeout: float = 180
    ) -> subprocess.CompletedProcess[bytes]:
        """Run a command in the cluster's environment, capturing stdout and stderr apart."""
        proc = subprocess.run(
            argv, env=self.env, input=input, capture_output=True, timeout=timeout, check=False
        )
        if check and proc.returncode != 0:
            raise AssertionError(
                f"{shlex.join(argv)} exited {proc.returncode}\n"
                f"stdout: {proc.stdout.decode(errors='replace')}\n"
                f"stderr: {proc.stderr.decode(errors='replace')}"
            )
        return proc

    def kubectl(self, *args: str, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
        """Run the cluster's own kubectl."""
        return self.run("kubectl", *args, **kwargs)  # type: ignore[arg-type]

    def pidshare(self, *args: str, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
        """Run the plugin the way users do: `kubectl pidshare ...`."""
        return self.run("kubectl", "pidshare", *args, **kwargs)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Namespace:
    """A namespace made for one test, with helpers scoped to it."""

    name: str
    cluster: Cluster

    def kubectl(self, *args: str, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
        """kubectl in this namespace."""
        return self.cluster.kubectl("-n", self.name, *args, **kwargs)

    def pidshare(self, *args: str, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
        """`kubectl pidshare` in this namespace."""
        return self.cluster.pidshare("-n", self.name, *args, **kwargs)

    def apply(self, manifest: str | Path, wait_for: tuple[str, ...] = ()) -> None:
        """Apply a manifest (a file, or YAML text) and wait for the named Pods to be Ready."""
        if isinstance(manifest, Path):
            self.kubectl("apply", "-f", str(manifest))
        else:
            self.kubectl("apply", "-f", "-", input=manifest.encode())
        for pod in wait_for:
            self.kubectl("wait", "--for=condition=Ready", f"pod/{pod}", "--timeout=120s")


@contextmanager
def fresh_namespace(cluster: Cluster, prefix: str = "e2e") -> Iterator[Namespace]:
    """A new namespace with its default ServiceAccount, deleted afterwards."""
    namespace = Namespace(name=f"{prefix}-{uuid.uuid4().hex[:8]}", cluster=cluster)
    cluster.kubectl("create", "namespace", namespace.name)
    try:
        deadline = time.monotonic() + 60
        while namespace.kubectl("get", "serviceaccount", "default", check=False).returncode:
            assert time.monotonic() < deadline, f"no default ServiceAccount in {namespace.name}"
            time.sleep(0.2)
        yield namespace
    finally:
        cluster.kubectl("delete", "namespace", namespace.name, "--wait=false", check=False)


def _container_status(ns: Namespace, pod: str, container: str) -> dict[str, Any]:
    document = json.loads(ns.kubectl("get", "pod", pod, "-o", "json").stdout)
    statuses = {s["name"]: s for s in document["status"].get("containerStatuses") or []}
    status: dict[str, Any] = statuses.get(container, {})
    return status


def while_down(ns: Namespace, pod: str, container: str, act: Callable[[], T]) -> T:
    """act() at a time the API server says a crash-looping container is not running.

    Between its restarts, such a container is reported running for a second or so (until the
    kubelet sees it ended again): what pidshare then says is right, but not the case under
    test. act() is run again whenever the container was running before it, or restarted
    during it."""
    deadline = time.monotonic() + 120
    while True:
        before = _container_status(ns, pod, container)
        if "running" not in before.get("state", {}):
            result = act()
            after = _container_status(ns, pod, container)
            if (after.get("restartCount") == before.get("restartCount")
                    and "running" not in after.get("state", {})):
                return result
        assert time.monotonic() < deadline, before
        time.sleep(0.5)


def crashed(ns: Namespace, pod: str, container: str) -> None:
    """Wait until container has ended at least once (it then crash-loops)."""
    deadline = time.monotonic() + 90
    while True:
        status = _container_status(ns, pod, container)
        if "terminated" in {**status.get("state", {}), **status.get("lastState", {})}:
            return
        assert time.monotonic() < deadline, status
        time.sleep(0.5)
