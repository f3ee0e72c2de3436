"""`kubectl pidshare ports`."""


import typer

from kubectl_pidshare.app import (
    Invocation,
    Targets,
    app,
    invocation,
)
from kubectl_pidshare.flags import (
    GLOBAL_FLAGS_HINT,
    AllNamespaces,
    DebugImage,
    DebugProfile,
    ExecContainer,
    NoHeaders,
    Profile,
    Selector,
)
from kubectl_pidshare.netflags import (
    Listen,
    PortsSortBy,
    TableFormat,
    TableOutput,
)


@app.command("ports", epilog=GLOBAL_FLAGS_HINT)
def ports_command(
    ctx: typer.Context,
    targets: Targets = None,
    selector: Selector = None,
    all_namespaces: AllNamespaces = False,
    listen: Listen = False,
    output: TableFormat = TableOutput.table,
    no_headers: NoHeaders = False,
    sort_by: PortsSortBy = None,
    exec_container: ExecContainer = None,
    debug_image: DebugImage = None, debug_profile: DebugProfile = Profile.restricted,
) -> Invocation:
    """Every socket of the Pods' network namespace (TCP, UDP, unix) and who holds it.

    Listening sockets first, each with the process and container holding it.

    Examples:

    \b
      kubectl pidshare ports nginx
      kubectl pidshare ports deploy/web --listen
      kubectl pidshare ports nginx -o json | jq '.sockets[] | select(.localPort==8080)'
    """
    from kubectl_pidshare.cluster.targets import parse
    from kubectl_pidshare.pod.debug_container import DebugOptions
    from kubectl_pidshare.ports import PortsOptions, ports

    options = PortsOptions(parse(targets or [], selector, all_namespaces), exec_container,
                           listen, output.value, not no_headers,
                           sort_by.value if sort_by else None,
                           DebugOptions(debug_image, debug_profile.value))
    return invocation(ctx, lambda env, flags: ports(env.connect(flags), options, env.stdout,
                                                     env.stderr))
