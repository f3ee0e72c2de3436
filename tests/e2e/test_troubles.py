"""What pidshare says and does when things are broken or hostile, against the real cluster.

One table: each row is a command line, the exit status, the one stderr line (nothing for a
success; a usage error's second line, kubectl's `See '… --help' for usage.`, is checked apart),
and what stdout must hold. docs/troubleshooting.md lists the same rows (troubles_table(), kept
equal by tests/unit/test_docs.py). Then what no table row can show: after Ctrl-C, a deadline and
a closed stdout nothing of pidshare's keeps running in the Pod; a Pod deleted mid-`cat`; and
1,000 `cat`s racing a container that swaps a path component between a directory and a link to
`/`.
"""

from __future__ import annotations

import io
import json
import re
import signal
import socket
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Union

import pytest
import yaml

from kubectl_pidshare.cat import CatOptions, cat
from kubectl_pidshare.cluster.configflags import ConfigFlags
from kubectl_pidshare.cluster.targets import SUBDOMAIN_RULE
from kubectl_pidshare.errors import PidshareError
from kubectl_pidshare.pod.aim import Aim
from kubectl_pidshare.session import connect
from kubectl_pidshare.status import ExitStatus

from .harness import MANIFESTS, ROOT, Cluster, Namespace, crashed, fresh_namespace, while_down
from .test_runners import HOST_PID

PENDING = """\
apiVersion: v1
kind: Pod
metadata: {name: pending}
spec:
  shareProcessNamespace: true
  nodeSelector: {pidshare.test/nowhere: "true"}
  containers: [{name: shell, image: "busybox:1.28", command: ["sleep", "3600"]}]
"""
SPARSE = 1 << 30
Format = Callable[[str], str]
Check = Callable[[bytes, Format], bool]

SEE = re.compile(r"\nSee 'kubectl pidshare( \w+)? --help' for usage\.\n\Z")


@dataclass(frozen=True)
class Trap:
    """The namespace holding the trap Pod (and the others rows need), and what rows refer to:
    PIDs by name, and kubeconfigs for other users and servers."""

    ns: Namespace
    refs: dict[str, str]

    def format(self, text: str) -> str:
        """text with {name} replaced by what it refers to."""
        return text.format(ns=self.ns.name, **self.refs)


def _pids(ns: Namespace) -> dict[str, str]:
    document = json.loads(ns.pidshare("ps", "trap", "-o", "json").stdout)
    found: dict[str, str] = {}
    for process in document["processes"]:
        command, container = process["command"], process["container"]
        if command == "sleep 100002":
            found["sleep"] = str(process["pid"])
        elif command.startswith("sh -c while :; do sleep 3602"):
            found["twolines"] = str(process["pid"])
        elif command.startswith("sh -c while :; do sleep 3603"):
            found["long"] = str(process["pid"])
        elif process["ppid"] == 0 and container in ("fifo", "zero", "files", "racer"):
            found[container] = str(process["pid"])
    assert len(found) == 7, document
    web = json.loads(ns.pidshare("ps", "nonroot", "-c", "web", "-o", "json").stdout)
    found["web"] = str(web["processes"][0]["pid"])
    seed = json.loads(ns.pidshare("ps", "nginx", "-c", "nginx", "-o", "json").stdout)
    found["master"] = str(seed["processes"][0]["pid"])
    return found


def _kubeconfig(tmp: Path, name: str, source: str, **cluster: object) -> str:
    config = yaml.safe_load(Path(source).read_text())
    config["clusters"][0]["cluster"].update(cluster)
    path = tmp / f"{name}.kubeconfig"
    path.write_text(yaml.safe_dump(config))
    return str(path)


@pytest.fixture(scope="module")
def silent_server() -> Iterator[int]:
    """A port on loopback that accepts TCP connections and never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]


@pytest.fixture(scope="module")
def trap(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory,
         silent_server: int) -> Iterator[Trap]:
    """The trap Pod, the seed's nginx, a Pod apart, a Pending one and one without a shell."""
    tmp = tmp_path_factory.mktemp("trap")
    with fresh_namespace(cluster, "trap") as ns:
        ns.apply(MANIFESTS / "share-process-namespace.yaml")
        ns.apply(MANIFESTS / "not-shared.yaml")
        ns.apply(MANIFESTS / "distroless.yaml")
        ns.apply(PENDING)
        ns.apply(HOST_PID)
        ns.apply(MANIFESTS / "crashy.yaml")
        ns.apply(MANIFESTS / "nonroot.yaml")
        ns.apply(MANIFESTS / "trap.yaml",
                 wait_for=("trap", "nginx", "apart", "bare", "hostpid", "nonroot"))
        crashed(ns, "crashy", "app")
        admin = cluster.env["KUBECONFIG"]
        nobody = tmp / "nobody.kubeconfig"
        nobody.write_bytes(cluster.run(str(ROOT / "tests" / "cluster" / "kubeconfig-for"),
                                       "nobody").stdout)
        refs = dict(
            _pids(ns),
            refused=_kubeconfig(tmp, "refused", admin, server="https://127.0.0.1:1"),
            silent=_kubeconfig(tmp, "silent", admin,
                               server=f"https://127.0.0.1:{silent_server}"),
            nobody=str(nobody),
        )
        yield Trap(ns, refs)


