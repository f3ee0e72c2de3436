"""`kubectl pidshare audit`: what a shared process namespace exposes, from the Pod spec and
the live processes (one exec per Pod: sh/audit.sh, then the ps probe), or from manifests
alone (`-f`). Findings come from exposure.py; names are shown, never values."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from kubectl_pidshare import redaction
from kubectl_pidshare.cluster.targets import Targets, usage
from kubectl_pidshare.cluster.targets import parse as parse_targets
from kubectl_pidshare.errors import Failed, PidshareError
from kubectl_pidshare.exposure import Facts, Finding, findings, reaches
from kubectl_pidshare.output import render
from kubectl_pidshare.pod.attribution import Attribution
from kubectl_pidshare.pod.debug_container import DebugOptions, ours
from kubectl_pidshare.pod.model import Container
from kubectl_pidshare.pod.snapshot import Listing
from kubectl_pidshare.pod.spec import containers, pod_specs
from kubectl_pidshare.ps import PsOptions, gather, report
from kubectl_pidshare.status import ExitStatus
from kubectl_pidshare.text import escape
from kubectl_pidshare.transport import Transport

RECORD = re.compile(rb"(\d+)/(status|environ):")
CAPS = {"KILL": 5, "SYS_PTRACE": 19, "SYS_ADMIN": 21, "DAC_READ_SEARCH": 2}


@dataclass(frozen=True)
class AuditOptions:
    """What `audit` was asked for: Pods (targets) or manifests (files), the format, the level
    that fails the run."""

    targets: Targets | None = None
    files: tuple[str, ...] = ()
    output: str = "table"
    fail_on: str | None = None
    runner: str | None = None
    debug: DebugOptions = field(default_factory=DebugOptions)


def audit_options(words: Sequence[str], selector: str | None, all_namespaces: bool,
                  files: Sequence[str], output: str, fail_on: str | None, runner: str | None,
                  debug: DebugOptions) -> AuditOptions:
    """The options of the command line: Pods (as ps takes them) or manifests, not both."""
    if files:
        if words or selector is not None or all_namespaces:
            raise usage("give Pods (POD, TYPE/NAME, -l, -A) or -f FILE, not both")
        return AuditOptions(files=tuple(files), output=output, fail_on=fail_on)
    if not words and selector is None and not all_namespaces:
        raise usage("you must specify at least one of POD, TYPE/NAME, -l/--selector, -A or "
                    "-f FILE (kubectl pidshare audit -h shows examples)")
    return AuditOptions(parse_targets(words, selector, all_namespaces), (), output, fail_on,
                        runner, debug)


@dataclass
class Seen:
    """What the audit part of the script read of each process: effective capabilities and
    environment entries (where readable)."""

    caps: dict[int, frozenset[str]] = field(default_factory=dict)
    environ: dict[int, list[bytes]] = field(default_factory=dict)


def parse(output: bytes) -> Seen:
    """The status and environ records that precede the probe's output."""
    seen = Seen()
    for record in output.partition(b"pidshare-probe:")[0].split(b"\0"):
        match = RECORD.match(record)
        if not match:
            continue
        pid, content = int(match[1]), record[match.end():]
        if match[2] == b"environ":
            seen.environ.setdefault(pid, []).append(content)
            continue
        for line in content.split(b"\n"):
            if line.startswith(b"CapEff:"):
                bits = int(line[7:].strip() or b"0", 16)
                seen.caps[pid] = frozenset(name for name, bit in CAPS.items() if bits >> bit & 1)
    return seen


def _secret_variables(entries: Iterable[bytes]) -> list[str]:
    names = []
    for entry in entries:
        name, _, text = entry.decode(errors="surrogateescape").partition("=")
        if redaction.variable(name, text) != text:
            names.append(escape(name))
    return names


