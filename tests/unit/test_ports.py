"""ports and fds --deleted on output recorded from the sockets Pod (tests/e2e/manifests/
sockets.yaml, run from its `shell` container): each socket attributed to its process and
container, as ps attributes them, and the deleted files totalled per container."""

from __future__ import annotations

import io
import json

from kubectl_pidshare import fds, ports
from kubectl_pidshare.cluster.targets import parse
from kubectl_pidshare.pod import procfs
from kubectl_pidshare.pod.model import parse_pod
from kubectl_pidshare.pod.snapshot import Listing
from tests.unit.recordings import DATA

LISTEN = "/listen tcp:8080 udp:5353 tcp6:8443 unix:/tmp/app.sock unix:@pidshare-abstract"


def listing(mode: str) -> Listing:
    """The recorded Pod and fds.sh + probe output of one mode."""
    pod = parse_pod(json.loads((DATA / "pod-sockets.json").read_text()))
    output = (DATA / f"fds-sockets-{mode}.bin").read_bytes()
    return Listing(pod, pod.container("shell"), procfs.parse(output), output)


def test_each_socket_has_its_holders() -> None:
    err = io.StringIO()
    found = {(e.socket.protocol, e.socket.local_port, e.socket.path, e.socket.state):
             {(h.container, h.command) for h in e.holders}
             for e in ports.entries(listing("ports"), err)}
    assert err.getvalue() == ""
    sidecar = {("sidecar", LISTEN)}
    assert found[("tcp", 80, b"", "LISTEN")] == {
        ("nginx", "nginx: master process nginx -g daemon off;"),
        ("nginx", "nginx: worker process")}
    assert found[("tcp", 8080, b"", "LISTEN")] == sidecar
    assert found[("udp", 5353, b"", "UNCONN")] == sidecar
    assert found[("tcp6", 8443, b"", "LISTEN")] == sidecar
    assert found[("unix", None, b"/tmp/app.sock", "LISTEN")] == sidecar
    assert found[("unix", None, b"@pidshare-abstract", "LISTEN")] == sidecar
    [client] = [holders for key, holders in found.items()
                if key[0] == "tcp" and key[3] == "ESTAB" and holders]
    assert client == {("other", "nc 127.0.0.1 8080")}


def test_listen_first_and_listen_only() -> None:
    options = ports.PortsOptions(parse(["sockets"], None, False))
    found = ports.ordered(ports.entries(listing("ports"), io.StringIO()), options)
    states = [e.socket.listening for e in found]
    assert states == sorted(states, reverse=True) and not states[-1]
    only = ports.entries(listing("ports"), io.StringIO(), listen=True)
    assert only and all(e.socket.listening for e in only)
    assert [ports.cells(e)["LOCAL"] for e in ports.ordered(only, options)][:3] == [
        "0.0.0.0:80", "0.0.0.0:8080", "[::1]:8443"]


def test_deleted_files_totalled_per_container() -> None:
    found = fds.deleted_files(listing("deleted"), io.StringIO())
    assert [(h.container, h.fd, d.size, fds.file_name(d)) for h, d in found] == [
        ("holder", 3, 50 << 20, "/tmp/big"),
        ("holder", 4, 6, "/tmp/x\\n1/fd/1:f:9:9:/fake (deleted)\\x01")]
    assert fds.totals(found) == [{"container": "holder", "files": 2,
                                  "sizeBytes": (50 << 20) + 6}]


def test_flag_names() -> None:
    assert fds.flag_names(0o2100002) == ["O_RDWR", "O_LARGEFILE", "O_CLOEXEC"]
    assert fds.flag_names(0o4010001) == ["O_WRONLY", "O_SYNC"]
    assert fds.flag_names(0o12000) == ["O_RDONLY", "O_APPEND", "O_DSYNC"]


def test_a_kernel_without_inodes_in_fdinfo_is_said() -> None:
    recorded = listing("ports")
    old = Listing(recorded.pod, recorded.runner, recorded.snapshot,
                  recorded.output.replace(b":ino:\t", b":xno:\t"))
    err = io.StringIO()
    found = ports.entries(old, err)
    assert all(not e.holders for e in found)
    assert err.getvalue() == (
        'warning: pod "sockets": the node\'s kernel shows no inode in /proc/PID/fdinfo (Linux '
        "before 5.14): the owners of sockets are unknown\n")
