"""`kubectl pidshare kill` and `kubectl pidshare cat` against the real cluster."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import time

import pytest

from kubectl_pidshare.status import ExitStatus

from .harness import MANIFESTS, Namespace
from .test_cluster import NGINX_CONF_HEAD

# Attribution depends on the cgroup namespace mode: tests/run runs this module in both.
pytestmark = pytest.mark.cgroupns

SEED = MANIFESTS / "share-process-namespace.yaml"
BIG = 200 * 1024 * 1024


def pids(ns: Namespace, pod: str) -> dict[str, int]:
    """command -> pid of every process `kubectl pidshare ps` lists."""
    document = json.loads(ns.pidshare("ps", pod, "-o", "json").stdout)
    return {p["command"]: p["pid"] for p in document["processes"]}


def master_pid(ns: Namespace) -> int:
    """The nginx master of the seed Pod."""
    return pids(ns, "nginx")["nginx: master process nginx -g daemon off;"]


def error_line(proc: subprocess.CompletedProcess[bytes]) -> str:
    """The single stderr line of a refused command (and nothing on stdout)."""
    assert proc.stdout == b""
    text = proc.stderr.decode()
    assert text.count("\n") == 1 and text.endswith("\n"), text
    return text.rstrip("\n")


def test_cat_prints_the_seed_config(namespace: Namespace) -> None:
    namespace.apply(SEED, wait_for=("nginx",))
    master = master_pid(namespace)

    proc = namespace.pidshare("cat", "nginx", str(master), "/etc/nginx/nginx.conf")
    assert proc.stderr == b""
    assert proc.stdout.startswith(NGINX_CONF_HEAD)
    direct = namespace.kubectl("exec", "nginx", "-c", "nginx", "--", "cat",
                               "/etc/nginx/nginx.conf").stdout
    assert proc.stdout == direct


def test_kill_hup_replaces_the_worker(namespace: Namespace) -> None:
    namespace.apply(SEED, wait_for=("nginx",))
    before = pids(namespace, "nginx")
    master = before["nginx: master process nginx -g daemon off;"]
    worker = before["nginx: worker process"]

    proc = namespace.pidshare("kill", "nginx", str(master), "hup", "--expect", "nginx: master")
    assert proc.stdout.decode() == (
        f"sent SIGHUP to PID {master} (nginx: master process nginx -g daemon off;) "
        'in container "nginx"\n'
    )
    deadline = time.monotonic() + 30
    while (after := pids(namespace, "nginx")).get("nginx: worker process") in (None, worker):
        assert time.monotonic() < deadline, f"worker {worker} was not replaced: {after}"
        time.sleep(0.3)
    assert after["nginx: master process nginx -g daemon off;"] == master


def test_kill_refusals(namespace: Namespace) -> None:
    namespace.apply(SEED, wait_for=("nginx",))
    master = master_pid(namespace)

    pid1 = namespace.pidshare("kill", "nginx", "1", "HUP", check=False)
    assert pid1.returncode == ExitStatus.SANDBOX
    assert error_line(pid1).startswith('error: refusing to signal PID 1 of pod "nginx": in a '
                                       "shared process namespace PID 1 is the Pod's sandbox")

    unknown_pid = namespace.pidshare("kill", "nginx", "99999", "HUP", check=False)
    assert unknown_pid.returncode == ExitStatus.NO_SUCH_PROCESS
    assert error_line(unknown_pid) == 'error: no process 99999 in pod "nginx"'

    unknown_signal = namespace.pidshare("kill", "nginx", str(master), "SIGFOO", check=False)
    assert unknown_signal.returncode == 1
    assert error_line(unknown_signal).startswith('error: unknown signal "SIGFOO"')

    reused = namespace.pidshare("kill", "nginx", str(master), "HUP", "--expect", "postgres",
                                check=False)
    assert reused.returncode == ExitStatus.NOT_EXPECTED
    assert "does not match --expect 'postgres'" in error_line(reused)

    forced = namespace.pidshare("kill", "nginx", "1", "0", "--force")
    assert forced.stdout.decode() == "sent signal 0 to PID 1 (/pause) in the sandbox\n"
    assert master_pid(namespace) == master, "nothing else was signalled"


def test_kill_and_cat_say_which_permission_is_missing(namespace: Namespace) -> None:
    namespace.apply(MANIFESTS / "permissions.yaml", wait_for=("perms",))
    seen = pids(namespace, "perms")
    locked = next(pid for cmd, pid in seen.items() if cmd.startswith("sh -c echo secret"))
    reader = next(pid for cmd, pid in seen.items() if cmd.startswith("sh -c echo mine"))

    denied = namespace.pidshare("kill", "perms", str(locked), "0", "--exec-container", "reader",
                                check=False)
    assert denied.returncode == 1
    line = error_line(denied)
    assert line.startswith(f"error: permission denied signalling PID {locked} ")
    assert ('container "reader" runs as uid 1000: a process that is not root has no effective '
            "capability") in line
    assert "CAP_KILL" in line

    no_ptrace = namespace.pidshare("cat", "perms", str(locked), "/secret", "--exec-container",
                                   "reader", check=False)
    assert no_ptrace.returncode == ExitStatus.NO_PTRACE_ACCESS
    assert "CAP_SYS_PTRACE" in error_line(no_ptrace)

    unreadable = namespace.pidshare("cat", "perms", str(reader), "/tmp/closed",
                                    "--exec-container", "reader", check=False)
    assert unreadable.returncode == ExitStatus.PERMISSION_DENIED
    assert error_line(unreadable) == (
        'error: /tmp/closed: permission denied (reading from container "reader")'
    )
    own = namespace.pidshare("cat", "perms", str(locked), "/secret", "--exec-container", "locked")
    assert own.stdout == b"secret\n"


def test_cat_refusals(namespace: Namespace) -> None:
    namespace.apply(SEED, wait_for=("nginx",))
    master = str(master_pid(namespace))

    relative = namespace.pidshare("cat", "nginx", master, "etc/nginx/nginx.conf", check=False)
    assert relative.returncode == 1
    assert error_line(relative).startswith("error: etc/nginx/nginx.conf: the path must be absolute")

    stdout_link = namespace.pidshare("cat", "nginx", master, "/var/log/nginx/access.log",
                                     check=False)
    assert stdout_link.returncode == ExitStatus.SPECIAL_FILE
    assert error_line(stdout_link).startswith(
        "error: /var/log/nginx/access.log is a symlink to /dev/stdout: that is a stream")

    climbing = namespace.pidshare("cat", "nginx", master, "/../../../../etc/passwd")
    assert b"nginx:x:101:101" in climbing.stdout, "`..` stops at the target's root"

    directory = namespace.pidshare("cat", "nginx", master, "/etc", check=False)
    assert (directory.returncode, error_line(directory)) == (
        ExitStatus.IS_A_DIRECTORY, "error: /etc: is a directory")

    missing = namespace.pidshare("cat", "nginx", master, "/nope", check=False)
    assert missing.returncode == ExitStatus.NO_SUCH_FILE
    assert error_line(missing) == f"error: /nope: no such file as PID {master} sees it"

    gone = namespace.pidshare("cat", "nginx", "99999", "/etc/passwd", check=False)
    assert (gone.returncode, error_line(gone)) == (
        ExitStatus.NO_SUCH_PROCESS, 'error: no process 99999 in pod "nginx"')


def test_cat_hostile_path_names_reach_the_file_system_unchanged(namespace: Namespace) -> None:
    namespace.apply(SEED, wait_for=("nginx",))
    master = str(master_pid(namespace))
    name = b"/tmp/a b'\"$(id)`id`\n\xff;*"
    namespace.kubectl("exec", "nginx", "-c", "nginx", "--", "sh", "-c",
                      'printf "x\\000y\\377" > "$(printf "$1")"', "sh",
                      "/tmp/a b'\"$(id)`id`\\n\\377;*")
    proc = namespace.cluster.run("kubectl", "pidshare", "-n", namespace.name, "cat", "nginx",
                                 master, name.decode(errors="surrogateescape"))
    assert proc.stdout == b"x\0y\xff"


def test_cat_streams_a_big_binary_file_byte_exact(namespace: Namespace) -> None:
    namespace.apply(SEED, wait_for=("nginx",))
    master = str(master_pid(namespace))
    namespace.kubectl("exec", "nginx", "-c", "nginx", "--", "sh", "-c",
                      f"head -c {BIG} /dev/urandom > /tmp/big")
    expected = namespace.kubectl("exec", "nginx", "-c", "shell", "--", "sha256sum",
                                 f"/proc/{master}/root/tmp/big").stdout.split()[0].decode()

    # A child Python measures the plugin's peak memory (ru_maxrss of its only child).
    measure = (
        "import hashlib, resource, subprocess, sys\n"
        "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE)\n"
        "h = hashlib.sha256(); n = 0\n"
        "for chunk in iter(lambda: p.stdout.read(1 << 20), b''):\n"
        "    h.update(chunk); n += len(chunk)\n"
        "rc = p.wait()\n"
        "print(h.hexdigest(), n, rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    proc = namespace.cluster.run(sys.executable, "-c", measure, "kubectl", "pidshare", "-n",
                                 namespace.name, "cat", "nginx", master, "/tmp/big")
    digest, size, status, peak_kib = proc.stdout.decode().split()
    assert (digest, int(size), int(status)) == (expected, BIG, 0)
    assert int(peak_kib) < 100 * 1024, f"peak memory {int(peak_kib) // 1024} MiB for 200 MiB"


def test_ps_kill_and_cat_from_a_container_with_only_sh_and_grep(namespace: Namespace) -> None:
    """pidshare/sh-grep:1 holds dash and grep, nothing else: ps, kill and cat work from it,
    and USER is the same whichever container runs the probe."""
    namespace.apply(MANIFESTS / "sh-grep.yaml", wait_for=("shgrep",))
    assert namespace.kubectl("exec", "shgrep", "-c", "tools", "--", "tr", "a", "b",
                             check=False).returncode
    seen = []
    for runner in ("tools", "nginx"):
        document = json.loads(namespace.pidshare("ps", "shgrep", "-o", "json",
                                                 "--exec-container", runner).stdout)
        assert document["probeContainer"] == runner
        seen.append([(p["container"], p["user"], p["command"]) for p in document["processes"]])
    assert seen[0] == seen[1] == [
        ("(sandbox)", "65535", "/pause"),
        ("nginx", "root", "nginx: master process nginx -g daemon off;"),
        ("nginx", "nginx", "nginx: worker process"),
        ("tools", "root", "sh"),
    ]
    master = str(pids(namespace, "shgrep")["nginx: master process nginx -g daemon off;"])
    tools = ("--exec-container", "tools")
    sent = namespace.pidshare("kill", "shgrep", master, "0", "--expect", "nginx: master", *tools)
    assert sent.stdout.decode() == (f"sent signal 0 to PID {master} (nginx: master process nginx "
                                    '-g daemon off;) in container "nginx"\n')
    namespace.kubectl("exec", "shgrep", "-c", "nginx", "--", "sh", "-c",
                      "printf 'a\\000b\\000' >/tmp/nul-end; printf 'a\\000b' >/tmp/plain; "
                      ": >/tmp/empty; head -c 1048576 /dev/urandom >/tmp/random")
    for path in ("/etc/nginx/nginx.conf", "/tmp/nul-end", "/tmp/plain", "/tmp/empty",
                 "/tmp/random"):
        direct = namespace.kubectl("exec", "shgrep", "-c", "nginx", "--", "cat", path).stdout
        assert namespace.pidshare("cat", "shgrep", master, path, *tools).stdout == direct, path
    link = namespace.pidshare("cat", "shgrep", master, "/var/log/nginx/access.log", *tools,
                              check=False)
    assert (link.returncode, error_line(link)) == (
        ExitStatus.NO_READLINK, 'error: /var/log/nginx/access.log is a symlink and container '
        '"tools" has no readlink to follow it: use --exec-container with a container that has '
        "one")


def test_a_non_root_runner_with_added_capabilities_is_told_what_works(
        namespace: Namespace) -> None:
    """"app" runs as uid 1000 with KILL and SYS_PTRACE added, which give a non-root process
    nothing: run from it (without --exec-container the kernel's refusal is retried from "web"
    and the signal goes through), the advice says so, from its real capabilities, and what it
    advises works."""
    namespace.apply(MANIFESTS / "nonroot.yaml", wait_for=("nonroot",))
    web = str(next(pid for cmd, pid in pids(namespace, "nonroot").items()
                   if cmd.startswith("sh -c echo hello")))
    lacks = ('container "app" runs as uid 1000: a process that is not root has no effective '
             "capability, whatever securityContext.capabilities.add says (its CapEff is empty); ")
    works = ("run from a container of that uid (--exec-container web); or run from a ")
    chosen = ("--exec-container", "app")
    denied = namespace.pidshare("kill", "nonroot", web, "HUP", *chosen, check=False)
    assert denied.returncode == 1
    line = error_line(denied)
    assert line.startswith(f"error: permission denied signalling PID {web} "), line
    assert lacks + "signalling a process of uid 2000 needs the same uid or CAP_KILL: " in line
    assert works in line and line.endswith("--debug-image IMAGE --debug-profile general")

    unreadable = namespace.pidshare("cat", "nonroot", web, "/tmp/page", *chosen, check=False)
    assert unreadable.returncode == ExitStatus.NO_PTRACE_ACCESS
    line = error_line(unreadable)
    assert line.startswith(f"error: cannot read the files of PID {web}: {lacks}reading the "
                           "files of a process of uid 2000 needs the same uid and group and a "
                           "dumpable process or CAP_SYS_PTRACE: "), line
    assert works in line

    advice = re.search(r"of that uid \((--exec-container \S+)\)", line)
    assert advice is not None
    advised = shlex.split(advice[1])
    assert advised == ["--exec-container", "web"]
    namespace.pidshare("kill", "nonroot", web, "HUP", *advised)
    deadline = time.monotonic() + 10
    while namespace.pidshare("cat", "nonroot", web, "/tmp/page", *advised).stdout != (
            b"hello\nreloaded\n"):
        assert time.monotonic() < deadline, "the HUP never reached the trap"
        time.sleep(0.5)
