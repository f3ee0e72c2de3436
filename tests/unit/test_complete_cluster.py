"""Completion candidates that live in the cluster (answered by the fake transport) or in the
kubeconfig: Pods and TYPE/ prefixes, PIDs described by their command, contexts, clusters,
users, command names after help."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from kubectl_pidshare import completer
from tests.cli.fakes import FakeTransport

KUBECONFIG = """\
apiVersion: v1
kind: Config
clusters: [{name: prod, cluster: {server: "https://p:6443"}},
           {name: dev, cluster: {server: "https://d:6443"}}]
users: [{name: alice, user: {token: t}}]
contexts: [{name: prod-admin, context: {cluster: prod, user: alice}},
           {name: dev-admin, context: {cluster: dev, user: alice}}]
current-context: prod-admin
"""


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeTransport:
    """The cluster completion asks: the nginx recording, one Pod named nginx."""
    transport = FakeTransport("nginx")
    transport.add_pod("nginx")
    monkeypatch.setattr(completer, "_target", lambda values: transport)
    return transport


def offered(monkeypatch: pytest.MonkeyPatch, *words: str) -> list[str]:
    """What kubectl_complete-pidshare prints for words."""
    out = io.StringIO()
    monkeypatch.setattr(sys, "argv", ["kubectl_complete-pidshare", *words])
    monkeypatch.setattr(sys, "stdout", out)
    completer.main()
    return out.getvalue().splitlines()


def test_targets_are_pods_and_type_prefixes(fake: FakeTransport,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    assert offered(monkeypatch, "ps", "") == [
        "nginx", "pod/", "deploy/", "rs/", "sts/", "ds/", "job/", "cronjob/", "rc/", "svc/",
        ":4"]
    assert offered(monkeypatch, "ps", "de") == ["deploy/", ":6"]
    assert offered(monkeypatch, "top", "pod/") == ["pod/nginx", ":4"]
    assert offered(monkeypatch, "kill", "") == offered(monkeypatch, "ps", "")
    assert offered(monkeypatch, "cat", "po") == ["pod/", ":6"]
    assert offered(monkeypatch, "kill", "deploy/") == ["deploy/nginx", ":4"]


def test_pids_with_their_command_from_one_probe(fake: FakeTransport,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    assert offered(monkeypatch, "kill", "pod/nginx", "") == [
        "1\t(sandbox): /pause",
        "7\tnginx: nginx: master process nginx -g daemon off;",
        "13\tnginx: nginx: worker process",
        "14\tshell: sh",
        "container/nginx", "container/shell", ":4"]
    assert len(fake.execs) == 1
    assert offered(monkeypatch, "cat", "nginx", "1") == [
        "1\t(sandbox): /pause", "13\tnginx: nginx: worker process", "14\tshell: sh", ":4"]
    assert offered(monkeypatch, "kill", "nginx", "container/s") == ["container/shell", ":4"]
    assert len(fake.execs) == 2


def test_kubeconfig_names_and_help_commands(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config"
    config.write_text(KUBECONFIG)
    monkeypatch.setenv("KUBECONFIG", str(config))
    assert offered(monkeypatch, "ps", "--context", "") == ["prod-admin", "dev-admin", ":4"]
    assert offered(monkeypatch, "--context=dev-admin", "ps", "--cluster", "d") == ["dev", ":4"]
    assert offered(monkeypatch, "--kubeconfig", str(config), "--user", "") == ["alice", ":4"]
    assert offered(monkeypatch, "help", "") == [
        "ps", "top", "kill", "cat", "env", "audit", "ports", "fds", "ls", "cp", "help",
        "version", "completion", ":4"]
    assert offered(monkeypatch, "help", "ps", "") == [":4"]
