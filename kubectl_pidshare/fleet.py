"""`kill` across Pods: the targets `ps` takes (POD..., TYPE/NAME, --selector, -A), the same
process in each (container/NAME: that container's main process), signalled concurrently, each
Pod's --expect and disposition check its own; one line per Pod, and the first failure's status."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, TextIO, Union

from kubectl_pidshare.cluster.targets import Targets, nothing_found, parse, resolve, usage
from kubectl_pidshare.errors import PidshareError, ServerError, describe
from kubectl_pidshare.kill import KillOptions, is_signal, kill, signal_in
from kubectl_pidshare.pod.aim import Aim, parse_aim
from kubectl_pidshare.pod.model import parse_pod
from kubectl_pidshare.ps import CONCURRENT, report
from kubectl_pidshare.text import escape
from kubectl_pidshare.transport import Transport

Signalled = Union[str, PidshareError]


def _aim(word: str) -> Aim | None:
    try:
        return parse_aim(word)
    except PidshareError:
        return None


def split(words: Sequence[str], selector: str | None, all_namespaces: bool
          ) -> tuple[Targets, str, str | None]:
    """TARGETS... (PID | container/NAME) [SIGNAL]: the targets, the process word and the
    signal word (None: the default). The last word is the signal when the one before it is a
    process, a target comes before that, and it is a signal or no process (an unknown signal
    is said as such); a PID with several Pods is a usage error."""
    named = 0 if selector is not None or all_namespaces else 1
    with_signal = (len(words) >= named + 2 and _aim(words[-2]) is not None
                   and (is_signal(words[-1]) or _aim(words[-1]) is None))
    cut = len(words) - (2 if with_signal else 1)
    if cut < named:
        raise usage("kill needs the Pods and the process: POD... (PID | container/NAME) "
                    "[SIGNAL], or -A/--selector then (PID | container/NAME) [SIGNAL]")
    targets = parse(words[:cut], selector, all_namespaces)
    word = words[cut]
    aim = parse_aim(word)
    if aim.pid is not None and not targets.one_pod:
        raise usage(f"PID {aim.pid} names a process of one Pod, and PIDs differ from Pod to "
                    "Pod: aim at several Pods with container/NAME (that container's main "
                    "process in each)")
    return targets, word, words[cut + 1] if with_signal else None


def plan(words: Sequence[str], selector: str | None, all_namespaces: bool,
         flags: KillOptions) -> tuple[Targets, KillOptions]:
    """The targets of kill's words, and flags with the Pod (for one), process and signal."""
    targets, aim, signal = split(words, selector, all_namespaces)
    return targets, replace(flags, pod=targets.refs[0].name if targets.one_pod else "",
                            aim=parse_aim(aim), signal=signal or "TERM")


def run(transport: Transport, options: KillOptions, targets: Targets, out: TextIO,
        err: TextIO) -> None:
    """kill of one Pod (its own lines), or of every Pod the targets come to."""
    if targets.one_pod:
        kill(transport, options, out, err)
    else:
        kill_all(transport, options, targets, out, err)


def _label(document: dict[str, Any], targets: Targets) -> str:
    metadata = document["metadata"]
    name = f"pod/{metadata['name']}"
    return f"{metadata.get('namespace')}/{name}" if targets.all_namespaces else name


def _one(transport: Transport, options: KillOptions, document: dict[str, Any], label: str,
         err: TextIO) -> Signalled:
    def notice(line: str) -> None:
        err.write(f"{label}: {line}\n")

    try:
        pod = parse_pod(document)
        return signal_in(transport, pod, replace(options, pod=pod.name), notice, lambda _: None)
    except ServerError as exc:
        return exc
    except PidshareError as exc:
        return PidshareError(f"{label}: {exc.message}", exc.status)
    except Exception as exc:  # noqa: BLE001 - one Pod's failure must not hide the others
        return PidshareError(f"{label}: {describe(exc)}")


def kill_all(transport: Transport, options: KillOptions, targets: Targets, out: TextIO,
             err: TextIO) -> None:
    """Signal the process aimed at in every Pod the targets come to, CONCURRENT at a time,
    each over its own connection: one line per Pod on out, in the order the Pods came, each
    failure on err; the status of the first failure."""
    from concurrent.futures import ThreadPoolExecutor

    resolved = resolve(transport, targets)
    tasks = [(transport.namespaced(document["metadata"].get("namespace") or transport.namespace),
              document, escape(_label(document, targets))) for document in resolved.pods]

    def run(task: tuple[Transport, dict[str, Any], str]) -> Signalled:
        own, document, label = task
        return _one(own, options, document, label, err)

    with ThreadPoolExecutor(max_workers=min(CONCURRENT, len(tasks)) or 1) as pool:
        results = list(pool.map(run, tasks))
    for (_, _, label), result in zip(tasks, results):
        if isinstance(result, str):
            out.write(f"{label}: {result}\n")
    if not tasks and not resolved.errors:
        err.write(nothing_found(transport, targets) + "\n")
    report([*resolved.errors, *(r for r in results if isinstance(r, PidshareError))], err)
