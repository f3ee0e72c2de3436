"""Aiming like kubectl against the real cluster: a Deployment of three replicas of the seed's
Pod by deploy/NAME, -l and -A; broken Pods reported beside the healthy ones; -c; a
container's main process for kill and cat; errors side by side with kubectl's."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest

from kubectl_pidshare.status import ExitStatus

from .harness import MANIFESTS, Cluster, Namespace, fresh_namespace
from .test_ps import facts

# Attribution depends on the cgroup namespace mode: tests/run runs this module in both.
pytestmark = pytest.mark.cgroupns

SEED_FACTS = [
    ("(sandbox)", "65535", "/pause"),
    ("nginx", "root", "nginx: master process nginx -g daemon off;"),
    ("nginx", "nginx", "nginx: worker process"),
    ("shell", "root", "sh"),
]
MASTER = "nginx: master process nginx -g daemon off;"


@pytest.fixture(scope="module")
def web(cluster: Cluster) -> Iterator[Namespace]:
    """One namespace for the module: the Deployment `web` (label app=<namespace>, so -A sees
    only these), the seed's Pod, and, labelled pick=yes with two of the replicas, a Pod with
    no shell anywhere and a Pod that stays Pending."""
    with fresh_namespace(cluster, "targets") as ns:
        deployment = (MANIFESTS / "web-deployment.yaml").read_text()
        ns.apply(deployment.replace("app: web", f"app: {ns.name}"))
        ns.apply(MANIFESTS / "share-process-namespace.yaml")
        bare = (MANIFESTS / "distroless.yaml").read_text().replace(
            "name: bare", "name: bare\n  labels: {pick: 'yes'}")
        ns.apply(bare)
        ns.apply("""
apiVersion: v1
kind: Pod
metadata: {name: stuck, labels: {pick: 'yes'}}
spec:
  nodeSelector: {pidshare-e2e: nowhere}
  containers: [{name: shell, image: "busybox:1.28"}]
""")
        ns.kubectl("rollout", "status", "deploy/web", "--timeout=180s")
        for pod in ("nginx", "bare"):
            ns.kubectl("wait", "--for=condition=Ready", f"pod/{pod}", "--timeout=120s")
        yield ns


def replicas(ns: Namespace) -> list[str]:
    """The Deployment's Pods, as kubectl lists them."""
    listed = ns.kubectl("get", "pods", "-l", f"app={ns.name}", "-o", "name").stdout.decode()
    return sorted(name.removeprefix("pod/") for name in listed.split())


def items(proc: subprocess.CompletedProcess[bytes]) -> dict[str, dict[str, Any]]:
    """Pod name -> its ProcessList, from `-o json` of several Pods."""
    document = json.loads(proc.stdout)
    assert document["kind"] == "List"
    return {item["pod"]: item for item in document["items"]}


def test_deploy_name_lists_every_replica(web: Namespace) -> None:
    names = replicas(web)
    assert len(names) == 3
    for target in ("deploy/web", "deployment/web", "deployments.apps/web"):
        listed = items(web.pidshare("ps", target, "-o", "json"))
        assert sorted(listed) == names, target
        assert all(facts(doc) == SEED_FACTS for doc in listed.values())

    proc = web.pidshare("ps", "deploy/web")
    assert proc.stderr == b""
    lines = proc.stdout.decode().splitlines()
    assert lines[0].split() == ["POD", "CONTAINER", "PID", "PPID", "USER", "STAT", "TIME",
                                "COMMAND"]
    assert sorted({line.split()[0] for line in lines[1:]}) == names
    assert len(lines) == 1 + 3 * 4


def test_selector_and_all_namespaces(web: Namespace) -> None:
    names = replicas(web)
    assert sorted(items(web.pidshare("ps", "-l", f"app={web.name}", "-o", "json"))) == names

    across = web.cluster.pidshare("ps", "-A", "-l", f"app={web.name}")
    assert across.stderr == b""
    lines = across.stdout.decode().splitlines()
    assert lines[0].split()[:3] == ["NAMESPACE", "POD", "CONTAINER"]
    assert {tuple(line.split()[:2]) for line in lines[1:]} == {(web.name, n) for n in names}

    two = web.pidshare("ps", names[0], f"pod/{names[1]}", "-c", "nginx", "--no-headers")
    assert [line.split()[:2] for line in two.stdout.decode().splitlines()] == [
        [names[0], "nginx"], [names[0], "nginx"], [names[1], "nginx"], [names[1], "nginx"]]


def test_broken_pods_are_reported_and_the_others_listed(web: Namespace) -> None:
    healthy = replicas(web)[:2]
    for name in healthy:
        web.kubectl("label", "pod", name, "pick=yes", "--overwrite")

    proc = web.pidshare("ps", "-l", "pick=yes", "-o", "json", check=False)
    assert proc.returncode == 1
    listed = items(proc)
    assert sorted(listed) == healthy
    assert all(facts(doc) == SEED_FACTS for doc in listed.values())
    errors = proc.stderr.decode().splitlines()
    assert len(errors) == 2, errors
    assert errors[0].startswith('error: no container of pod "bare" can run sh (tried "app", '
                                '"worker"): pass --debug-image IMAGE')
    assert errors[1] == ('error: pod "stuck" is Pending, not Running: its processes can only be '
                         f"seen while it runs (see: kubectl describe pod stuck -n {web.name})")


