"""The flags: kubectl's global ones, declared once, on the root command, and accepted anywhere
on the line, as kubectl accepts them (`ps nginx -n web` is `-n web ps nginx`); and those the
commands that run a script share (the container to run from, the debug container)."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer

from kubectl_pidshare.clickerrors import (
    Abort,
    BadOptionUsage,
    BadParameter,
    ClickException,
    MissingParameter,
    NoSuchOption,
    UsageError,
)
from kubectl_pidshare.hoisting import go_bool, hoist, options, parse_timeout, split

__all__ = ["Abort", "BadOptionUsage", "BadParameter", "ClickException", "MissingParameter",
           "NoSuchOption", "UsageError", "go_bool", "hoist", "options", "parse_timeout", "split"]

Namespace = Annotated[Optional[str], typer.Option(
    "-n", "--namespace", help="The namespace of the Pod (default: the context's).")]
Context = Annotated[Optional[str], typer.Option(help="The kubeconfig context to use.")]
Kubeconfig = Annotated[Optional[str], typer.Option(help="Path to the kubeconfig file to use.")]
Cluster = Annotated[Optional[str], typer.Option(help="The kubeconfig cluster to use.")]
User = Annotated[Optional[str], typer.Option(help="The kubeconfig user to use.")]
Timeout = Annotated[Optional[str], typer.Option(
    "--request-timeout", help="How long to wait for the server (e.g. 5s, 1m; 0: no limit).")]
Debug = Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")]
Server = Annotated[Optional[str], typer.Option(
    "-s", "--server", help="The address and port of the Kubernetes API server.")]
Token = Annotated[Optional[str], typer.Option(
    help="Bearer token for authentication to the API server.")]
As = Annotated[Optional[str], typer.Option(
    "--as", help="Username to impersonate for the operation.")]
AsGroup = Annotated[Optional[list[str]], typer.Option(
    "--as-group", help="Group to impersonate for the operation; repeat for several.")]
AsUid = Annotated[Optional[str], typer.Option("--as-uid", help="UID to impersonate.")]
CertificateAuthority = Annotated[Optional[str], typer.Option(
    "--certificate-authority", help="Path to a cert file for the certificate authority.")]
ClientCertificate = Annotated[Optional[str], typer.Option(
    "--client-certificate", help="Path to a client certificate file for TLS.")]
ClientKey = Annotated[Optional[str], typer.Option(
    "--client-key", help="Path to a client key file for TLS.")]
Insecure = Annotated[bool, typer.Option(
    "--insecure-skip-tls-verify", help="Do not check the server's certificate (insecure).")]
TlsServerName = Annotated[Optional[str], typer.Option(
    "--tls-server-name", help="Server name to use for server certificate validation.")]
DisableCompression = Annotated[bool, typer.Option(
    "--disable-compression", help="Opt out of response compression (pidshare asks for none).")]
CacheDir = Annotated[Optional[str], typer.Option(
    "--cache-dir", help="Accepted for kubectl's sake; pidshare keeps no discovery cache.")]
Username = Annotated[Optional[str], typer.Option(
    help="Username for basic authentication to the API server.")]
Password = Annotated[Optional[str], typer.Option(
    help="Password for basic authentication to the API server.")]
Verbosity = Annotated[int, typer.Option(
    "-v", "--v", min=0, help="Log level: 6 the requests, 8 their bodies (never a credential).")]
Container = Annotated[Optional[str], typer.Option(
    "-c", "--container", help="Show only this container's processes (as kubectl logs -c).")]
ExecContainer = Annotated[Optional[str], typer.Option(
    "--exec-container", help="The container to exec pidshare's script in, as kubectl exec -c "
    "names it. It must have sh (and grep): the script is POSIX sh. Default: the "
    "kubectl.kubernetes.io/default-container annotation, else a running container with sh, "
    "those with SYS_PTRACE first (they can read the other containers' user names).")]
Selector = Annotated[Optional[str], typer.Option(
    "-l", "--selector", help="Every Pod matching this label selector (e.g. -l app=web).")]
AllNamespaces = Annotated[bool, typer.Option(
    "-A", "--all-namespaces", help="Across all namespaces (with -l, or alone).")]
NoHeaders = Annotated[bool, typer.Option("--no-headers", help="Print no header line.")]


class SortKey(str, Enum):
    """The orders of --sort-by."""

    pid = "pid"
    cpu = "cpu"
    mem = "mem"
    start = "start"


SortBy = Annotated[Optional[SortKey], typer.Option(
    "--sort-by", help="One list in this order instead of trees: pid or start (oldest first), "
    "cpu or mem (the greediest first).")]
Interval = Annotated[float, typer.Option(
    "--interval", min=0.2, help="Seconds between refreshes of the live view.")]
DebugImage = Annotated[Optional[str], typer.Option(
    "--debug-image", envvar="PIDSHARE_DEBUG_IMAGE", show_envvar=False,
    help="Run from an ephemeral container of this image (it needs sh and grep), added to the "
         "Pod once and reused, only where no container of the Pod can run the script (or has "
         "what --debug-profile gives); otherwise one line says why nothing was added. Default: "
         "$PIDSHARE_DEBUG_IMAGE.")]


ShowPidshare = Annotated[bool, typer.Option(
    "--show-pidshare", help="Also list pidshare's own processes (its scripts from other runs, "
    "its debug containers), as the command and its target.")]


class Profile(str, Enum):
    """kubectl debug's securityContext profiles, for the ephemeral container."""

    restricted = "restricted"
    general = "general"
    netadmin = "netadmin"
    sysadmin = "sysadmin"


DebugProfile = Annotated[Profile, typer.Option(
    "--debug-profile", help="The ephemeral container's securityContext, as kubectl debug's: "
    "restricted (non-root, no capabilities: passes the restricted Pod Security level; other "
    "users' names and files stay unreadable), general (adds SYS_PTRACE), netadmin (adds "
    "NET_ADMIN and NET_RAW, as for network tools; no SYS_PTRACE), sysadmin (privileged).")]


class Output(str, Enum):
    """The output formats of `ps`."""

    tree = "tree"
    wide = "wide"
    signals = "signals"
    json = "json"
    yaml = "yaml"


ShowSecrets = Annotated[bool, typer.Option(
    "--show-secrets", help="Show values that look secret (passwords, tokens, keys in command "
    "lines and environments) instead of <redacted>.")]


GLOBAL_FLAGS_HINT = ("The global flags (-n, --context, --kubeconfig, --request-timeout, --debug"
                     "...) go anywhere on the line: see kubectl pidshare --help.")
