"""`--debug-image`: run pidshare's scripts from an ephemeral container it adds to the Pod.

For Pods where no container can run the script (runners.Runners decides). An ephemeral
container can never be removed from a Pod, so pidshare says so once the server added one,
names it `pidshare-<profile>-<suffix>`, and reuses a running one it added before (same image,
profile and uid) instead of adding another each time; one that has exited is replaced. A
refusal of the server says that nothing was added, and why. Its securityContext is kubectl
debug's profile of that name; the default, restricted, passes the `restricted` Pod Security
level and runs as the uid of the container aimed at, else the one uid the Pod's containers run
as (so it may signal their processes without any capability), else as nobody. Its keep-alive
loop runs as `pidshare-debug` (own.py), so that it is recognised before the Pod's status names
the container.
"""

from __future__ import annotations

import io
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kubectl_pidshare.errors import PidshareError, ServerError
from kubectl_pidshare.pod.model import Container, Pod, parse_pod
from kubectl_pidshare.pod.own import KEEP_ALIVE, KEEP_ALIVE_NAME
from kubectl_pidshare.transport import Transport

PREFIX = "pidshare-"
NOBODY = 65534
PROFILES: dict[str, dict[str, Any]] = {
    "restricted": {"runAsNonRoot": True, "runAsUser": NOBODY, "allowPrivilegeEscalation": False,
                   "capabilities": {"drop": ["ALL"]}, "seccompProfile": {"type": "RuntimeDefault"}},
    "general": {"runAsUser": 0, "runAsNonRoot": False, "capabilities": {"add": ["SYS_PTRACE"]}},
    "netadmin": {"runAsUser": 0, "runAsNonRoot": False,
                 "capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}},
    "sysadmin": {"runAsUser": 0, "runAsNonRoot": False, "privileged": True},
}
LEVEL = re.compile(r'violates PodSecurity "([a-z]+):')
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


def ours(name: str, kind: str) -> bool:
    """Whether a container (or a process's owner) is one of pidshare's debug containers."""
    return kind == "ephemeral" and name.startswith(PREFIX)


def mine(pod: Pod, debug: DebugOptions, uid: int | None) -> list[Container]:
    """The ephemeral containers pidshare added with this image and profile (and uid, for the
    restricted one), newest last."""
    prefix = f"{PREFIX}{debug.profile}-"
    return [c for c in pod.containers if ours(c.name, c.kind) and c.name.startswith(prefix)
            and c.image == debug.image and (uid is None or c.run_as_user == uid)]


def debug_container(transport: Transport, pod: Pod, debug: DebugOptions,
                    notice: Callable[[str], object], target: Container | None = None
                    ) -> tuple[Pod, Container]:
    """A running ephemeral container of pidshare's for this image and profile (restricted: as
    the uid of target, the container aimed at, if there is one), reused, or added (said once
    the server took it) and waited for; with the Pod as it is then."""
    uid = restricted_uid(pod, target) if debug.profile == "restricted" else None
    made = mine(pod, debug, uid if target is not None else None)
    for container in reversed(made):
        if container.running:
            return pod, container
        if not container.exited:
            return _started(transport, pod, container.name)
    name = f"{PREFIX}{debug.profile}-{os.urandom(3).hex()}"
    security = dict(PROFILES[debug.profile])
    if uid is not None:
        security["runAsUser"] = uid
        _say_reach(pod, target, uid, notice)
    try:
        patched = transport.patch(f"{transport.pod_path(pod.name)}/ephemeralcontainers", {
            "spec": {"ephemeralContainers": [{
                "name": name, "image": debug.image,
                "command": ["sh", "-c", KEEP_ALIVE, KEEP_ALIVE_NAME],
                "securityContext": security,
                "terminationMessagePolicy": "File",
            }]}})
    except ServerError as exc:
        raise refused(exc, debug) from None
    replacing = f', replacing "{made[-1].name}", which has exited' if made else ""
    gives = "" if debug.profile == "restricted" else f" with what profile {debug.profile} gives"
    notice(f'Added ephemeral container "{name}" (image {debug.image}, profile '
           f'{debug.profile}) to pod "{pod.name}"{replacing}: no container of the Pod could run '
           f"the script{gives}; ephemeral containers cannot be removed from a Pod, later runs "
           "reuse this one")
    return _started(transport, parse_pod(patched), name)


def restricted_uid(pod: Pod, target: Container | None) -> int:
    """The uid of the restricted debug container: the non-root uid of the container aimed at,
    else the one non-root uid the Pod's containers run as, else nobody's."""
    if target is not None and target.run_as_user:
        return target.run_as_user
    uids = {c.run_as_user for c in pod.containers if c.kind == "container"}
    only = uids.pop() if len(uids) == 1 else None
    return only if only else NOBODY


def _say_reach(pod: Pod, target: Container | None, uid: int,
               notice: Callable[[str], object]) -> None:
    """Before adding a restricted container: say which containers' processes it cannot signal
    or read (they run as root, or as a uid their image chooses), and what would."""
    aimed = [target] if target is not None else [
        c for c in pod.containers if c.kind == "container"]
    apart = [c.name for c in aimed if c.run_as_user != uid]
    if apart:
        names = ", ".join(f'"{name}"' for name in apart)
        notice(f"warning: the restricted debug container runs as uid {uid} without capabilities: "
               f"it lists the processes of container {names} but cannot signal them or read "
               "their files (they run as another uid, or root); --debug-profile general can")


def refused(exc: ServerError, debug: DebugOptions) -> ServerError:
    """The server's refusal to add the container, saying that nothing was added and why."""
    level = LEVEL.search(exc.message)
    if level is not None:
        why = (f'; nothing was added: the Pod Security level "{level[1]}" of the namespace '
               f"refuses profile {debug.profile}")
        if debug.profile != "restricted":
            why += ": --debug-profile restricted passes every level"
    elif exc.reason == "Forbidden":
        why = ("; nothing was added: adding a debug container needs the RBAC verb patch on "
               "pods/ephemeralcontainers")
    else:
        why = "; nothing was added"
    return ServerError(exc.reason, exc.message + why)


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
