"""`kubectl pidshare version`."""

from typing import Annotated

import typer

from kubectl_pidshare.app import (
    Invocation,
    app,
    invocation,
)
from kubectl_pidshare.cluster.configflags import ConfigFlags
from kubectl_pidshare.flags import (
    GLOBAL_FLAGS_HINT,
)
from kubectl_pidshare.session import Environment


@app.command("version", epilog=GLOBAL_FLAGS_HINT)
def version_command(
    ctx: typer.Context,
    client: Annotated[bool, typer.Option(
        "--client", help="Only the plugin's and its libraries' versions, no request.")] = False,
) -> Invocation:
    """The plugin's version, its libraries', and the API server's.

    Examples:

    \b
      kubectl pidshare version
      kubectl pidshare version --client
    """
    from kubectl_pidshare.version import versions

    def action(env: Environment, flags: ConfigFlags) -> None:
        versions(None if client else env.connect(flags), env.stdout)

    return invocation(ctx, action)
