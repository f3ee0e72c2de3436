"""`--debug-image`: run pidshare's scripts from an ephemeral container it adds to the Pod.

For Pods where no container has a shell. An ephemeral container can never be removed from a
Pod, so pidshare says so before adding one, names it `pidshare-<profile>-<suffix>`, and reuses
a running one it added before (same image and profile) instead of adding another each time;
one that has exited is replaced. Its securityContext is kubectl debug's profile of that name;
the default, restricted, passes the `restricted` Pod Security level and runs as the uid the
Pod's containers run as (so it may signal their processes and read their files without any
capability), else as nobody.
"""

from __future__ import annotations

import io
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kubectl_pidshare.errors import PidshareError, ServerError
from kubectl_pidshare.pods import Container, Pod, parse_pod, require_running, runner_candidates
from kubectl_pidshare.remote import Transport
from kubectl_pidshare.status import ExitStatus

PREFIX = "pidshare-"
NOBODY = 65534
PROFILES: dict[str, dict[str, Any]] = {
    "restricted": {"runAsNonRoot": True, "runAsUser": NOBODY, "allowPrivilegeEscalation": False,
                   "capabilities": {"drop": ["ALL"]}, "seccompProfile": {"type": "RuntimeDefault"}},
    "general": {"capabilities": {"add": ["SYS_PTRACE"]}},
    "netadmin": {"capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}},
    "sysadmin": {"privileged": True},
}
STARTED_WITHIN = 120.0
POLL = 0.1
NOT_YET = ("container not found", "not running", "ContainerCreating", "waiting to start")
STUCK = ("ErrImagePull", "ImagePullBackOff", "InvalidImageName", "CreateContainerConfigError",
         "CreateContainerError")


@dataclass(frozen=True)
class DebugOptions:
    """Whether to run from an ephemeral container: its image (None: no) and profile."""

    image: str | None = None
    profile: str = "restricted"


def candidates(transport: Transport, pod: Pod, runner: str | None, debug: DebugOptions,
               notice: Callable[[str], object]) -> tuple[Pod, list[Container]]:
    """The Pod as it is now and the containers to run a script from: pidshare's ephemeral
    container with a debug image (and the Pod as the PATCH returned it, if one was added),
    else the Pod's own (runner_candidates)."""
    if debug.image is None:
        return pod, runner_candidates(pod, runner)
    if runner is not None:
        raise PidshareError("--exec-container and --debug-image choose the container to run "
                            "from both: give one of them", ExitStatus.USAGE)
    require_running(pod)
    now, container = debug_container(transport, pod, debug, notice)
    return now, [container]


def ours(name: str, kind: str) -> bool:
    """Whether a container (or a process's owner) is one of pidshare's debug containers."""
    return kind == "ephemeral" and name.startswith(PREFIX)


def mine(pod: Pod, debug: DebugOptions) -> list[Container]:
    """The ephemeral containers pidshare added with this image and profile, newest last."""
    prefix = f"{PREFIX}{debug.profile}-"
    return [c for c in pod.containers if ours(c.name, c.kind) and c.name.startswith(prefix)
            and c.image == debug.image]


def debug_container(transport: Transport, pod: Pod, debug: DebugOptions,
                    notice: Callable[[str], object]) -> tuple[Pod, Container]:
    """A running ephemeral container of pidshare's for this image and profile, reused, or
    added (saying so first) and waited for; with the Pod as it is then."""
    made = mine(pod, debug)
    for container in reversed(made):
        if container.running:
            return pod, container
        if not container.exited:
            return _started(transport, pod, container.name)
    name = f"{PREFIX}{debug.profile}-{secrets.token_hex(3)}"
    replacing = f', replacing "{made[-1].name}", which has exited' if made else ""
    security = dict(PROFILES[debug.profile])
    if debug.profile == "restricted":
        security["runAsUser"] = _pod_uid(pod)
    notice(f'Adding ephemeral container "{name}" (image {debug.image}, profile '
           f'{debug.profile}) to pod "{pod.name}"{replacing}; ephemeral containers cannot be '
           "removed from a Pod, later runs reuse this one")
    patched = transport.patch(f"{transport.pod_path(pod.name)}/ephemeralcontainers", {
        "spec": {"ephemeralContainers": [{
            "name": name, "image": debug.image,
            "command": ["sh", "-c", "while :; do sleep 3600; done"],
            "securityContext": security,
            "terminationMessagePolicy": "File",
        }]}})
    return _started(transport, parse_pod(patched), name)


def _pod_uid(pod: Pod) -> int:
    """The one non-root uid the Pod's containers run as, else nobody's."""
    uids = {c.run_as_user for c in pod.containers if c.kind == "container"}
    only = uids.pop() if len(uids) == 1 else None
    return only if only else NOBODY


def _started(transport: Transport, pod: Pod, name: str) -> tuple[Pod, Container]:
    """Wait until the container takes an exec (the Pod's status says it runs only seconds
    later), failing early if it cannot start."""
    deadline = time.monotonic() + STARTED_WITHIN
    while True:
        try:
            transport.exec(pod.name, name, ["sh", "-c", ":"], io.BytesIO(), io.BytesIO())
            return pod, pod.container(name)
        except ServerError as exc:
            if '"sh": executable file not found' in exc.message:
                raise PidshareError(f'the image of ephemeral container "{name}" has no sh: '
                                    "pass a --debug-image that has sh and grep, such as "
                                    "busybox") from None
            if not any(sign in exc.message for sign in NOT_YET):
                raise
        container = parse_pod(transport.get_pod(pod.name)).container(name)
        if container.exited or container.reason in STUCK:
            raise PidshareError(
                f'ephemeral container "{name}" of pod "{pod.name}" did not start: '
                f"{container.reason or 'exited'} (see: {pod.kubectl('describe pod')})")
        if time.monotonic() > deadline:
            raise PidshareError(f'ephemeral container "{name}" of pod "{pod.name}" did not '
                                f"start in {STARTED_WITHIN:.0f} s")
        time.sleep(POLL)
