"""`kubectl pidshare top`."""

from typing import Annotated

import typer

from kubectl_pidshare.app import (
    TOP_INTERVAL,
    Invocation,
    Targets,
    app,
)
from kubectl_pidshare.commands.options import live, ps_options
from kubectl_pidshare.flags import (
    GLOBAL_FLAGS_HINT,
    AllNamespaces,
    Container,
    DebugImage,
    DebugProfile,
    ExecContainer,
    Interval,
    NoHeaders,
    Profile,
    Selector,
    ShowPidshare,
    ShowSecrets,
    SortKey,
)


@app.command("top", epilog=GLOBAL_FLAGS_HINT)
def top_command(
    ctx: typer.Context,
    targets: Targets = None,
    selector: Selector = None,
    all_namespaces: AllNamespaces = False,
    container: Container = None,
    sort_by: Annotated[SortKey, typer.Option(
        "--sort-by", help="cpu (default) or mem (the greediest first), pid or start.")
    ] = SortKey.cpu,
    no_headers: NoHeaders = False,
    interval: Interval = TOP_INTERVAL,
    exec_container: ExecContainer = None, show_pidshare: ShowPidshare = False,
    debug_image: DebugImage = None, debug_profile: DebugProfile = Profile.restricted,
    show_secrets: ShowSecrets = False,
) -> Invocation:
    """A live view of the Pods' processes: CPU% between refreshes, memory; Ctrl-C ends it.

    On a terminal the table is redrawn in place; otherwise each refresh is printed after the
    last. One exec per Pod per refresh.

    Examples:

    \b
      kubectl pidshare top nginx
      kubectl pidshare top deploy/web --sort-by mem
    """
    return live(ctx, ps_options(targets, selector, all_namespaces, container, exec_container,
                                 "tree", no_headers, sort_by, debug_image, debug_profile,
                                 show_pidshare, show_secrets), interval)
