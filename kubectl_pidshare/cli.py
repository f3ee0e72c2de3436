"""The command line: commands and flags, and the one place errors become exit statuses."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from kubectl_pidshare import __version__
from kubectl_pidshare.errors import PidshareError, RemoteExit, describe
from kubectl_pidshare.kubeconfig import ConfigFlags

if TYPE_CHECKING:
    from kubectl_pidshare.remote import Transport

PROG = "kubectl pidshare"
DURATION = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}

app = typer.Typer(
    name=PROG,
    add_completion=True,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def parse_timeout(value: str | None) -> float | None:
    """kubectl's --request-timeout: a bare number of seconds or a Go duration; 0 means none."""
    if value is None:
        return None
    text = value.strip()
    if re.fullmatch(r"\d+", text):
        seconds = float(text)
    elif text and DURATION.sub("", text) == "":
        seconds = sum(float(n) * UNITS[u] for n, u in DURATION.findall(text))
    else:
        raise typer.BadParameter(
            "must be a number of seconds or a duration such as 5s, 1m or 1h30m",
            param_hint="'--request-timeout'",
        )
    return seconds or None


Namespace = Annotated[str | None, typer.Option(
    "-n", "--namespace", help="The namespace of the Pod (default: the context's).")]
Context = Annotated[str | None, typer.Option(help="The kubeconfig context to use.")]
Kubeconfig = Annotated[str | None, typer.Option(help="Path to the kubeconfig file to use.")]
Cluster = Annotated[str | None, typer.Option(help="The kubeconfig cluster to use.")]
User = Annotated[str | None, typer.Option(help="The kubeconfig user to use.")]
Timeout = Annotated[str | None, typer.Option(
    "--request-timeout", help="How long to wait for the server (e.g. 5s, 1m; 0: no limit).")]
Runner = Annotated[str | None, typer.Option(
    "-c", "--container", help="The container to run pidshare's probe from (needs sh).")]
Debug = Annotated[bool, typer.Option("-v", "--debug", help="Show tracebacks of errors.")]


class State:
    """Flags given before the command, and the debug switch."""

    flags = ConfigFlags()
    debug = False


def _flags(namespace: str | None, context: str | None, kubeconfig: str | None,
           cluster: str | None, user: str | None, timeout: str | None,
           debug: bool) -> ConfigFlags:
    State.debug = State.debug or debug
    given = State.flags
    return ConfigFlags(
        kubeconfig=kubeconfig or given.kubeconfig,
        context=context or given.context,
        cluster=cluster or given.cluster,
        user=user or given.user,
        namespace=namespace or given.namespace,
        request_timeout=parse_timeout(timeout) if timeout is not None else given.request_timeout,
    )


def _transport(flags: ConfigFlags) -> Transport:
    from kubectl_pidshare.kubeconfig import load
    from kubectl_pidshare.remote import KubeTransport

    return KubeTransport(load(flags))


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kubectl-pidshare {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    namespace: Namespace = None, context: Context = None, kubeconfig: Kubeconfig = None,
    cluster: Cluster = None, user: User = None, request_timeout: Timeout = None,
    debug: Debug = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the plugin's version.")] = False,
) -> None:
    """Troubleshoot Pods that share their process namespace.

    Examples:

      kubectl pidshare ps nginx

      kubectl pidshare kill nginx 8 HUP

      kubectl pidshare cat nginx 8 /etc/nginx/nginx.conf
    """
    State.flags = _flags(namespace, context, kubeconfig, cluster, user, request_timeout, debug)


class Output(StrEnum):
    """The output formats of `ps`."""

    tree = "tree"
    wide = "wide"
    json = "json"
    yaml = "yaml"


@app.command("ps")
def ps_command(
    pod: Annotated[str, typer.Argument(help="The Pod's name.")],
    output: Annotated[Output, typer.Option(
        "-o", "--output", help="tree (default), wide, json or yaml.")] = Output.tree,
    container: Runner = None,
    namespace: Namespace = None, context: Context = None, kubeconfig: Kubeconfig = None,
    cluster: Cluster = None, user: User = None, request_timeout: Timeout = None,
    debug: Debug = False,
) -> None:
    """Every process of the Pod, grouped per container, as a tree.

    Examples:

      kubectl pidshare ps nginx

      kubectl pidshare ps nginx -n web -o wide

      kubectl pidshare ps nginx -o json | jq '.processes[] | select(.container=="nginx")'
    """
    from kubectl_pidshare.ps import ps

    flags = _flags(namespace, context, kubeconfig, cluster, user, request_timeout, debug)
    ps(_transport(flags), pod, container, output.value, sys.stdout, sys.stderr)


def _signal_list(value: bool) -> None:
    if value:
        from kubectl_pidshare.signals import signal_list

        sys.stdout.write(signal_list())
        raise typer.Exit()


