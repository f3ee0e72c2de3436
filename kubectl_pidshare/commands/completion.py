"""`kubectl pidshare completion`."""

from typing import Annotated

import typer

from kubectl_pidshare.app import (
    Invocation,
    app,
    invocation,
)
from kubectl_pidshare.flags import (
    GLOBAL_FLAGS_HINT,
)


@app.command("completion", epilog=GLOBAL_FLAGS_HINT)
def completion_command(
    ctx: typer.Context,
    install: Annotated[bool, typer.Option(
        "--install", help="Write kubectl_complete-pidshare beside a krew-installed plugin.")
    ] = False,
) -> Invocation:
    """Set up shell completion of `kubectl pidshare` (through kubectl's own).

    Examples:

    \b
      kubectl pidshare completion
      kubectl pidshare completion --install
    """
    from kubectl_pidshare.completion import completion

    return invocation(ctx, lambda env, flags: completion(env.environ, env.stdout, install))
