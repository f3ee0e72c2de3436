"""`kubectl pidshare fds`: the open descriptors of a process (type, target, flags, position,
size), and, with --deleted, the deleted files every process of the Pods still holds open and
the space they keep, per container. One exec (sh/fds.sh, then the probe for attribution)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, TextIO

from kubectl_pidshare.cluster.targets import Targets, parse, pod_name
from kubectl_pidshare.errors import PidshareError
from kubectl_pidshare.holders import Holder, Holders, address, cuts, denial, pod_cells
from kubectl_pidshare.output import render, tables
from kubectl_pidshare.pod import netfs
from kubectl_pidshare.pod.aim import Aim, main_process, parse_aim
from kubectl_pidshare.pod.debug_container import DebugOptions
from kubectl_pidshare.pod.model import parse_pod
from kubectl_pidshare.pod.netfs import DELETED, Descriptor, Held
from kubectl_pidshare.pod.runners import choose
from kubectl_pidshare.pod.snapshot import Listing
from kubectl_pidshare.ps import PsOptions, gather, prefix, probe, report
from kubectl_pidshare.status import ExitStatus
from kubectl_pidshare.text import escape
from kubectl_pidshare.transport import Transport

COLUMNS = ("FD", "TYPE", "FLAGS", "POS", "SIZE", "TARGET")
WIDE = (*COLUMNS[:-1], "MNT_ID", "INODE", "TARGET")
RIGHT = {"FD", "POS", "SIZE", "PID", "FILES", "MNT_ID", "INODE"}
DELETED_COLUMNS = ("CONTAINER", "PID", "FD", "SIZE", "FILE", "COMMAND")
TOTAL_COLUMNS = ("CONTAINER", "FILES", "SIZE")
ACCESS = ("O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE")
FLAGS = ((0o100, "O_CREAT"), (0o200, "O_EXCL"), (0o400, "O_NOCTTY"), (0o1000, "O_TRUNC"),
         (0o2000, "O_APPEND"), (0o4000, "O_NONBLOCK"), (0o20000, "O_ASYNC"),
         (0o40000, "O_DIRECT"), (0o100000, "O_LARGEFILE"), (0o200000, "O_DIRECTORY"),
         (0o400000, "O_NOFOLLOW"), (0o1000000, "O_NOATIME"), (0o2000000, "O_CLOEXEC"),
         (0o4010000, "O_SYNC"), (0o10000000, "O_PATH"))
KINDS = {"f": "file", "d": "directory", "S": "socket", "c": "device", "b": "device"}
PSEUDO = re.compile(r"(\w+):\[\d+\]")


@dataclass(frozen=True)
class FdsOptions:
    """What `fds` was asked for: one process (pod and aim), or with deleted, the targets."""

    targets: Targets
    aim: Aim | None = None
    deleted: bool = False
    runner: str | None = None
    output: str = "table"
    headers: bool = True
    debug: DebugOptions = field(default_factory=DebugOptions)

    def probe(self, *args: str) -> PsOptions:
        """The options of the probe that reads descriptors and processes in one exec."""
        return PsOptions(self.targets, None, self.runner, debug=self.debug, script="fds",
                         args=args)


def fds_options(words: list[str], deleted: bool, selector: str | None, all_namespaces: bool,
                runner: str | None, output: str, headers: bool, debug: DebugOptions
                ) -> FdsOptions:
    """The options from the command line: POD and PID (or container/NAME), or with
    --deleted the targets as ps takes them."""
    if deleted:
        return FdsOptions(parse(words, selector, all_namespaces), None, True, runner, output,
                          headers, debug)
    if len(words) != 2 or selector is not None or all_namespaces:
        raise PidshareError("fds takes POD and a PID or container/NAME (with --deleted, Pods "
                            "as ps takes them: kubectl pidshare fds -h shows examples)",
                            ExitStatus.USAGE)
    return FdsOptions(parse([pod_name(words[0])], None, False), parse_aim(words[1]), False,
                      runner, output, headers, debug)


def flag_names(flags: int) -> list[str]:
    """fdinfo's flags (octal in the file) as the open(2) names: access mode first."""
    names = [ACCESS[flags & 3]]
    names += [name for bit, name in FLAGS if flags & bit == bit]
    if "O_SYNC" not in names and flags & 0o10000:
        names.append("O_DSYNC")
    return names