def whole(expected: Union[str, bytes]) -> Check:
    """stdout is exactly expected (text with {references} filled in, or bytes as they are)."""
    return lambda out, fill: out == (fill(expected).encode() if isinstance(expected, str)
                                     else expected)


def has(*parts: str) -> Check:
    """stdout holds every part, {references} filled in."""
    return lambda out, fill: all(fill(part).encode() in out for part in parts)


def empty(out: bytes, fill: Format) -> bool:
    """Nothing on stdout."""
    return out == b""


def _json_whole(out: bytes, fill: Format) -> bool:
    commands = [p["command"] for p in json.loads(out)["processes"]]
    return any(c.endswith("x" * 102400) for c in commands) and any("two\\nlines" in c
                                                                 for c in commands)


def _yaml_loads(out: bytes, fill: Format) -> bool:
    return {p["container"] for p in yaml.safe_load(out)["processes"]} >= {"fifo", "zero"}


@dataclass(frozen=True)
class Row:
    """One command line, run as `kubectl pidshare ARGS` (or, with shell, as a shell command
    with $PIDSHARE standing for `kubectl pidshare -n NS`), and how it must end."""

    args: Union[tuple[str, ...], str]
    status: int
    stderr: str = ""
    stdout: Check = field(default=empty)
    within: float = 60


def special(link: str, target: str, container: str = "files") -> str:
    """cat's line for a link to a stream or a kernel file of a process of container."""
    return (f"error: {link} is a symlink to {target}: that is a stream or a kernel file of the "
            "process, not a file in its root; for a container's output use: kubectl logs trap "
            f"-n {{ns}} -c {container}")


CRASHING = (r'container "app" of pod "crashy" is not running \((CrashLoopBackOff|Error), last '
            r"exit code 3\): see kubectl logs crashy -n {ns} -c app( --previous)?")
NOT_ROOT = ('container "app" runs as uid 1000: a process that is not root has no effective '
            "capability, whatever securityContext.capabilities.add says \\(its CapEff is "
            "empty\\); ")
ADVICE = (": run from a container of that uid \\(--exec-container web\\); or run from a "
          ".*; or pass --debug-image IMAGE --debug-profile general")
EMPTY_LIST = ('{{\n    "apiVersion": "v1",\n    "items": [],\n    "kind": "List",\n    '
              '"metadata": {{\n        "resourceVersion": ""\n    }}\n}}\n')


def invalid_name(name: str) -> str:
    """The usage line for a Pod name the API server would refuse, in its words."""
    return f'error: invalid pod name "{name}": {SUBDOMAIN_RULE}'


