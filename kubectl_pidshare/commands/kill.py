"""`kubectl pidshare kill`."""

from typing import Annotated, Optional

import typer

from kubectl_pidshare.app import (
    Invocation,
    app,
    invocation,
)
from kubectl_pidshare.flags import (
    GLOBAL_FLAGS_HINT,
    DebugImage,
    DebugProfile,
    ExecContainer,
    Profile,
)

KillWords = Annotated[list[str], typer.Argument(
    help="The Pods (as ps takes them), the process (a PID as ps shows it, or container/NAME: "
         "that container's main process, the only choice with several Pods), the signal "
         "(default TERM: HUP, SIGHUP, hup, or a number).",
    metavar="TARGETS... (PID | container/NAME) [SIGNAL]", show_default=False)]
KillSelector = Annotated[Optional[str], typer.Option(
    "--selector", help="Every Pod matching this label selector (-l lists the signals, as "
                       "kill -l).")]
KillAllNamespaces = Annotated[bool, typer.Option(
    "-A", "--all-namespaces", help="Across all namespaces (with --selector, or alone).")]
DryRun = Annotated[bool, typer.Option(
    "--dry-run", help="Say what would be signalled, and send nothing.")]


def _signal_list(value: bool) -> None:
    if value:
        from kubectl_pidshare.kill import signal_list

        typer.echo(signal_list(), nl=False)
        raise typer.Exit()


def _not_empty(value: Optional[str]) -> Optional[str]:
    if value == "":
        raise typer.BadParameter("must not be empty: it would match any process (leave it out "
                                 "to signal the PID without a check)")
    return value


@app.command("kill", epilog=GLOBAL_FLAGS_HINT)
def kill_command(
    ctx: typer.Context,
    aimed: KillWords,
    selector: KillSelector = None,
    all_namespaces: KillAllNamespaces = False,
    expect: Annotated[Optional[str], typer.Option(
        callback=_not_empty,
        help="Signal only if the command line, as ps shows it (arguments joined by spaces), "
             "still contains this text, literally (guards PID reuse).")
    ] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Signal PID 1 / the sandbox, or a process that ignores the signal or would "
                        "be ended by it (it does not catch it), even so.")] = False,
    dry_run: DryRun = False,
    signals: Annotated[bool, typer.Option(
        "-l", "--list", callback=_signal_list, is_eager=True, help="List the signal names.")
    ] = False,
    exec_container: ExecContainer = None,
    debug_image: DebugImage = None, debug_profile: DebugProfile = Profile.restricted,
) -> Invocation:
    """Send a signal (default TERM) to a process of any container of the Pods.

    Examples:

    \b
      kubectl pidshare kill nginx container/nginx HUP
      kubectl pidshare kill nginx 8 SIGHUP --expect "nginx: master"
      kubectl pidshare kill deploy/web container/nginx HUP --dry-run
      kubectl pidshare kill -l
    """
    from kubectl_pidshare.fleet import plan, run
    from kubectl_pidshare.kill import KillOptions
    from kubectl_pidshare.pod.debug_container import DebugOptions

    targets, options = plan(aimed, selector, all_namespaces, KillOptions(
        "", runner=exec_container, expect=expect, force=force,
        debug=DebugOptions(debug_image, debug_profile.value), dry_run=dry_run))
    return invocation(ctx, lambda env, flags: run(env.connect(flags), options, targets,
                                                   env.stdout, env.stderr))
