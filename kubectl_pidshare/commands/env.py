"""`kubectl pidshare env`."""

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
from kubectl_pidshare.flags import (
    GLOBAL_FLAGS_HINT,
    DebugImage,
    DebugProfile,
    ExecContainer,
    Profile,
    ShowSecrets,
)


class EnvOutput(str, Enum):
    """The output formats of `env`."""

    text = "text"
    json = "json"
    yaml = "yaml"


@app.command("env", epilog=GLOBAL_FLAGS_HINT)
def env_command(
    ctx: typer.Context,
    pod: Pod,
    aim: Aim,
    output: Annotated[EnvOutput, typer.Option(
        "-o", "--output", help="text (NAME=value lines, the default), json or yaml.")
    ] = EnvOutput.text,
    show_secrets: ShowSecrets = False,
    diff: Annotated[bool, typer.Option(
        "--diff", help="Only the names that differ from the container's spec env: + in the "
                       "process only, - in the spec only.")] = False,
    exec_container: ExecContainer = None,
    debug_image: DebugImage = None, debug_profile: DebugProfile = Profile.restricted,
) -> Invocation:
    """The environment of a process, as the kernel holds it (/proc/PID/environ).

    That is the environment the process was started with, at exec: what it set or unset
    since is not seen. Values that look secret are shown as <redacted> (--show-secrets
    shows them). Reading it needs ptrace access: the same uid and a dumpable process, or
    SYS_PTRACE in the container pidshare runs from.

    Examples:

    \b
      kubectl pidshare env web container/app
      kubectl pidshare env web 8 -o json
      kubectl pidshare env web container/app --diff
    """
    from kubectl_pidshare.cluster.targets import pod_name
    from kubectl_pidshare.env import EnvOptions, env
    from kubectl_pidshare.pod.aim import parse_aim
    from kubectl_pidshare.pod.debug_container import DebugOptions

    options = EnvOptions(pod_name(pod), parse_aim(aim), exec_container, output.value,
                         show_secrets, diff, DebugOptions(debug_image, debug_profile.value))
    return invocation(ctx, lambda e, flags: env(e.connect(flags), options, e.stdout, e.stderr))