def kind(descriptor: Descriptor) -> str:
    """file, directory, socket, pipe, fifo, device, or the anon inode's name (eventfd,
    eventpoll, inotify, ...), or what a pseudo file system calls it (net for a namespace)."""
    target = escape(descriptor.target or b"")
    if descriptor.kind == "p":
        return "pipe" if target.startswith("pipe:[") else "fifo"
    if descriptor.kind in KINDS:
        return KINDS[descriptor.kind]
    if target.startswith("anon_inode:"):
        return target[len("anon_inode:"):].strip("[]") or "anon"
    pseudo = PSEUDO.fullmatch(target)
    return pseudo[1] if pseudo else "unknown"


def socket_text(descriptor: Descriptor, sockets: dict[int, netfs.Socket]) -> str:
    """A socket descriptor's target: protocol, addresses and state, from the same tables."""
    inode = descriptor.info.get("ino")
    socket = sockets.get(inode) if inode is not None else None
    if socket is None:
        return f"socket:[{inode if inode is not None else '?'}]"
    if socket.protocol == "unix":
        return f"unix {escape(socket.path) if socket.path else '*'} {socket.state}"
    local = address(socket.local, socket.local_port)
    if socket.listening:
        return f"{socket.protocol} {local} {socket.state}"
    remote = address(socket.remote, socket.remote_port, wildcard=True)
    return f"{socket.protocol} {local} -> {remote} {socket.state}"


def as_dict(descriptor: Descriptor, sockets: dict[int, netfs.Socket]) -> dict[str, Any]:
    """One descriptor's every field."""
    flags = descriptor.info.get("flags")
    target = (socket_text(descriptor, sockets) if descriptor.kind == "S"
              else escape(descriptor.target or b""))
    return {"fd": descriptor.fd, "type": kind(descriptor), "target": target,
            "deleted": descriptor.deleted,
            "flags": None if flags is None else f"0{flags:o}",
            "flagNames": [] if flags is None else flag_names(flags),
            "pos": descriptor.info.get("pos"), "size": descriptor.size,
            "mntId": descriptor.info.get("mnt_id"), "inode": descriptor.info.get("ino")}


def _row(item: dict[str, Any], columns: tuple[str, ...]) -> list[str]:
    cells = {"FD": str(item["fd"]), "TYPE": item["type"],
             "FLAGS": "|".join(item["flagNames"]) or "?",
             "POS": "-" if item["pos"] is None else str(item["pos"]),
             "SIZE": "-" if item["size"] is None else str(item["size"]),
             "MNT_ID": str(item["mntId"] or "-"), "INODE": str(item["inode"] or "-"),
             "TARGET": item["target"]}
    return [cells[column] for column in columns]


def _checked(listing: Listing, held: Held, pid: int) -> None:
    pod = listing.pod.name
    if pid not in listing.snapshot.processes:
        raise PidshareError(f'no process {pid} in pod "{pod}"', ExitStatus.NO_SUCH_PROCESS)
    if held.no_readlink:
        raise _no_readlink(listing)
    if pid in held.denied:
        raise PidshareError(denial(listing, [pid]), ExitStatus.NO_PTRACE_ACCESS)


def _no_readlink(listing: Listing) -> PidshareError:
    return PidshareError(
        f'container "{listing.runner.name}" of pod "{listing.pod.name}" has no readlink: fds '
        "reads where each descriptor points with it; use --exec-container with a container "
        "that has one, or --debug-image busybox", ExitStatus.NO_READLINK)


def one(transport: Transport, options: FdsOptions, out: TextIO, err: TextIO) -> None:
    """The descriptors of one process (a PID, or a container's main process) on out."""
    name, aim = options.targets.refs[0].name, options.aim or Aim()
    pid = aim.pid
    if pid is None:
        def notice(line: str) -> None:
            err.write(line + "\n")

        runners = choose(transport, parse_pod(transport.get_pod(name)), options.runner,
                         options.debug, notice, aim.container, "acting only on", "read")
        pid = main_process(runners, str(aim.container), notice)
    listing = probe(transport, options.probe("fds", str(pid)), name, err)
    held = netfs.parse(listing.output)
    _checked(listing, held, pid)
    for line in cuts(listing, held):
        err.write(line + "\n")
    sockets = {socket.inode: socket for socket in held.sockets}
    items = [as_dict(d, sockets) for d in sorted(held.descriptors.values(), key=lambda d: d.fd)
             if d.pid == pid]
    if options.output in ("json", "yaml"):
        holder = Holders(listing).holder(pid)
        doc = {"apiVersion": "pidshare/v1", "kind": "DescriptorList", "pod": listing.pod.name,
               "namespace": listing.pod.namespace, "probeContainer": listing.runner.name,
               "pid": pid, "container": holder.container if holder else None,
               "command": holder.command if holder else None,
               "descriptors": items}
        (render.write_json if options.output == "json" else render.write_yaml)(out, doc)
        return
    columns = WIDE if options.output == "wide" else COLUMNS
    tables.write(out, columns, [_row(item, columns) for item in items], RIGHT, options.headers)


