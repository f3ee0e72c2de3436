"""What a `ps` command line asks of the cluster, read before typer is imported: the global
flags (as ConfigFlags), the Pod and the container to run from. A guess is made only from a line
read whole and understood: kubectl's global flags and `ps` with one Pod and the options that
change nothing in the cluster; anything else (help, a flag it does not know, a value the full
parse would refuse, a selector, a workload, --watch, a debug image) makes no guess.

The flags are declared here a second time, as names: a test keeps them equal to the app's."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kubectl_pidshare.cluster.configflags import ConfigFlags
from kubectl_pidshare.hoisting import parse_timeout, split

# Each option as (spellings, takes no value): the app's root flags and ps's options.
ROOT = (
    (("-n", "--namespace"), False), (("--context",), False), (("--kubeconfig",), False),
    (("--cluster",), False), (("--user",), False), (("--request-timeout",), False),
    (("-s", "--server"), False), (("--token",), False), (("--as",), False),
    (("--as-group",), False), (("--as-uid",), False), (("--certificate-authority",), False),
    (("--client-certificate",), False), (("--client-key",), False),
    (("--insecure-skip-tls-verify",), True), (("--tls-server-name",), False),
    (("--disable-compression",), True), (("--cache-dir",), False), (("--username",), False),
    (("--password",), False), (("-v", "--v"), False), (("--debug",), True),
    (("--version",), True),
)
PS = (
    (("-l", "--selector"), False), (("-A", "--all-namespaces"), True),
    (("-c", "--container"), False), (("-o", "--output"), False), (("--no-headers",), True),
    (("--sort-by",), False), (("-w", "--watch"), True), (("--exec-container",), False),
    (("--show-pidshare",), True), (("--debug-image",), False), (("--debug-profile",), False),
    (("--show-secrets",), True),
)
# ps's options that make no guess (other Pods, another way to run), and the values the others
# take (typer's choices, a container's name).
REFUSED = frozenset({"-l", "--selector", "-A", "--all-namespaces", "-w", "--watch",
                     "--debug-image", "--version"})
CHOICES = {
    "-o": ("tree", "wide", "signals", "json", "yaml"), "--output": ("tree", "wide", "signals",
                                                                    "json", "yaml"),
    "--sort-by": ("pid", "cpu", "mem", "start"),
    "--debug-profile": ("restricted", "general", "netadmin", "sysadmin"),
}
NAME = re.compile(r"[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")
FIELDS = {"-n": "namespace", "--namespace": "namespace", "--context": "context",
          "--kubeconfig": "kubeconfig", "--cluster": "cluster", "--user": "user",
          "-s": "server", "--server": "server", "--token": "token", "--as": "impersonate",
          "--as-uid": "impersonate_uid", "--certificate-authority": "certificate_authority",
          "--client-certificate": "client_certificate", "--client-key": "client_key",
          "--tls-server-name": "tls_server_name", "--username": "username",
          "--password": "password", "--insecure-skip-tls-verify": "insecure",
          "--disable-compression": "disable_compression"}
FLAGS = frozenset({"--insecure-skip-tls-verify", "--disable-compression", "--debug"})


@dataclass(frozen=True)
class Guess:
    """Where a `ps` command line goes: its flags, its Pod, its --exec-container."""

    flags: ConfigFlags
    pod: str
    runner: str | None


class _Option:
    """An option as hoisting.split reads one: its spellings and whether it takes a value."""

    param_type_name = "option"
    secondary_opts: tuple[str, ...] = ()

    def __init__(self, opts: tuple[str, ...], is_flag: bool) -> None:
        self.opts, self.is_flag = opts, is_flag


class _Command:
    def __init__(self, table: Sequence[tuple[tuple[str, ...], bool]],
                 commands: Mapping[str, Any] | None = None) -> None:
        self.params = [_Option(opts, is_flag) for opts, is_flag in table]
        self.commands = dict(commands or {})


LINE = _Command(ROOT, {"ps": _Command(PS)})


def _flags(hoisted: list[str]) -> ConfigFlags | None:
    """The ConfigFlags of the hoisted words (name and value, or a flag's name alone), as the
    root callback builds them; None for what the full parse could refuse."""
    values: dict[str, Any] = {}
    groups: list[str] = []
    words = iter(hoisted)
    for name in words:
        if name == "--version":
            return None
        if name in FLAGS:
            values[FIELDS.get(name, "debug")] = True
            continue
        value = next(words)
        if name == "--as-group":
            groups.append(value)
        elif name in ("-v", "--v"):
            values["verbosity"] = int(value) if value.isascii() and value.isdigit() else -1
        elif name == "--request-timeout":
            values["request_timeout"] = parse_timeout(value)
        elif name != "--cache-dir":
            values[FIELDS[name]] = value
    values.pop("debug", None)
    if values.get("verbosity", 0) < 0:
        return None
    return ConfigFlags(**values, impersonate_groups=tuple(groups))


def _pod(word: str) -> str | None:
    kind, _, name = word.rpartition("/")
    if kind not in ("", "po", "pod", "pods") or not NAME.fullmatch(name):
        return None
    return name


def _target(rest: list[str]) -> tuple[str, str | None] | None:
    """The Pod and --exec-container of ps's words (after `ps`), or None."""
    table = {name: is_flag for opts, is_flag in PS for name in opts}
    words, pods, runner = iter(rest), [], None
    for word in words:
        if word in REFUSED or word == "--" or (word.startswith("-") and word not in table):
            return None
        if not word.startswith("-"):
            pods.append(word)
            continue
        if table[word]:
            continue
        value = next(words)
        if word in CHOICES and value not in CHOICES[word]:
            return None
        if word == "--exec-container":
            runner = value
    pod = _pod(pods[0]) if len(pods) == 1 else None
    return None if pod is None else (pod, runner)


def guess(argv: Sequence[str], environ: Mapping[str, str]) -> Guess | None:
    """The Guess of a `ps` command line, or None (see the module's docstring). Never raises."""
    if "PIDSHARE_DEBUG_IMAGE" in environ or "-h" in argv or "--help" in argv:
        return None
    try:
        hoisted, rest = split(LINE, argv)
        if rest[:1] != ["ps"]:
            return None
        flags, target = _flags(hoisted), _target(rest[1:])
    except Exception:  # noqa: BLE001 - whatever the full parse would say, no guess
        return None
    if flags is None or target is None:
        return None
    return Guess(flags, *target)
