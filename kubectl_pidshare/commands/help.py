"""`kubectl pidshare help`."""

from typing import Annotated, Optional

import typer

from kubectl_pidshare.app import (
    PROG,
    app,
)
from kubectl_pidshare.flags import (
    UsageError,
)


@app.command("help")
def help_command(
    ctx: typer.Context,
    command: Annotated[Optional[str], typer.Argument(help="The command to describe.")] = None,
) -> None:
    """Help about any command, as --help gives it.

    Examples:

    \b
      kubectl pidshare help ps
    """
    group = ctx.parent.command if ctx.parent else ctx.command
    chosen = getattr(group, "commands", {}).get(command) if command else group
    if chosen is None:
        raise UsageError(f'unknown command "{command}" for "{PROG}"', ctx)
    parent = ctx.parent or ctx
    with typer.Context(chosen, info_name=command or PROG, parent=None if chosen is group
                       else parent) as shown:
        typer.echo(chosen.get_help(shown))
