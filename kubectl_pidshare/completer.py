"""`kubectl_complete-pidshare`: what kubectl's shell completion asks plugins for.

kubectl runs this with the words typed after `kubectl pidshare`, the last one being the word
to complete; it prints one candidate a line, then `:4` (cobra's "no file completion"). The
commands, options and arguments come from the command line's own declarations (cli.app);
the values that live in the cluster (Pods, TYPE/NAME, containers, namespaces, PIDs with their
command, from one probe) are looked up, contexts, clusters and users read from the kubeconfig.
A candidate may carry a description after a tab, as cobra's do.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kubectl_pidshare.flags import options

if TYPE_CHECKING:
    from kubectl_pidshare.transport import Transport

NO_FILES = ":4"
FILES = ":0"
FILE_OPTIONS = {"filename"}
NO_SPACE = ":6"
TYPES = ("pod", "deploy", "rs", "sts", "ds", "job", "cronjob", "rc", "svc")
DESCRIBED = 60


@dataclass
class Words:
    """The words before the one to complete, read against the declarations."""

    command: Any = None
    positional: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)
    pending: Any = None
    current: str = ""


def read(root: Any, before: Sequence[str]) -> Words:
    """Find the command, the positional words after it, the option values, and the option
    still waiting for its value, if the last word is one."""
    words = Words()
    declared = options(root)
    for word in before:
        name, has_value, value = word.partition("=")
        if words.pending is not None:
            words.values[words.pending.name] = word
            words.pending = None
        elif name in declared and not declared[name].is_flag:
            if has_value:
                words.values[declared[name].name] = value
            else:
                words.pending = declared[name]
        elif word.startswith("-"):
            continue
        elif words.command is None and word in root.commands:
            words.command = root.commands[word]
            declared = {**declared, **options(words.command)}
        else:
            words.positional.append(word)
    return words


def candidates(words: Sequence[str]) -> list[str]:
    """What may come in place of the last word."""
    from typer.main import get_command

    from kubectl_pidshare.cli import app

    root: Any = get_command(app)
    *before, current = words or [""]
    seen = read(root, before)
    seen.current = current
    if seen.pending is not None:
        return _values(seen.pending, seen)
    if current.startswith("-"):
        declared = [*options(root), *options(seen.command or root),
                    *root.context_settings.get("help_option_names", ())]
        return list(dict.fromkeys(name for name in declared if name.startswith("--")))
    if seen.command is None:
        return [name for name, command in root.commands.items() if not command.hidden]
    arguments = [p for p in seen.command.params if p.param_type_name == "argument"]
    if len(seen.positional) < len(arguments):
        return _values(arguments[len(seen.positional)], seen)
    if arguments and arguments[-1].nargs == -1:
        return _values(arguments[-1], seen)
    return []


def wants_files(words: Sequence[str]) -> bool:
    """Whether the word to complete is a file name (the value of -f): the shell's own
    completion, not pidshare's."""
    from typer.main import get_command

    from kubectl_pidshare.cli import app

    pending = read(get_command(app), list(words[:-1])).pending
    return pending is not None and pending.name in FILE_OPTIONS


def _values(param: Any, seen: Words) -> list[str]:
    choices = getattr(param.type, "choices", None)
    if choices:
        return [str(choice) for choice in choices]
    lookup = LOOKUPS.get(param.name)
    return lookup(seen) if lookup else []


def _target(values: dict[str, str]) -> Transport:
    """The cluster the words name, reached as the commands reach it (a short timeout: the
    shell waits)."""
    from kubectl_pidshare.cluster.configflags import ConfigFlags
    from kubectl_pidshare.session import connect

    return connect(ConfigFlags(
        kubeconfig=values.get("kubeconfig"), context=values.get("context"),
        cluster=values.get("cluster"), user=values.get("user"),
        namespace=values.get("namespace"), request_timeout=5.0), os.environ)


def _names(transport: Transport, path: str) -> list[str]:
    return [item["metadata"]["name"] for item in transport.get_list(path)]


def _pods(seen: Words) -> list[str]:
    transport = _target(seen.values)
    return _names(transport, f"/api/v1/namespaces/{transport.namespace}/pods")


def _typed(seen: Words, types: tuple[str, ...]) -> list[str]:
    """Pods and `TYPE/` prefixes; after `TYPE/`, the names of that kind as `TYPE/NAME`."""
    from kubectl_pidshare.cluster.targets import KINDS

    word, slash, _ = seen.current.partition("/")
    if not slash:
        return [*_pods(seen), *(f"{name}/" for name in types)]
    kind = KINDS.get(word.lower())
    if kind is None or kind.plural not in {KINDS[name].plural for name in types}:
        return []
    transport = _target(seen.values)
    path = f"{kind.api}/namespaces/{transport.namespace}/{kind.plural}"
    return [f"{word}/{name}" for name in _names(transport, path)]