def test_container_flag_shows_only_that_container(web: Namespace) -> None:
    proc = web.pidshare("ps", "nginx", "-c", "nginx")
    assert proc.stderr == b""
    rows = [line.split(None, 6) for line in proc.stdout.decode().splitlines()[1:]]
    assert [(r[0], r[3], r[6]) for r in rows] == [
        ("nginx", "root", MASTER), ("nginx", "nginx", "└─ nginx: worker process")]
    document = json.loads(web.pidshare("ps", "nginx", "-c", "shell", "-o", "json").stdout)
    assert facts(document) == [("shell", "root", "sh")]

    missing = web.pidshare("ps", "nginx", "-c", "web", check=False)
    assert (missing.returncode, missing.stderr.decode()) == (
        1, 'error: container "web" not found in pod "nginx" (it has: nginx, shell)\n')


def test_kill_and_cat_through_a_containers_main_process(web: Namespace) -> None:
    before = {p["command"]: p["pid"] for p in
              json.loads(web.pidshare("ps", "nginx", "-o", "json").stdout)["processes"]}
    master, worker = before[MASTER], before["nginx: worker process"]
    chosen = f'the main process of container "nginx" is PID {master} ({MASTER})\n'

    conf = web.pidshare("cat", "nginx", "container/nginx", "/etc/nginx/nginx.conf")
    assert conf.stderr.decode() == chosen
    assert conf.stdout == web.kubectl("exec", "nginx", "-c", "nginx", "--", "cat",
                                      "/etc/nginx/nginx.conf").stdout

    hup = web.pidshare("kill", "nginx", "container/nginx", "HUP")
    assert hup.stderr.decode() == chosen
    assert hup.stdout.decode() == f'sent SIGHUP to PID {master} ({MASTER}) in container "nginx"\n'
    deadline = time.monotonic() + 30
    while True:
        after = {p["command"]: p["pid"] for p in
                 json.loads(web.pidshare("ps", "nginx", "-o", "json").stdout)["processes"]}
        if after.get("nginx: worker process") not in (None, worker):
            break
        assert time.monotonic() < deadline, f"worker {worker} was not replaced: {after}"
        time.sleep(0.3)
    assert after[MASTER] == master

    nobody = web.pidshare("kill", "nginx", "container/nope", "0", check=False)
    assert (nobody.returncode, nobody.stderr.decode()) == (
        1, 'error: container "nope" not found in pod "nginx" (it has: nginx, shell)\n')


def test_errors_side_by_side_with_kubectl(web: Namespace) -> None:
    ours = web.pidshare("ps", "deploy/nope", check=False)
    theirs = web.kubectl("exec", "deploy/nope", "--", "true", check=False)
    assert (ours.returncode, ours.stdout) == (1, b"")
    assert ours.stderr == theirs.stderr == (
        b'Error from server (NotFound): deployments.apps "nope" not found\n')

    ours = web.pidshare("ps", "-l", "app=nope", check=False)
    theirs = web.kubectl("get", "pods", "-l", "app=nope", check=False)
    assert (ours.returncode, ours.stdout, ours.stderr) == (
        theirs.returncode, b"", theirs.stderr) == (
        0, b"", f"No resources found in {web.name} namespace.\n".encode())

    named = web.pidshare("ps", "-A", "nginx", check=False)
    theirs = web.kubectl("get", "pods", "-A", "nginx", check=False)
    assert (named.returncode, theirs.returncode) == (ExitStatus.USAGE, 1)
    assert named.stderr == theirs.stderr == (
        b"error: a resource cannot be retrieved by name across all namespaces\n")

    for name in ("nginx/status", "done/log", "Nginx"):
        proc = web.pidshare("ps", name, check=False)
        assert (proc.returncode, proc.stdout) == (ExitStatus.USAGE, b""), name
        assert proc.stderr.decode() == (
            f'error: invalid pod name "{name}": a lowercase RFC 1123 subdomain must consist of '
            "lower case alphanumeric characters, '-' or '.', and must start and end with an "
            "alphanumeric character (e.g. 'example.com', regex used for validation is "
            "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')\n")
    empty = web.pidshare("ps", "", check=False)
    theirs = web.kubectl("get", "pod", "", check=False)
    assert empty.returncode == ExitStatus.USAGE
    assert empty.stderr == theirs.stderr == b"error: resource name may not be empty\n"


def test_a_service_and_pod_slash_name_as_kubectl_takes_them(web: Namespace) -> None:
    web.apply(f"""
apiVersion: v1
kind: Service
metadata: {{name: front}}
spec:
  selector: {{app: {web.name}}}
  ports: [{{port: 80}}]
---
apiVersion: v1
kind: Service
metadata: {{name: outside}}
spec:
  ports: [{{port: 80}}]
""")
    for target in ("svc/front", "service/front", "services/front"):
        assert sorted(items(web.pidshare("ps", target, "-o", "json"))) == replicas(web), target

    ours = web.pidshare("ps", "svc/outside", check=False)
    theirs = web.kubectl("logs", "svc/outside", check=False)
    said = b"invalid service 'outside': Service is defined without a selector\n"
    assert (ours.returncode, ours.stdout, ours.stderr) == (1, b"", b"error: " + said)
    assert theirs.stderr == b"error: cannot get the logs from *v1.Service: " + said, (
        "kubectl's reason, without its Go type name")
    ours = web.pidshare("ps", "svc/nope", check=False)
    theirs = web.kubectl("exec", "svc/nope", "--", "true", check=False)
    assert ours.stderr == theirs.stderr == (
        b'Error from server (NotFound): services "nope" not found\n')

    for target in ("pod/nginx", "pods/nginx", "po/nginx"):
        sent = web.pidshare("kill", target, "container/shell", "0")
        assert sent.stdout.decode().startswith("sent signal 0 to PID "), target
        hostname = web.pidshare("cat", target, "container/shell", "/etc/hostname")
        assert hostname.stdout == b"nginx\n", target