@app.command("kill")
def kill_command(
    pod: Annotated[str, typer.Argument(help="The Pod's name.")],
    pid: Annotated[int, typer.Argument(min=1, help="The PID, as `kubectl pidshare ps` shows it.")],
    signal: Annotated[str, typer.Argument(help="A name (HUP, SIGHUP, hup) or a number.")] = "TERM",
    expect: Annotated[str | None, typer.Option(
        help="Signal only if the command line still contains this text (guards PID reuse).")
    ] = None,
    force: Annotated[bool, typer.Option(
        help="Signal PID 1 / the sandbox even so.")] = False,
    signals: Annotated[bool, typer.Option(
        "-l", "--list", callback=_signal_list, is_eager=True, help="List the signal names.")
    ] = False,
    container: Runner = None,
    namespace: Namespace = None, context: Context = None, kubeconfig: Kubeconfig = None,
    cluster: Cluster = None, user: User = None, request_timeout: Timeout = None,
    debug: Debug = False,
) -> None:
    """Send a signal (default TERM) to a process of any container of the Pod.

    Examples:

      kubectl pidshare kill nginx 8 HUP

      kubectl pidshare kill nginx 8 SIGHUP --expect "nginx: master"

      kubectl pidshare kill -l
    """
    from kubectl_pidshare.signals import kill

    flags = _flags(namespace, context, kubeconfig, cluster, user, request_timeout, debug)
    kill(_transport(flags), pod, pid, signal, container, expect, force, sys.stdout)


@app.command("cat")
def cat_command(
    pod: Annotated[str, typer.Argument(help="The Pod's name.")],
    pid: Annotated[int, typer.Argument(min=1, help="The PID whose view of the files to use.")],
    path: Annotated[str, typer.Argument(help="An absolute path, as that process sees it.")],
    container: Runner = None,
    namespace: Namespace = None, context: Context = None, kubeconfig: Kubeconfig = None,
    cluster: Cluster = None, user: User = None, request_timeout: Timeout = None,
    debug: Debug = False,
) -> None:
    """Print a file as process PID sees it (through /proc/PID/root), byte for byte.

    Examples:

      kubectl pidshare cat nginx 8 /etc/nginx/nginx.conf

      kubectl pidshare cat nginx 8 /var/lib/app/data.bin > data.bin
    """
    from kubectl_pidshare.files import cat

    flags = _flags(namespace, context, kubeconfig, cluster, user, request_timeout, debug)
    cat(_transport(flags), pod, pid, path, container, sys.stdout.buffer, sys.stderr.buffer)


@app.command("version")
def version_command(
    client: Annotated[bool, typer.Option(
        "--client", help="Only the plugin's and its libraries' versions, no request.")] = False,
    context: Context = None, kubeconfig: Kubeconfig = None, cluster: Cluster = None,
    user: User = None, request_timeout: Timeout = None, debug: Debug = False,
) -> None:
    """The plugin's version, its libraries', and the API server's.

    Examples:

      kubectl pidshare version

      kubectl pidshare version --client
    """
    from importlib.metadata import PackageNotFoundError, version

    def of(package: str) -> str:
        try:
            return version(package)
        except PackageNotFoundError:
            return "not installed"

    libraries = ", ".join(f"{name} {of(name)}" for name in
                          ("kubernetes", "websocket-client", "typer", "tabulate"))
    sys.stdout.write(f"Client Version: kubectl-pidshare {__version__} "
                     f"(Python {sys.version.split()[0]}; {libraries})\n")
    if not client:
        flags = _flags(None, context, kubeconfig, cluster, user, request_timeout, debug)
        server = _transport(flags).get("/version")
        sys.stdout.write(f"Server Version: {server.get('gitVersion', 'unknown')}\n")


STANDALONE = "kubectl-pidshare"


def _prog_name(argv: list[str], environ: Mapping[str, str]) -> str:
    """`kubectl pidshare`, except for typer's own shell completion, which must name the
    standalone command (naming `kubectl pidshare` would take over kubectl's completion)."""
    completing = "_KUBECTL_PIDSHARE_COMPLETE" in environ
    if completing or {"--show-completion", "--install-completion"} & set(argv):
        return STANDALONE
    return PROG


def main() -> None:
    """Run the command line: usage errors exit 2 (typer's), errors 1, Ctrl-C 130, and a
    remote command's own status passes through."""
    try:
        app(prog_name=_prog_name(sys.argv, os.environ))
    except PidshareError as exc:
        _report(exc, exc.render())
        sys.exit(exc.exit_code)
    except RemoteExit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(141)
    except Exception as exc:  # noqa: BLE001 - the one boundary: no traceback without --debug
        _report(exc, f"error: {describe(exc)}")
        sys.exit(1)


def _report(exc: BaseException, line: str) -> None:
    if State.debug:
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    sys.stderr.write(line + "\n")
