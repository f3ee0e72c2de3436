"""Why the kernel refused to signal a process or to open its root, and what would work, from
what the script read in the same exec: the effective uid, gid and capabilities
(/proc/PID/status) of the shell it ran and of the process (`creds`, see runner.py)."""

from __future__ import annotations

from dataclasses import dataclass

from kubectl_pidshare.pod.debug_container import ours
from kubectl_pidshare.pod.model import Container, Pod

CAP_KILL = 5
CAP_SYS_PTRACE = 19
NAMES = {CAP_KILL: "KILL", CAP_SYS_PTRACE: "SYS_PTRACE"}
DOING = {CAP_KILL: "signalling", CAP_SYS_PTRACE: "reading the files of"}


@dataclass(frozen=True)
class Creds:
    """A process's effective uid, gid and capability set, None where they could not be read."""

    uid: int | None
    gid: int | None
    caps: int | None

    def has(self, cap: int) -> bool:
        """Whether the capability is in the effective set."""
        return self.caps is not None and bool(self.caps >> cap & 1)


def parse_creds(text: str) -> Creds:
    """`UID/GID/CAPEFF` as `creds` prints it (`?` for what it could not read)."""
    uid, gid, caps = [*text.split("/"), "", "", ""][:3]
    hexadecimal = bool(caps) and all(c in "0123456789abcdefABCDEF" for c in caps)
    return Creds(int(uid) if uid.isdigit() else None, int(gid) if gid.isdigit() else None,
                 int(caps, 16) if hexadecimal else None)


def _unexplained(me: Creds, it: Creds, cap: int) -> bool:
    """Whether uids and capabilities allow it: then something else refused."""
    return me.has(cap) or (cap == CAP_KILL and me.uid is not None and me.uid == it.uid)


def _state(runner: Container, me: Creds, it: Creds, cap: int) -> str:
    who, name = f'container "{runner.name}"', f"CAP_{NAMES[cap]}"
    if me.uid is not None and me.uid == it.uid and me.gid != it.gid:
        return (f"{who} runs as uid {me.uid} like the process, but in group {me.gid}, not its "
                f"group {it.gid} (the kernel wants both the same), so only {name} will do")
    if me.uid is not None and me.uid == it.uid:
        return (f"{who} runs as uid {me.uid} and group {me.gid} like the process, but the "
                "process is not dumpable or holds capabilities this container lacks, so only "
                f"{name} will do")
    if me.uid not in (0, None):
        empty = "empty" if me.caps == 0 else f"{me.caps or 0:x}"
        return (f"{who} runs as uid {me.uid}: a process that is not root has no effective "
                "capability, whatever securityContext.capabilities.add says (its CapEff is "
                f"{empty})")
    return f"{who} runs as root without {name}"


def _remedies(pod: Pod, runner: Container, me: Creds, it: Creds, cap: int,
              owner: str | None) -> str:
    if ours(runner.name, runner.kind):
        return "pass --debug-profile general (root, with SYS_PTRACE and the default capabilities)"
    same = sorted((c for c in pod.containers if c.running and c.name != runner.name
                   and (c.name == owner or (it.uid is not None and c.run_as_user == it.uid))),
                  key=lambda c: c.name != owner)
    ways = []
    if same:
        ways.append(f"run from a container of that uid (--exec-container {same[0].name})")
    elif it.uid is not None and (it.uid, it.gid) != (me.uid, me.gid):
        group = f" and group {it.gid}" if it.gid is not None else ""
        ways.append(f"run from a container running as uid {it.uid}{group} "
                    "(--exec-container NAME)")
    if me.uid == 0:
        ways.append(f'add {NAMES[cap]} to securityContext.capabilities.add of container '
                    f'"{runner.name}"')
    elif cap == CAP_KILL:
        ways.append("run from a container running as root (--exec-container NAME)")
    else:
        ways.append("run from a root container with SYS_PTRACE in its capabilities.add")
    ways.append("pass --debug-image IMAGE --debug-profile general")
    return "; or ".join(ways)


def advice(pod: Pod, runner: Container, detail: str, cap: int, owner: str | None = None,
           doing: str | None = None) -> str:
    """Why `cap` was needed and missing, and what would work. detail: `creds` of the runner's
    shell, then of the process; owner: the container of the process, if known; doing: what
    needed it (DOING's, if not said)."""
    mine, _, its = detail.partition(" ")
    me, it = parse_creds(mine), parse_creds(its)
    if _unexplained(me, it, cap):
        return (f'container "{runner.name}" has CAP_{NAMES[cap]} or the same uid, yet the kernel '
                "refused: the process may be in another user namespace, or a security module "
                "(AppArmor, SELinux) denies it")
    state = _state(runner, me, it, cap)
    target = f"uid {it.uid}" if it.uid is not None else "another uid"
    needs = ("the same uid and group and a dumpable process" if cap == CAP_SYS_PTRACE else
             "the same uid")
    return (f"{state}; {doing or DOING[cap]} a process of {target} needs {needs} or "
            f"CAP_{NAMES[cap]}: "
            f"{_remedies(pod, runner, me, it, cap, owner)}")
