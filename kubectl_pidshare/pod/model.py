"""What pidshare needs to know about a Pod, from one GET: its containers and their IDs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kubectl_pidshare.errors import PidshareError

DEFAULT_CONTAINER = "kubectl.kubernetes.io/default-container"
KINDS = (("initContainers", "init"), ("containers", "container"),
         ("ephemeralContainers", "ephemeral"))
STATUSES = {"init": "initContainerStatuses", "container": "containerStatuses",
            "ephemeral": "ephemeralContainerStatuses"}
RUNNER_RANK = {"container": 0, "init": 1, "ephemeral": 2}


@dataclass(frozen=True)
class Container:
    """One container of the Pod, as its spec and status describe it."""

    name: str
    kind: str
    container_id: str
    running: bool
    run_as_user: int | None
    caps_add: frozenset[str]
    caps_drop: frozenset[str]
    privileged: bool
    image: str = ""
    exited: bool = False
    reason: str = ""
    exit_code: int | None = None

    @property
    def may_ptrace(self) -> bool:
        """Whether its processes may read other containers' /proc/PID/root and environ: a
        capability added counts only for root (a process that is not root has none)."""
        return self.privileged or ("SYS_PTRACE" in self.caps_add
                                   and self.run_as_user in (None, 0))


@dataclass(frozen=True)
class Pod:
    """A Pod reduced to the facts pidshare uses."""

    name: str
    namespace: str
    uid: str
    phase: str
    shares_processes: bool
    containers: tuple[Container, ...]
    default_container: str | None = None
    host_pid: bool = False
    host_network: bool = False
    ids: dict[str, Container] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.ids.update({c.container_id: c for c in self.containers if c.container_id})

    def kubectl(self, verb: str, container: str | None = None, *flags: str) -> str:
        """A kubectl command line about this Pod to paste: `kubectl VERB NAME`, with `-n NS`
        unless its namespace is default, `-c CONTAINER` if one is meant, then flags."""
        words = ["kubectl", verb, self.name]
        if self.namespace and self.namespace != "default":
            words += ["-n", self.namespace]
        if container is not None:
            words += ["-c", container]
        return " ".join([*words, *flags])

    def container(self, name: str) -> Container:
        """The container called name, or an error naming the ones there are."""
        for container in self.containers:
            if container.name == name:
                return container
        names = ", ".join(c.name for c in self.containers)
        raise PidshareError(f'container "{name}" not found in pod "{self.name}" (it has: {names})')


def strip_runtime(container_id: str) -> str:
    """`containerd://abc` -> `abc`."""
    return container_id.split("://", 1)[-1]


def _caps(security: dict[str, Any], key: str) -> frozenset[str]:
    names = (security.get("capabilities") or {}).get(key) or []
    return frozenset(str(n).upper().removeprefix("CAP_") for n in names)


def _reason(state: dict[str, Any]) -> str:
    """Why a container is waiting or has ended (ErrImagePull, Completed...), if it says."""
    for detail in state.values():
        if isinstance(detail, dict) and detail.get("reason"):
            return str(detail["reason"])
    return ""


def _exit_code(status: dict[str, Any]) -> int | None:
    """The exit code of the container's last run: its current one if it has ended, else the
    previous one (a container in CrashLoopBackOff waits to start again)."""
    for key in ("state", "lastState"):
        ended = (status.get(key) or {}).get("terminated") or {}
        if "exitCode" in ended:
            return int(ended["exitCode"])
    return None


def parse_pod(document: dict[str, Any]) -> Pod:
    """Build a Pod from the API server's JSON."""
    meta, spec, status = document["metadata"], document.get("spec") or {}, (
        document.get("status") or {})
    pod_user = (spec.get("securityContext") or {}).get("runAsUser")
    containers = []
    for spec_key, kind in KINDS:
        states = {s["name"]: s for s in status.get(STATUSES[kind]) or []}
        for item in spec.get(spec_key) or []:
            state = states.get(item["name"], {})
            now = state.get("state") or {}
            security = item.get("securityContext") or {}
            user = security.get("runAsUser", pod_user)
            containers.append(Container(
                name=item["name"],
                kind=kind,
                container_id=strip_runtime(state.get("containerID") or ""),
                running="running" in now,
                run_as_user=int(user) if user is not None else None,
                caps_add=_caps(security, "add"),
                caps_drop=_caps(security, "drop"),
                privileged=bool(security.get("privileged")),
                image=str(item.get("image") or ""),
                exited="terminated" in now,
                reason=_reason(now),
                exit_code=_exit_code(state),
            ))
    return Pod(
        name=meta["name"],
        namespace=meta.get("namespace", ""),
        uid=meta.get("uid", ""),
        phase=status.get("phase", "Unknown"),
        shares_processes=bool(spec.get("shareProcessNamespace")),
        containers=tuple(containers),
        default_container=(meta.get("annotations") or {}).get(DEFAULT_CONTAINER),
        host_pid=bool(spec.get("hostPID")),
        host_network=bool(spec.get("hostNetwork")),
    )


def require_running(pod: Pod) -> None:
    """Refuse a Pod that is not Running, unless it is Pending on a running init container:
    its processes exist only while it runs."""
    stuck_on_init = pod.phase == "Pending" and any(c.running for c in pod.containers
                                                   if c.kind == "init")
    if pod.phase != "Running" and not stuck_on_init:
        raise PidshareError(
            f'pod "{pod.name}" is {pod.phase}, not Running: its processes can only be seen '
            f"while it runs (see: {pod.kubectl('describe pod')})"
        )


def not_running(pod: Pod, container: Container) -> str:
    """Why container has no process: its state, the exit code of its last run, and where to
    look (its output if it ran, else the Pod's events)."""
    state = container.reason or ("exited" if container.exited else "waiting")
    see = pod.kubectl("describe pod")
    if container.exit_code is not None:
        state += f", last exit code {container.exit_code}"
        see = pod.kubectl("logs", container.name, *([] if container.exited else ["--previous"]))
    return f'container "{container.name}" of pod "{pod.name}" is not running ({state}): see {see}'


def runner_candidates(pod: Pod, requested: str | None) -> list[Container]:
    """The containers to run the probe from, in the order to try them.

    `--exec-container` first and alone; else the default-container annotation; else every running
    container, those that may read other containers' processes (CAP_SYS_PTRACE) first,
    regular ones before init ones (one the Pod is stuck on, or a sidecar) before ephemeral
    ones.
    """
    require_running(pod)
    if requested:
        chosen = pod.container(requested)
        if not chosen.running:
            raise PidshareError(f'container "{requested}" of pod "{pod.name}" is not running')
        return [chosen]
    running = [c for c in pod.containers if c.running]
    running.sort(key=lambda c: (c.name != pod.default_container, not c.may_ptrace,
                                RUNNER_RANK[c.kind]))
    if not running:
        raise PidshareError(f'pod "{pod.name}" has no running container')
    return running


def no_shell_error(pod: Pod, tried: list[Container]) -> PidshareError:
    """The error for a Pod none of whose tried containers can run `sh`."""
    names = ", ".join(f'"{c.name}"' for c in tried)
    return PidshareError(
        f'no container of pod "{pod.name}" can run sh (tried {names}): pass --debug-image '
        "IMAGE (an image with sh and grep, such as busybox) and pidshare adds an ephemeral "
        "container to the Pod to run from, and reuses it later (an ephemeral container cannot "
        "be removed from a Pod)"
    )
