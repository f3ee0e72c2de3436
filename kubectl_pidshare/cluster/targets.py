"""What `ps` and `top` aim at, as kubectl takes it: POD, pod/NAME, TYPE/NAME of a workload that
owns Pods (kubectl's names and short names) or of a Service (its selector's Pods),
-l/--selector, -A/--all-namespaces; and the Pods they come to, through the API."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kubectl_pidshare.errors import PidshareError, ServerError
from kubectl_pidshare.status import ExitStatus
from kubectl_pidshare.text import escape
from kubectl_pidshare.transport import Transport

SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
SUBDOMAIN_RULE = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
MAX_NAME = 253


@dataclass(frozen=True)
class Kind:
    """A kind of object that owns Pods: its API collection and the name errors give it."""

    api: str
    plural: str
    shown: str


POD = Kind("/api/v1", "pods", "pods")
KINDS = {
    **dict.fromkeys(("po", "pod", "pods"), POD),
    **dict.fromkeys(("deploy", "deployment", "deployments"),
                    Kind("/apis/apps/v1", "deployments", "deployments.apps")),
    **dict.fromkeys(("rs", "replicaset", "replicasets"),
                    Kind("/apis/apps/v1", "replicasets", "replicasets.apps")),
    **dict.fromkeys(("sts", "statefulset", "statefulsets"),
                    Kind("/apis/apps/v1", "statefulsets", "statefulsets.apps")),
    **dict.fromkeys(("ds", "daemonset", "daemonsets"),
                    Kind("/apis/apps/v1", "daemonsets", "daemonsets.apps")),
    **dict.fromkeys(("job", "jobs"), Kind("/apis/batch/v1", "jobs", "jobs.batch")),
    **dict.fromkeys(("cj", "cronjob", "cronjobs"),
                    Kind("/apis/batch/v1", "cronjobs", "cronjobs.batch")),
    **dict.fromkeys(("rc", "replicationcontroller", "replicationcontrollers"),
                    Kind("/api/v1", "replicationcontrollers", "replicationcontrollers")),
    **dict.fromkeys(("svc", "service", "services"), Kind("/api/v1", "services", "services")),
}
GROUPS = {"apps", "batch"}


@dataclass(frozen=True)
class Ref:
    """One named target: a Pod or a workload, by name."""

    kind: Kind
    name: str


@dataclass(frozen=True)
class Targets:
    """Everything the command line aims at."""

    refs: tuple[Ref, ...] = ()
    selector: str | None = None
    all_namespaces: bool = False

    @property
    def one_pod(self) -> bool:
        """Whether it names exactly one Pod and nothing else (no POD column, one GET)."""
        return (len(self.refs) == 1 and self.refs[0].kind is POD and self.selector is None
                and not self.all_namespaces)


def usage(message: str) -> PidshareError:
    """A usage error, one line as kubectl words its own."""
    return PidshareError(message, ExitStatus.USAGE)


def pod_name(name: str, kind: str = "pod") -> str:
    """name, if it may be a Pod's (or a workload's) name; else a usage error naming the rule,
    in the API server's words."""
    if not name:
        raise usage("resource name may not be empty")
    if len(name) > MAX_NAME:
        raise usage(f'invalid {kind} name "{escape(name[:40])}…": must be no more than '
                    f"{MAX_NAME} characters")
    if not SUBDOMAIN.fullmatch(name):
        raise usage(f'invalid {kind} name "{escape(name)}": {SUBDOMAIN_RULE}')
    return name


def _ref(word: str) -> Ref:
    kind_word, slash, name = word.partition("/")
    if not slash:
        return Ref(POD, pod_name(word))
    base, _, group = kind_word.lower().partition(".")
    kind = KINDS.get(base)
    if kind is None or (group and group not in GROUPS):
        return Ref(POD, pod_name(word))
    if not name:
        raise usage("resource name may not be empty")
    return Ref(kind, pod_name(name, kind.plural.rstrip("s")))


