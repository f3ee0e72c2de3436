"""Synthetic output of sh/probe.sh, in the format the real probe prints (see procfs.py): a
crowd of sleeping processes (the benchmark's 10,000-process Pod, without a cluster) and a
varied, hostile set (control characters, bytes that are not UTF-8, very long arguments, wide
and odd Unicode, empty fields, zombies, kernel threads, unknown cgroups) for tests that the
rendered output does not change. Both are laid on the recorded quad Pod's containers."""

from __future__ import annotations

import copy
import io
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from kubectl_pidshare import ps
from kubectl_pidshare.cluster import targets
from kubectl_pidshare.output import render
from kubectl_pidshare.pod import model
from kubectl_pidshare.pod.runner import PREAMBLE
from kubectl_pidshare.pod.snapshot import Listing, parsed
from kubectl_pidshare.pod.zombies import notes

POD_UID = "7a45bab7-4d96-45f6-ba1a-48c374d865e7"
# The quad recording's containers (tests/data/pod-quad.json) and its sandbox.
IDS = {
    "web": "e9e35407a9a25d97a9c4b0b2aefbc8cef6f06fc1f58b6e341259941b7067a512",
    "shell": "0d0d84edc5d5238938220c1f4ef9936e74a6233602a5f22b72d8951db13dbd8c",
    "worker": "e50ae52a1c070bc21d293dabf1ad26aa0b406daa785ac1ebc3afa56ab4348472",
    "app": "e97ab8bfd62ee8d68e81a41a88a314252a96bcdd325f144be07aaf5f37da58ec",
    "(sandbox)": "3cab5ef37dd9f58c7a29e62fc0b625e5a3dd44ae8ef130505ac94d896fa917c2",
}
BTIME = 1795919000
POD = Path(__file__).parents[1] / "data" / "pod-quad.json"
NOW = datetime(2026, 11, 29, 7, 28, 12, tzinfo=timezone.utc)
PROBE_ARGS = [b"sh", b"-c", PREAMBLE.encode() + b"# the probe", b"pidshare-probe"]


def cgroup(container: str) -> bytes:
    """The cgroup line (v1, cgroupfs) of a process of container."""
    return f"9:name=systemd:/kubepods/besteffort/pod{POD_UID}/{IDS[container]}".encode()


@dataclass
class Proc:
    """One process as the probe would read it; None leaves a file or field out."""

    pid: int
    ppid: int
    args: list[bytes]
    name: bytes = b"sleep"
    comm: bytes | None = None
    state: bytes = b"S (sleeping)"
    uid: int = 0
    threads: bytes | None = b"1"
    rss: bytes | None = b"    1668 kB"
    ticks: tuple[int, int, int] = (0, 0, 569206)
    cgroup: bytes | None = field(default_factory=lambda: cgroup("shell"))
    masks: tuple[bytes, bytes, bytes] | None = (b"0" * 16, b"0" * 16, b"0" * 16)

    def stat(self) -> bytes:
        """The line of /proc/PID/stat."""
        utime, stime, start = self.ticks
        comm = self.name[:15] if self.comm is None else self.comm
        rest = [b"S", b"%d" % self.ppid, *[b"1"] * 9, b"%d" % utime, b"%d" % stime,
                *[b"0"] * 6, b"%d" % start, b"1019904", b"136"]
        return b"%d (%s) %s\n" % (self.pid, comm, b" ".join(rest))

    def status(self) -> list[bytes]:
        """The status lines the probe's grep keeps."""
        fields = [(b"Name", self.name), (b"State", self.state), (b"PPid", b"%d" % self.ppid),
                  (b"Uid", b"%d\t%d\t%d\t%d" % ((self.uid,) * 4)), (b"Threads", self.threads),
                  (b"VmRSS", self.rss)]
        if self.masks is not None:
            fields += zip((b"SigBlk", b"SigIgn", b"SigCgt"), self.masks)
        return [b"%d/status:%s:\t%s" % (self.pid, key, value)
                for key, value in fields if value is not None]


