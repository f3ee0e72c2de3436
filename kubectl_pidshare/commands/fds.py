"""`kubectl pidshare fds`."""


import typer

from kubectl_pidshare.app import (
    Invocation,
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
    Deleted,
    FdsWords,
    TableFormat,
    TableOutput,
)


@app.command("fds", epilog=GLOBAL_FLAGS_HINT)
def fds_command(
    ctx: typer.Context,
    pod_and_process: FdsWords = None,
    deleted: Deleted = False,
    selector: Selector = None,
    all_namespaces: AllNamespaces = False,
    output: TableFormat = TableOutput.table,
    no_headers: NoHeaders = False,
    exec_container: ExecContainer = None,
    debug_image: DebugImage = None, debug_profile: DebugProfile = Profile.restricted,
) -> Invocation:
    """The open file descriptors of a process; with --deleted, the deleted files held open.

    Each descriptor's type, target, open flags, position and size.

    Examples:

    \b
      kubectl pidshare fds nginx container/nginx
      kubectl pidshare fds nginx 8 -o wide
      kubectl pidshare fds deploy/web --deleted
    """
    from kubectl_pidshare.fds import fds, fds_options
    from kubectl_pidshare.pod.debug_container import DebugOptions

    options = fds_options(pod_and_process or [], deleted, selector, all_namespaces, exec_container,
                          output.value, not no_headers,
                          DebugOptions(debug_image, debug_profile.value))
    return invocation(ctx, lambda env, flags: fds(env.connect(flags), options, env.stdout,
                                                   env.stderr))
