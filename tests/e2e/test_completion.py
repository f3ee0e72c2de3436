"""kubectl's own completion asks kubectl_complete-pidshare, which names Pods and containers."""

from __future__ import annotations

from .harness import MANIFESTS, Namespace


def complete(ns: Namespace, *words: str, directive: str = ":4") -> list[str]:
    """What `kubectl pidshare <words><TAB>` offers, through kubectl's completion (and the
    directive: :4 no file names, :0 the shell's own)."""
    out = ns.cluster.run("kubectl", "__complete", "pidshare", *words).stdout.decode()
    lines = out.splitlines()
    assert lines[-1] == directive, out
    return lines[:-1]


def test_completes_commands_pods_containers_and_signals(namespace: Namespace) -> None:
    namespace.apply(MANIFESTS / "share-process-namespace.yaml", wait_for=("nginx",))
    namespace.apply(MANIFESTS / "no-ps.yaml", wait_for=("nops",))
    assert complete(namespace, "") == ["ps", "top", "kill", "cat", "env", "audit", "ports",
                                       "fds", "help", "version", "completion"]
    assert complete(namespace, "fds", "-n", namespace.name, "ng") == ["nginx"]
    assert complete(namespace, "fds", "-n", namespace.name, "nginx", "container/") == [
        "container/nginx", "container/shell"]
    assert complete(namespace, "env", "-n", namespace.name, "nginx", "container/") == [
        "container/nginx", "container/shell"]
    assert complete(namespace, "audit", "-n", namespace.name, "ng") == ["nginx"]
    assert complete(namespace, "audit", "--fail-on", "") == ["info", "warning", "critical"]
    assert complete(namespace, "audit", "-f", "", directive=":0") == []
    assert complete(namespace, "ps", "-n", namespace.name, "") == [
        "nginx", "nops", "pod/", "deploy/", "rs/", "sts/", "ds/", "job/", "cronjob/", "rc/",
        "svc/"]
    assert complete(namespace, "cat", "-n", namespace.name, "ng") == ["nginx"]
    assert complete(namespace, "ps", "nops", "-n", namespace.name, "-c", "") == ["app", "tools"]
    assert complete(namespace, "ps", "nops", "nginx", "-n", namespace.name, "--exec-container",
                    "t") == ["tools"]
    assert complete(namespace, "kill", "-n", namespace.name, "nginx", "container/") == [
        "container/nginx", "container/shell"]
    assert complete(namespace, "kill", "-n", namespace.name, "nginx", "7", "HU") == ["HUP"]


def test_completes_pids_types_contexts_and_help(namespace: Namespace) -> None:
    namespace.apply(MANIFESTS / "share-process-namespace.yaml", wait_for=("nginx",))
    pids = complete(namespace, "kill", "-n", namespace.name, "pod/nginx", "")
    described = dict(line.split("\t", 1) for line in pids if "\t" in line)
    master = [pid for pid, said in described.items() if said.startswith("nginx: nginx: master")]
    assert len(master) == 1, pids
    assert described["1"] == "(sandbox): /pause"
    assert pids[-2:] == ["container/nginx", "container/shell"]
    assert "deploy/" in complete(namespace, "ps", "-n", namespace.name, "")
    assert complete(namespace, "cat", "-n", namespace.name, "pod/n") == ["pod/nginx"]
    contexts = namespace.cluster.run("kubectl", "config", "get-contexts", "-o", "name")
    assert complete(namespace, "ps", "--context", "") == contexts.stdout.decode().split()
    assert complete(namespace, "help", "") == ["ps", "top", "kill", "cat", "env", "audit",
                                               "ports", "fds", "help", "version", "completion"]