def spec_facts(container: dict[str, Any], pod_spec: dict[str, Any]) -> Facts:
    """A container as its spec (and its Pod's) describes it."""
    security = container.get("securityContext") or {}
    user = security.get("runAsUser", (pod_spec.get("securityContext") or {}).get("runAsUser"))
    caps = security.get("capabilities") or {}
    added = frozenset(str(c).upper().removeprefix("CAP_") for c in caps.get("add") or [])
    program = container.get("command") or ["(the image's entrypoint)"]
    argv = [str(a) for a in [*program, *(container.get("args") or [])]]
    variables, literals = [], []
    for entry in container.get("env") or []:
        name = str(entry.get("name"))
        if "value" in entry and redaction.variable(name, str(entry["value"])) != entry["value"]:
            literals.append(name)
            variables.append(name)
        elif "secretKeyRef" in (entry.get("valueFrom") or {}) or (
                "valueFrom" in entry and redaction.secret_name(name)):
            variables.append(name)
    return Facts(
        name=str(container.get("name")), uids=frozenset({int(user)} if user is not None else ()),
        caps=frozenset() if user not in (None, 0) else None, added=added,
        privileged=bool(security.get("privileged")), image=str(container.get("image") or ""),
        arguments=tuple(escape(a) for a in redaction.exposed(argv)),
        variables=tuple(variables), literals=tuple(literals))


def container_facts(container: Container) -> Facts:
    """A container as the Pod's parsed spec describes it (pods.Container)."""
    user = container.run_as_user
    return Facts(name=container.name, uids=frozenset({user} if user is not None else ()),
                 caps=frozenset() if user not in (None, 0) else None,
                 added=container.caps_add - container.caps_drop,
                 privileged=container.privileged, image=container.image)


def live_facts(listing: Listing, seen: Seen, container: Container) -> Facts:
    """A container as its processes show it, over what its spec says."""
    spec = container_facts(container)
    attribution = listing.attribution
    mine = [p for p in listing.snapshot.processes.values()
            if attribution.owner(p).name == container.name]
    if not mine:
        return spec
    caps = [seen.caps[p.pid] for p in mine if p.pid in seen.caps]
    arguments = [f"PID {p.pid}: {escape(shown)}" for p in mine
                 for shown in redaction.exposed(
                     [a.decode(errors="surrogateescape") for a in p.args])]
    variables = _secret_variables(e for p in mine for e in seen.environ.get(p.pid, []))
    read, denied = (_reach(listing, seen, attribution) if container == listing.runner
                    else (set(), set()))
    return Facts(
        name=spec.name, uids=frozenset(p.uid for p in mine),
        caps=frozenset().union(*caps) if caps else spec.caps, added=spec.added,
        privileged=spec.privileged, image=spec.image, arguments=tuple(arguments),
        variables=tuple(dict.fromkeys(variables)), read=frozenset(read),
        denied=frozenset(denied))


def _reach(listing: Listing, seen: Seen, attribution: Attribution
           ) -> tuple[set[str], set[str]]:
    """The containers whose environments the script (run from listing.runner) read, and those
    none of whose processes' it could read (not dumpable, or another user namespace)."""
    read: set[str] = set()
    tried: set[str] = set()
    for process in listing.snapshot.processes.values():
        owner = attribution.owner(process).name
        tried.add(owner)
        if process.pid in seen.environ:
            read.add(owner)
    return read, tried - read


def audit_listing(listing: Listing) -> list[Finding]:
    """The findings of one live Pod."""
    seen = parse(listing.output)
    facts = [live_facts(listing, seen, c) for c in listing.pod.containers
             if not ours(c.name, c.kind)]
    return findings(listing.pod.shares_processes, facts)


def audit_spec(spec: dict[str, Any]) -> list[Finding]:
    """The spec-level findings of one Pod spec."""
    facts = [spec_facts(item, spec) for _, item in containers(spec)]
    return findings(bool(spec.get("shareProcessNamespace")), facts)


Report = tuple[dict[str, str], list[Finding]]


def _read(path: str, stdin: TextIO) -> tuple[str, str]:
    """(the text, its name in errors) of a manifest file, or of stdin for `-`."""
    from pathlib import Path

    if path == "-":
        return stdin.read(), "standard input"
    try:
        return Path(path).read_text(encoding="utf-8", errors="surrogateescape"), path
    except FileNotFoundError:
        raise PidshareError(f'the path "{escape(path)}" does not exist') from None
    except OSError as exc:
        raise PidshareError(f"{escape(path)}: {exc.strerror}") from None