ROWS = {
    # Configuration and server
    "kubeconfig-missing": Row(("--kubeconfig", "/nonexistent", "ps", "trap"), 1,
                              "error: stat /nonexistent: no such file or directory"),
    "context-unknown": Row(("--context", "nope", "ps", "trap"), 1,
                           'error: context "nope" does not exist'),
    "cluster-unknown": Row(("--cluster", "nope", "ps", "trap"), 1,
                           'error: cluster "nope" does not exist'),
    "user-unknown": Row(("--user", "nope", "ps", "trap"), 1,
                        "error: auth info \"nope\" does not exist"),
    "server-refused": Row(("--kubeconfig", "{refused}", "ps", "trap"), 1,
                          "The connection to the server 127.0.0.1:1 was refused - did you "
                          "specify the right host or port?"),
    "server-silent": Row(("--kubeconfig", "{silent}", "--request-timeout", "2s", "ps", "trap"),
                         1, r"re:error: timed out waiting for the server \(see "
                         r"--request-timeout\): .*", within=15),
    "request-timeout-bad": Row(("--request-timeout", "soon", "ps", "trap"), 2,
                               r're:error: invalid argument "soon" for "--request-timeout" '
                               r"flag: .*"),
    "namespace-missing": Row(("-n", "nope-no-such-ns", "ps", "trap"), 1,
                             'Error from server (NotFound): namespaces "nope-no-such-ns" not '
                             "found"),
    "pod-missing-ps": Row(("ps", "nope"), 1, 'Error from server (NotFound): pods "nope" not found'),
    "pod-missing-kill": Row(("kill", "nope", "7"), 1,
                            'Error from server (NotFound): pods "nope" not found'),
    "pod-missing-cat": Row(("cat", "nope", "7", "/etc/passwd"), 1,
                           'Error from server (NotFound): pods "nope" not found'),
    "rbac-forbidden": Row(("--kubeconfig", "{nobody}", "ps", "trap"), 1,
                          'Error from server (Forbidden): pods "trap" is forbidden: User "nobody" '
                          'cannot get resource "pods" in API group "" in the namespace "{ns}"'),
    # Pod states
    "pod-not-shared": Row(("ps", "apart"), 0,
                          'warning: pod "apart" does not share its process namespace; showing '
                          'only what container "web" can see', stdout=has("web")),
    "pod-pending": Row(("ps", "pending"), 1, r're:error: pod "pending" is Pending.*'),
    "pod-without-shell": Row(("ps", "bare"), 1, r're:error: no container of pod "bare" .*'),
    "pod-host-pid": Row(("ps", "hostpid"), 0, 'note: pod "hostpid" shares the node\'s process '
                        "namespace (hostPID): the listing includes the node's processes, as "
                        "(node)", stdout=has("(node)", "main")),
    "debug-image-not-needed": Row(("ps", "nginx", "--debug-image", "busybox:1.28"), 0,
                                  "not adding a debug container (--debug-image busybox:1.28): "
                                  'container "shell" of pod "nginx" can run the script',
                                  stdout=has("nginx: master process")),
    "container-crash-looping": Row(("ps", "crashy"), 0, f"re:warning: {CRASHING}",
                                   stdout=has("shell")),
    "container-not-running": Row(("ps", "crashy", "-c", "app"), 0, f"re:warning: {CRASHING}",
                                 stdout=whole("No processes found.\n")),
    "container-not-running-kill": Row(("kill", "crashy", "container/app"), 64,
                                      f"re:error: {CRASHING}"),
    "ps-json-no-match": Row(("ps", "-l", "app=none", "-o", "json"), 0, stdout=whole(EMPTY_LIST)),
    # Arguments
    "ps-no-pod": Row(("ps",), 2, "error: you must specify at least one of POD, TYPE/NAME, "
                     "-l/--selector or -A (kubectl pidshare ps -h shows examples)"),
    "pod-name-with-a-slash": Row(("ps", "nginx/status"), 2, invalid_name("nginx/status")),
    "pod-name-a-path": Row(("cat", "done/log", "7", "/etc/passwd"), 2,
                           invalid_name("done/log")),
    "pod-name-upper-case": Row(("kill", "Nginx", "7"), 2, invalid_name("Nginx")),
    "pod-name-empty": Row(("ps", ""), 2, "error: resource name may not be empty"),
    "kill-pid-zero": Row(("kill", "trap", "0"), 2,
                         'error: invalid process "0": a PID (1 or more), or container/NAME for '
                         "that container's main process"),
    "kill-pid-word": Row(("kill", "trap", "eight"), 2,
                         'error: invalid process "eight": a PID (1 or more), or container/NAME '
                         "for that container's main process"),
    "kill-signal-unknown": Row(("kill", "trap", "{files}", "BOGUS"), 1,
                               'error: unknown signal "BOGUS": use a name such as HUP or TERM, '
                               "or a number (list them with: kubectl pidshare kill -l)"),
    "kill-expect-empty": Row(("kill", "trap", "{files}", "--expect", ""), 2,
                             'error: invalid argument "" for "--expect" flag: must not be '
                             "empty: it would match any process (leave it out to signal the "
                             "PID without a check)"),
    "cat-relative": Row(("cat", "trap", "{files}", "data/text"), 1,
                        "error: data/text: the path must be absolute, as PID {files} sees it "
                        "(for example /data/text)"),
    "kill-signal-as-server": Row(("kill", "trap", "{files}", "-s", "HUP"), 2,
                                 'error: -s is --server, the API server\'s address, and "HUP" '
                                 "is a signal: the signal goes after the PID (kubectl pidshare "
                                 "kill trap {files} HUP)"),
    "kill-signal-as-flag": Row(("kill", "-9", "trap", "{files}"), 2,
                               "error: -9 is a signal, not a flag: the signal goes after the PID "
                               "(kubectl pidshare kill trap {files} 9)"),
    "kill-pid-several-pods": Row(("kill", "deploy/trap", "{files}"), 2,
                                 "error: PID {files} names a process of one Pod, and PIDs differ "
                                 "from Pod to Pod: aim at several Pods with container/NAME (that "
                                 "container's main process in each)"),
    "watch-with-output": Row(("ps", "trap", "-w", "-o", "json"), 2,
                             "error: -w/--watch draws the live table, as kubectl pidshare top: "
                             "it takes no -o json (kubectl pidshare ps -o json prints one "
                             "snapshot)"),
    "flag-unknown": Row(("ps", "trap", "--bogus"), 2, "error: unknown flag: --bogus"),
    "command-unknown": Row(("exec", "trap"), 2,
                           'error: unknown command "exec" for "kubectl pidshare"'),
    "version-client": Row(("version", "--client"), 0, stdout=has("kubectl-pidshare")),
    "kill-list": Row(("kill", "-l"), 0, stdout=has(" 1) HUP", "15) TERM")),
    "seed-ps": Row(("ps", "nginx"), 0, stdout=has("nginx: worker process")),
    "seed-ports": Row(("ports", "nginx", "--listen"), 0, stdout=has("0.0.0.0:80", "nginx: master")),
    "fds-without-a-process": Row(("fds", "trap"), 2,
                                 "error: fds takes POD and a PID or container/NAME (with "
                                 "--deleted, Pods as ps takes them: kubectl pidshare fds -h "
                                 "shows examples)"),
    "fds-no-such-pid": Row(("fds", "trap", "99999"), 64, 'error: no process 99999 in pod "trap"'),
    "fds-deleted-none": Row(("fds", "trap", "--deleted"), 0,
                            stdout=whole("No deleted files held open.\n")),
    # ps over hostile containers: a FIFO and /dev/zero as /etc/passwd cost nothing
    "ps-fifo-and-zero-passwd": Row(("ps", "trap"), 0, stdout=has("fifo", "zero", "racer"),
                                   within=20),
    "ps-json-keeps-everything": Row(("ps", "trap", "-o", "json"), 0, stdout=_json_whole),
    "ps-yaml": Row(("ps", "trap", "-o", "yaml"), 0, stdout=_yaml_loads),
    "ps-piped-keeps-the-long-argument": Row(("ps", "trap"), 0, stdout=has("x" * 102400)),
    "ps-wide": Row(("ps", "trap", "-o", "wide"), 0, stdout=has("two\\nlines")),
    # kill
    "kill-sandbox": Row(("kill", "trap", "1"), 66,
                        r're:error: refusing to signal PID 1 of pod "trap": in a shared process '
                        r"namespace PID 1 is the Pod's sandbox.*"),
    "kill-sandbox-says-the-signal": Row(
        ("kill", "trap", "1", "TERM"), 66, 'error: refusing to signal PID 1 of pod "trap": in a '
        "shared process namespace PID 1 is the Pod's sandbox (/pause), not an application: "
        "`kill -TERM 1` does not reach your program. Pass --force to signal it anyway"),
    "kill-long-command-line-cut": Row(
        ("kill", "trap", "{long}", "0"), 0, stdout=whole(
            "sent signal 0 to PID {long} (sh -c while :; do sleep 3603; done "
            + "x" * 44 + '…) in container "files"\n')),
    "kill-non-root-runner": Row(
        ("kill", "nonroot", "{web}", "HUP", "--exec-container", "app"), 1,
        r're:error: permission denied signalling PID {web} \(.*\) in container "web": '
        + NOT_ROOT + "signalling a process of uid 2000 needs the same uid or CAP_KILL" + ADVICE),
    "cat-non-root-runner": Row(
        ("cat", "nonroot", "{web}", "/tmp/page", "--exec-container", "app"), 67,
        "re:error: cannot read the files of PID {web}: " + NOT_ROOT + "reading the files of a "
        "process of uid 2000 needs the same uid and group and a dumpable process or "
        "CAP_SYS_PTRACE" + ADVICE),
    "kill-sandbox-forced": Row(("kill", "trap", "1", "0", "--force"), 0,
                               stdout=whole(b"sent signal 0 to PID 1 (/pause) in the sandbox\n")),
    "kill-node-process": Row(("kill", "hostpid", "1", "0"), 66,
                             r're:error: refusing to signal PID 1 \(.*\) of pod "hostpid": it '
                             r"belongs to no container of the Pod; the Pod shares the node's "
                             r"process namespace \(hostPID\).*"),
    "kill-no-such-pid": Row(("kill", "trap", "99999", "0"), 64,
                            'error: no process 99999 in pod "trap"'),
    "kill-uncaught": Row(("kill", "trap", "{sleep}", "HUP"), 80,
                         "error: process {sleep} (sleep 100002) does not catch SIGHUP: its "
                         "default action would terminate it; pass --force to send it anyway"),
    "kill-ignored": Row(("kill", "nginx", "{master}", "PIPE"), 81,
                        "error: process {master} (nginx: master process nginx -g daemon off;) "
                        "ignores SIGPIPE: nothing would happen; pass --force to send it anyway"),
    "kill-dry-run": Row(("kill", "nginx", "{master}", "HUP", "--dry-run"), 0, stdout=whole(
        "would send SIGHUP to PID {master} (nginx: master process nginx -g daemon off;) in "
        'container "nginx", which catches it (dry run: nothing sent)\n')),
    "ps-signals": Row(("ps", "nginx", "-o", "signals", "-c", "nginx"), 0,
                      stdout=has("CAUGHT", "IGNORED", "BLOCKED", "PIPE")),
    "expect-joined-arguments": Row(
        ("kill", "trap", "{sleep}", "0", "--expect", "sleep 100002"), 0,
        stdout=whole('sent signal 0 to PID {sleep} (sleep 100002) in container "files"\n')),
    "expect-literal-not-regex": Row(
        ("kill", "trap", "{sleep}", "0", "--expect", "sleep.*"), 65,
        "error: PID {sleep} (sleep 100002) in container \"files\" does not match --expect "
        "'sleep.*': not signalled (the PID may have been reused)"),
    "expect-spacing-matters": Row(
        ("kill", "trap", "{sleep}", "0", "--expect", "sleep  100002"), 65,
        "error: PID {sleep} (sleep 100002) in container \"files\" does not match --expect "
        "'sleep  100002': not signalled (the PID may have been reused)"),
    "expect-newline-is-not-an-alternative": Row(
        ("kill", "trap", "{sleep}", "0", "--expect", "nothing\nsleep"), 65,
        "error: PID {sleep} (sleep 100002) in container \"files\" does not match --expect "
        "'nothing\\nsleep': not signalled (the PID may have been reused)"),
    "expect-newline-matches-itself": Row(
        ("kill", "trap", "{twolines}", "0", "--expect", "two\nlines"), 0,
        stdout=has("sent signal 0 to PID {twolines} ")),
    # cat
    "cat-text": Row(("cat", "trap", "{files}", "/data/text"), 0, stdout=whole(b"hello\n")),
    "cat-binary": Row(("cat", "trap", "{files}", "/data/binary"), 0,
                      stdout=whole(b"a\0b\377c")),
    "cat-absolute-link": Row(("cat", "trap", "{files}", "/data/abs-text"), 0,
                             stdout=whole(b"hello\n")),
    "cat-relative-link": Row(("cat", "trap", "{files}", "/data/rel-text"), 0,
                             stdout=whole(b"hello\n")),
    "cat-dot-dot": Row(("cat", "trap", "{files}", "/data/../../data/./text"), 0,
                       stdout=whole(b"hello\n")),
    "cat-fifo": Row(("cat", "trap", "{files}", "/data/fifo"), 72,
                    "error: /data/fifo: not a regular file (a device, a pipe or a socket)"),
    "cat-link-to-dev": Row(("cat", "trap", "{files}", "/data/devnull"), 69,
                           special("/data/devnull", "/dev/null")),
    "cat-relative-link-to-proc": Row(("cat", "trap", "{files}", "/data/rel-proc"), 69,
                                     special("/data/rel-proc", "/proc/1/environ")),
    "cat-absolute-link-to-proc": Row(("cat", "trap", "{files}", "/data/abs-proc"), 69,
                                     special("/data/abs-proc", "/proc/1/environ")),
    "cat-proc-asked-for": Row(("cat", "trap", "{sleep}", "/proc/{sleep}/cmdline"), 0,
                              stdout=whole(b"sleep\x00100002\x00")),
    "cat-directory": Row(("cat", "trap", "{files}", "/data/dir"), 71,
                         "error: /data/dir: is a directory"),
    "cat-root": Row(("cat", "trap", "{files}", "/"), 71, "error: /: is a directory"),
    "cat-loop": Row(("cat", "trap", "{files}", "/data/loop"), 68,
                    "error: too many levels of symbolic links at /data/loop"),
    "cat-missing": Row(("cat", "trap", "{files}", "/data/nope"), 70,
                       "error: /data/nope: no such file as PID {files} sees it"),
    "cat-through-a-file": Row(("cat", "trap", "{files}", "/data/text/x"), 70,
                              "error: /data/text/x: no such file as PID {files} sees it"),
    "cat-passwd-fifo": Row(("cat", "trap", "{fifo}", "/etc/passwd"), 72,
                           "error: /etc/passwd: not a regular file (a device, a pipe or a "
                           "socket)"),
    "cat-passwd-zero": Row(("cat", "trap", "{zero}", "/etc/passwd"), 69,
                           special("/etc/passwd", "/dev/zero", "zero")),
    "cat-target-root-not-runner-root": Row(("cat", "trap", "{racer}", "/f"), 0,
                                           stdout=whole(b"TARGET-ROOT\n")),
    "cat-no-such-pid": Row(("cat", "trap", "99999", "/etc/passwd"), 64,
                           'error: no process 99999 in pod "trap"'),
    # env and audit
    "env-no-such-pid": Row(("env", "trap", "99999"), 64, 'error: no process 99999 in pod "trap"'),
    "env-pid-word": Row(("env", "trap", "eight"), 2,
                        'error: invalid process "eight": a PID (1 or more), or container/NAME '
                        "for that container's main process"),
    "env-of-a-process": Row(("env", "trap", "{sleep}"), 0, stdout=has("PATH=")),
    "audit-no-target": Row(("audit",), 2,
                           "error: you must specify at least one of POD, TYPE/NAME, "
                           "-l/--selector, -A or -f FILE (kubectl pidshare audit -h shows "
                           "examples)"),
    "audit-pods-and-file": Row(("audit", "trap", "-f", "pod.yaml"), 2,
                               "error: give Pods (POD, TYPE/NAME, -l, -A) or -f FILE, not both"),
    "audit-file-missing": Row(("audit", "-f", "/nonexistent"), 1,
                              'error: the path "/nonexistent" does not exist'),
    "audit-fail-on": Row(("audit", "trap", "--fail-on", "warning"), 76,
                         "error: findings at level warning or above (--fail-on warning)",
                         stdout=has("runs-as-root", "shared-namespace")),
    # Local output and deadlines
    "cat-deadline": Row("$PIDSHARE --request-timeout=1s cat trap {files} /data/sparse >/dev/null",
                        1, 'error: gave up on the command in container "shell" after 1s (see '
                        "--request-timeout); it was stopped", within=15),
    "cat-disk-full": Row("$PIDSHARE cat trap {files} /data/text >/dev/full", 1,
                         "error: writing to standard output: No space left on device"),
    "ps-disk-full": Row("$PIDSHARE ps trap >/dev/full", 1,
                        "error: writing to standard output: No space left on device"),
    "cat-closed-stdout": Row("$PIDSHARE cat trap {files} /data/sparse | head -c 10 >/dev/null; "
                             'exit "${{PIPESTATUS[0]}}"', 141),
    # ls and cp
    "ls-traps": Row(("ls", "trap", "{files}", "/data"), 0, stdout=has(
        " abs-proc -> /proc/1/environ\n", " devnull -> /dev/null\n", "prw-r--r-- ",
        " 1073741824 ")),
    "ls-limit": Row(("ls", "trap", "{files}", "/", "-R", "--limit", "5"), 77,
                    "error: listed the first 5 entries and stopped: use --limit to list more",
                    stdout=has(" bin\n")),
    "ls-link-to-proc": Row(("ls", "trap", "{files}", "/data/abs-proc"), 69,
                           special("/data/abs-proc", "/proc/1/environ")),
    "ls-missing": Row(("ls", "trap", "{files}", "/data/nope"), 70,
                      "error: /data/nope: no such file as PID {files} sees it"),
    "cp-fifo-skipped": Row('$PIDSHARE cp trap {files} /data/fifo "$(mktemp -d)/x"', 0,
                           "cp: /data/fifo: a special file (device, pipe or socket): skipped"),
    "cp-existing-file": Row('$PIDSHARE cp trap {files} /data/text "$(mktemp)"', 77,
                            "cp: /data/text: not copied: it exists here (use --force to replace "
                            "it)\nerror: 1 entry was not copied (listed above)"),
    "cp-onto-a-file": Row('$PIDSHARE cp trap {files} /data/dir "$(mktemp)"', 1,
                          "re:error: /tmp/tmp\\.[A-Za-z0-9]+: exists and is not a directory"),
    "cp-relative-path": Row(("cp", "trap", "{files}", "data", "x"), 1,
                            "error: data: the path must be absolute, as PID {files} sees it "
                            "(for example /data)"),
}


