"""Never change or hit more than asked, against the real cluster: --debug-image adds nothing to a
Pod with a shell; a hostPID Pod's node processes are marked and not signalled without --force;
another run's cat is hidden from ps; the runner is chosen per target (three uids); a Pod
stuck on its init container and a Pod apart can be acted on."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from kubectl_pidshare.status import ExitStatus

from .harness import MANIFESTS, Cluster, Namespace
from .test_debugging import DEBUG, IMAGE
from .test_kill_cat import SEED, error_line, pids

# Attribution depends on the cgroup namespace mode: tests/run runs this module in both.
pytestmark = pytest.mark.cgroupns

HOST_PID = """\
apiVersion: v1
kind: Pod
metadata: {name: hostpid}
spec:
  hostPID: true
  terminationGracePeriodSeconds: 1
  containers:
  - {name: main, image: "busybox:1.28", command: ["sh", "-c", "while :; do sleep 3600; done"]}
"""
UIDS = """\
apiVersion: v1
kind: Pod
metadata: {name: uids}
spec:
  shareProcessNamespace: true
  terminationGracePeriodSeconds: 1
  containers:
""" + "".join(f"""\
  - name: {name}
    image: "busybox:1.28"
    command: ["sh", "-c", "while :; do sleep 360{uid // 1000}; done"]
    securityContext: {{runAsUser: {uid}, allowPrivilegeEscalation: false,
                      capabilities: {{drop: [ALL]}}}}
""" for name, uid in (("a", 1000), ("b", 2000), ("c", 3000)))
INIT = """\
apiVersion: v1
kind: Pod
metadata: {name: initp}
spec:
  shareProcessNamespace: true
  terminationGracePeriodSeconds: 1
  initContainers:
  - {name: wait-db, image: "busybox:1.28", command: ["sh", "-c", "while :; do sleep 3600; done"]}
  containers:
  - {name: app, image: "busybox:1.28", command: ["sleep", "3600"]}
"""


def wait_running(ns: Namespace, pod: str) -> None:
    """Wait until a container of the Pod runs (the Pod may never be Ready)."""
    ns.kubectl("wait", "--for=jsonpath={.status.initContainerStatuses[0].ready}=false",
               f"pod/{pod}", "--timeout=120s")
    ns.kubectl("wait", "--for=jsonpath={.status.initContainerStatuses[0].started}=true",
               f"pod/{pod}", "--timeout=120s")


def ephemeral(ns: Namespace, pod: str) -> list[str]:
    """The names of the Pod's ephemeral containers."""
    document = json.loads(ns.kubectl("get", "pod", pod, "-o", "json").stdout)
    return [c["name"] for c in document["spec"].get("ephemeralContainers") or []]


def test_the_seed_pod_gets_no_ephemeral_container(namespace: Namespace) -> None:
    namespace.apply(SEED, wait_for=("nginx",))
    flag = namespace.pidshare("ps", "nginx", *DEBUG)
    assert flag.stderr.decode() == (
        f"not adding a debug container (--debug-image {IMAGE}): container \"shell\" of pod "
        '"nginx" can run the script\n')
    assert "nginx: master process" in flag.stdout.decode()
    variable = Cluster(dict(namespace.cluster.env, PIDSHARE_DEBUG_IMAGE=IMAGE))
    listed = variable.pidshare("-n", namespace.name, "ps", "nginx", "-o", "json")
    assert b"not adding a debug container" in listed.stderr
    rows = json.loads(listed.stdout)["processes"]
    assert {p["container"] for p in rows} == {"(sandbox)", "nginx", "shell"}
    assert "root" in {p["user"] for p in rows if p["container"] == "nginx"}
    assert ephemeral(namespace, "nginx") == []


