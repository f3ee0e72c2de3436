"""`kubectl_complete-pidshare`: what kubectl's shell completion asks plugins for.

kubectl runs this with the words typed after `kubectl pidshare`, the last one being the word
to complete; it prints one candidate a line, then `:4` (cobra's "no file completion").
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kubectl_pidshare.remote import KubeTransport

COMMANDS = ("ps", "kill", "cat", "version")
TAKES_POD = ("ps", "kill", "cat")
FLAGS = ("--namespace", "--context", "--kubeconfig", "--cluster", "--user",
         "--request-timeout", "--container", "--debug", "--help")
VALUED = {"-n": "namespace", "--namespace": "namespace", "--context": "context",
          "--kubeconfig": "kubeconfig", "--cluster": "cluster", "--user": "user",
          "--request-timeout": "", "-c": "container", "--container": "container",
          "-o": "output", "--output": "output", "--expect": ""}
NO_FILES = ":4"


def split(words: Sequence[str]) -> tuple[list[str], dict[str, str]]:
    """Positional words and the values of the flags that take one."""
    positional: list[str] = []
    values: dict[str, str] = {}
    index = 0
    while index < len(words):
        word = words[index]
        name, has_value, value = word.partition("=")
        if name in VALUED:
            if not has_value and index + 1 < len(words):
                index += 1
                value = words[index]
            values[VALUED[name]] = value
        elif not word.startswith("-"):
            positional.append(word)
        index += 1
    return positional, values


def candidates(words: Sequence[str]) -> list[str]:
    """What may come in place of the last word."""
    *before, current = words or [""]
    if current.startswith("-"):
        return [flag for flag in FLAGS if flag.startswith(current)]
    positional, values = split(before)
    if before and before[-1] in VALUED:
        wanted = VALUED[before[-1]]
        if wanted == "output":
            return ["tree", "wide", "json", "yaml"]
        if wanted == "namespace":
            return _names(values, "/api/v1/namespaces")
        if wanted == "container" and len(positional) > 1:
            return _containers(values, positional[1])
        return []
    if not positional:
        return list(COMMANDS)
    command, *arguments = positional
    if command in TAKES_POD and not arguments:
        return _names(values, None)
    if command == "kill" and len(arguments) == 2:
        from kubectl_pidshare.signals import SIGNALS

        return list(SIGNALS)
    return []


def _target(values: dict[str, str]) -> KubeTransport:
    from kubectl_pidshare.kubeconfig import ConfigFlags, load
    from kubectl_pidshare.remote import KubeTransport

    return KubeTransport(load(ConfigFlags(
        kubeconfig=values.get("kubeconfig") or None, context=values.get("context") or None,
        cluster=values.get("cluster") or None, user=values.get("user") or None,
        namespace=values.get("namespace") or None, request_timeout=5.0)))


def _names(values: dict[str, str], path: str | None) -> list[str]:
    transport = _target(values)
    listing = transport.get(path or f"/api/v1/namespaces/{transport.target.namespace}/pods")
    return [item["metadata"]["name"] for item in listing.get("items", [])]


def _containers(values: dict[str, str], pod: str) -> list[str]:
    from kubectl_pidshare.pods import parse_pod

    return [c.name for c in parse_pod(_target(values).get_pod(pod)).containers]


def main() -> None:
    """Print the candidates for the last argument, then the completion directive."""
    words = sys.argv[1:]
    try:
        found = candidates(words)
    except Exception:  # noqa: BLE001 - completion must never print an error into the shell
        found = []
    current = words[-1] if words else ""
    for candidate in found:
        if candidate.startswith(current):
            sys.stdout.write(candidate + "\n")
    sys.stdout.write(NO_FILES + "\n")
