"""`kubectl pidshare ps` against the real cluster, invoked the way users invoke it."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from typing import Any

import pytest
import yaml

from kubectl_pidshare.status import ExitStatus

from .harness import MANIFESTS, ROOT, Namespace, crashed, while_down

# Attribution depends on the cgroup namespace mode: tests/run runs this module in both.
pytestmark = pytest.mark.cgroupns


def ps_json(ns: Namespace, pod: str, *flags: str) -> dict[str, Any]:
    """The parsed `-o json` document of `kubectl pidshare ps POD`."""
    proc = ns.pidshare("ps", pod, "-o", "json", *flags)
    document: dict[str, Any] = json.loads(proc.stdout)
    return document


def facts(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(container, user, command) of every process, in document order."""
    return [(p["container"], p["user"], p["command"]) for p in document["processes"]]


def test_seed_pod_tree(namespace: Namespace) -> None:
    namespace.apply(MANIFESTS / "share-process-namespace.yaml", wait_for=("nginx",))

    proc = namespace.pidshare("ps", "nginx")
    assert proc.stderr == b""
    lines = proc.stdout.decode().splitlines()
    assert lines[0].split() == ["CONTAINER", "PID", "PPID", "USER", "STAT", "TIME", "COMMAND"]
    rows = [line.split(None, 6) for line in lines[1:]]
    assert [(r[0], r[3], r[6]) for r in rows] == [
        ("(sandbox)", "65535", "/pause"),
        ("nginx", "root", "nginx: master process nginx -g daemon off;"),
        ("nginx", "nginx", "└─ nginx: worker process"),
        ("shell", "root", "sh"),
    ]
    sandbox, master, worker, _ = rows
    assert sandbox[1] == "1"
    assert worker[2] == master[1], "the worker is the master's child"

    document = ps_json(namespace, "nginx")
    assert facts(document) == [
        ("(sandbox)", "65535", "/pause"),
        ("nginx", "root", "nginx: master process nginx -g daemon off;"),
        ("nginx", "nginx", "nginx: worker process"),
        ("shell", "root", "sh"),
    ]
    by_pid = {p["pid"]: p for p in document["processes"]}
    assert [int(r[1]) for r in rows] == list(by_pid)
    assert by_pid[int(worker[1])]["uid"] == 101
    assert by_pid[int(worker[1])]["ppid"] == int(master[1])
    assert document["shareProcessNamespace"] is True

    as_yaml = yaml.safe_load(namespace.pidshare("ps", "nginx", "-o", "yaml").stdout)
    assert facts(as_yaml) == facts(document)
    assert [p["pid"] for p in as_yaml["processes"]] == list(by_pid)


def test_four_containers_and_a_finished_init_container(namespace: Namespace) -> None:
    namespace.apply(MANIFESTS / "four-containers.yaml", wait_for=("quad",))

    document = ps_json(namespace, "quad")
    seen = facts(document)
    assert seen[0] == ("(sandbox)", "65535", "/pause")
    assert ("web", "root", "nginx: master process nginx -g daemon off;") in seen
    assert ("web", "nginx", "nginx: worker process") in seen
    assert ("shell", "root", "sh -c while :; do sleep 3600; done") in seen
    assert ("shell", "root", "sleep 3600") in seen
    assert ("worker", "app", "sh -c sleep 3601 & sleep 3602 & wait") in seen
    assert ("worker", "app", "sleep 3601") in seen
    assert ("worker", "app", "sleep 3602") in seen
    assert ("app", "root", "/sleeper") in seen
    assert len(seen) == 9, seen
    assert [c for c, _, _ in seen] == sorted(
        (c for c, _, _ in seen),
        key=["(sandbox)", "web", "shell", "worker", "app"].index,
    ), "grouped per container in the Pod's order"
    kinds = {c["name"]: c["kind"] for c in document["containers"]}
    assert kinds == {"setup": "init", "web": "container", "shell": "container",
                     "worker": "container", "app": "container"}
    assert all(p["containerKind"] != "unknown" for p in document["processes"])


