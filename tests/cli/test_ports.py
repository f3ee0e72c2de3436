"""ports and fds through the error boundary, with a fake transport answering from the
sockets Pod's recordings (tests/data/fds-sockets-*.bin)."""

from __future__ import annotations

import json

from kubectl_pidshare.pod.netfs import SECTION_END
from kubectl_pidshare.status import ExitStatus

from .fakes import DATA, FakeTransport, Install, Main, recorded_pod


def sockets(install: Install, mode: str) -> FakeTransport:
    """The fake answering with the sockets Pod and fds.sh + probe output of mode."""
    fake = install("nginx")
    fake.pod = recorded_pod("sockets")
    fake.probe = (DATA / f"fds-sockets-{mode}.bin").read_bytes()
    return fake


def test_ports_table_listening_first(install: Install, main: Main) -> None:
    fake = sockets(install, "ports")
    status, out, err = main("ports", "sockets")
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["PROTO", "STATE", "LOCAL", "PEER", "RECV-Q", "SEND-Q",
                                "CONTAINER", "PID", "COMMAND"]
    assert lines[1].split()[:3] == ["tcp", "LISTEN", "0.0.0.0:80"]
    [(_, container, argv)] = fake.execs
    assert (container, argv[3:]) == ("shell", ["pidshare-fds", "ports"])


def test_ports_listen_json(install: Install, main: Main) -> None:
    sockets(install, "ports")
    status, out, err = main("ports", "sockets", "--listen", "-o", "json")
    document = json.loads(out)
    assert (status, err, document["kind"]) == (0, "", "SocketList")
    assert document["sockets"] and all(s["listening"] for s in document["sockets"])


def test_ports_sort_by_is_checked(install: Install, main: Main) -> None:
    sockets(install, "ports")
    status, _, err = main("ports", "sockets", "--sort-by", "cpu")
    assert (status, err.splitlines()[0]) == (
        ExitStatus.USAGE, 'error: invalid argument "cpu" for "--sort-by" flag: must be one of '
        "port, pid, container, proto, queue")


def test_fds_needs_a_process(install: Install, main: Main) -> None:
    fake = sockets(install, "ports")
    assert main("fds", "sockets") == (
        ExitStatus.USAGE, "", "error: fds takes POD and a PID or container/NAME (with --deleted, "
        "Pods as ps takes them: kubectl pidshare fds -h shows examples)\n")
    assert fake.execs == []


def test_fds_deleted_table(install: Install, main: Main) -> None:
    sockets(install, "deleted")
    status, out, err = main("fds", "sockets", "--deleted")
    assert (status, err) == (0, "")
    files, totals = out.split("\n\n")
    assert files.splitlines()[1].split()[3:5] == ["50.0MiB", "/tmp/big"]
    assert totals.splitlines()[1].split() == ["holder", "2", "50.0MiB"]


def test_fds_without_readlink(install: Install, main: Main) -> None:
    fake = sockets(install, "deleted")
    probe = fake.probe.partition(SECTION_END)[2]
    fake.probe = b"pidshare-fds-lines\0missing readlink\n" + SECTION_END + probe
    status, out, err = main("fds", "sockets", "7")
    assert (status, out) == (ExitStatus.NO_READLINK, "")
    assert err == ('error: container "shell" of pod "sockets" has no readlink: fds reads where '
                   "each descriptor points with it; use --exec-container with a container that "
                   "has one, or --debug-image busybox\n")


def test_ports_of_several_pods_say_which(install: Install, main: Main) -> None:
    fake = sockets(install, "ports")
    for name in ("web-a", "web-b"):
        pod = fake.add_pod(name, labels={"app": "web"})
        pod["spec"], pod["status"] = fake.pod["spec"], fake.pod["status"]
        fake.probes[name] = fake.probe
    status, out, err = main("ports", "-l", "app=web", "--listen")
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["POD", "PROTO", "STATE"]
    assert {line.split()[0] for line in lines[1:]} == {"web-a", "web-b"}
    assert len(lines) == 1 + 2 * 6
