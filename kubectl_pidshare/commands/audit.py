"""`kubectl pidshare audit`."""

from enum import Enum
from typing import Annotated, Optional

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
    Profile,
    Selector,
)


class AuditOutput(str, Enum):
    """The output formats of `audit`."""

    table = "table"
    json = "json"
    yaml = "yaml"


class Level(str, Enum):
    """The levels of `audit`'s findings, the least severe first."""

    info = "info"
    warning = "warning"
    critical = "critical"


@app.command("audit", epilog=GLOBAL_FLAGS_HINT)
def audit_command(
    ctx: typer.Context,
    targets: Targets = None,
    selector: Selector = None,
    all_namespaces: AllNamespaces = False,
    filename: Annotated[Optional[list[str]], typer.Option(
        "-f", "--filename", help="Audit the Pod specs of manifests instead (files, "
        "directories, - for stdin; Pods and what makes them, multi-document YAML, Lists), "
        "with no cluster.")] = None,
    output: Annotated[AuditOutput, typer.Option(
        "-o", "--output", help="table (default), json or yaml.")] = AuditOutput.table,
    fail_on: Annotated[Optional[Level], typer.Option(
        "--fail-on", help="Exit with status 76 if a finding is at this level or above "
                          "(info, warning, critical): a CI gate.")] = None,
    exec_container: ExecContainer = None,
    debug_image: DebugImage = None, debug_profile: DebugProfile = Profile.restricted,
) -> Invocation:
    """What a shared process namespace exposes: who can signal or read whom, secrets in
    command lines and environments (names only, never values), root and capabilities.

    From the Pod spec and the live processes (one exec per Pod), or with -f from manifests
    alone. Each finding has a stable id, a level and a one-line remedy.

    Examples:

    \b
      kubectl pidshare audit web
      kubectl pidshare audit -l app=web -o json
      kubectl pidshare audit -f deploy.yaml --fail-on critical
    """
    from kubectl_pidshare.audit import audit, audit_options
    from kubectl_pidshare.pod.debug_container import DebugOptions

    options = audit_options(targets or [], selector, all_namespaces, filename or [],
                            output.value, fail_on.value if fail_on else None, exec_container,
                            DebugOptions(debug_image, debug_profile.value))
    return invocation(ctx, lambda e, flags: audit(
        None if options.files else e.connect(flags), options, e.stdout, e.stderr))