def _namespaces(seen: Words) -> list[str]:
    return _names(_target(seen.values), "/api/v1/namespaces")


def _pod_named(seen: Words) -> str:
    """The Pod of the first word: itself, or the first Pod of a workload (kill's targets)."""
    from kubectl_pidshare.cluster.targets import parse, resolve

    targets = parse(seen.positional[:1], None, False)
    if targets.one_pod:
        return targets.refs[0].name
    return str(resolve(_target(seen.values), targets).pods[0]["metadata"]["name"])


def _containers(seen: Words) -> list[str]:
    from kubectl_pidshare.pod.model import parse_pod

    if not seen.positional:
        return []
    pod = parse_pod(_target(seen.values).get_pod(_pod_named(seen)))
    return [c.name for c in pod.containers]


def _signals(seen: Words) -> list[str]:
    from kubectl_pidshare.signals import SIGNALS

    return list(SIGNALS)


def _aims(seen: Words) -> list[str]:
    """PIDs, each with its container and command as description, from one probe; and
    container/NAME."""
    if seen.current.startswith("container/") or not seen.positional:
        return [f"container/{name}" for name in _containers(seen)]
    from kubectl_pidshare.cluster.targets import parse
    from kubectl_pidshare.ps import PsOptions, gather, group
    from kubectl_pidshare.text import command

    options = PsOptions(parse([_pod_named(seen)], None, False),
                        runner=seen.values.get("exec_container"))
    listings, _ = gather(_target(seen.values), options, io.StringIO())
    rows = sorted((row for listing in listings for rows in group(listing) for row in rows),
                  key=lambda row: row.pid)
    pids = [f"{row.pid}\t{row.owner.name}: {command(row.name, row.args)}"[:DESCRIBED]
            for row in rows]
    return [*pids, *(f"container/{c.name}" for listing in listings
                     for c in listing.pod.containers)]


def _kill_words(seen: Words) -> list[str]:
    """kill's TARGETS... (PID | container/NAME) [SIGNAL]: the targets, then the processes of
    the first (a PID only for one Pod), the signal after a process."""
    from kubectl_pidshare.cluster.targets import parse
    from kubectl_pidshare.errors import PidshareError
    from kubectl_pidshare.pod.aim import parse_aim

    if not seen.positional:
        return _typed(seen, TYPES)
    try:
        parse_aim(seen.positional[-1])
        return _signals(seen)
    except PidshareError:
        pass
    if parse(seen.positional[:1], None, False).one_pod:
        return _aims(seen)
    return [f"container/{name}" for name in _containers(seen)]


def _kubeconfig(section: str) -> Callable[[Words], list[str]]:
    def names(seen: Words) -> list[str]:
        from kubectl_pidshare.cluster.configflags import ConfigFlags
        from kubectl_pidshare.session import kubeconfig_names

        return kubeconfig_names(ConfigFlags(kubeconfig=seen.values.get("kubeconfig")),
                                os.environ, section)

    return names


def _commands(seen: Words) -> list[str]:
    return [] if seen.positional else candidates([""])


def _pod_then_aim(seen: Words) -> list[str]:
    """fds: POD, then a PID's stand-in (container/NAME)."""
    return _aims(seen) if len(seen.positional) == 1 else _typed(seen, ("pod",))


LOOKUPS: dict[str, Callable[[Words], list[str]]] = {
    "pod": lambda seen: _typed(seen, ("pod",)), "targets": lambda seen: _typed(seen, TYPES),
    "namespace": _namespaces, "container": _containers, "exec_container": _containers,
    "aim": _aims, "aimed": _kill_words, "signal": _signals, "context": _kubeconfig("contexts"),
    "cluster": _kubeconfig("clusters"), "user": _kubeconfig("users"), "command": _commands,
    "pod_and_process": _pod_then_aim,
}


def main() -> None:
    """Print the candidates for the last argument, then the completion directive."""
    words = sys.argv[1:]
    try:
        found = candidates(words)
    except Exception:  # noqa: BLE001 - completion must never print an error into the shell
        found = []
    current = words[-1] if words else ""
    matching = [candidate for candidate in found if candidate.startswith(current)]
    for candidate in matching:
        sys.stdout.write(candidate + "\n")
    try:
        files = wants_files(words)
    except Exception:  # noqa: BLE001 - as above
        files = False
    prefixes = matching and all(candidate.endswith("/") for candidate in matching)
    sys.stdout.write((FILES if files else NO_SPACE if prefixes else NO_FILES) + "\n")