def probe_output(procs: Sequence[Proc], probe_pid: int,
                 passwd: Sequence[tuple[int, bytes]] = ()) -> bytes:
    """What the probe prints for these processes (files in the shell's glob order); passwd:
    (pid, NAME:PASSWORD:UID:) entries read through that process's root."""
    ordered = sorted(procs, key=lambda proc: str(proc.pid))
    records = [b"pidshare-probe:%d" % probe_pid]
    records += [b"%d/cmdline:%s" % (proc.pid, arg) for proc in ordered for arg in proc.args]
    records += [b"%d/stat:%s" % (proc.pid, proc.stat()) for proc in ordered]
    lines = [line for proc in ordered for line in proc.status()]
    lines += [b"%d/cgroup:%s" % (proc.pid, proc.cgroup) for proc in ordered
              if proc.cgroup is not None]
    lines += [b"%d/root/etc/passwd:%s" % entry for entry in passwd]
    lines += [b"stat:btime %d" % BTIME, b""]
    return b"\0".join(records) + b"\0pidshare-lines\0" + b"\n".join(lines)


def crowd(processes: int) -> bytes:
    """The benchmark's crowded Pod: a shell, and a loop that started that many `sleep 36000`
    (the probe, and its grep, in the shell container)."""
    loop = b"i=0; while [ $i -lt %d ]; do sleep 36000 & i=$((i+1)); done; echo started; wait"
    procs = [Proc(1, 0, [b"/pause"], b"pause", cgroup=cgroup("(sandbox)")),
             Proc(7, 0, [b"sh", b"-c", b"while :; do sleep 3600; done"], b"sh"),
             Proc(13, 7, [b"sleep", b"3600"]),
             Proc(14, 0, [b"sh", b"-c", loop % processes], b"sh", cgroup=cgroup("web"))]
    procs += [Proc(pid, 14, [b"sleep", b"36000"], ticks=(0, 0, 569206 + pid),
                   cgroup=cgroup("web")) for pid in range(20, 20 + processes)]
    probe = 20 + processes
    procs += [Proc(probe, 0, PROBE_ARGS, b"sh"), Proc(probe + 1, probe, [b"grep", b"-aHz", b""])]
    return probe_output(procs, probe, [(7, b"root:x:0:"), (14, b"root:x:0:")])


TEXTS = [
    b"plain", b"", b"back\\slash", b"tab\there", b"new\nline", b"cr\rhere", b"\x1b[31mred\x1b[0m",
    b"\x1b]0;title\x07", b"bad\xff\xfeutf8", b"\xed\xa0\x80surrogate", b"\xc0\xafoverlong",
    "漢字かな🙂".encode(), "e\u0301 combining".encode(), "zero\u200bwidth".encode(),
    "\u202eevil".encode(), "line\u2028sep".encode(), "nel\x85c1".encode(), "\ufeffbom".encode(),
    "\ue000private".encode(), "\U000e0001tag".encode(), "\uff26\uff35\uff2c\uff2c".encode(),
    b"x" * 5000,
    b"--password=hunter2", b"PGPASSWORD=s3cr3t", b"Bearer abcdefghijklmnop",
    b"https://user:pa55@example.com/x", b"1/cmdline:fake", b"pidshare-probe:1", b"a b  c ",
    b"\x7f\x01\x1f", b"%s %d {} \\x41",
]
NAMES = [b"sh", b"nginx", b"worker\\x1b", b"\xe6\xbc\xa2\xe5\xad\x97", b"a b", b"", b"(x) y)",
         b"very-long-process-name-beyond-15"]
CONTAINERS = ["web", "shell", "worker", "app"]
STATES = [b"S (sleeping)", b"R (running)", b"D (disk sleep)", b"T (stopped)", b"I (idle)"]


def _masks(rng: random.Random) -> tuple[bytes, bytes, bytes] | None:
    if rng.random() < 0.1:
        return None
    return tuple(b"%016x" % rng.choice([0, 1 << 14, 0x4a07, rng.getrandbits(64)])
                 for _ in range(3))  # type: ignore[return-value]


def _cgroup(rng: random.Random) -> bytes:
    roll = rng.random()
    if roll < 0.05:
        return b"0::/"
    if roll < 0.1:
        return b"9:name=systemd:/kubepods/besteffort/pod-x/" + b"f" * 64
    return cgroup(rng.choice(CONTAINERS))


