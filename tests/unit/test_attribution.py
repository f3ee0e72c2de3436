"""Container IDs from cgroup files, and which container, sandbox or nothing owns a process."""

from __future__ import annotations

from typing import Any

import pytest

from kubectl_pidshare.pod import model, procfs
from kubectl_pidshare.pod.attribution import Attribution, Owner, container_ids, is_sandbox
from tests.unit.recordings import pod, snapshot

UID = "11111111-2222-3333-4444-555555555555"
APP = "a" * 64
INIT = "b" * 64
DEBUG = "c" * 64
PAUSE = "d" * 64
FOREIGN = "e" * 64


def small_pod() -> model.Pod:
    """A Pod with one init, one regular and one ephemeral container."""
    document: dict[str, Any] = {
        "metadata": {"name": "p", "namespace": "ns", "uid": UID},
        "spec": {
            "shareProcessNamespace": True,
            "initContainers": [{"name": "setup"}],
            "containers": [{"name": "app"}],
            "ephemeralContainers": [{"name": "debugger"}],
        },
        "status": {
            "phase": "Running",
            "initContainerStatuses": [{"name": "setup", "containerID": f"containerd://{INIT}",
                                       "state": {"running": {}}}],
            "containerStatuses": [{"name": "app", "containerID": f"containerd://{APP}",
                                   "state": {"running": {}}}],
            "ephemeralContainerStatuses": [{"name": "debugger",
                                            "containerID": f"containerd://{DEBUG}",
                                            "state": {"running": {}}}],
        },
    }
    return model.parse_pod(document)


def proc(cgroup: str, pid: int = 10) -> procfs.Process:
    """A process with the given cgroup file content."""
    return procfs.Process(pid=pid, ppid=0, name="x", state="S", uid=0, threads=1, rss_kib=0,
                          cpu_seconds=0.0, start_ticks=0, args=[b"x"], cgroup=cgroup)


def owner(process: procfs.Process, pod: model.Pod, own: str | None = None,
          runner: str = "app") -> Owner:
    """The owner of process in pod, as seen from container runner whose own cgroup is own."""
    return Attribution(pod, pod.container(runner), own).owner(process)


def v1(path: str) -> str:
    """A cgroup v1 file with the same path in every hierarchy, and the unified line."""
    return "".join(f"{h}:{path}\n" for h in ("12:pids", "4:memory", "1:name=systemd", "0:"))


SYSTEMD_POD = ("kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
               f"{UID.replace('-', '_')}.slice")


@pytest.mark.parametrize(("cgroup", "ids"), [
    pytest.param(v1(f"/kubepods/besteffort/pod{UID}/{APP}"), {APP}, id="v1-kubepods"),
    pytest.param(f"0::/kubepods/burstable/pod{UID}/{APP}\n", {APP}, id="v2-cgroupfs"),
    pytest.param(f"0::/{SYSTEMD_POD}/cri-containerd-{APP}.scope\n", {APP}, id="v2-systemd"),
    pytest.param(f"0::/system.slice/docker-{APP}.scope\n1:cpu:/x/crio-{INIT}.scope\n",
                 {APP, INIT}, id="docker-and-crio-scopes"),
    pytest.param(f"0::/{SYSTEMD_POD}/crio-{APP}.scope\n", {APP}, id="v2-crio"),
    pytest.param(f"0::/../{APP}\n", {APP}, id="private-namespace-sibling"),
    pytest.param(f"0::/../cri-containerd-{APP}.scope\n", {APP}, id="private-systemd-sibling"),
    pytest.param("0::/\n", set(), id="private-namespace-own"),
    pytest.param("", set(), id="empty"),
    pytest.param("12:pids:/\n0::/\n", set(), id="namespaced-v1"),
    pytest.param(f"0::/{APP}/sub\n", set(), id="not-the-last-component"),
    pytest.param(f"0::/x{APP}\n", set(), id="glued-to-a-name"),
    pytest.param(f"0::/kubepods/{APP.upper()}\n", set(), id="upper-case"),
    pytest.param(f"0::/kubepods/{APP[:-1]}\n", set(), id="63-digits"),
])
def test_container_ids(cgroup: str, ids: set[str]) -> None:
    assert container_ids(cgroup) == ids


CONTAINER = Owner("app", "container")
SANDBOXED = Owner("(sandbox)", "sandbox")
UNKNOWN = Owner("unknown", "unknown")