def test_a_host_pid_pod_marks_the_node_and_guards_its_processes(namespace: Namespace) -> None:
    namespace.apply(HOST_PID, wait_for=("hostpid",))
    listed = namespace.pidshare("ps", "hostpid", "-o", "json")
    note, *others = listed.stderr.decode().splitlines()
    assert note == ('note: pod "hostpid" shares the node\'s process namespace (hostPID): the '
                    "listing includes the node's processes, as (node)")
    # The node's own processes may hold zombies at any moment (its init did once, here): a
    # note on each such parent is the only other line there may be.
    assert all(re.fullmatch(r'note: pod "hostpid": PID \d+ \(.*\) in the node holds \d+ '
                            r"zomb(ie|ies) \(.*", line) for line in others), others
    document = json.loads(listed.stdout)
    assert document["hostPID"] is True
    rows = document["processes"]
    assert {p["container"] for p in rows} == {"main", "(node)"}
    assert [p["command"] for p in rows if p["container"] == "main"] == [
        "sh -c while :; do sleep 3600; done", "sleep 3600"]
    assert next(p for p in rows if p["pid"] == 1)["container"] == "(node)"

    init = namespace.pidshare("kill", "hostpid", "1", "0", check=False)
    assert init.returncode == ExitStatus.SANDBOX
    assert error_line(init).startswith("error: refusing to signal PID 1 (")
    assert "it belongs to no container of the Pod" in init.stderr.decode()
    main = namespace.pidshare("kill", "hostpid", "container/main", "0")
    assert main.stdout.decode().startswith("sent signal 0 to PID ")
    assert main.stdout.decode().endswith(' in container "main"\n')
    forced = namespace.pidshare("kill", "hostpid", "1", "0", "--force")
    assert forced.stdout.decode().endswith(") in the node\n")


def test_another_run_s_cat_is_hidden_from_ps(namespace: Namespace) -> None:
    namespace.apply(SEED, wait_for=("nginx",))
    namespace.kubectl("exec", "nginx", "-c", "shell", "--", "dd", "if=/dev/zero",
                      "of=/tmp/big", "bs=1", "count=0", "seek=1G")
    shell = pids(namespace, "nginx")["sh"]
    before = namespace.pidshare("ps", "nginx").stdout
    env = namespace.cluster.env
    colleague = subprocess.Popen(
        ["kubectl", "pidshare", "-n", namespace.name, "cat", "nginx", str(shell), "/tmp/big"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        shown = b""
        for _ in range(100):
            shown = namespace.pidshare("ps", "nginx", "--show-pidshare").stdout
            if b"pidshare-cat" in shown:
                break
        assert f"pidshare-cat {shell} /tmp/big".encode() in shown, shown.decode()
        assert len(shown) < 4096 and b"refuse()" not in shown
        hidden = namespace.pidshare("ps", "nginx").stdout
        assert hidden == before, hidden.decode()
    finally:
        colleague.kill()
        colleague.wait()


def test_the_runner_is_chosen_for_the_target_among_three_uids(namespace: Namespace) -> None:
    namespace.apply(UIDS, wait_for=("uids",))
    seen = pids(namespace, "uids")
    for name in "abc":
        proc = namespace.pidshare("kill", "uids", f"container/{name}", "0")
        assert proc.stdout.decode().endswith(f' in container "{name}"\n'), proc
    for number, name in enumerate("abc", 1):
        by_pid = namespace.pidshare("kill", "uids", str(seen[f"sleep 360{number}"]), "0")
        assert by_pid.stdout.decode() == (
            f'sent signal 0 to PID {seen[f"sleep 360{number}"]} (sleep 360{number}) in '
            f'container "{name}"\n'), by_pid
    read = namespace.pidshare("cat", "uids", str(seen["sleep 3603"]), "/etc/hostname")
    assert read.stdout == b"uids\n"
    assert namespace.pidshare("cat", "uids", "container/b", "/etc/hostname").stdout == b"uids\n"


def test_a_pod_stuck_on_its_init_container(namespace: Namespace) -> None:
    namespace.apply(INIT)
    wait_running(namespace, "initp")
    for extra in ((), ("--exec-container", "wait-db")):
        listed = namespace.pidshare("ps", "initp", "-o", "json", *extra)
        document = json.loads(listed.stdout)
        assert document["probeContainer"] == "wait-db"
        assert [p["command"] for p in document["processes"] if p["container"] == "wait-db"] == [
            "sh -c while :; do sleep 3600; done", "sleep 3600"]
    signalled = namespace.pidshare("kill", "initp", "container/wait-db", "0")
    assert signalled.stdout.decode().endswith(' in container "wait-db"\n')


def test_kill_and_cat_in_a_pod_apart_aim_inside_the_container(namespace: Namespace) -> None:
    namespace.apply(MANIFESTS / "not-shared.yaml", wait_for=("apart",))
    proc = namespace.pidshare("kill", "apart", "container/shell", "0")
    assert proc.stdout.decode() == (
        'sent signal 0 to PID 1 (sh -c while :; do sleep 3600; done) in container "shell"\n')
    assert proc.stderr.decode().splitlines()[0] == (
        'warning: pod "apart" does not share its process namespace; acting only on what '
        'container "shell" can see')
    passwd = namespace.pidshare("cat", "apart", "container/shell", "/etc/passwd")
    assert passwd.stdout.startswith(b"root:x:0:0:")
