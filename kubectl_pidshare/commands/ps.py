"""`kubectl pidshare ps`."""

from dataclasses import replace
from typing import TYPE_CHECKING, Annotated

import typer

from kubectl_pidshare.app import (
    TOP_INTERVAL,
    Invocation,
    Targets,
    app,
    invocation,
)
from kubectl_pidshare.cluster.configflags import ConfigFlags
from kubectl_pidshare.commands.options import live, ps_options
from kubectl_pidshare.flags import (
    GLOBAL_FLAGS_HINT,
    AllNamespaces,
    Container,
    DebugImage,
    DebugProfile,
    ExecContainer,
    NoHeaders,
    Output,
    Profile,
    Selector,
    ShowPidshare,
    ShowSecrets,
    SortBy,
    SortKey,
)
from kubectl_pidshare.session import Environment

if TYPE_CHECKING:
    from kubectl_pidshare.ps import PsOptions


def _watched(ctx: typer.Context, options: "PsOptions", output: Output) -> Invocation:
    """`ps -w`: the live view, by CPU unless --sort-by says otherwise; it draws a table only."""
    if output is not Output.tree:
        from kubectl_pidshare.cluster.targets import usage

        raise usage(f"-w/--watch draws the live table, as kubectl pidshare top: it takes no "
                    f"-o {output.value} (kubectl pidshare ps -o {output.value} prints one "
                    "snapshot)")
    return live(ctx, replace(options, sort_by=options.sort_by or SortKey.cpu.value),
                TOP_INTERVAL)


@app.command("ps", epilog=GLOBAL_FLAGS_HINT)
def ps_command(
    ctx: typer.Context,
    targets: Targets = None,
    selector: Selector = None,
    all_namespaces: AllNamespaces = False,
    container: Container = None,
    output: Annotated[Output, typer.Option(
        "-o", "--output", help="tree (default), wide, signals (caught, ignored, blocked), json "
                               "or yaml.")] = Output.tree,
    no_headers: NoHeaders = False,
    sort_by: SortBy = None,
    watch: Annotated[bool, typer.Option(
        "-w", "--watch", help="The live view, as kubectl pidshare top (by CPU unless "
                               "--sort-by says otherwise).")] = False,
    exec_container: ExecContainer = None, show_pidshare: ShowPidshare = False,
    debug_image: DebugImage = None, debug_profile: DebugProfile = Profile.restricted,
    show_secrets: ShowSecrets = False,
) -> Invocation:
    """Every process of the Pods, grouped per container, as trees.

    Examples:

    \b
      kubectl pidshare ps nginx
      kubectl pidshare ps deploy/web -c nginx
      kubectl pidshare ps -l app=web -A -o wide --sort-by mem
      kubectl pidshare ps nginx -o json | jq '.processes[] | select(.container=="nginx")'
    """
    options = ps_options(targets, selector, all_namespaces, container, exec_container,
                          output.value, no_headers, sort_by, debug_image, debug_profile,
                          show_pidshare, show_secrets)
    if watch:
        return _watched(ctx, options, output)
    return _listed(ctx, options)


def _listed(ctx: typer.Context, options: "PsOptions") -> Invocation:
    """`ps`: one listing, laid out to the terminal's width when it is one."""
    from kubectl_pidshare.ps import ps

    def action(env: Environment, flags: ConfigFlags) -> None:
        fits = env.stdout_isatty and options.output == "tree"
        ps(env.connect(flags), options, env.stdout, env.stderr,
           env.terminal_width if fits else None, env.clock())

    return invocation(ctx, action)