def _hostile(rng: random.Random, pid: int, parents: list[int]) -> Proc:
    args = [rng.choice(TEXTS) for _ in range(rng.choice([0, 1, 1, 2, 3, 6]))]
    name = rng.choice(NAMES)
    state = rng.choice(STATES)
    if rng.random() < 0.08:
        args, state = [], b"Z (zombie)"
    return Proc(pid, rng.choice(parents), args, name, comm=name.replace(b"\\", b"\n"),
                state=state, uid=rng.choice([0, 0, 101, 1000, 65534, 4242]),
                threads=rng.choice([b"1", b"1", b"12", None]),
                rss=rng.choice([b"    1668 kB", b"  123456 kB", b"       0 kB", None]),
                ticks=(rng.randrange(10**6), rng.randrange(10**6), rng.randrange(1_300_000)),
                cgroup=_cgroup(rng), masks=_masks(rng))


def hostile(processes: int = 200, seed: int = 24) -> bytes:
    """A varied Pod: processes of every container, the sandbox, unknown cgroups and zombies,
    with hostile command lines, names and users, some files or fields missing (such a process
    is left out), pidshare's own probe and script, and users with hostile names."""
    rng = random.Random(seed)
    procs = [Proc(1, 0, [b"/pause"], b"pause", cgroup=cgroup("(sandbox)"))]
    parents = [0, 1]
    for pid in range(10, 10 + processes):
        procs.append(_hostile(rng, pid, parents))
        parents.append(pid)
    procs[5].cgroup = None
    procs[6].masks, procs[6].rss = None, None
    script = [b"sh", b"-c", PREAMBLE.encode(), b"pidshare-cat", b"12", b"/a\\0012b"]
    procs += [Proc(900, 0, script, b"sh", cgroup=cgroup("shell")),
              Proc(901, 900, [b"cat", b"/a"], b"cat"),
              Proc(999, 0, PROBE_ARGS, b"sh"), Proc(1000, 999, [b"grep"], b"grep")]
    entries = [b"root:x:0:", b"\x1bevil:x:101:", "用户:x:1000:".encode(), b"bad\xff:x:65534:",
               b"other:x:0:", b"x" * 40 + b":x:4242:"]
    users = [(999, entry) for entry in entries[:2]]
    for number, container in enumerate(CONTAINERS):
        first = next(proc.pid for proc in procs if proc.cgroup == cgroup(container))
        users += [(first, entry) for entry in entries[number:]]
    return probe_output(procs, 999, users)


@dataclass(frozen=True)
class View:
    """One way to run `ps` on a probe's output: the format and the flags that change it."""

    output: str = "tree"
    sort_by: str | None = None
    headers: bool = True
    width: int | None = None
    container: str | None = None
    show_pidshare: bool = False
    show_secrets: bool = False
    pods: int = 1


def _listing(raw: bytes, name: str, view: View) -> Listing:
    document: dict[str, Any] = json.loads(POD.read_text())
    document = copy.deepcopy(document)
    document["metadata"]["name"] = name
    pod = model.parse_pod(document)
    return parsed(pod, pod.container("shell"), raw, view.show_secrets)


def rendered(raw: bytes, view: View = View()) -> str:
    """What `ps` prints (stdout, then its notes) for the probe's raw output in the quad Pod
    (view.pods copies of it), as ps.ps does after the probe: parse, redact, attribute,
    render."""
    names = ["quad"] if view.pods == 1 else [f"quad-{n}" for n in range(view.pods)]
    listings = [_listing(raw, name, view) for name in names]
    options = ps.PsOptions(targets.parse(names if view.pods == 1 else [], None, view.pods > 1),
                           view.container, output=view.output, headers=view.headers,
                           sort_by=view.sort_by, show_pidshare=view.show_pidshare)
    out = io.StringIO()
    if view.output in ps.DOCUMENTS:
        documents = [ps._document(listing, options) for listing in listings]
        doc = documents[0] if view.pods == 1 else {"apiVersion": "v1", "items": documents}
        (render.write_json if view.output == "json" else render.write_yaml)(out, doc)
    else:
        render.write_table(out, ps.sections(listings, options), render.Layout(
            ps.COLUMNS.get(view.output, render.TREE), view.headers, ps.prefix(options),
            view.sort_by, view.width, NOW))
    for listing in listings:
        for line in notes(listing):
            out.write(line + "\n")
    return out.getvalue()
