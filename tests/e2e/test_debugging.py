"""--debug-image on the local cluster: a Pod with no shell anywhere, in a namespace enforcing the
restricted Pod Security level; one ephemeral container serves ps, a second ps, kill and cat;
without the RBAC verb, or with a profile the level refuses, one Forbidden line naming what
refused, saying that nothing was added; a restricted container runs as the uid of the
container aimed at."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kubectl_pidshare.status import ExitStatus

from .harness import MANIFESTS, Namespace
from .test_rbac import ROLE, user_kubeconfig

# Attribution depends on the cgroup namespace mode: tests/run runs this module in both.
pytestmark = pytest.mark.cgroupns

IMAGE = "busybox:1.28"
DEBUG = ("--debug-image", IMAGE)


def restricted_bare(namespace: Namespace) -> None:
    """The distroless Pod, in this namespace made to enforce the restricted level."""
    namespace.kubectl("label", "namespace", namespace.name,
                      "pod-security.kubernetes.io/enforce=restricted")
    namespace.apply(MANIFESTS / "distroless.yaml", wait_for=("bare",))


def ephemeral(namespace: Namespace) -> list[str]:
    """The names of the Pod's ephemeral containers."""
    pod = json.loads(namespace.kubectl("get", "pod", "bare", "-o", "json").stdout)
    return [c["name"] for c in pod["spec"].get("ephemeralContainers") or []]


def test_without_the_flag_the_error_names_it(namespace: Namespace) -> None:
    restricted_bare(namespace)
    proc = namespace.pidshare("ps", "bare", check=False)
    assert (proc.returncode, proc.stdout) == (1, b"")
    line = proc.stderr.decode()
    assert line.count("\n") == 1 and "pass --debug-image IMAGE" in line, line
    assert ephemeral(namespace) == []


def test_one_ephemeral_container_serves_ps_kill_and_cat(namespace: Namespace) -> None:
    restricted_bare(namespace)
    first = namespace.pidshare("ps", "bare", *DEBUG)
    [name] = ephemeral(namespace)
    assert name.startswith("pidshare-restricted-")
    assert first.stderr.decode() == (
        f'Added ephemeral container "{name}" (image {IMAGE}, profile restricted) to pod "bare": '
        "no container of the Pod could run the script; ephemeral containers cannot be removed "
        "from a Pod, later runs reuse this one\n")
    rows = [line.split() for line in first.stdout.decode().splitlines()[1:]]
    assert [(row[0], row[3], row[-1]) for row in rows] == [
        ("(sandbox)", "65532", "/pause"), ("app", "65532", "/sleeper"),
        ("worker", "65532", "/sleeper")], first.stdout.decode()

    second = namespace.pidshare("ps", "bare", *DEBUG, "-o", "json")
    assert second.stderr == b""
    listing = json.loads(second.stdout)
    assert listing["probeContainer"] == name
    worker = next(p["pid"] for p in listing["processes"] if p["container"] == "worker")
    signalled = namespace.pidshare("kill", "bare", str(worker), "0", *DEBUG)
    assert signalled.stdout.decode() == (
        f'sent signal 0 to PID {worker} (/sleeper) in container "worker"\n')
    assert signalled.stderr == b""
    # Without a capability the same uid is not enough to read another container's root here:
    # the image's user gives the Pod's processes group 65532, the debug container has group 0
    # (its image has no such user). Said so, from the real credentials, with the profile to ask
    # for.
    passwd = namespace.pidshare("cat", "bare", str(worker), "/etc/passwd", *DEBUG, check=False)
    assert (passwd.returncode, passwd.stdout) == (ExitStatus.NO_PTRACE_ACCESS, b"")
    assert passwd.stderr.decode() == (
        f'error: cannot read the files of PID {worker}: container "{name}" runs as uid 65532 '
        "like the process, but in group 0, not its group 65532 (the kernel wants both the "
        "same), so only CAP_SYS_PTRACE will do; reading the files of a process of uid 65532 "
        "needs the same uid and group and a dumpable process or CAP_SYS_PTRACE: pass "
        "--debug-profile general (root, with SYS_PTRACE and the default capabilities)\n")
    assert ephemeral(namespace) == [name]


