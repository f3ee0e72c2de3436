"""Targets as kubectl takes them: words and flags to Refs, selectors, usage errors."""

from __future__ import annotations

import pytest

from kubectl_pidshare.cluster import targets
from kubectl_pidshare.errors import PidshareError
from kubectl_pidshare.output import render
from kubectl_pidshare.status import ExitStatus


@pytest.mark.parametrize(("word", "plural", "name"), [
    ("nginx", "pods", "nginx"),
    ("pod/nginx", "pods", "nginx"),
    ("po/nginx", "pods", "nginx"),
    ("deploy/web", "deployments", "web"),
    ("Deployment/web", "deployments", "web"),
    ("deployments.apps/web", "deployments", "web"),
    ("rs/web-5d", "replicasets", "web-5d"),
    ("sts/db", "statefulsets", "db"),
    ("ds/agent", "daemonsets", "agent"),
    ("job/once", "jobs", "once"),
    ("cj/nightly", "cronjobs", "nightly"),
    ("rc/old", "replicationcontrollers", "old"),
    ("a.b-c", "pods", "a.b-c"),
])
def test_refs(word: str, plural: str, name: str) -> None:
    [ref] = targets.parse([word], None, False).refs
    assert (ref.kind.plural, ref.name) == (plural, name)


@pytest.mark.parametrize(("words", "selector", "every", "message"), [
    ([], None, False, "you must specify at least one of POD, TYPE/NAME, -l/--selector or -A "
                      "(kubectl pidshare ps -h shows examples)"),
    (["nginx"], "app=web", False, "name cannot be provided when a selector is specified"),
    (["nginx"], None, True, "a resource cannot be retrieved by name across all namespaces"),
    ([""], None, False, "resource name may not be empty"),
    (["deploy/"], None, False, "resource name may not be empty"),
    (["nginx/status"], None, False, f'invalid pod name "nginx/status": '
                                    f"{targets.SUBDOMAIN_RULE}"),
    (["done/log"], None, False, f'invalid pod name "done/log": {targets.SUBDOMAIN_RULE}'),
    (["Nginx"], None, False, f'invalid pod name "Nginx": {targets.SUBDOMAIN_RULE}'),
    (["deploy/Web"], None, False, f'invalid deployment name "Web": {targets.SUBDOMAIN_RULE}'),
    (["a\x1b[2J"], None, False, f'invalid pod name "a\\x1b[2J": {targets.SUBDOMAIN_RULE}'),
    (["a" * 254], None, False, f'invalid pod name "{"a" * 40}…": must be no more than 253 '
                               "characters"),
])
def test_usage_errors(words: list[str], selector: str | None, every: bool,
                      message: str) -> None:
    with pytest.raises(PidshareError) as raised:
        targets.parse(words, selector, every)
    assert (raised.value.status, raised.value.message) == (ExitStatus.USAGE, message)


def test_one_pod_and_duplicates() -> None:
    assert targets.parse(["nginx"], None, False).one_pod
    assert targets.parse(["nginx", "pod/nginx"], None, False).one_pod
    assert not targets.parse(["nginx", "web"], None, False).one_pod
    assert not targets.parse(["deploy/web"], None, False).one_pod
    assert not targets.parse([], "app=web", False).one_pod
    assert not targets.parse([], None, True).one_pod


def test_label_selector() -> None:
    assert targets.label_selector({
        "matchLabels": {"app": "web", "tier": "front"},
        "matchExpressions": [
            {"key": "env", "operator": "In", "values": ["a", "b"]},
            {"key": "zone", "operator": "NotIn", "values": ["c"]},
            {"key": "canary", "operator": "Exists"},
            {"key": "legacy", "operator": "DoesNotExist"},
        ]}) == "app=web,tier=front,env in (a,b),zone notin (c),canary,!legacy"
    assert targets.label_selector({"app": "old"}) == "app=old"


@pytest.mark.parametrize(("seconds", "shown"), [
    (-5, "<invalid>"), (-1, "0s"), (0, "0s"), (119, "119s"), (120, "2m"), (150, "2m30s"),
    (600, "10m"), (3 * 3600 - 1, "179m"), (3 * 3600, "3h"), (5 * 3600 + 60 * 30, "5h30m"),
    (8 * 3600, "8h"), (47 * 3600, "47h"), (76 * 3600, "3d4h"), (8 * 86400, "8d"),
    (800 * 86400, "2y70d"), (9 * 365 * 86400, "9y"),
])
def test_age_is_kubectls(seconds: float, shown: str) -> None:
    assert render.age(seconds) == shown
