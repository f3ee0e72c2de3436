"""The world a command runs in: its streams, its environment variables, its terminal, and how
it reaches a cluster. Tests build one with their own streams and a fake transport."""

from __future__ import annotations

import io
import os
import shutil
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, TextIO

from kubectl_pidshare.errors import OutputError

if TYPE_CHECKING:
    from kubectl_pidshare.cluster.configflags import ConfigFlags
    from kubectl_pidshare.transport import Transport


def connect(flags: ConfigFlags, environ: Mapping[str, str], log: TextIO | None = None
            ) -> Transport:
    """The real transport: the kubeconfig resolved as kubectl resolves it, then the server
    (-v lines go to log)."""
    from kubectl_pidshare.cluster.client import KubeTransport
    from kubectl_pidshare.cluster.kubeconfig import load

    return KubeTransport(load(flags, environ), environ, log)


def kubeconfig_names(flags: ConfigFlags, environ: Mapping[str, str], section: str) -> list[str]:
    """The names in one section (contexts, clusters, users) of the kubeconfig files merged as
    kubectl merges them."""
    from kubectl_pidshare.cluster.kubeconfig import kubeconfig_files, merge, read

    merged = merge([(path, read(path)) for path in kubeconfig_files(flags, environ)])
    return [entry["name"] for entry in merged.get(section) or [] if entry.get("name")]


class _Descriptor(io.RawIOBase):
    """A file descriptor to write to, whose failures say they are local: a full disk or an I/O
    error on stdout is reported as such, not taken for trouble with the server. A closed pipe
    stays a BrokenPipeError, which ends pidshare quietly."""

    def __init__(self, fd: int, name: str) -> None:
        super().__init__()
        self.fd, self.name = fd, name

    def writable(self) -> bool:
        """Always."""
        return True

    def fileno(self) -> int:
        """The descriptor."""
        return self.fd

    def write(self, data: Any) -> int:
        """Write what the descriptor takes of data."""
        try:
            return os.write(self.fd, data)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(f"writing to {self.name}: {exc.strerror or exc}") from None


def writer(stream: TextIO, name: str) -> TextIO:
    """A text stream writing to stream's descriptor through _Descriptor, with its encoding."""
    return io.TextIOWrapper(io.BufferedWriter(_Descriptor(stream.fileno(), name)),
                            encoding=stream.encoding, errors=stream.errors,
                            line_buffering=bool(stream.line_buffering))


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except ValueError:
        return False


def _console() -> Any:
    from kubectl_pidshare.output.console import of_process

    return of_process(sys.stdin, sys.stdout)


@dataclass
class Environment:
    """Streams, environment variables, terminal and transport factory of one run."""

    stdout: TextIO
    stderr: TextIO
    environ: Mapping[str, str]
    transport: Callable[[ConfigFlags, Mapping[str, str], TextIO], Transport] = connect
    stdout_isatty: bool = False
    terminal_width: int = 80
    terminal_height: int = 24
    clock: Callable[[], datetime] = _now
    console: Callable[[], Any] | None = None

    @classmethod
    def of_process(cls) -> Environment:
        """This process's streams, environment and terminal (keys and resizes: console)."""
        size = shutil.get_terminal_size()
        return cls(writer(sys.stdout, "standard output"), sys.stderr, os.environ, connect,
                   _isatty(sys.stdout), size.columns, size.lines, console=_console)

    def connect(self, flags: ConfigFlags) -> Transport:
        """A transport to the cluster the flags and the environment name."""
        return self.transport(flags, self.environ, self.stderr)

    def silence_stdout(self) -> None:
        """After the reader of stdout went away, or writing to it failed: send what is left to
        /dev/null, so the interpreter's last flush does not complain."""
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self.stdout.fileno())
        except (OSError, ValueError):
            pass
