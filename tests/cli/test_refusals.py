"""Every refusal of every script reaches the user through the one decoder: its status and its
one line, exactly."""

from __future__ import annotations

import pytest

from kubectl_pidshare.pod.runner import REFUSED
from kubectl_pidshare.status import ExitStatus

from .fakes import Install, Main
from .test_kill_cat import MASTER_STAT

MASTER = 'PID 7 (nginx: master process nginx -g daemon off;) in container "nginx"'
CAP_KILL = ('container "shell" runs as uid 1000: a process that is not root has no effective '
            "capability, whatever securityContext.capabilities.add says (its CapEff is empty); "
            "signalling a process of uid 0 needs the same uid or CAP_KILL: run from a container "
            "of that uid (--exec-container nginx); or run from a container running as root "
            "(--exec-container NAME); or pass --debug-image IMAGE --debug-profile general")
PTRACE = ('container "shell" runs as root without CAP_SYS_PTRACE; reading the files of a '
          "process of uid 101 needs the same uid and group and a dumpable process or "
          "CAP_SYS_PTRACE: run from a container running as uid 101 and group 101 "
          '(--exec-container NAME); or add SYS_PTRACE to '
          'securityContext.capabilities.add of container "shell"; or pass --debug-image IMAGE '
          "--debug-profile general")


@pytest.mark.parametrize(("stdout", "refusal", "status", "line"), [
    pytest.param(b"", b"no-process 7", ExitStatus.NO_SUCH_PROCESS,
                 'no process 7 in pod "nginx"', id="no-process"),
    pytest.param(MASTER_STAT, b"not-expected 7", ExitStatus.NOT_EXPECTED,
                 f"{MASTER} does not match --expect 'worker': not signalled (the PID may have "
                 "been reused)", id="not-expected"),
    pytest.param(MASTER_STAT, b"gone 7", ExitStatus.NO_SUCH_PROCESS,
                 "process 7 exited before it could be signalled", id="gone"),
    pytest.param(MASTER_STAT, b"denied 1000/1000/0000000000000000 0/0/000001ffffffffff",
                 ExitStatus.ERROR, f"permission denied signalling {MASTER}: {CAP_KILL}",
                 id="denied"),
    pytest.param(MASTER_STAT, b"uncaught 7", ExitStatus.UNCAUGHT,
                 "process 7 (nginx: master process nginx -g daemon off;) does not catch SIGHUP: "
                 "its default action would terminate it; pass --force to send it anyway",
                 id="uncaught"),
    pytest.param(MASTER_STAT, b"ignored 7", ExitStatus.IGNORED,
                 "process 7 (nginx: master process nginx -g daemon off;) ignores SIGHUP: nothing "
                 "would happen; pass --force to send it anyway", id="ignored"),
])
def test_kill_refusal(install: Install, main: Main, stdout: bytes, refusal: bytes,
                      status: ExitStatus, line: str) -> None:
    fake = install("nginx")
    # every container is refused alike: none is tried again (see test_kill_cat for a retry)
    fake.exec_status["shell"] = fake.exec_status["nginx"] = (
        REFUSED, stdout, b"pidshare: " + refusal + b"\n")
    assert main("kill", "nginx", "7", "HUP", "--expect", "worker") == (
        status, "", f"error: {line}\n")


@pytest.mark.parametrize(("refusal", "status", "line"), [
    pytest.param(b"no-process 7", ExitStatus.NO_SUCH_PROCESS, 'no process 7 in pod "nginx"',
                 id="no-process"),
    pytest.param(b"no-access 0/0/00000000a80425fb 101/101/0000000000000000",
                 ExitStatus.NO_PTRACE_ACCESS,
                 f"cannot read the files of PID 7: {PTRACE}", id="no-access"),
    pytest.param(b"loop /a/b", ExitStatus.SYMLINK_LOOP,
                 "too many levels of symbolic links at /a/b", id="loop"),
    pytest.param(b"special /var/log/nginx/access.log -> /dev/stdout", ExitStatus.SPECIAL_FILE,
                 "/var/log/nginx/access.log is a symlink to /dev/stdout: that is a stream or a "
                 "kernel file of the process, not a file in its root; for a container's output "
                 "use: kubectl logs nginx -n rec", id="special"),
    pytest.param(b"not-found /etc/nope", ExitStatus.NO_SUCH_FILE,
                 "/etc/nope: no such file as PID 7 sees it", id="not-found"),
    pytest.param(b"directory /etc", ExitStatus.IS_A_DIRECTORY, "/etc: is a directory",
                 id="directory"),
    pytest.param(b"not-regular /dev/null", ExitStatus.NOT_A_REGULAR_FILE,
                 "/dev/null: not a regular file (a device, a pipe or a socket)",
                 id="not-regular"),
    pytest.param(b"no-readlink /lib", ExitStatus.NO_READLINK,
                 '/lib is a symlink and container "shell" has no readlink to follow it: use '
                 "--exec-container with a container that has one", id="no-readlink"),
    pytest.param(b"permission /etc/shadow", ExitStatus.PERMISSION_DENIED,
                 '/etc/shadow: permission denied (reading from container "shell")',
                 id="permission"),
    pytest.param(b"changed /a/b", ExitStatus.CHANGED,
                 "/a/b: changed while it was being opened (PID 7's container is changing it); "
                 "nothing was read: try again", id="changed"),
    pytest.param(b"not-found /a\x1b[2J\nb", ExitStatus.NO_SUCH_FILE,
                 "/a\\x1b[2J\\nb: no such file as PID 7 sees it", id="detail-is-escaped"),
    pytest.param(b"brand-new /x", ExitStatus.ERROR,
                 "unexpected refusal from the remote script: brand-new", id="undeclared-code"),
])
def test_cat_refusal(install: Install, main: Main, refusal: bytes, status: ExitStatus,
                     line: str) -> None:
    install("nginx").exec_status["shell"] = (REFUSED, b"", b"noise\npidshare: " + refusal + b"\n")
    assert main("cat", "nginx", "7", "/x") == (status, "", f"error: {line}\n")


def test_a_refusal_line_without_the_refused_status_is_the_remote_cat_s_own(
        install: Install, main: Main) -> None:
    """A file may well print `pidshare: ...`: only the sentinel status makes it a refusal."""
    install("nginx").exec_status["shell"] = (1, b"pidshare: directory /etc\n",
                                             b"pidshare: directory /etc\n")
    assert main("cat", "nginx", "7", "/x") == (
        1, "pidshare: directory /etc\n", "pidshare: directory /etc\n")


def test_a_link_to_a_stream_names_the_logs_of_the_process_s_container(
        install: Install, main: Main) -> None:
    """The refusal comes with the cgroup lines of the process and of the script's shell."""
    cgroup = MASTER_STAT.split(b"7/cgroup:")[1]
    install("nginx").exec_status["shell"] = (
        REFUSED, b"", b"/proc/7/cgroup:" + cgroup + b"/proc/99/cgroup:9:name=systemd:/x\n"
        b"pidshare: special /var/log/nginx/access.log -> /dev/stdout\n")
    assert main("cat", "nginx", "7", "/var/log/nginx/access.log") == (
        ExitStatus.SPECIAL_FILE, "", "error: /var/log/nginx/access.log is a symlink to "
        "/dev/stdout: that is a stream or a kernel file of the process, not a file in its root; "
        "for a container's output use: kubectl logs nginx -n rec -c nginx\n")
