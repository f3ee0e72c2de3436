"""`kubectl pidshare ls`."""

from enum import Enum
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


class ListOutput(str, Enum):
    """The output formats of `ls`."""

    long = "long"
    json = "json"
    yaml = "yaml"


@app.command("ls", epilog=GLOBAL_FLAGS_HINT)
def ls_command(
    ctx: typer.Context,
    pod: Pod,
    aim: Aim,
    path: Annotated[str, typer.Argument(help="An absolute path, as that process sees it.")],
    all_: Annotated[bool, typer.Option("-a", "--all", help="Dot files too.")] = False,
    recursive: Annotated[bool, typer.Option(
        "-R", "--recursive", help="Every directory below, each entry by its path under PATH."
    )] = False,
    limit: Annotated[int, typer.Option(
        min=1, help="Stop after this many entries, saying so (exit 77).")] = 10_000,
    output: Annotated[ListOutput, typer.Option(
        "-o", "--output", help="long (default), json or yaml.")] = ListOutput.long,
    exec_container: ExecContainer = None,
    debug_image: DebugImage = None, debug_profile: DebugProfile = Profile.restricted,
) -> Invocation:
    """List a directory (or a file) as a process sees it (through /proc/PID/root), as ls -l.

    Examples:

    \b
      kubectl pidshare ls nginx container/nginx /etc/nginx
      kubectl pidshare ls nginx 8 /var/lib/app -R -a -o json
    """
    from kubectl_pidshare.ls import LsOptions, ls

    options = LsOptions(source(pod, aim, path, exec_container, debug_image, debug_profile),
                        all_, recursive, limit, output.value)
    return invocation(ctx, lambda env, flags: ls(env.connect(flags), options, env.stdout,
                                                  env.stderr.buffer))
