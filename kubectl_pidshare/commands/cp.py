"""`kubectl pidshare cp`."""

from typing import Annotated

import typer

from kubectl_pidshare.app import (
    Aim,
    Invocation,
    Pod,
    app,
    invocation,
)
from kubectl_pidshare.cluster.configflags import ConfigFlags
from kubectl_pidshare.commands.options import source
from kubectl_pidshare.flags import (
    GLOBAL_FLAGS_HINT,
    DebugImage,
    DebugProfile,
    ExecContainer,
    Profile,
)
from kubectl_pidshare.session import Environment


@app.command("cp", epilog=GLOBAL_FLAGS_HINT)
def cp_command(
    ctx: typer.Context,
    pod: Pod,
    aim: Aim,
    path: Annotated[str, typer.Argument(help="An absolute path, as that process sees it.")],
    local: Annotated[str, typer.Argument(
        help="Where the copy goes (the copy of PATH itself); - for a tar archive on stdout.")],
    force: Annotated[bool, typer.Option(
        "--force", help="Replace files that exist under LOCAL.")] = False,
    exec_container: ExecContainer = None,
    debug_image: DebugImage = None, debug_profile: DebugProfile = Profile.restricted,
) -> Invocation:
    """Copy a file or a directory tree out of a process's root; no tar needed in the Pod.

    Examples:

    \b
      kubectl pidshare cp nginx container/nginx /etc/nginx ./nginx-conf
      kubectl pidshare cp nginx 8 /var/lib/app - | tar tvf -
    """
    from kubectl_pidshare.cp import CpOptions, cp

    options = CpOptions(source(pod, aim, path, exec_container, debug_image, debug_profile),
                        local, force)

    def action(env: Environment, flags: ConfigFlags) -> None:
        terminal = getattr(env.stderr, "isatty", lambda: False)()
        cp(env.connect(flags), options, env.stdout.buffer, env.stderr.buffer, terminal)

    return invocation(ctx, action)