def deleted_files(listing: Listing, err: TextIO) -> list[tuple[Holder, Descriptor]]:
    """The deleted files the Pod's processes hold, with their holders; what could not be
    read, said on err."""
    held = netfs.parse(listing.output)
    if held.no_readlink:
        raise _no_readlink(listing)
    denied = Holders(listing).denied(held)
    if denied:
        err.write(f'warning: deleted files held open in pod "{listing.pod.name}" may be left '
                  f"out: {denial(listing, denied)}\n")
    for line in cuts(listing, held):
        err.write(line + "\n")
    holders = Holders(listing)
    found = []
    for descriptor in sorted(held.descriptors.values(), key=lambda d: (d.pid, d.fd)):
        for holder in holders.of([descriptor] if descriptor.deleted else []):
            found.append((holder, descriptor))
    return found


def totals(found: list[tuple[Holder, Descriptor]]) -> list[dict[str, Any]]:
    """Per container: the deleted files held open (one file held by several descriptors or
    processes counts once) and the bytes they keep."""
    per: dict[str, dict[tuple[Any, ...], int]] = {}
    for holder, descriptor in found:
        key = (descriptor.inode, descriptor.size, descriptor.target)
        per.setdefault(holder.container, {})[key] = descriptor.size or 0
    return [{"container": container, "files": len(files), "sizeBytes": sum(files.values())}
            for container, files in per.items()]


def file_name(descriptor: Descriptor) -> str:
    """A deleted file's name, escaped, without the kernel's ` (deleted)`."""
    return escape((descriptor.target or b"")[:-len(DELETED)])


def deleted(transport: Transport, options: FdsOptions, out: TextIO, err: TextIO) -> None:
    """The deleted files every process of the Pods holds open, and the totals per container."""
    probing = options.probe("deleted")
    listings, failures = gather(transport, probing, err)
    shown = []
    for listing in listings:
        try:
            shown.append((listing, deleted_files(listing, err)))
        except PidshareError as exc:
            failures.append(exc)
    if options.output in ("json", "yaml"):
        documents = [{
            "apiVersion": "pidshare/v1", "kind": "DeletedFileList", "pod": listing.pod.name,
            "namespace": listing.pod.namespace, "probeContainer": listing.runner.name,
            "files": [{"pid": h.pid, "fd": h.fd, "container": h.container,
                       "containerKind": h.kind, "command": h.command, "path": file_name(d),
                       "sizeBytes": d.size, "inode": d.inode} for h, d in found],
            "totals": totals(found)} for listing, found in shown]
        doc = (documents[0] if options.targets.one_pod else
               {"apiVersion": "v1", "kind": "List", "items": documents})
        (render.write_json if options.output == "json" else render.write_yaml)(out, doc)
    elif shown:
        _deleted_tables(out, shown, prefix(probing), options.headers)
    report(failures, err)


def _deleted_tables(out: TextIO, shown: list[tuple[Listing, list[tuple[Holder, Descriptor]]]],
                    names: tuple[str, ...], headers: bool) -> None:
    rows = [[*pod_cells(listing, names), h.shown, str(h.pid), str(h.fd),
             tables.size(d.size), file_name(d), h.command]
            for listing, found in shown for h, d in found]
    if not rows:
        out.write("No deleted files held open.\n")
        return
    tables.write(out, [*names, *DELETED_COLUMNS], rows, RIGHT, headers)
    out.write("\n")
    sums = [[*pod_cells(listing, names), escape(total["container"]), str(total["files"]),
             tables.size(total["sizeBytes"])]
            for listing, found in shown for total in totals(found)]
    tables.write(out, [*names, *TOTAL_COLUMNS], sums, RIGHT, headers)


def fds(transport: Transport, options: FdsOptions, out: TextIO, err: TextIO) -> None:
    """`fds POD PID` or `fds TARGETS --deleted`."""
    (deleted if options.deleted else one)(transport, options, out, err)
