"""netfs.parse() on hand-made fds.sh output: kernel hex decoded (IPv6 in its word order),
unix paths with newlines, records a readlink target cannot forge, and the owners of sockets."""

from __future__ import annotations

import pytest

from kubectl_pidshare.pod import netfs

TCP_HEADER = (b"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid"
              b"  timeout inode")
LISTEN_80 = (b"   0: 00000000:0050 00000000:0000 0A 00000000:00000003 00:00000000 00000000     0"
             b"        0 481379 1 0000000000000000 100 0 0 10 0")
ESTAB = (b"   1: 0100007F:1F90 0100007F:82DE 01 00000010:00000020 00:00000000 00000000  1000"
         b"        0 0 1 0000000000000000 20 4 30 10 -1")
TCP6 = (b"   0: 00000000000000000000000001000000:20FB 00000000000000000000000000000000:0000 0A"
        b" 00000000:00000000 00:00000000 00000000     0        0 481400 1 0000000000000000 100"
        b" 0 0 10 0")
UDP = (b"  100: 00000000:14E9 00000000:0000 07 00000000:00000000 00:00000000 00000000     0"
       b"        0 481401 2 0000000000000000 0")
UNIX_HEADER = b"Num       RefCount Protocol Flags    Type St Inode Path"
UNIX_LISTEN = b"0000000000000000: 00000002 00000000 00010000 0001 01 481402 /tmp/app.sock"
UNIX_ABSTRACT = b"0000000000000000: 00000002 00000000 00010000 0001 01 481403 @pidshare-abstract"
UNIX_PAIR = b"0000000000000000: 00000003 00000000 00000000 0001 03 481404"
UNIX_DGRAM = b"0000000000000000: 00000002 00000000 00000000 0002 01 481405 /dev/log"


def output(records: list[bytes], lines: list[bytes]) -> bytes:
    """fds.sh's output before the probe's."""
    return b"".join(r + b"\0" for r in records) + b"pidshare-fds-lines\0" + b"\n".join(lines)


def table(name: bytes, *rows: bytes) -> list[bytes]:
    """The lines `grep -H` prints of a /proc/net table: each prefixed, a path's too."""
    return [b"net/" + name + b":" + line for row in rows for line in row.split(b"\n")]


def test_inet_rows_decoded() -> None:
    listen = netfs.inet_socket("tcp", LISTEN_80)
    assert listen == netfs.Socket("tcp", "LISTEN", "0.0.0.0", 80, "0.0.0.0", 0, 3, 0, 481379, 0,
                                  True)
    estab = netfs.inet_socket("tcp", ESTAB)
    assert estab is not None
    assert (estab.local, estab.local_port, estab.remote, estab.remote_port) == (
        "127.0.0.1", 8080, "127.0.0.1", 33502)
    assert (estab.state, estab.listening, estab.send_q, estab.recv_q, estab.uid,
            estab.inode) == ("ESTAB", False, 16, 32, 1000, 0)
    assert netfs.inet_socket("tcp", TCP_HEADER) is None


def test_ipv6_in_the_kernels_word_order() -> None:
    socket = netfs.inet_socket("tcp6", TCP6)
    assert socket is not None and (socket.local, socket.local_port, socket.remote) == (
        "::1", 8443, "::")
    line = TCP6.replace(b"00000000000000000000000001000000", b"B80D0120000000000000000001000000")
    moved = netfs.inet_socket("tcp6", line)
    assert moved is not None and moved.local == "2001:db8::1"
    mapped = TCP6.replace(b"00000000000000000000000001000000", b"0000000000000000FFFF00000100007F")
    assert getattr(netfs.inet_socket("tcp6", mapped), "local", None) == "::ffff:127.0.0.1"


def test_udp_bound_is_listening() -> None:
    socket = netfs.inet_socket("udp", UDP)
    assert socket is not None
    assert (socket.state, socket.listening, socket.local_port) == ("UNCONN", True, 5353)


def test_unix_rows() -> None:
    held = netfs.parse(output([], table(b"unix", UNIX_HEADER, UNIX_LISTEN, UNIX_ABSTRACT,
                                        UNIX_PAIR, UNIX_DGRAM)))
    shown = [(s.path, s.state, s.type, s.listening, s.inode) for s in held.sockets]
    assert shown == [(b"/tmp/app.sock", "LISTEN", "stream", True, 481402),
                     (b"@pidshare-abstract", "LISTEN", "stream", True, 481403),
                     (b"", "ESTAB", "stream", False, 481404),
                     (b"/dev/log", "UNCONN", "dgram", True, 481405)]


def test_a_unix_path_with_newlines_is_one_socket() -> None:
    lines = table(b"unix", UNIX_HEADER, UNIX_LISTEN + b"\nnet/tcp:" + LISTEN_80 + b"\nend",
                  UNIX_PAIR)
    held = netfs.parse(output([], lines))
    assert [(s.protocol, s.path) for s in held.sockets] == [
        ("unix", b"/tmp/app.sock\nnet/tcp:" + LISTEN_80 + b"\nend"), ("unix", b"")]


def test_records_cannot_be_forged_by_a_target() -> None:
    evil = b"/tmp/x\n1/fd/1:f:9:9:/fake (deleted)\npidshare-fds-lines\nfds 1\n1:ino:\t5 (deleted)"
    held = netfs.parse(output([b"12/fd/4:f:6:77:" + evil, b"denied:13", b"cut:12"],
                              [b"fds 12", b"4:pos:\t0", b"4:flags:\t0100000", b"4:ino:\t77"]))
    [descriptor] = held.descriptors.values()
    assert (descriptor.pid, descriptor.fd, descriptor.size, descriptor.inode,
            descriptor.target, descriptor.deleted) == (12, 4, 6, 77, evil, True)
    assert descriptor.info == {"pos": 0, "flags": 0o100000, "ino": 77}
    assert (held.denied, held.cut) == ({13}, {12})


def test_socket_owners_are_on_sockfs() -> None:
    lines = [*table(b"tcp", TCP_HEADER, LISTEN_80), *table(b"unix", UNIX_HEADER, UNIX_PAIR),
             b"fds 7", b"5:mnt_id:\t10", b"5:ino:\t481379", b"6:mnt_id:\t10", b"6:ino:\t481404",
             b"fds 8", b"5:mnt_id:\t10", b"5:ino:\t481379",
             b"fds 9", b"3:mnt_id:\t1728", b"3:ino:\t481379", b"denied 10"]
    held = netfs.parse(output([], lines))
    owners = {inode: [(d.pid, d.fd) for d in found]
              for inode, found in held.socket_owners().items()}
    assert owners == {481379: [(7, 5), (8, 5)], 481404: [(7, 6)]}
    assert held.denied == {10}


def test_tables_cut_at_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(netfs, "ROWS", 2)
    held = netfs.parse(output([], table(b"tcp", TCP_HEADER, LISTEN_80, ESTAB)))
    assert [s.local_port for s in held.sockets] == [80] and held.tables_cut == {"tcp"}


def test_missing_readlink_is_said() -> None:
    assert netfs.parse(output([], [b"missing readlink"])).no_readlink