def test_without_the_rbac_verb_one_forbidden_line(namespace: Namespace, tmp_path: Path) -> None:
    namespace.apply(MANIFESTS / "distroless.yaml", wait_for=("bare",))
    namespace.apply(ROLE)
    config = user_kubeconfig(namespace, tmp_path, "alice")
    proc = namespace.pidshare("--kubeconfig", config, "ps", "bare", *DEBUG, check=False)
    assert (proc.returncode, proc.stdout) == (1, b"")
    line = proc.stderr.decode().splitlines()[-1]
    assert line.startswith('Error from server (Forbidden): pods "bare" is forbidden: User "alice" '
                           'cannot patch resource "pods/ephemeralcontainers"'), proc.stderr
    assert line.endswith("; nothing was added: adding a debug container needs the RBAC verb "
                         "patch on pods/ephemeralcontainers"), line
    assert b"Added" not in proc.stderr
    assert ephemeral(namespace) == []


def test_a_profile_the_pod_security_level_refuses_adds_nothing(namespace: Namespace) -> None:
    restricted_bare(namespace)
    proc = namespace.pidshare("ps", "bare", *DEBUG, "--debug-profile", "general", check=False)
    assert (proc.returncode, proc.stdout) == (1, b"")
    line = proc.stderr.decode()
    assert line.startswith('Error from server (Forbidden): pods "bare" is forbidden: violates '
                           'PodSecurity "restricted:latest": '), line
    assert line.endswith('; nothing was added: the Pod Security level "restricted" of the '
                         "namespace refuses profile general: --debug-profile restricted passes "
                         "every level\n"), line
    assert line.count("\n") == 1 and ephemeral(namespace) == []


MIXED = """\
apiVersion: v1
kind: Pod
metadata: {name: bare}
spec:
  shareProcessNamespace: true
  terminationGracePeriodSeconds: 1
  containers:
  - {name: app, image: "pidshare/distroless:1", securityContext: {runAsUser: 1000}}
  - {name: worker, image: "pidshare/distroless:1", securityContext: {runAsUser: 2000}}
"""


def test_a_restricted_container_runs_as_the_uid_aimed_at(namespace: Namespace) -> None:
    namespace.apply(MIXED, wait_for=("bare",))
    proc = namespace.pidshare("kill", "bare", "container/worker", "0", *DEBUG)
    assert proc.stdout.decode().endswith('(/sleeper) in container "worker"\n'), proc
    pod = json.loads(namespace.kubectl("get", "pod", "bare", "-o", "json").stdout)
    [added] = pod["spec"]["ephemeralContainers"]
    assert added["securityContext"]["runAsUser"] == 2000
    assert added["command"][-1] == "pidshare-debug"
    again = namespace.pidshare("kill", "bare", "container/worker", "0", *DEBUG)
    assert again.stderr.decode().startswith('the main process of container "worker"')
    assert ephemeral(namespace) == [added["name"]]


def test_debug_containers_of_every_profile_are_hidden(namespace: Namespace) -> None:
    namespace.apply(MANIFESTS / "distroless.yaml", wait_for=("bare",))
    namespace.pidshare("ps", "bare", *DEBUG, "--debug-profile", "general")
    listed = namespace.pidshare("ps", "bare", *DEBUG)
    assert len(ephemeral(namespace)) == 2
    rows = [line.split() for line in listed.stdout.decode().splitlines()[1:]]
    assert [(row[0], row[-1]) for row in rows] == [
        ("(sandbox)", "/pause"), ("app", "/sleeper"), ("worker", "/sleeper")], listed.stdout
    shown = namespace.pidshare("ps", "bare", *DEBUG, "--show-pidshare").stdout.decode()
    assert shown.count("pidshare-debug") == 2 and shown.count("sleep 3600") == 2, shown
