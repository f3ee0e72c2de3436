"""The world a command runs in: its streams, its environment variables, its terminal, and how
it reaches a cluster. Tests build one with their own streams and a fake transport."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from kubectl_pidshare.kubeconfig import ConfigFlags
    from kubectl_pidshare.remote import Transport


def connect(flags: ConfigFlags, environ: Mapping[str, str], log: TextIO) -> Transport:
    """The real transport: the kubeconfig resolved as kubectl resolves it, then the server
    (-v lines go to log)."""
    from kubectl_pidshare.kubeconfig import load
    from kubectl_pidshare.remote import KubeTransport

    return KubeTransport(load(flags, environ), environ, log)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except ValueError:
        return False


@dataclass
class Environment:
    """Streams, environment variables, terminal and transport factory of one run."""

    stdout: TextIO
    stderr: TextIO
    environ: Mapping[str, str]
    transport: Callable[[ConfigFlags, Mapping[str, str], TextIO], Transport] = connect
    stdout_isatty: bool = False
    terminal_width: int = 80

    @classmethod
    def of_process(cls) -> Environment:
        """This process's streams, environment and terminal."""
        return cls(sys.stdout, sys.stderr, os.environ, connect, _isatty(sys.stdout),
                   shutil.get_terminal_size().columns)

    def connect(self, flags: ConfigFlags) -> Transport:
        """A transport to the cluster the flags and the environment name."""
        return self.transport(flags, self.environ, self.stderr)

    def silence_stdout(self) -> None:
        """After the reader of stdout went away: send what is left to /dev/null, so the
        interpreter's last flush does not complain."""
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self.stdout.fileno())
        except (OSError, ValueError):
            pass
