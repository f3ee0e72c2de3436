"""Container IDs from cgroup files, and which container, sandbox or nothing owns a process."""

from __future__ import annotations

from typing import Any

from kubectl_pidshare import pods, procfs
from kubectl_pidshare.attribution import Owner, container_ids, owner
from tests.unit.recordings import pod, snapshot

UID = "11111111-2222-3333-4444-555555555555"
APP = "a" * 64
INIT = "b" * 64
DEBUG = "c" * 64
PAUSE = "d" * 64
FOREIGN = "e" * 64


def small_pod() -> pods.Pod:
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
    return pods.parse_pod(document)


def proc(cgroup: str, pid: int = 10) -> procfs.Process:
    """A process with the given cgroup file content."""
    return procfs.Process(pid=pid, ppid=0, name="x", state="S", uid=0, threads=1, rss_kib=0,
                          cpu_seconds=0.0, start_ticks=0, args=[b"x"], cgroup=cgroup)


def v1(path: str) -> str:
    """A cgroup v1 file with the same path in every hierarchy, and the unified line."""
    return "".join(f"{h}:{path}\n" for h in ("12:pids", "4:memory", "1:name=systemd", "0:"))


def test_container_ids_cgroup_v1_kubepods() -> None:
    text = v1(f"/kubepods/besteffort/pod{UID}/{APP}")
    assert container_ids(text) == {APP}


def test_container_ids_cgroup_v2() -> None:
    assert container_ids(f"0::/kubepods/burstable/pod{UID}/{APP}\n") == {APP}


def test_container_ids_systemd_scope() -> None:
    line = ("0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
            f"{UID.replace('-', '_')}.slice/cri-containerd-{APP}.scope\n")
    assert container_ids(line) == {APP}


def test_container_ids_docker_and_crio_scopes() -> None:
    text = f"0::/system.slice/docker-{APP}.scope\n1:cpu:/x/crio-{INIT}.scope\n"
    assert container_ids(text) == {APP, INIT}


def test_container_ids_namespaced_and_empty() -> None:
    assert container_ids("0::/\n") == set()
    assert container_ids("") == set()
    assert container_ids("12:pids:/\n0::/\n") == set()


def test_container_ids_only_the_last_component() -> None:
    assert container_ids(f"0::/{APP}/sub\n") == set()
    assert container_ids(f"0::/x{APP}\n") == set()
    assert container_ids(f"0::/kubepods/{APP.upper()}\n") == set()
    assert container_ids(f"0::/kubepods/{APP[:-1]}\n") == set()


def test_owner_container() -> None:
    assert owner(proc(f"0::/kubepods/besteffort/pod{UID}/{APP}\n"), small_pod()) == Owner(
        "app", "container")


def test_owner_container_cgroup_v1_and_systemd() -> None:
    systemd = (f"0::/kubepods.slice/kubepods-pod{UID.replace('-', '_')}.slice/"
               f"cri-containerd-{APP}.scope\n")
    assert owner(proc(v1(f"/kubepods/pod{UID}/{APP}")), small_pod()) == Owner("app", "container")
    assert owner(proc(systemd), small_pod()) == Owner("app", "container")


def test_owner_init_and_ephemeral_kinds() -> None:
    assert owner(proc(f"0::/kubepods/pod{UID}/{INIT}\n"), small_pod()) == Owner("setup", "init")
    assert owner(proc(f"0::/kubepods/pod{UID}/{DEBUG}\n"), small_pod()) == Owner(
        "debugger", "ephemeral")


def test_owner_sandbox_is_an_unknown_id_in_the_pod_cgroup() -> None:
    assert owner(proc(f"0::/kubepods/besteffort/pod{UID}/{PAUSE}\n"), small_pod()) == Owner(
        "(sandbox)", "sandbox")


def test_owner_sandbox_systemd_pod_slice() -> None:
    cgroup = (f"0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
              f"{UID.replace('-', '_')}.slice/cri-containerd-{PAUSE}.scope\n")
    assert owner(proc(cgroup), small_pod()) == Owner("(sandbox)", "sandbox")


def test_owner_unknown_namespaced_cgroup() -> None:
    assert owner(proc("0::/\n"), small_pod()) == Owner("unknown", "unknown")
    assert owner(proc(""), small_pod()) == Owner("unknown", "unknown")


def test_owner_unknown_foreign_id_outside_the_pod() -> None:
    other = "99999999-2222-3333-4444-555555555555"
    assert owner(proc(f"0::/kubepods/pod{other}/{FOREIGN}\n"), small_pod()) == Owner(
        "unknown", "unknown")


def test_owner_unknown_pod_cgroup_without_an_id() -> None:
    assert owner(proc(f"0::/kubepods/besteffort/pod{UID}\n"), small_pod()) == Owner(
        "unknown", "unknown")


def test_owner_of_every_recorded_quad_process() -> None:
    quad, snap = pod("quad"), snapshot("quad")
    owners = {pid: owner(p, quad) for pid, p in snap.processes.items()}
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


def test_owner_of_every_recorded_hostile_and_apart_process() -> None:
    hostile = {pid: owner(p, pod("hostile")).name
               for pid, p in snapshot("hostile").processes.items()}
    assert hostile == {1: "(sandbox)", 7: "shell", 13: "shell", 14: "evil", 20: "evil",
                       21: "evil", 23: "evil"}
    apart = {pid: owner(p, pod("apart")).name for pid, p in snapshot("apart").processes.items()}
    assert apart == {1: "shell", 7: "shell"}


def test_owner_pid_1_of_a_shared_namespace_is_the_sandbox() -> None:
    """Even where cgroups are namespaced and name nothing."""
    shared = small_pod()
    assert shared.shares_processes
    assert owner(proc("0::/\n", pid=1), shared) == Owner("(sandbox)", "sandbox")
    assert owner(proc("0::/\n", pid=2), shared) == Owner("unknown", "unknown")
    apart = pods.Pod(**{**shared.__dict__, "shares_processes": False, "ids": {}})
    assert owner(proc("0::/\n", pid=1), apart) == Owner("unknown", "unknown")