@pytest.mark.parametrize(("cgroup", "pid", "own", "expected"), [
    pytest.param(f"0::/kubepods/besteffort/pod{UID}/{APP}\n", 10, None, CONTAINER, id="v2"),
    pytest.param(v1(f"/kubepods/pod{UID}/{APP}"), 10, None, CONTAINER, id="v1"),
    pytest.param(f"0::/{SYSTEMD_POD}/cri-containerd-{APP}.scope\n", 10, None, CONTAINER,
                 id="systemd"),
    pytest.param(f"0::/kubepods/pod{UID}/{INIT}\n", 10, None, Owner("setup", "init"),
                 id="init"),
    pytest.param(f"0::/kubepods/pod{UID}/{DEBUG}\n", 10, None, Owner("debugger", "ephemeral"),
                 id="ephemeral"),
    pytest.param(f"0::/kubepods/besteffort/pod{UID}/{PAUSE}\n", 1, None, SANDBOXED,
                 id="sandbox-pid-1"),
    pytest.param(f"0::/{SYSTEMD_POD}/cri-containerd-{PAUSE}.scope\n", 1, None, SANDBOXED,
                 id="sandbox-systemd"),
    pytest.param(f"0::/kubepods/besteffort/pod{UID}/{PAUSE}\n", 10, None, UNKNOWN,
                 id="unknown-id-not-pid-1"),
    pytest.param("0::/\n", 10, None, UNKNOWN, id="namespaced-without-own"),
    pytest.param("", 10, None, UNKNOWN, id="no-cgroup"),
    pytest.param(f"0::/kubepods/pod99999999-2222/{FOREIGN}\n", 10, None, UNKNOWN,
                 id="foreign-id"),
    pytest.param(f"0::/kubepods/besteffort/pod{UID}\n", 10, None, UNKNOWN, id="pod-no-id"),
    pytest.param("0::/\n", 10, "0::/\n", CONTAINER, id="private-own-is-the-runner"),
    pytest.param("0::/sub\n", 10, "0::/\n", UNKNOWN, id="private-own-subgroup"),
    pytest.param(f"0::/../{INIT}\n", 10, "0::/\n", Owner("setup", "init"),
                 id="private-sibling"),
    pytest.param(f"0::/../{PAUSE}\n", 1, "0::/\n", SANDBOXED, id="private-sandbox"),
    pytest.param(f"0::/../{FOREIGN}\n", 10, "0::/\n", UNKNOWN, id="private-foreign"),
])
def test_owner(cgroup: str, pid: int, own: str | None, expected: Owner) -> None:
    assert owner(proc(cgroup, pid), small_pod(), own) == expected


def test_owner_own_cgroup_names_the_runner_whatever_its_name() -> None:
    assert owner(proc("0::/\n"), small_pod(), "0::/\n", runner="debugger") == Owner(
        "debugger", "ephemeral")


def test_attribution_remembers_each_cgroup() -> None:
    attribution = Attribution(small_pod(), small_pod().container("app"), None)
    cgroup = f"0::/kubepods/pod{UID}/{APP}\n"
    assert attribution.container(cgroup) is attribution.container(cgroup)
    assert list(attribution._cache) == [cgroup]


def test_owner_of_every_recorded_quad_process() -> None:
    quad, snap = pod("quad"), snapshot("quad")
    owners = {pid: owner(p, quad, snap.own_cgroup, "shell") for pid, p in snap.processes.items()}
    assert owners == {
        1: Owner("(sandbox)", "sandbox"),
        13: Owner("web", "container"),
        19: Owner("web", "container"),
        20: Owner("shell", "container"),
        26: Owner("shell", "container"),
        27: Owner("worker", "container"),
        33: Owner("worker", "container"),
        34: Owner("worker", "container"),
        35: Owner("app", "container"),
    }


@pytest.mark.parametrize(("name", "runner", "expected"), [
    pytest.param("hostile", "shell", {1: "(sandbox)", 7: "shell", 13: "shell", 14: "evil",
                                      20: "evil", 21: "evil", 23: "evil"}, id="hostile"),
    pytest.param("apart", "shell", {1: "shell", 7: "shell"}, id="apart"),
])
def test_owner_of_every_recorded_process(name: str, runner: str, expected: dict[int, str]
                                         ) -> None:
    snap = snapshot(name)
    owners = {pid: owner(p, pod(name), snap.own_cgroup, runner).name
              for pid, p in snap.processes.items()}
    assert owners == expected


def test_sandbox_rule_is_pid_1_of_a_shared_namespace() -> None:
    shared = small_pod()
    apart = model.Pod(**{**shared.__dict__, "shares_processes": False, "ids": {}})
    assert (is_sandbox(1, shared), is_sandbox(2, shared), is_sandbox(1, apart)) == (
        True, False, False)
    assert owner(proc("0::/\n", pid=1), apart) == UNKNOWN


def test_private_cgroup_namespaces_attribute_as_the_host_s() -> None:
    """Recorded with every container in a private cgroup namespace: the runner's own processes
    read `0::/`, the others `/../<id>`, and nothing names the Pod."""
    snap = snapshot("nginx-private")
    assert snap.own_cgroup == "0::/"
    assert not any("kubepods" in p.cgroup for p in snap.processes.values())
    owners = {pid: owner(p, pod("nginx-private"), snap.own_cgroup, "shell")
              for pid, p in snap.processes.items()}
    assert owners == {1: SANDBOXED, 7: Owner("nginx", "container"),
                      13: Owner("nginx", "container"), 14: Owner("shell", "container")}


def test_a_zombie_whose_cgroup_names_no_container_is_its_parent_s_inferred() -> None:
    parent = proc(v1(f"/kubepods/besteffort/pod{UID}/{APP}"), pid=7)
    zombie, named, orphan = proc(v1("/"), 8), proc(v1(f"/kubepods/pod{UID}/{INIT}"), 9), proc(
        v1("/"), 10)
    for child in (zombie, named, orphan):
        child.state, child.ppid = "Z", 7
    orphan.ppid = 99
    processes = {p.pid: p for p in (parent, zombie, named, orphan)}
    attribution = Attribution(small_pod(), small_pod().container("app"), "0::/\n")
    assert [attribution.owner(p, processes) for p in (parent, zombie, named, orphan)] == [
        CONTAINER, Owner("app", "container", inferred=True), Owner("setup", "init"), UNKNOWN]
    assert attribution.owner(zombie) == UNKNOWN, "without the processes, never guessed"