def _run(trap: Trap, row: Row) -> subprocess.CompletedProcess[bytes]:
    env = dict(trap.ns.cluster.env, PIDSHARE=f"kubectl pidshare -n {trap.ns.name}")
    if isinstance(row.args, str):
        argv = ["bash", "-c", trap.format(row.args)]
    else:
        argv = ["kubectl", "pidshare", "-n", trap.ns.name, *map(trap.format, row.args)]
    return subprocess.run(argv, env=env, capture_output=True, timeout=row.within, check=False)


# The rows about the hostPID Pod: the node's own processes may hold zombies at any moment (its
# init did once, in a CI run), and a note on each such parent may come beside the row's line.
NODE_ROWS = frozenset({"pod-host-pid"})
NODE_ZOMBIES = re.compile(r'note: pod "hostpid": PID \d+ \(.*\) in the node holds \d+ '
                          r"zomb(ie|ies) \(.*\n")

# The rows about crashy's crash-looping container, run while it is down.
CRASH_LOOPING = frozenset({
    "container-crash-looping", "container-not-running", "container-not-running-kill"})

# The rows whose outcome names a process's container: tests/run runs them in both cgroup
# namespace modes, the others in the host mode only.
ATTRIBUTED = frozenset({
    "pod-not-shared", "seed-ps", "ps-fifo-and-zero-passwd", "ps-json-keeps-everything", "ps-yaml",
    "ps-piped-keeps-the-long-argument", "ps-wide", "kill-sandbox-forced",
    "expect-joined-arguments", "expect-literal-not-regex", "expect-spacing-matters",
    "expect-newline-is-not-an-alternative", "expect-newline-matches-itself", "pod-host-pid",
    "kill-node-process", "container-crash-looping", "kill-long-command-line-cut",
    "kill-non-root-runner", "kill-dry-run", "cat-link-to-dev", "cat-relative-link-to-proc",
    "cat-absolute-link-to-proc", "cat-passwd-zero", "seed-ports",
    "ls-link-to-proc",
})


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=pytest.mark.cgroupns) if name in ATTRIBUTED else name
    for name in ROWS])
