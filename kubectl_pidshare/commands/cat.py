"""`kubectl pidshare cat`."""

from typing import Annotated

import typer

from kubectl_pidshare.app import (
    Aim,
    Invocation,
    Pod,
    app,
    invocation,
)
from kubectl_pidshare.commands.options import source
from kubectl_pidshare.flags import (
    GLOBAL_FLAGS_HINT,
    DebugImage,
    DebugProfile,
    ExecContainer,
    Profile,
)


@app.command("cat", epilog=GLOBAL_FLAGS_HINT)
def cat_command(
    ctx: typer.Context,
    pod: Pod,
    aim: Aim,
    path: Annotated[str, typer.Argument(help="An absolute path, as that process sees it.")],
    exec_container: ExecContainer = None,
    debug_image: DebugImage = None, debug_profile: DebugProfile = Profile.restricted,
) -> Invocation:
    """Print a file as a process sees it (through /proc/PID/root), byte for byte.

    Examples:

    \b
      kubectl pidshare cat nginx container/nginx /etc/nginx/nginx.conf
      kubectl pidshare cat nginx 8 /var/lib/app/data.bin > data.bin
    """
    from kubectl_pidshare.cat import cat

    options = source(pod, aim, path, exec_container, debug_image, debug_profile)
    return invocation(ctx, lambda env, flags: cat(env.connect(flags), options,
                                                   env.stdout.buffer, env.stderr.buffer))
