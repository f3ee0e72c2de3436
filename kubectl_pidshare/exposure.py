"""What a Pod's containers expose to each other: facts about each container in, findings out.

Pure rules, shared by `audit` on a live Pod (uids and capabilities its processes run with,
what their command lines and environments hold) and `audit -f` on manifests (what the spec
says). In a shared process namespace every container sees every command line; a container
may signal another's processes with the same uid or CAP_KILL, and read their environment and
files (/proc/PID/environ, /proc/PID/root) with the same uid (if the process is dumpable) or
CAP_SYS_PTRACE.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

LEVELS = ("info", "warning", "critical")
# The capabilities a container gets from containerd and CRI-O when it runs as root.
RUNTIME_DEFAULT = frozenset({"CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW",
                             "SETGID", "SETUID", "SETFCAP", "SETPCAP", "NET_BIND_SERVICE",
                             "SYS_CHROOT", "KILL", "AUDIT_WRITE"})
PROXIES = ("istio-proxy", "linkerd-proxy", "envoy", "cloud-sql-proxy", "oauth2-proxy")
REMEDIES = {
    "shared-namespace": "set spec.shareProcessNamespace: false unless the containers must see "
                        "each other's processes",
    "not-shared": "nothing to do: each container sees only its own processes",
    "privileged": "drop securityContext.privileged; add only the capabilities it needs",
    "runs-as-root": "set securityContext.runAsUser to a uid of its own and runAsNonRoot: true",
    "adds-capabilities": "remove capabilities.add entries it does not need "
                         "(SYS_PTRACE reads every container's memory and environment)",
    "can-read": "run each container as a uid of its own (securityContext.runAsUser) and do "
                "not add SYS_PTRACE",
    "can-signal": "run each container as a uid of its own, and drop KILL (capabilities.drop: "
                  "[ALL]) where it runs as root",
    "proxy-uid": "run the application as a uid other than the proxy's (Istio: not 1337)",
    "secret-argument": "pass the secret in a file or a secretKeyRef variable, not on the "
                       "command line (every container of the Pod can read it)",
    "secret-variable": "mount the secret as a file readable by this container's uid only, or "
                       "keep other containers off its uid and SYS_PTRACE",
    "secret-in-spec": "take the value from a Secret (valueFrom.secretKeyRef), not a literal in "
                      "the manifest",
}


@dataclass(frozen=True)
class Facts:
    """One container, as far as it is known: its uids (empty: unknown, the image's), its
    effective capabilities (None: unknown), what looks secret in what it runs with, and the
    containers whose environments a script run from it read, or was denied."""

    name: str
    uids: frozenset[int] = frozenset()
    caps: frozenset[str] | None = None
    added: frozenset[str] = frozenset()
    privileged: bool = False
    image: str = ""
    arguments: tuple[str, ...] = ()
    variables: tuple[str, ...] = ()
    literals: tuple[str, ...] = ()
    read: frozenset[str] = frozenset()
    denied: frozenset[str] = frozenset()

    @property
    def proxy(self) -> bool:
        """Whether it is a proxy sidecar (by its name or image)."""
        text = f"{self.name} {self.image}".lower()
        return any(name in text for name in (*PROXIES, "proxyv2"))

    def may(self, cap: str) -> bool:
        """Whether it has (or, unknown, may have) capability cap."""
        if self.privileged:
            return True
        if self.caps is not None:
            return cap in self.caps
        return cap in self.added or ((not self.uids or 0 in self.uids) and cap in RUNTIME_DEFAULT)


@dataclass(frozen=True)
class Finding:
    """One thing the Pod exposes: a stable id, a level, the container it is about, what."""

    id: str
    level: str
    container: str
    message: str
    remedy: str = field(default="")

    def __post_init__(self) -> None:
        if not self.remedy:
            object.__setattr__(self, "remedy", REMEDIES[self.id])


def _uids(facts: Facts) -> str:
    return ", ".join(str(uid) for uid in sorted(facts.uids)) or "the image's default"


def _own(facts: Facts, shared: bool) -> Iterable[Finding]:
    name = facts.name
    if facts.privileged:
        yield Finding("privileged", "critical", name, "runs privileged: every capability, "
                      "every device")
    if 0 in facts.uids or not facts.uids:
        said = "runs as root" if 0 in facts.uids else "may run as root (no runAsUser)"
        yield Finding("runs-as-root", "warning", name, said)
    if facts.added:
        level = "critical" if {"SYS_PTRACE", "SYS_ADMIN", "ALL"} & facts.added else "warning"
        yield Finding("adds-capabilities", level, name,
                      f"adds capabilities {', '.join(sorted(facts.added))}")
    if facts.arguments:
        seen = "every container of the Pod sees" if shared else "its own container sees"
        yield Finding("secret-argument", "critical" if shared else "warning", name,
                      f"secret-looking command-line arguments, which {seen}: "
                      f"{', '.join(facts.arguments)}")
    if facts.variables:
        yield Finding("secret-variable", "warning", name, "secret-looking environment "
                      f"variables: {', '.join(facts.variables)}")
    if facts.literals:
        yield Finding("secret-in-spec", "warning", name, "the manifest holds secret-looking "
                      f"literal values: {', '.join(facts.literals)}")


def _pair(reader: Facts, target: Facts) -> Iterable[Finding]:
    same = reader.uids & target.uids
    why = f"same uid {', '.join(map(str, sorted(same)))}" if same else ""
    ptrace = reader.may("SYS_PTRACE")
    if (same or ptrace) and target.name not in reader.denied:
        exposed = f"; it exposes {', '.join(target.variables)}" if target.variables else ""
        level = "critical" if target.variables else "warning"
        proof = ("; pidshare read it from there" if target.name in reader.read else
                 ", if dumpable" if not ptrace else "")
        yield Finding("can-read", level, reader.name,
                      f'can read the environment and files of container "{target.name}" '
                      f"({why or 'CAP_SYS_PTRACE'}{proof}){exposed}")
    if same or reader.may("KILL"):
        yield Finding("can-signal", "warning" if same else "info", reader.name,
                      f'can signal the processes of container "{target.name}" '
                      f"({why or 'CAP_KILL'})")
    if same and target.proxy and not reader.proxy:
        yield Finding("proxy-uid", "warning", reader.name,
                      f'shares uid {_uids(target)} with proxy sidecar "{target.name}": it can '
                      "read the proxy's credentials, and Istio lets uid 1337's traffic bypass "
                      "the proxy")


def findings(shared: bool, containers: list[Facts]) -> list[Finding]:
    """Every finding of a Pod: whether it shares its process namespace, then per container,
    its own, then what it can do to each other container; the most severe first."""
    found = [Finding("shared-namespace", "info", "", "the Pod shares one process namespace: "
                     "every container sees every process and its command line") if shared
             else Finding("not-shared", "info", "", "the Pod does not share its process "
                          "namespace")]
    for facts in containers:
        found += _own(facts, shared)
    if shared:
        for reader in containers:
            for target in containers:
                if target is not reader:
                    found += _pair(reader, target)
    return sorted(found, key=lambda f: -LEVELS.index(f.level))


def reaches(found: list[Finding], level: str) -> bool:
    """Whether a finding is at level or above."""
    return any(LEVELS.index(f.level) >= LEVELS.index(level) for f in found)