def test_row(trap: Trap, name: str) -> None:
    row = ROWS[name]
    if name in CRASH_LOOPING:
        proc = while_down(trap.ns, "crashy", "app", lambda: _run(trap, row))
    else:
        proc = _run(trap, row)
    stderr = proc.stderr.decode(errors="replace")
    if name in NODE_ROWS:
        stderr = NODE_ZOMBIES.sub("", stderr)
    expected = trap.format(row.stderr)
    see = SEE.search(stderr)
    if see is not None:
        assert row.status == ExitStatus.USAGE, stderr
        stderr = stderr[:see.start() + 1]
    if expected.startswith("re:"):
        assert re.fullmatch(expected[3:] + "\n", stderr), stderr
    else:
        assert stderr == (expected + "\n" if expected else ""), stderr
    assert proc.returncode == row.status, stderr
    assert row.stdout(proc.stdout, trap.format), proc.stdout[:300]


def test_there_are_sixty_rows() -> None:
    assert len(ROWS) >= 60
    assert set(ATTRIBUTED) <= set(ROWS), set(ATTRIBUTED) - set(ROWS)
    assert set(CRASH_LOOPING) <= set(ROWS), set(CRASH_LOOPING) - set(ROWS)
    assert set(NODE_ROWS) <= set(ROWS), set(NODE_ROWS) - set(ROWS)