def test_container_with_sh_but_no_ps(namespace: Namespace) -> None:
    namespace.apply(MANIFESTS / "no-ps.yaml", wait_for=("nops",))
    assert namespace.kubectl("exec", "nops", "-c", "tools", "--", "ps", check=False).returncode

    document = ps_json(namespace, "nops")
    assert facts(document) == [
        ("(sandbox)", "65535", "/pause"),
        ("app", "root", "/sleeper"),
        ("tools", "root", "sh -c while :; do sleep 3600; done"),
        ("tools", "root", "sleep 3600"),
    ]


def test_pod_that_does_not_share_its_processes(namespace: Namespace) -> None:
    namespace.apply(MANIFESTS / "not-shared.yaml", wait_for=("apart",))

    proc = namespace.pidshare("ps", "apart", "--exec-container", "shell", "-o", "json")
    assert proc.stderr.decode() == (
        'warning: pod "apart" does not share its process namespace; '
        'showing only what container "shell" can see\n'
    )
    document = json.loads(proc.stdout)
    assert document["shareProcessNamespace"] is False
    assert facts(document) == [
        ("shell", "root", "sh -c while :; do sleep 3600; done"),
        ("shell", "root", "sleep 3600"),
    ]


def test_hostile_command_lines_stay_where_they_are(namespace: Namespace) -> None:
    namespace.apply(MANIFESTS / "hostile.yaml", wait_for=("hostile",))

    table = namespace.pidshare("ps", "hostile").stdout
    assert b"\x1b" not in table and b"\x07" not in table
    lines = table.decode().splitlines()
    assert len(lines) == 1 + 7, table.decode()
    document = ps_json(namespace, "hostile")
    evil = [p for p in document["processes"] if p["container"] == "evil"]
    assert len(evil) == 4, evil
    outer = next(p for p in evil if "1/cmdline:fake" in p["command"])
    assert outer["args"][-4:] == [
        "line1\nline2",
        "\x1b[31mred\x1b[0m\x1b]0;title\x07",
        "1/cmdline:fake",
        "pidshare-probe:1",
    ]
    inner = next(p for p in evil if p["args"][-1].startswith("bad"))
    assert inner["args"][-1] == "bad\\xff\\xfeutf8", "bytes that are not UTF-8 as \\xNN"
    assert inner["ppid"] == outer["pid"]
    assert [p["pid"] for p in document["processes"] if p["pid"] == 1] == [1]
    assert {p["container"] for p in document["processes"]} == {"(sandbox)", "shell", "evil"}


def test_errors_are_one_line(namespace: Namespace) -> None:
    missing = namespace.pidshare("ps", "nosuchpod", check=False)
    assert missing.returncode == 1
    assert missing.stdout == b""
    assert missing.stderr.decode() == 'Error from server (NotFound): pods "nosuchpod" not found\n'

    for pod, flags in (("nosuchpod", ()), ("nosuchpod", ("-n", "nosuchns"))):
        kubectl = namespace.kubectl(*flags, "get", "pod", pod, check=False)
        pidshare = namespace.pidshare(*flags, "ps", pod, check=False)
        assert (pidshare.returncode, pidshare.stderr) == (kubectl.returncode, kubectl.stderr)
    assert kubectl.stderr == b'Error from server (NotFound): namespaces "nosuchns" not found\n'

    bad_output = namespace.pidshare("ps", "nosuchpod", "-o", "xml", check=False)
    assert bad_output.returncode == 2
    assert b"Traceback" not in bad_output.stderr


