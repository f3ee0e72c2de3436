"""The command line: commands and flags, and the one place errors become exit statuses.

Parsing only builds an Invocation (the flags and what to run); main() runs it, so every
failure of every command passes through the same boundary. typer reads the annotations here
at run time: they are objects (no `from __future__ import annotations`), Python 3.9's kind.
"""

import sys
from collections.abc import Callable, Sequence
from contextlib import nullcontext, redirect_stderr, redirect_stdout
from dataclasses import dataclass, replace
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from typer.main import get_command

from kubectl_pidshare import __version__
from kubectl_pidshare.configflags import ConfigFlags
from kubectl_pidshare.environment import Environment
from kubectl_pidshare.errors import Failed, OutputError, PidshareError, RemoteExit, describe
from kubectl_pidshare.flags import (
    GLOBAL_FLAGS_HINT,
    Abort,
    AllNamespaces,
    As,
    AsGroup,
    AsUid,
    CacheDir,
    CertificateAuthority,
    ClickException,
    ClientCertificate,
    ClientKey,
    Cluster,
    Container,
    Context,
    Debug,
    DebugImage,
    DebugProfile,
    DisableCompression,
    ExecContainer,
    Insecure,
    Interval,
    Kubeconfig,
    Namespace,
    NoHeaders,
    Output,
    Password,
    Profile,
    Selector,
    Server,
    ShowPidshare,
    ShowSecrets,
    SortBy,
    SortKey,
    Timeout,
    TlsServerName,
    Token,
    UsageError,
    User,
    Username,
    Verbosity,
    parse_timeout,
    split,
)
from kubectl_pidshare.habits import check
from kubectl_pidshare.netflags import (
    Deleted,
    FdsWords,
    Listen,
    PortsSortBy,
    TableFormat,
    TableOutput,
)
from kubectl_pidshare.status import ExitStatus
from kubectl_pidshare.usage import usage_error

if TYPE_CHECKING:
    from kubectl_pidshare.files import CatOptions
    from kubectl_pidshare.ps import PsOptions

PROG = "kubectl pidshare"
ROOT_FLAGS = "pidshare.flags"