def leftovers(trap: Trap) -> list[str]:
    """pidshare's processes still in the Pod (its scripts are `sh -c … pidshare-NAME`, and their
    cat), after waiting up to 15 s for the connection's end to reach the Pod."""
    deadline = time.monotonic() + 15
    while True:
        listing = trap.ns.kubectl("exec", "trap", "-c", "shell", "--", "ps", "-o", "pid,args")
        found = [line for line in listing.stdout.decode().splitlines()[1:]
                 if "pidshare-" in line or line.split(None, 1)[1:] == ["cat"]]
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


def _streaming(trap: Trap) -> subprocess.Popen[bytes]:
    """`cat` of the 1 GiB sparse file, stdout a pipe, once it has started streaming."""
    proc = subprocess.Popen(
        ["kubectl", "pidshare", "-n", trap.ns.name, "cat", "trap", trap.refs["files"],
         "/data/sparse"], env=trap.ns.cluster.env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE)
    assert proc.stdout is not None
    assert len(proc.stdout.read(1 << 20)) == 1 << 20
    return proc


def test_ctrl_c_leaves_nothing_in_the_pod(trap: Trap) -> None:
    proc = _streaming(trap)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert (proc.returncode, err) == (130, b"")
    assert leftovers(trap) == []


def test_a_closed_stdout_leaves_nothing_in_the_pod(trap: Trap) -> None:
    proc = _streaming(trap)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    assert proc.wait(timeout=30) == 141
    assert proc.stderr.read() == b""
    assert leftovers(trap) == []


