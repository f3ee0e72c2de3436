"""`kubectl pidshare ports` and `fds` against the real cluster: each socket of the Pod's network
namespace attributed to its process and container, the listeners alone, a deleted file held
open, and what a runner without ptrace access says of the processes it cannot read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from kubectl_pidshare.status import ExitStatus

from .harness import MANIFESTS, Cluster, Namespace, fresh_namespace

# Attribution depends on the cgroup namespace mode: tests/run runs this module in both.
pytestmark = pytest.mark.cgroupns

LISTEN = "/listen tcp:8080 udp:5353 tcp6:8443 unix:/tmp/app.sock unix:@pidshare-abstract"
BIG = 50 * 1024 * 1024
# A deleted file's name that would fake a record of fds.sh's if it were trusted, as shown.
EVIL = "/tmp/x\\n1/fd/1:f:9:9:/fake (deleted)\\x01"


@pytest.fixture(scope="module")
def ns(cluster: Cluster) -> Iterator[Namespace]:
    """One namespace with the sockets Pod, for the whole module (it takes a while to start)."""
    with fresh_namespace(cluster, "ports") as namespace:
        namespace.apply(MANIFESTS / "sockets.yaml", wait_for=("sockets",))
        yield namespace


def processes(ns: Namespace) -> dict[str, list[int]]:
    """container -> the PIDs `ps` lists in it."""
    document = json.loads(ns.pidshare("ps", "sockets", "-o", "json").stdout)
    found: dict[str, list[int]] = {}
    for process in document["processes"]:
        found.setdefault(process["container"], []).append(process["pid"])
    return found


def commands(ns: Namespace) -> dict[str, list[int]]:
    """command line -> the PIDs running it."""
    document = json.loads(ns.pidshare("ps", "sockets", "-o", "json").stdout)
    found: dict[str, list[int]] = {}
    for process in document["processes"]:
        found.setdefault(process["command"], []).append(process["pid"])
    return found


def sockets(ns: Namespace, *args: str) -> list[dict[str, Any]]:
    """The sockets `ports -o json` lists."""
    proc = ns.pidshare("ports", "sockets", "-o", "json", *args)
    assert proc.stderr == b""
    document = json.loads(proc.stdout)
    assert (document["kind"], document["pod"], document["hostNetwork"]) == (
        "SocketList", "sockets", False)
    return list(document["sockets"])


def one(found: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    """The one socket with these fields."""
    [socket] = [s for s in found if all(s[key] == value for key, value in fields.items())]
    return socket


def owners(socket: dict[str, Any]) -> set[tuple[str, int]]:
    """(container, pid) of each holder of a socket."""
    return {(owner["container"], owner["pid"]) for owner in socket["owners"]}


def test_ports_attributes_each_socket_to_its_process_and_container(ns: Namespace) -> None:
    pids = processes(ns)
    [sidecar] = pids["sidecar"]
    [nc] = commands(ns)["nc 127.0.0.1 8080"]
    found = sockets(ns)
    nginx = one(found, protocol="tcp", localPort=80)
    assert (nginx["state"], nginx["listening"], nginx["localAddress"]) == ("LISTEN", True,
                                                                           "0.0.0.0")
    assert owners(nginx) == {("nginx", pid) for pid in pids["nginx"]}
    assert {o["command"] for o in nginx["owners"]} == {
        "nginx: master process nginx -g daemon off;", "nginx: worker process"}
    for fields in ({"protocol": "tcp", "localPort": 8080, "state": "LISTEN"},
                   {"protocol": "udp", "localPort": 5353, "state": "UNCONN"},
                   {"protocol": "tcp6", "localPort": 8443, "localAddress": "::1"},
                   {"protocol": "unix", "path": "/tmp/app.sock", "type": "stream"},
                   {"protocol": "unix", "path": "@pidshare-abstract", "state": "LISTEN"}):
        socket = one(found, **fields)
        assert socket["listening"] and not socket["ownerUnknown"], socket
        assert socket["owners"] == [{"pid": sidecar, "fd": socket["owners"][0]["fd"],
                                     "container": "sidecar", "containerKind": "container",
                                     "uid": 0, "command": LISTEN}]
    client = one(found, protocol="tcp", remotePort=8080, state="ESTAB")
    assert (client["localAddress"], client["remoteAddress"]) == ("127.0.0.1", "127.0.0.1")
    assert owners(client) == {("other", nc)} and client["owners"][0]["uid"] == 1000
    # The server's end waits in 8080's accept queue: no descriptor holds it yet.
    server = one(found, protocol="tcp", localPort=8080, remotePort=client["localPort"])
    assert (server["state"], server["inode"], server["owners"], server["ownerUnknown"]) == (
        "ESTAB", 0, [], False)
    listening = [s for s in found if s["listening"]]
    assert found[:len(listening)] == listening


def test_listen_shows_only_the_listeners(ns: Namespace) -> None:
    found = sockets(ns, "--listen")
    assert found and all(s["listening"] for s in found)
    assert {(s["protocol"], s["localPort"] or s["path"]) for s in found} >= {
        ("tcp", 80), ("tcp", 8080), ("udp", 5353), ("tcp6", 8443), ("unix", "/tmp/app.sock"),
        ("unix", "@pidshare-abstract")}
    table = ns.pidshare("ports", "sockets", "--listen").stdout.decode().splitlines()
    assert table[0].split() == ["PROTO", "STATE", "LOCAL", "PEER", "RECV-Q", "SEND-Q",
                                "CONTAINER", "PID", "COMMAND"]
    assert len(table) == len(found) + 1 and "ESTAB" not in "".join(table)


def test_fds_deleted_shows_the_file_and_its_size_under_its_container(ns: Namespace) -> None:
    [holder] = processes(ns)["holder"]
    proc = ns.pidshare("fds", "sockets", "--deleted", "-o", "json")
    document = json.loads(proc.stdout)
    assert proc.stderr == b""
    held = {"pid": holder, "container": "holder", "containerKind": "container",
            "command": "sleep 3600"}
    assert [{key: file[key] for key in held} for file in document["files"]] == [held, held]
    assert [(f["fd"], f["path"], f["sizeBytes"]) for f in document["files"]] == [
        (3, "/tmp/big", BIG), (4, EVIL, 6)]
    assert document["totals"] == [{"container": "holder", "files": 2, "sizeBytes": BIG + 6}]
    table = ns.pidshare("fds", "sockets", "--deleted").stdout.decode().split("\n\n")
    assert [line.split() for line in table[0].splitlines()] == [
        ["CONTAINER", "PID", "FD", "SIZE", "FILE", "COMMAND"],
        ["holder", str(holder), "3", "50.0MiB", "/tmp/big", "sleep", "3600"],
        ["holder", str(holder), "4", "6B", *EVIL.split(), "sleep", "3600"]]
    assert [line.split() for line in table[1].splitlines()] == [
        ["CONTAINER", "FILES", "SIZE"], ["holder", "2", "50.0MiB"]]


def test_fds_of_a_process(ns: Namespace) -> None:
    proc = ns.pidshare("fds", "sockets", "container/holder", "-o", "json")
    document = json.loads(proc.stdout)
    [holder] = processes(ns)["holder"]
    assert proc.stderr.decode() == (f'the main process of container "holder" is PID {holder} '
                                    "(sleep 3600)\n")
    assert (document["pid"], document["container"]) == (holder, "holder")
    [big] = [d for d in document["descriptors"] if d["fd"] == 3]
    assert (big["type"], big["target"], big["deleted"], big["size"], big["pos"]) == (
        "file", "/tmp/big (deleted)", True, BIG, 0)
    assert big["flagNames"][0] == "O_RDONLY" and big["flags"].startswith("0")
    listening = json.loads(ns.pidshare("fds", "sockets", "container/sidecar", "-o",
                                       "json").stdout)["descriptors"]
    assert {d["target"] for d in listening if d["type"] == "socket"} == {
        "tcp 0.0.0.0:8080 LISTEN", "udp 0.0.0.0:5353 UNCONN", "tcp6 [::1]:8443 LISTEN",
        "unix /tmp/app.sock LISTEN", "unix @pidshare-abstract LISTEN"}
    assert all(d["flagNames"][0] == "O_RDWR" for d in listening if d["type"] == "socket")


def test_another_uid_without_ptrace_is_unknown_with_the_hint(ns: Namespace) -> None:
    proc = ns.pidshare("ports", "sockets", "--listen", "--exec-container", "other", "-o", "json")
    found = json.loads(proc.stdout)["sockets"]
    assert found and all(s["ownerUnknown"] and s["owners"] == [] for s in found)
    [line] = proc.stderr.decode().splitlines()
    assert line.startswith(f'warning: {len(found)} socket(s) listed with owner unknown in pod '
                           '"sockets": the descriptors of PIDs ')
    assert "needs ptrace access" in line and "--debug-profile general" in line
    table = ns.pidshare("ports", "sockets", "--listen", "--exec-container", "other",
                        "--no-headers").stdout.decode().splitlines()
    assert all(row.split()[6:8] == ["unknown", "?"] for row in table)
    refused = ns.pidshare("fds", "sockets", "container/nginx", "--exec-container", "other",
                          check=False)
    assert refused.returncode == ExitStatus.NO_PTRACE_ACCESS
    assert refused.stderr.decode().splitlines()[-1].startswith(
        "error: the descriptors of PID ")


HOST_NETWORK = """\
apiVersion: v1
kind: Pod
metadata: {name: hostnet}
spec:
  shareProcessNamespace: true
  hostNetwork: true
  terminationGracePeriodSeconds: 1
  containers: [{name: shell, image: "busybox:1.28", command: ["sleep", "3600"]}]
"""


def test_host_network_sockets_are_the_nodes(ns: Namespace) -> None:
    ns.apply(HOST_NETWORK, wait_for=("hostnet",))
    proc = ns.pidshare("ports", "hostnet", "--listen", "-o", "json")
    assert proc.stderr.decode() == (
        'warning: pod "hostnet" uses the node\'s network (hostNetwork): these are the node\'s '
        "sockets; owners are found among the Pod's processes only\n")
    document = json.loads(proc.stdout)
    assert document["hostNetwork"] is True
    # The API server listens on the node's loopback; no process of the Pod holds it.
    apiserver = one(document["sockets"], protocol="tcp", localPort=6443)
    assert (apiserver["localAddress"], apiserver["owners"], apiserver["ownerUnknown"]) == (
        "127.0.0.1", [], True)
