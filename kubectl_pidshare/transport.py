"""The seams between the commands and a cluster: `Transport` (what a command needs from the API
server, in one namespace) and `Sink` (where a stream of output goes). The real transport is
kubectl_pidshare.cluster.client.KubeTransport; tests give fakes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from collections.abc import Sequence


class Sink(Protocol):
    """Where a stream of output goes: a binary file, or anything with write()."""

    def write(self, data: bytes | memoryview, /) -> int:
        """Take the next piece of the stream."""
        ...


class Transport(Protocol):
    """What the commands need from a cluster, in one namespace."""

    @property
    def namespace(self) -> str:
        """The namespace it works in."""
        ...

    def namespaced(self, namespace: str) -> Transport:
        """The same cluster and credentials, in another namespace (a new connection)."""
        ...

    def get(self, path: str) -> dict[str, Any]:
        """GET an API path (JSON)."""
        ...

    def get_list(self, path: str, selector: str | None = None) -> list[dict[str, Any]]:
        """The items of an API collection, those matching a label selector if given."""
        ...

    def get_pod(self, name: str) -> dict[str, Any]:
        """The Pod as the API server returns it (JSON)."""
        ...

    def pod_path(self, name: str) -> str:
        """The API path of the Pod called name."""
        ...

    def patch(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """PATCH an API path with a strategic merge patch (JSON)."""
        ...

    def exec(
        self, pod: str, container: str, argv: Sequence[str], stdout: Sink, stderr: Sink,
        deadline: float | None = None,
    ) -> int:
        """Run argv in the container, streaming its output; return its exit status. Its stdin
        is open and stays empty until the connection ends. It is given up after deadline
        seconds, or after the request timeout if that is shorter."""
        ...