def test_a_deadline_leaves_nothing_in_the_pod(trap: Trap) -> None:
    proc = _run(trap, ROWS["cat-deadline"])
    assert proc.returncode == 1, proc.stderr
    assert leftovers(trap) == []


def test_a_pod_deleted_during_cat_is_said(cluster: Cluster) -> None:
    with fresh_namespace(cluster, "victim") as ns:
        ns.apply((MANIFESTS / "trap.yaml").read_text().replace("name: trap", "name: victim"),
                 wait_for=("victim",))
        files = _pids_of(ns, "victim")
        proc = subprocess.Popen(["kubectl", "pidshare", "-n", ns.name, "cat", "victim", files,
                                 "/data/sparse"], env=cluster.env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        assert proc.stdout is not None and proc.stderr is not None
        assert len(proc.stdout.read(1 << 20)) == 1 << 20
        ns.kubectl("delete", "pod", "victim", "--grace-period=1", "--wait=false")
        received = 1 << 20
        while chunk := proc.stdout.read(1 << 20):
            received += len(chunk)
        assert proc.wait(timeout=60) != 0
        line = proc.stderr.read().decode()
        assert received < SPARSE
        assert re.fullmatch(r"error: (the exec stream ended early: .* \(pod deleted\?\)|the "
                            r"remote cat was killed by SIG[A-Z]+ \(exit 1[34][0-9]\): the pod was "
                            r"deleted or its container restarted\? The output is incomplete)\n",
                            line), line


def _pids_of(ns: Namespace, pod: str) -> str:
    document = json.loads(ns.pidshare("ps", pod, "-o", "json").stdout)
    [files] = [str(p["pid"]) for p in document["processes"]
               if p["container"] == "files" and p["ppid"] == 0]
    return files


RACE_CATS = 1000


def _race_cat(env: dict[str, str], namespace: str, pid: int) -> str:
    """One `cat` of /race/d/f through the real transport: what it printed, or its refusal."""
    out = io.BytesIO()
    transport = connect(ConfigFlags(namespace=namespace), env)
    try:
        cat(transport, CatOptions("trap", Aim(pid=pid), "/race/d/f"), out, io.BytesIO())
    except PidshareError as exc:
        return f"{exc.status} {re.sub(r'PID [0-9]+', 'PID N', exc.message)}"
    return f"0 {out.getvalue().decode(errors='replace').strip()}"


def test_a_racing_target_cannot_make_cat_read_outside_its_root(trap: Trap) -> None:
    """The racer swaps /race/d between a directory holding f (TARGET) and a link to / (whose
    f, in the racer's root, says TARGET-ROOT). The runner's own /f says OUTSIDE-RUNNER: an
    absolute link opened through /proc/PID/root resolves against the opener's root, so a cat
    that checked the path and then opened it would print it. The cats run in this process
    (the CLI's path is the table's), four at a time."""
    pid = int(trap.refs["racer"])
    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(lambda _: _race_cat(trap.ns.cluster.env, trap.ns.name, pid),
                                 range(RACE_CATS)))
    seen = Counter(outcomes)
    changed = ("changed while it was being opened (PID N's container is changing it); nothing "
               "was read: try again")
    allowed = {
        "0 TARGET", "0 TARGET-ROOT", "70 /race/d/f: no such file as PID N sees it",
        f"75 /race/d/f: {changed}", f"75 /race/d: {changed}", f"75 /f: {changed}",
    }
    assert set(seen) <= allowed, seen
    assert seen["0 TARGET"] > 0 and seen["0 TARGET-ROOT"] > 0, seen


