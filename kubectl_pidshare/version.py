"""`kubectl pidshare version`: the plugin's, its libraries' and the API server's versions."""

from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, version
from typing import TextIO

from kubectl_pidshare import __version__
from kubectl_pidshare.transport import Transport

LIBRARIES = ("kubernetes", "websocket-client", "typer", "tabulate")


def _installed(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def versions(transport: Transport | None, out: TextIO) -> None:
    """The client's versions, then the server's if there is a transport to ask."""
    libraries = ", ".join(f"{name} {_installed(name)}" for name in LIBRARIES)
    out.write(f"Client Version: kubectl-pidshare {__version__} "
              f"(Python {sys.version.split()[0]}; {libraries})\n")
    if transport is not None:
        server = transport.get("/version")
        out.write(f"Server Version: {server.get('gitVersion', 'unknown')}\n")
