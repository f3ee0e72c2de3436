"""The command line: the app with kubectl's global flags (the root callback), the commands
(kubectl_pidshare.commands, one module each, registered in the order help lists them), and
the one place errors become exit statuses.

Parsing only builds an Invocation (the flags and what to run); main() runs it, so every
failure of every command passes through the same boundary. typer reads the annotations here
at run time: they are objects (no `from __future__ import annotations`), Python 3.9's kind.
"""

import sys
from collections.abc import Sequence
from contextlib import redirect_stderr, redirect_stdout
from typing import Annotated, Any, Optional

import typer
from typer.main import get_command

from kubectl_pidshare import __version__
from kubectl_pidshare.app import PROG, ROOT_FLAGS, Invocation, app
from kubectl_pidshare.cluster.configflags import ConfigFlags
from kubectl_pidshare.commands import register
from kubectl_pidshare.errors import Failed, OutputError, PidshareError, RemoteExit, describe
from kubectl_pidshare.flags import (
    Abort,
    As,
    AsGroup,
    AsUid,
    CacheDir,
    CertificateAuthority,
    ClickException,
    ClientCertificate,
    ClientKey,
    Cluster,
    Context,
    Debug,
    DisableCompression,
    Insecure,
    Kubeconfig,
    Namespace,
    Password,
    Server,
    Timeout,
    TlsServerName,
    Token,
    User,
    Username,
    Verbosity,
    parse_timeout,
    split,
)
from kubectl_pidshare.habits import check
from kubectl_pidshare.session import Environment
from kubectl_pidshare.status import ExitStatus
from kubectl_pidshare.usage import usage_error

__all__ = ["app", "main"]  # app: every command registered on it

register()


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


def _parse(args: list[str], env: Environment) -> Any:
    """The command line parsed, kubectl's global flags accepted anywhere: what the command
    returned (an Invocation to run, or the status of --help, version and the like)."""
    with redirect_stdout(env.stdout), redirect_stderr(env.stderr):
        command = get_command(app)
        hoisted, rest = split(command, args)
        check(command, hoisted, rest)
        return command.main(args=hoisted + rest, standalone_mode=False, obj=env, prog_name=PROG)


def main(argv: Optional[Sequence[str]] = None, env: Optional[Environment] = None) -> int:
    """Run the command line; the one error boundary. Returns the exit status: an ExitStatus,
    or a remote command's own status passed through."""
    env = env or Environment.of_process()
    args = list(sys.argv[1:] if argv is None else argv) or ["--help"]
    debug = False
    try:
        invoked = _parse(args, env)
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
