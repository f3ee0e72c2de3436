"""parse_pod() on the recorded Pods and on small hand-written ones; choosing the runner."""

from __future__ import annotations

from typing import Any

import pytest

from kubectl_pidshare.errors import PidshareError
from kubectl_pidshare.pod import model
from tests.unit.recordings import pod, pod_json

QUAD_IDS = {
    "setup": "c6bf9fa4454b81fe3cea1ff58d6346a5768bffe5d079dfa3560dd150a08630f8",
    "web": "e9e35407a9a25d97a9c4b0b2aefbc8cef6f06fc1f58b6e341259941b7067a512",
    "shell": "0d0d84edc5d5238938220c1f4ef9936e74a6233602a5f22b72d8951db13dbd8c",
    "worker": "e50ae52a1c070bc21d293dabf1ad26aa0b406daa785ac1ebc3afa56ab4348472",
    "app": "e97ab8bfd62ee8d68e81a41a88a314252a96bcdd325f144be07aaf5f37da58ec",
}


def container(name: str, kind: str = "container", running: bool = True,
              security: dict[str, Any] | None = None) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(spec key, spec entry, status entry) of a hand-written container."""
    key = {"init": "initContainers", "container": "containers",
           "ephemeral": "ephemeralContainers"}[kind]
    spec: dict[str, Any] = {"name": name, "image": "busybox"}
    if security is not None:
        spec["securityContext"] = security
    state = {"running": {"startedAt": "x"}} if running else {"waiting": {"reason": "Crash"}}
    status = {"name": name, "containerID": f"containerd://{name:0<64}", "state": state}
    return key, spec, status


def make_pod(*items: tuple[str, dict[str, Any], dict[str, Any]], phase: str = "Running",
             default: str | None = None, pod_security: dict[str, Any] | None = None) -> model.Pod:
    """A Pod built by parse_pod from a small hand-written document."""
    statuses = {"initContainers": "initContainerStatuses", "containers": "containerStatuses",
                "ephemeralContainers": "ephemeralContainerStatuses"}
    spec: dict[str, Any] = {"shareProcessNamespace": True}
    status: dict[str, Any] = {"phase": phase}
    if pod_security is not None:
        spec["securityContext"] = pod_security
    for key, entry, state in items:
        spec.setdefault(key, []).append(entry)
        status.setdefault(statuses[key], []).append(state)
    meta: dict[str, Any] = {"name": "p", "namespace": "ns", "uid": "u-1"}
    if default is not None:
        meta["annotations"] = {model.DEFAULT_CONTAINER: default}
    return model.parse_pod({"metadata": meta, "spec": spec, "status": status})


def names(candidates: list[model.Container]) -> list[str]:
    """The names of the candidate containers, in order."""
    return [c.name for c in candidates]


def test_parse_quad() -> None:
    quad = pod("quad")
    assert (quad.name, quad.namespace, quad.uid, quad.phase, quad.shares_processes,
            quad.default_container) == (
        "quad", "rec", "7a45bab7-4d96-45f6-ba1a-48c374d865e7", "Running", True, None)
    summary = [(c.name, c.kind, c.container_id, c.running, c.run_as_user) for c in quad.containers]
    assert summary == [
        ("setup", "init", QUAD_IDS["setup"], False, None),
        ("web", "container", QUAD_IDS["web"], True, None),
        ("shell", "container", QUAD_IDS["shell"], True, None),
        ("worker", "container", QUAD_IDS["worker"], True, 1000),
        ("app", "container", QUAD_IDS["app"], True, None),
    ]
    assert {i: c.name for i, c in quad.ids.items()} == {v: k for k, v in QUAD_IDS.items()}


def test_parse_nginx_capabilities() -> None:
    shell = pod("nginx").container("shell")
    assert shell == model.Container(
        name="shell", kind="container",
        container_id="9344c1074e3524aa615ae4886418b180fc046b1a6c6caa47a42e706153ff9713",
        running=True, run_as_user=None, caps_add=frozenset({"SYS_PTRACE"}),
        caps_drop=frozenset(), privileged=False, image="busybox:1.28")
    assert shell.may_ptrace is True
    assert pod("nginx").container("nginx").may_ptrace is False


def test_parse_apart_does_not_share() -> None:
    apart = pod("apart")
    assert (apart.shares_processes, [c.name for c in apart.containers]) == (
        False, ["web", "shell"])


def test_parse_hand_written_security_and_kinds() -> None:
    parsed = make_pod(
        container("init", "init", running=False),
        container("main", security={"runAsUser": 0, "capabilities": {
            "add": ["CAP_SYS_PTRACE", "net_admin"], "drop": ["ALL"]}}),
        container("priv", security={"privileged": True}),
        container("debug", "ephemeral"),
        pod_security={"runAsUser": 2000},
    )
    assert [(c.name, c.kind, c.running, c.run_as_user, c.caps_add, c.caps_drop, c.privileged,
             c.may_ptrace) for c in parsed.containers] == [
        ("init", "init", False, 2000, frozenset(), frozenset(), False, False),
        ("main", "container", True, 0, frozenset({"SYS_PTRACE", "NET_ADMIN"}),
         frozenset({"ALL"}), False, True),
        ("priv", "container", True, 2000, frozenset(), frozenset(), True, True),
        ("debug", "ephemeral", True, 2000, frozenset(), frozenset(), False, False),
    ]
    assert parsed.containers[0].container_id == "init" + "0" * 60


def test_parse_minimal_pod_without_status() -> None:
    parsed = model.parse_pod({"metadata": {"name": "bare"},
                             "spec": {"containers": [{"name": "a"}]}})
    assert (parsed.phase, parsed.namespace, parsed.shares_processes, parsed.ids) == (
        "Unknown", "", False, {})
    assert parsed.containers[0] == model.Container(
        name="a", kind="container", container_id="", running=False, run_as_user=None,
        caps_add=frozenset(), caps_drop=frozenset(), privileged=False)


@pytest.mark.parametrize(("container_id", "expected"), [
    pytest.param("containerd://abc", "abc", id="containerd"),
    pytest.param("cri-o://def", "def", id="cri-o"),
    pytest.param("abc", "abc", id="no-runtime-prefix"),
    pytest.param("", "", id="empty"),
])
def test_strip_runtime(container_id: str, expected: str) -> None:
    assert model.strip_runtime(container_id) == expected


def test_default_annotation() -> None:
    data = pod_json("nginx")
    data["metadata"]["annotations"] = {model.DEFAULT_CONTAINER: "nginx"}
    assert model.parse_pod(data).default_container == "nginx"


@pytest.mark.parametrize(("recording", "expected"), [
    pytest.param("nginx", ["shell", "nginx"], id="nginx"),
    pytest.param("quad", ["shell", "web", "worker", "app"], id="quad"),
    pytest.param("nops", ["app", "tools"], id="nops"),
])
def test_runner_candidates_recorded(recording: str, expected: list[str]) -> None:
    assert names(model.runner_candidates(pod(recording), None)) == expected


def test_runner_candidates_default_container_first() -> None:
    parsed = make_pod(container("a"), container("b", security={"privileged": True}),
                      container("c"), default="c")
    assert names(model.runner_candidates(parsed, None)) == ["c", "b", "a"]


def test_runner_candidates_ptrace_first_init_after_regular_ephemeral_last_stopped_out(
) -> None:
    parsed = make_pod(
        container("sidecar", "init"),
        container("a"),
        container("down", running=False),
        container("b", security={"capabilities": {"add": ["SYS_PTRACE"]}}),
        container("dbg", "ephemeral"),
        container("dbg2", "ephemeral", security={"privileged": True}),
        container("c"),
    )
    assert names(model.runner_candidates(parsed, None)) == ["b", "dbg2", "a", "c", "sidecar",
                                                           "dbg"]


def test_a_pod_pending_on_a_running_init_container_runs_from_it() -> None:
    parsed = make_pod(container("wait-db", "init"), container("app", running=False),
                      phase="Pending")
    assert names(model.runner_candidates(parsed, None)) == ["wait-db"]
    assert names(model.runner_candidates(parsed, "wait-db")) == ["wait-db"]


def test_runner_candidates_requested_alone() -> None:
    assert names(model.runner_candidates(pod("quad"), "app")) == ["app"]


def test_runner_candidates_requested_unknown_lists_containers() -> None:
    with pytest.raises(PidshareError) as caught:
        model.runner_candidates(pod("quad"), "nope")
    assert caught.value.render() == (
        'error: container "nope" not found in pod "quad" (it has: setup, web, shell, worker, app)')
    assert caught.value.status == 1


def test_runner_candidates_requested_not_running() -> None:
    with pytest.raises(PidshareError) as caught:
        model.runner_candidates(pod("quad"), "setup")
    assert caught.value.message == 'container "setup" of pod "quad" is not running'


@pytest.mark.parametrize("phase", ["Pending", "Succeeded", "Failed", "Unknown"])
def test_runner_candidates_pod_not_running(phase: str) -> None:
    with pytest.raises(PidshareError) as caught:
        model.runner_candidates(make_pod(container("a"), phase=phase), None)
    assert caught.value.message == (
        f'pod "p" is {phase}, not Running: its processes can only be seen while it runs '
        "(see: kubectl describe pod p -n ns)")


def test_runner_candidates_no_running_container() -> None:
    with pytest.raises(PidshareError) as caught:
        model.runner_candidates(make_pod(container("a", running=False)), None)
    assert caught.value.message == 'pod "p" has no running container'


def test_no_shell_error() -> None:
    quad = pod("quad")
    error = model.no_shell_error(quad, [quad.container("app"), quad.container("web")])
    assert error.render() == (
        'error: no container of pod "quad" can run sh (tried "app", "web"): pass --debug-image '
        "IMAGE (an image with sh and grep, such as busybox) and pidshare adds an ephemeral "
        "container to the Pod to run from, and reuses it later (an ephemeral container cannot "
        "be removed from a Pod)")