def test_a_crash_looping_container_says_its_state_and_where_its_output_went(
        namespace: Namespace) -> None:
    namespace.apply(MANIFESTS / "crashy.yaml")
    namespace.kubectl("wait", "--for=jsonpath={.status.phase}=Running", "pod/crashy",
                      "--timeout=120s")
    crashed(namespace, "crashy", "app")
    said = (rf'container "app" of pod "crashy" is not running \((CrashLoopBackOff|Error), last '
            rf"exit code 3\): see (kubectl logs crashy -n {namespace.name} -c app( --previous)?)")

    def down(*argv: str) -> subprocess.CompletedProcess[bytes]:
        return while_down(namespace, "crashy", "app",
                          lambda: namespace.pidshare(*argv, check=False))

    listed = down("ps", "crashy")
    assert re.fullmatch(f"warning: {said}\n", listed.stderr.decode()), listed.stderr
    assert listed.returncode == 0
    assert {line.split()[0] for line in listed.stdout.decode().splitlines()[1:]} == {
        "(sandbox)", "shell"}
    alone = down("ps", "crashy", "-c", "app")
    assert (alone.returncode, alone.stdout) == (0, b"No processes found.\n")
    assert re.fullmatch(f"warning: {said}\n", alone.stderr.decode()), alone.stderr
    for command in (("kill", "crashy", "container/app"),
                    ("cat", "crashy", "container/app", "/etc/passwd")):
        refused = down(*command)
        assert (refused.returncode, refused.stdout) == (ExitStatus.NO_SUCH_PROCESS, b"")
        match = re.fullmatch(f"error: {said}\n", refused.stderr.decode())
        assert match, refused.stderr
        pasted = namespace.cluster.run(*shlex.split(match[2]))
        assert pasted.stdout == b"boom\n", "the hint can be pasted as it is"


PLAIN = ("import sys; sys.path.insert(0, sys.argv.pop(1)); "
         "from kubectl_pidshare.cli import main; sys.exit(main())")
KLOG = re.compile(rb"^I\d{4} [\d:.]+ +\d+ pidshare\] ", re.MULTILINE)


def plain_path(ns: Namespace, *args: str) -> subprocess.CompletedProcess[bytes]:
    """`kubectl pidshare -n NS args` as it ran before the speculation: cli.main alone."""
    return ns.cluster.run(sys.executable, "-c", PLAIN, str(ROOT), "-n", ns.name, *args,
                          check=False)


def said(proc: subprocess.CompletedProcess[bytes], concurrent: bool = False
         ) -> tuple[int, bytes, list[bytes]]:
    """Status, stdout and stderr's lines, -v lines without their time, pid and milliseconds
    (sorted where the GET and the exec run concurrently, in the plain path too)."""
    stderr = re.sub(rb"milliseconds=\d+", b"milliseconds=N", KLOG.sub(b"I ", proc.stderr))
    lines = stderr.splitlines()
    return proc.returncode, proc.stdout, sorted(lines) if concurrent else lines


@pytest.mark.parametrize("args", [
    ("ps", "nginx"), ("ps", "nginx", "--exec-container", "shell"),
    ("ps", "pod/nginx", "-c", "nginx", "--no-headers"), ("ps", "nginx", "-v=6"),
    ("ps", "nginx", "--exec-container", "nginx", "--v", "6"),
    ("ps", "missing"), ("ps", "missing", "--exec-container", "shell"),
    ("ps", "nginx", "--exec-container", "nothere"),
    ("ps", "nginx", "-n", "nowhere"), ("ps", "nginx", "--context", "nope"),
    ("ps", "nginx", "--kubeconfig", "/nonexistent"), ("ps", "nginx", "--bogus"),
    ("ps", "nginx", "--help"), ("ps", "nginx", "-o", "xml"),
], ids=" ".join)
def test_the_speculation_says_what_the_plain_path_says(namespace: Namespace,
                                                        args: tuple[str, ...]) -> None:
    """What the launcher prints (the cluster reached while it imports) is what cli.main alone
    prints (both run by python, not kubectl, whose own -v line would differ): the same bytes
    on stdout and stderr, the same status, the same requests at -v, also where a flag after
    the target contradicts what the start of the line said."""
    namespace.apply(MANIFESTS / "share-process-namespace.yaml", wait_for=("nginx",))
    concurrent = "--exec-container" in args
    expected = said(plain_path(namespace, *args), concurrent)
    launcher = str(ROOT / "bin" / "kubectl-pidshare")
    got = namespace.cluster.run(sys.executable, launcher, "-n", namespace.name, *args,
                                check=False)
    assert said(got, concurrent) == expected
