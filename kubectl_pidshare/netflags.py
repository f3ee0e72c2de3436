"""The flags of `ports` and `fds` (declared apart from cli.py, as light to import)."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer


class PortsOrder(str, Enum):
    """The orders of `ports --sort-by`."""

    port = "port"
    pid = "pid"
    container = "container"
    proto = "proto"
    queue = "queue"


class TableOutput(str, Enum):
    """The output formats of `ports` and `fds`."""

    table = "table"
    wide = "wide"
    json = "json"
    yaml = "yaml"


Listen = Annotated[bool, typer.Option(
    "--listen", help="Only the listening sockets (TCP LISTEN, bound UDP and unix datagram "
                     "sockets, listening unix sockets).")]
PortsSortBy = Annotated[Optional[PortsOrder], typer.Option(
    "--sort-by", help="One list in this order instead of listening sockets first: port "
                      "(local), pid, container, proto, queue (the fullest first).")]
TableFormat = Annotated[TableOutput, typer.Option(
    "-o", "--output", help="table (default), wide, json or yaml.")]
Deleted = Annotated[bool, typer.Option(
    "--deleted", help="For every process of the Pods, the deleted files it still holds open "
                      "and the space they keep, totalled per container.")]
FdsWords = Annotated[Optional[list[str]], typer.Argument(
    help="POD and a PID or container/NAME (that container's main process); with --deleted, "
         "Pods as ps takes them: POD, pod/NAME, TYPE/NAME.",
    metavar="POD (PID | container/NAME) | [POD | TYPE/NAME]...", show_default=False)]