def _paths(paths: Sequence[str]) -> list[str]:
    """The files named, a directory's *.yaml, *.yml and *.json files in order, as kubectl."""
    from pathlib import Path

    found = []
    for path in paths:
        if path != "-" and Path(path).is_dir():
            found += sorted(str(p) for p in Path(path).iterdir()
                            if p.suffix in (".yaml", ".yml", ".json") and p.is_file())
        else:
            found.append(path)
    return found


def manifests(paths: Sequence[str], stdin: TextIO) -> list[Report]:
    """The spec-level findings of every object that makes Pods in the manifests."""
    import yaml

    reports: list[Report] = []
    for path in _paths(paths):
        text, source = _read(path, stdin)
        try:
            documents = list(yaml.safe_load_all(text))
        except yaml.YAMLError as exc:
            detail = " ".join(str(exc).split())
            raise PidshareError(f"error parsing {escape(source)}: {escape(detail)}") from None
        for document in documents:
            for subject, spec in pod_specs(document, source):
                reports.append(({"object": subject, "source": source}, audit_spec(spec)))
    if not reports:
        raise PidshareError("no objects passed to audit: no Pod, Deployment, StatefulSet, "
                            "DaemonSet, ReplicaSet, Job or CronJob in the manifests")
    return reports


def _subject(report: dict[str, str], columns: tuple[str, ...]) -> list[str]:
    keys = {"NAMESPACE": "namespace", "POD": "pod", "OBJECT": "object"}
    return [escape(report.get(keys[column], "")) for column in columns]


def write_table(out: TextIO, reports: list[Report], columns: tuple[str, ...]) -> None:
    """One row a finding: what it is about, LEVEL, ID, CONTAINER, FINDING, REMEDY."""
    import tabulate

    rows = [[*_subject(subject, columns), f.level, f.id, f.container or "-", f.message,
             f.remedy] for subject, found in reports for f in found]
    if not rows:
        out.write("No findings.\n")
        return
    headers = [*columns, "LEVEL", "ID", "CONTAINER", "FINDING", "REMEDY"]
    out.write(tabulate.tabulate(rows, headers=headers, tablefmt="plain",
                                disable_numparse=True) + "\n")


def document(reports: list[Report]) -> dict[str, Any]:
    """The JSON/YAML document: each Pod or object with its findings."""
    return {"apiVersion": "pidshare/v1", "kind": "AuditReport", "items": [
        {**subject, "findings": [{"id": f.id, "level": f.level, "container": f.container,
                                  "message": f.message, "remedy": f.remedy} for f in found]}
        for subject, found in reports]}


def _live(transport: Transport, targets: Targets, options: AuditOptions, err: TextIO
          ) -> tuple[list[Report], tuple[str, ...], list[PidshareError]]:
    ps_options = PsOptions(targets, runner=options.runner, debug=options.debug,
                           show_secrets=True, script="audit")
    listings, failures = gather(transport, ps_options, err)
    reports = [({"namespace": listing.pod.namespace, "pod": listing.pod.name},
                audit_listing(listing)) for listing in listings]
    columns = ("NAMESPACE", "POD") if targets.all_namespaces else ("POD",)
    return reports, columns, failures


def audit(transport: Transport | None, options: AuditOptions, out: TextIO, err: TextIO,
          stdin: TextIO = sys.stdin) -> None:
    """Print the findings; each Pod's failure on err; fail (FINDINGS) if one reaches
    --fail-on."""
    failures: list[PidshareError] = []
    columns: tuple[str, ...] = ("OBJECT",)
    if transport is None or options.targets is None:
        reports = manifests(options.files, stdin)
    else:
        reports, columns, failures = _live(transport, options.targets, options, err)
    if options.output in ("json", "yaml"):
        (render.write_json if options.output == "json" else render.write_yaml)(
            out, document(reports))
    else:
        write_table(out, reports, columns)
    report(failures, err)
    found = [f for _, items in reports for f in items]
    if options.fail_on is not None and reaches(found, options.fail_on):
        out.flush()
        err.write(f"error: findings at level {options.fail_on} or above (--fail-on "
                  f"{options.fail_on})\n")
        raise Failed(ExitStatus.FINDINGS)