app = typer.Typer(
    name=PROG,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


Pod = Annotated[str, typer.Argument(help="The Pod: POD or pod/NAME.", metavar="POD")]
TOP_INTERVAL = 2.0


@dataclass(frozen=True)
class Invocation:
    """What the command line asks for: how to reach the cluster, and what to run there."""

    flags: ConfigFlags
    debug: bool
    action: Callable[[Environment, ConfigFlags], None]

    def run(self, env: Environment) -> None:
        """Run the action in env, with the flags."""
        self.action(env, self.flags)


def _invocation(ctx: typer.Context, action: Callable[[Environment, ConfigFlags], None]
                ) -> Invocation:
    """The command's action with the global flags (see flags.hoist: they all reach root)."""
    flags, debug = ctx.meta.get(ROOT_FLAGS) or (ConfigFlags(), False)
    return Invocation(flags, debug, action)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kubectl-pidshare {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    namespace: Namespace = None, context: Context = None, kubeconfig: Kubeconfig = None,
    cluster: Cluster = None, user: User = None, request_timeout: Timeout = None,
    server: Server = None, token: Token = None, as_: As = None, as_group: AsGroup = None,
    as_uid: AsUid = None, certificate_authority: CertificateAuthority = None,
    client_certificate: ClientCertificate = None, client_key: ClientKey = None,
    insecure_skip_tls_verify: Insecure = False, tls_server_name: TlsServerName = None,
    disable_compression: DisableCompression = False, cache_dir: CacheDir = None,
    username: Username = None, password: Password = None, v: Verbosity = 0,
    debug: Debug = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the plugin's version.")] = False,
) -> None:
    """Troubleshoot Pods that share their process namespace.

    Examples:

    \b
      kubectl pidshare ps nginx
      kubectl pidshare kill nginx 8 HUP
      kubectl pidshare cat nginx 8 /etc/nginx/nginx.conf
    """
    ctx.meta[ROOT_FLAGS] = (ConfigFlags(
        kubeconfig=kubeconfig, context=context, cluster=cluster, user=user, namespace=namespace,
        request_timeout=parse_timeout(request_timeout), server=server, token=token,
        impersonate=as_, impersonate_groups=tuple(as_group or ()), impersonate_uid=as_uid,
        certificate_authority=certificate_authority, client_certificate=client_certificate,
        client_key=client_key, insecure=insecure_skip_tls_verify,
        tls_server_name=tls_server_name, disable_compression=disable_compression,
        username=username, password=password, verbosity=v), debug)


Targets = Annotated[Optional[list[str]], typer.Argument(
    help="Pods: POD, pod/NAME, or TYPE/NAME of what owns them (deploy, rs, sts, ds, job, "
         "cronjob, rc) or of a Service (svc: its selector's Pods), one or more; none with -l.",
    metavar="[POD | TYPE/NAME]...",
    show_default=False)]
Aim = Annotated[str, typer.Argument(
    help="A PID, as `kubectl pidshare ps` shows it, or container/NAME: that container's main "
         "(oldest) process.", metavar="PID | container/NAME")]
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


def _ps_options(words: Optional[list[str]], selector: Optional[str], all_namespaces: bool,
                container: Optional[str], exec_container: Optional[str], output: str,
                no_headers: bool, sort_by: Optional[SortKey], debug_image: Optional[str],
                debug_profile: Profile, show_pidshare: bool = False,
                show_secrets: bool = False) -> "PsOptions":
    from kubectl_pidshare.debugging import DebugOptions
    from kubectl_pidshare.ps import PsOptions
    from kubectl_pidshare.targets import parse

    return PsOptions(parse(words or [], selector, all_namespaces), container, exec_container,
                     output, not no_headers, sort_by.value if sort_by else None,
                     DebugOptions(debug_image, debug_profile.value), show_pidshare,
                     show_secrets)


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
    options = _ps_options(targets, selector, all_namespaces, container, exec_container,
                          output.value, no_headers, sort_by, debug_image, debug_profile,
                          show_pidshare, show_secrets)
    if watch:
        if output is not Output.tree:
            from kubectl_pidshare.targets import usage

            raise usage(f"-w/--watch draws the live table, as kubectl pidshare top: it takes no "
                        f"-o {output.value} (kubectl pidshare ps -o {output.value} prints one "
                        "snapshot)")
        return _top(ctx, replace(options, sort_by=options.sort_by or SortKey.cpu.value),
                    TOP_INTERVAL)
    from kubectl_pidshare.ps import ps

    def action(env: Environment, flags: ConfigFlags) -> None:
        fits = env.stdout_isatty and options.output == "tree"
        ps(env.connect(flags), options, env.stdout, env.stderr,
           env.terminal_width if fits else None, env.clock())

    return _invocation(ctx, action)


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
    return _top(ctx, _ps_options(targets, selector, all_namespaces, container, exec_container,
                                 "tree", no_headers, sort_by, debug_image, debug_profile,
                                 show_pidshare, show_secrets), interval)


def _top(ctx: typer.Context, options: "PsOptions", interval: float) -> Invocation:
    from kubectl_pidshare.top import Terminal, top

    def action(env: Environment, flags: ConfigFlags) -> None:
        transport = env.connect(flags)
        if not env.stdout_isatty:
            return top(transport, options, env.stdout, env.stderr, interval)
        with env.console() if env.console else nullcontext() as keys:
            top(transport, options, env.stdout, env.stderr, interval,
                Terminal(env.terminal_width, env.terminal_height, keys))

    return _invocation(ctx, action)


def _signal_list(value: bool) -> None:
    if value:
        from kubectl_pidshare.signals import signal_list

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
    from kubectl_pidshare.debugging import DebugOptions
    from kubectl_pidshare.fleet import plan, run
    from kubectl_pidshare.signals import KillOptions

    targets, options = plan(aimed, selector, all_namespaces, KillOptions(
        "", runner=exec_container, expect=expect, force=force,
        debug=DebugOptions(debug_image, debug_profile.value), dry_run=dry_run))
    return _invocation(ctx, lambda env, flags: run(env.connect(flags), options, targets,
                                                   env.stdout, env.stderr))


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
    from kubectl_pidshare.debugging import DebugOptions
    from kubectl_pidshare.files import CatOptions, cat, check_path
    from kubectl_pidshare.main_process import parse_aim
    from kubectl_pidshare.targets import one_pod

    options = CatOptions(one_pod(pod), parse_aim(aim), path, exec_container,
                         DebugOptions(debug_image, debug_profile.value))
    check_path(options)
    return _invocation(ctx, lambda env, flags: cat(env.connect(flags), options,
                                                   env.stdout.buffer, env.stderr.buffer))


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
    from kubectl_pidshare.debugging import DebugOptions
    from kubectl_pidshare.main_process import parse_aim
    from kubectl_pidshare.procenv import EnvOptions, env
    from kubectl_pidshare.targets import pod_name

    options = EnvOptions(pod_name(pod), parse_aim(aim), exec_container, output.value,
                         show_secrets, diff, DebugOptions(debug_image, debug_profile.value))
    return _invocation(ctx, lambda e, flags: env(e.connect(flags), options, e.stdout, e.stderr))


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
    from kubectl_pidshare.debugging import DebugOptions

    options = audit_options(targets or [], selector, all_namespaces, filename or [],
                            output.value, fail_on.value if fail_on else None, exec_container,
                            DebugOptions(debug_image, debug_profile.value))
    return _invocation(ctx, lambda e, flags: audit(
        None if options.files else e.connect(flags), options, e.stdout, e.stderr))


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
    from kubectl_pidshare.debugging import DebugOptions
    from kubectl_pidshare.ports import PortsOptions, ports
    from kubectl_pidshare.targets import parse

    options = PortsOptions(parse(targets or [], selector, all_namespaces), exec_container,
                           listen, output.value, not no_headers,
                           sort_by.value if sort_by else None,
                           DebugOptions(debug_image, debug_profile.value))
    return _invocation(ctx, lambda env, flags: ports(env.connect(flags), options, env.stdout,
                                                     env.stderr))


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
    from kubectl_pidshare.debugging import DebugOptions
    from kubectl_pidshare.fds import fds, fds_options

    options = fds_options(pod_and_process or [], deleted, selector, all_namespaces, exec_container,
                          output.value, not no_headers,
                          DebugOptions(debug_image, debug_profile.value))
    return _invocation(ctx, lambda env, flags: fds(env.connect(flags), options, env.stdout,
                                                   env.stderr))


def _source(pod: str, aim: str, path: str, exec_container: Optional[str],
            debug_image: Optional[str], debug_profile: Profile) -> "CatOptions":
    from kubectl_pidshare.debugging import DebugOptions
    from kubectl_pidshare.files import CatOptions, check_path
    from kubectl_pidshare.main_process import parse_aim
    from kubectl_pidshare.targets import one_pod

    options = CatOptions(one_pod(pod), parse_aim(aim), path, exec_container,
                         DebugOptions(debug_image, debug_profile.value))
    check_path(options)
    return options


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

    options = LsOptions(_source(pod, aim, path, exec_container, debug_image, debug_profile),
                        all_, recursive, limit, output.value)
    return _invocation(ctx, lambda env, flags: ls(env.connect(flags), options, env.stdout,
                                                  env.stderr.buffer))


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

    options = CpOptions(_source(pod, aim, path, exec_container, debug_image, debug_profile),
                        local, force)

    def action(env: Environment, flags: ConfigFlags) -> None:
        terminal = getattr(env.stderr, "isatty", lambda: False)()
        cp(env.connect(flags), options, env.stdout.buffer, env.stderr.buffer, terminal)

    return _invocation(ctx, action)


@app.command("help")
def help_command(
    ctx: typer.Context,
    command: Annotated[Optional[str], typer.Argument(help="The command to describe.")] = None,
) -> None:
    """Help about any command, as --help gives it.

    Examples:

    \b
      kubectl pidshare help ps
    """
    group = ctx.parent.command if ctx.parent else ctx.command
    chosen = getattr(group, "commands", {}).get(command) if command else group
    if chosen is None:
        raise UsageError(f'unknown command "{command}" for "{PROG}"', ctx)
    parent = ctx.parent or ctx
    with typer.Context(chosen, info_name=command or PROG, parent=None if chosen is group
                       else parent) as shown:
        typer.echo(chosen.get_help(shown))


@app.command("version", epilog=GLOBAL_FLAGS_HINT)
def version_command(
    ctx: typer.Context,
    client: Annotated[bool, typer.Option(
        "--client", help="Only the plugin's and its libraries' versions, no request.")] = False,
) -> Invocation:
    """The plugin's version, its libraries', and the API server's.

    Examples:

    \b
      kubectl pidshare version
      kubectl pidshare version --client
    """
    from kubectl_pidshare.versions import versions

    def action(env: Environment, flags: ConfigFlags) -> None:
        versions(None if client else env.connect(flags), env.stdout)

    return _invocation(ctx, action)


@app.command("completion", epilog=GLOBAL_FLAGS_HINT)
def completion_command(
    ctx: typer.Context,
    install: Annotated[bool, typer.Option(
        "--install", help="Write kubectl_complete-pidshare beside a krew-installed plugin.")
    ] = False,
) -> Invocation:
    """Set up shell completion of `kubectl pidshare` (through kubectl's own).

    Examples:

    \b
      kubectl pidshare completion
      kubectl pidshare completion --install
    """
    from kubectl_pidshare.completion import completion

    return _invocation(ctx, lambda env, flags: completion(env.environ, env.stdout, install))


def main(argv: Optional[Sequence[str]] = None, env: Optional[Environment] = None) -> int:
    """Run the command line; the one error boundary. Returns the exit status: an ExitStatus,
    or a remote command's own status passed through."""
    env = env or Environment.of_process()
    args = list(sys.argv[1:] if argv is None else argv) or ["--help"]
    debug = False
    try:
        with redirect_stdout(env.stdout), redirect_stderr(env.stderr):
            command = get_command(app)
            hoisted, rest = split(command, args)
            check(command, hoisted, rest)
            invoked = command.main(args=hoisted + rest, standalone_mode=False, obj=env,
                                   prog_name=PROG)
        if not isinstance(invoked, Invocation):
            return int(invoked or 0)
        debug = invoked.debug
        invoked.run(env)
        env.stdout.flush()
    except ClickException as exc:
        env.stderr.write(usage_error(exc, args, [
            command.name for command in app.registered_commands if command.name]))
        return exc.exit_code
    except (Abort, KeyboardInterrupt):
        return ExitStatus.INTERRUPTED
    except BrokenPipeError:
        env.silence_stdout()
        return ExitStatus.STDOUT_CLOSED
    except PidshareError as exc:
        if isinstance(exc, OutputError):
            env.silence_stdout()
        _report(env, exc, exc.render(), debug)
        return exc.status
    except RemoteExit as exc:
        if exc.message:
            env.stderr.write(exc.message + "\n")
        return exc.status
    except Failed as exc:
        return exc.status
    except Exception as exc:  # noqa: BLE001 - the one boundary: no traceback without --debug
        _report(env, exc, f"error: {describe(exc)}", debug)
        return ExitStatus.ERROR
    return ExitStatus.SUCCESS


def _report(env: Environment, exc: BaseException, line: str, debug: bool) -> None:
    if debug:
        import traceback

        traceback.print_exception(type(exc), exc, exc.__traceback__, file=env.stderr)
    env.stderr.write(line + "\n")

