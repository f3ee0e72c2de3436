"""The flags: kubectl's global ones, declared once, on the root command, and accepted anywhere
on the line, as kubectl accepts them (`ps nginx -n web` is `-n web ps nginx`); and those the
commands that run a script share (the container to run from, the debug container)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from enum import Enum
from itertools import islice
from typing import Annotated, Any, Optional

import typer

try:
    from typer._click.exceptions import (
        Abort,
        BadOptionUsage,
        BadParameter,
        ClickException,
        MissingParameter,
        NoSuchOption,
        UsageError,
    )
except ImportError:  # typer before 0.26 uses click itself
    from click.exceptions import (  # type: ignore[no-redef]
        Abort,
        BadOptionUsage,
        BadParameter,
        ClickException,
        MissingParameter,
        NoSuchOption,
        UsageError,
    )

__all__ = ["Abort", "BadOptionUsage", "BadParameter", "ClickException", "MissingParameter",
           "NoSuchOption", "UsageError", "go_bool", "hoist", "options", "parse_timeout", "split"]

DURATION = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


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


def go_bool(name: str, value: str) -> bool:
    """A boolean flag's `=value` as kubectl's flag library reads it."""
    if value in ("1", "t", "T", "true", "TRUE", "True"):
        return True
    if value in ("0", "f", "F", "false", "FALSE", "False"):
        return False
    raise UsageError(f'invalid argument "{value}" for "{name}" flag: strconv.ParseBool: '
                     f'parsing "{value}": invalid syntax')


def options(command: Any) -> dict[str, Any]:
    """Every spelling of every option of a click command -> its declaration."""
    return {name: param for param in command.params if param.param_type_name == "option"
            for name in (*param.opts, *param.secondary_opts)}


def _spelled(word: str, flags: dict[str, Any], command: dict[str, Any]) -> tuple[str, bool, str]:
    """word as (name, has a value, value), as kubectl's flag library reads it: `--name=value`,
    `-X=value` for every short flag, and `-Xvalue` for the global ones (`-nweb`)."""
    if word.startswith("--") or not word.startswith("-") or len(word) <= 2:
        name, equals, value = word.partition("=")
        return name, bool(equals), value
    if word[:2] in flags:
        return word[:2], True, word[2:].removeprefix("=")
    if word[2] == "=" and word[:2] in command:
        return word[:2], True, word[3:]
    return word, False, ""


def _with_value(param: Any, name: str, has_value: bool, value: str, words: Iterator[str]
                ) -> list[str]:
    """The flag name and its value, as click takes them (a boolean's Go value read here)."""
    if param.is_flag:
        return [name] if not has_value or go_bool(", ".join(param.opts), value) else []
    if has_value:
        return [name, value]
    following = [*islice(words, 1)]
    if not following:
        raise BadOptionUsage(name, f"Option '{name}' requires an argument.")
    return [name, *following]


def hoist(root: Any, argv: Sequence[str]) -> list[str]:
    """argv with each of the root command's flags, and its value, moved before the command;
    `-n=web` and `-nweb` read as `-n web`, and any short flag's `-X=value` as `-X value`, as
    kubectl reads them."""
    hoisted, rest = split(root, argv)
    return hoisted + rest


def split(root: Any, argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """The root command's flags with their values, and the rest (as hoist reads them)."""
    flags, rest = options(root), []
    command: dict[str, Any] = {}
    hoisted: list[str] = []
    words = iter(argv)
    for word in words:
        if word == "--":
            rest += [word, *words]
            break
        name, has_value, value = _spelled(word, flags, command)
        if name in flags:
            hoisted += _with_value(flags[name], name, has_value, value, words)
        elif name in command:
            rest += _with_value(command[name], name, has_value, value, words)
        else:
            rest.append(word)
            if not command and word in getattr(root, "commands", {}):
                command = options(root.commands[word])
    return hoisted, rest