def one_pod(word: str) -> str:
    """The Pod's name in POD, pod/NAME, pods/NAME or po/NAME: what kill and cat act on."""
    ref = _ref(word)
    if ref.kind is not POD:
        raise usage(f'"{escape(word)}" is not a Pod: kill and cat act on one Pod, named POD or '
                    f"pod/NAME (kubectl pidshare ps {escape(word)} lists its Pods)")
    return ref.name


def parse(words: Sequence[str], selector: str | None, all_namespaces: bool) -> Targets:
    """The targets of the words and flags; usage errors as kubectl's."""
    if not words and selector is None and not all_namespaces:
        raise usage("you must specify at least one of POD, TYPE/NAME, -l/--selector or -A "
                    "(kubectl pidshare ps -h shows examples)")
    if words and selector is not None:
        raise usage("name cannot be provided when a selector is specified")
    if words and all_namespaces:
        raise usage("a resource cannot be retrieved by name across all namespaces")
    refs = tuple(dict.fromkeys(_ref(word) for word in words))
    return Targets(refs, selector, all_namespaces)


def label_selector(selector: dict[str, Any]) -> str:
    """A LabelSelector (or a replication controller's plain map) as `-l` text."""
    if "matchLabels" not in selector and "matchExpressions" not in selector:
        selector = {"matchLabels": selector}
    parts = [f"{key}={value}" for key, value in (selector.get("matchLabels") or {}).items()]
    for expression in selector.get("matchExpressions") or []:
        key, values = expression["key"], ",".join(expression.get("values") or [])
        parts.append({"In": f"{key} in ({values})", "NotIn": f"{key} notin ({values})",
                      "Exists": key, "DoesNotExist": f"!{key}"}[expression["operator"]])
    return ",".join(parts)


def _collection(transport: Transport, kind: Kind) -> str:
    return f"{kind.api}/namespaces/{transport.namespace}/{kind.plural}"


def _get(transport: Transport, ref: Ref) -> dict[str, Any]:
    try:
        return transport.get(f"{_collection(transport, ref.kind)}/{ref.name}")
    except ServerError as exc:
        if exc.reason == "NotFound":
            raise ServerError("NotFound", f'{ref.kind.shown} "{ref.name}" not found') from None
        raise


def _owned_by(document: dict[str, Any], uid: str) -> bool:
    return any(owner.get("uid") == uid
               for owner in document["metadata"].get("ownerReferences") or [])


def _pods_of(transport: Transport, ref: Ref) -> list[dict[str, Any]]:
    if ref.kind is POD:
        return [transport.get_pod(ref.name)]
    owner = _get(transport, ref)
    pods = _collection(transport, POD)
    if ref.kind.plural == "services" and not owner["spec"].get("selector"):
        raise PidshareError(f"invalid service '{ref.name}': Service is defined without a "
                            "selector")
    if ref.kind.plural != "cronjobs":
        return transport.get_list(pods, label_selector(owner["spec"].get("selector") or {}))
    uid = owner["metadata"]["uid"]
    jobs = [job for job in transport.get_list(_collection(transport, KINDS["job"]))
            if _owned_by(job, uid)]
    return [pod for job in jobs
            for pod in transport.get_list(pods, label_selector(job["spec"].get("selector") or {}))]


@dataclass
class Resolved:
    """The Pods the targets came to (each once, in order), and the targets that failed."""

    pods: list[dict[str, Any]]
    errors: list[PidshareError]


def resolve(transport: Transport, targets: Targets) -> Resolved:
    """The Pods the targets name, as the API server returns them."""
    if targets.selector is not None or not targets.refs:
        path = "/api/v1/pods" if targets.all_namespaces else _collection(transport, POD)
        return Resolved(transport.get_list(path, targets.selector or None), [])
    found: dict[str, dict[str, Any]] = {}
    errors = []
    for ref in targets.refs:
        try:
            for pod in _pods_of(transport, ref):
                found.setdefault(pod["metadata"].get("uid") or pod["metadata"]["name"], pod)
        except PidshareError as exc:
            errors.append(exc)
    return Resolved(list(found.values()), errors)


def nothing_found(transport: Transport, targets: Targets) -> str:
    """kubectl's line for a selector, or workloads, that match no Pod."""
    if targets.all_namespaces:
        return "No resources found"
    return f"No resources found in {transport.namespace} namespace."