TABLE_REFS = dict(ns="NS", files="PID", sleep="PID", twolines="PID", fifo="PID", zero="PID",
                  racer="PID", long="PID", web="PID", master="PID", refused="FILE", silent="FILE",
                  nobody="FILE")


def troubles_table() -> str:
    """The rows as docs/troubleshooting.md lists them."""
    def cell(text: str) -> str:
        for name, shown in TABLE_REFS.items():
            text = text.replace("{" + name + "}", shown)
        return text.replace("|", "\\|").replace("\n", "\\n")

    lines = ["| case | command (`kubectl pidshare …`) | status | stderr |", "|---|---|---|---|"]
    for name, row in ROWS.items():
        if isinstance(row.args, str):
            command = row.args.replace("$PIDSHARE ", "").replace('; exit "${{PIPESTATUS[0]}}"', "")
        else:
            command = " ".join(arg if arg and not set(arg) & {" ", "\n"} else repr(arg)
                               for arg in row.args)
        stderr = row.stderr
        if stderr.startswith("re:"):
            stderr = stderr[3:].replace(".*", "…").replace("\\", "")
        lines.append(f"| {name} | `{cell(command)}` | {row.status} | "
                     + (f"`{cell(stderr)}` |" if stderr else "|"))
    return "\n".join(lines) + "\n"
