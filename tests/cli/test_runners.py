"""Where the scripts run, with a fake transport: the Pod's own container before any debug
container, the one aimed at first, a second container after the kernel's refusal, a Pod apart,
a Pod stuck on an init container; refusals of the PATCH say nothing was added."""

from __future__ import annotations

from kubectl_pidshare.errors import ServerError
from kubectl_pidshare.pod.runner import REFUSED

from .fakes import FakeTransport, Install, Main
from .test_cli import NOPS_TABLE
from .test_debugging import IMAGE, NO_SH, shell_less
from .test_kill_cat import MASTER_STAT

DENIED = b"pidshare: denied sh: can't kill pid 7: Operation not permitted\n"
MASTER = 'PID 7 (nginx: master process nginx -g daemon off;) in container "nginx"'


def test_debug_image_adds_nothing_where_a_container_runs_the_script(install: Install,
                                                                     main: Main) -> None:
    fake = install("nops")
    fake.exec_errors["app"] = ServerError("InternalError", NO_SH)
    assert main("ps", "nops", "--debug-image", IMAGE) == (
        0, NOPS_TABLE, f"not adding a debug container (--debug-image {IMAGE}): container "
        '"tools" of pod "nops" can run the script\n')
    assert fake.patches == []
    assert [container for _, container, _ in fake.execs] == ["app", "tools"]


def test_a_profile_no_container_has_adds_one(install: Install, main: Main) -> None:
    fake = install("nops")
    code, _, err = main("ps", "nops", "--debug-image", IMAGE, "--debug-profile", "general")
    assert code == 0
    [(_, body)] = fake.patches
    [added] = body["spec"]["ephemeralContainers"]
    assert added["name"].startswith("pidshare-general-")
    assert added["command"] == ["sh", "-c", "while :; do sleep 3600; done", "pidshare-debug"]
    assert err == (f'Added ephemeral container "{added["name"]}" (image {IMAGE}, profile '
                   'general) to pod "nops": no container of the Pod could run the script with '
                   "what profile general gives; ephemeral containers cannot be removed from a "
                   "Pod, later runs reuse this one\n")


def test_a_profile_a_container_has_adds_nothing(install: Install, main: Main) -> None:
    fake = install("nops")
    fake.exec_errors["app"] = ServerError("InternalError", NO_SH)
    tools = fake.pod["spec"]["containers"][1]
    tools["securityContext"] = {"capabilities": {"add": ["SYS_PTRACE"]}}
    code, _, err = main("ps", "nops", "--debug-image", IMAGE, "--debug-profile", "general")
    assert (code, fake.patches) == (0, [])
    assert err == (f"not adding a debug container (--debug-image {IMAGE}): container \"tools\" "
                   'of pod "nops" can run the script with what profile general gives\n')


def test_an_rbac_refusal_says_nothing_was_added(install: Install, main: Main) -> None:
    fake = shell_less(install)
    forbidden = ('pods "nops" is forbidden: User "alice" cannot patch resource '
                 '"pods/ephemeralcontainers" in API group "" in the namespace "rec"')

    def refuse(path: str, body: object) -> dict[str, object]:
        raise ServerError("Forbidden", forbidden)

    fake.patch = refuse  # type: ignore[method-assign]
    code, out, err = main("ps", "nops", "--debug-image", IMAGE)
    assert (code, out) == (1, "")
    assert err.splitlines()[-1] == (
        f"Error from server (Forbidden): {forbidden}; nothing was added: adding a debug "
        "container needs the RBAC verb patch on pods/ephemeralcontainers")
    assert "Added" not in err


def test_a_pod_security_refusal_names_the_level_and_a_profile_that_fits(
        install: Install, main: Main) -> None:
    fake = shell_less(install)
    refusal = ('pods "nops" is forbidden: violates PodSecurity "baseline:latest": privileged '
               '(container "pidshare-sysadmin-1a2b3c" must not set securityContext.privileged='
               "true)")

    def refuse(path: str, body: object) -> dict[str, object]:
        raise ServerError("Forbidden", refusal)

    fake.patch = refuse  # type: ignore[method-assign]
    code, _, err = main("kill", "nops", "6", "0", "--debug-image", IMAGE, "--debug-profile",
                        "sysadmin")
    assert code == 1
    assert err == (f"Error from server (Forbidden): {refusal}; nothing was added: the Pod "
                   'Security level "baseline" of the namespace refuses profile sysadmin: '
                   "--debug-profile restricted passes every level\n")


def test_kill_refused_by_the_kernel_runs_again_from_the_process_s_container(
        install: Install, main: Main) -> None:
    fake = install("nginx")
    fake.exec_status["shell"] = (REFUSED, MASTER_STAT, DENIED)
    fake.exec_status["nginx"] = (0, MASTER_STAT, b"")
    assert main("kill", "nginx", "7", "HUP") == (0, f"sent SIGHUP to {MASTER}\n", "")
    assert [container for _, container, _ in fake.execs] == ["shell", "nginx"]


def test_kill_of_a_container_runs_from_one_that_reaches_it(install: Install,
                                                           main: Main) -> None:
    fake = install("quad")
    for container in fake.pod["spec"]["containers"]:
        if container["name"] != "worker":
            container["securityContext"] = {"runAsUser": 3000}
    code, out, _ = main("kill", "quad", "container/worker", "0")
    assert (code, out) == (0, 'sent signal 0 to PID 27 (sh -c sleep 3601 & sleep 3602 & wait) in '
                           'container "worker"\n')
    assert {container for _, container, _ in fake.execs} == {"worker"}


def test_kill_in_a_pod_apart_aims_inside_the_container_named(install: Install,
                                                             main: Main) -> None:
    fake = install("apart")
    code, out, err = main("kill", "apart", "container/shell", "0")
    assert (code, out) == (
        0, 'sent signal 0 to PID 1 (sh -c while :; do sleep 3600; done) in container "shell"\n')
    assert err == ('warning: pod "apart" does not share its process namespace; acting only on '
                   'what container "shell" can see\n'
                   'the main process of container "shell" is PID 1 (sh -c while :; do sleep '
                   "3600; done)\n")
    assert {container for _, container, _ in fake.execs} == {"shell"}


def test_a_pod_stuck_on_its_init_container_runs_from_it(install: Install, main: Main) -> None:
    fake = install("quad")
    fake.pod["status"]["phase"] = "Pending"
    for status in fake.pod["status"]["containerStatuses"]:
        status["state"] = {"waiting": {"reason": "PodInitializing"}}
    fake.pod["status"]["initContainerStatuses"][0]["state"] = {"running": {}}
    code, out, _ = main("ps", "quad", "--exec-container", "setup")
    assert code == 0 and "nginx: master process" in out
    assert main("ps", "quad")[0] == 0
    assert {container for _, container, _ in fake.execs} == {"setup"}


POD_CGROUP = "9:name=systemd:/kubepods/besteffort/podb44d657c-60d3-4af0-b4e0-7eb79d41e387/"
SHELL_ID = "9344c1074e3524aa615ae4886418b180fc046b1a6c6caa47a42e706153ff9713"


def process(pid: int, ppid: int, args: list[bytes], cgroup: str) -> tuple[bytes, bytes]:
    """A process as the probe prints it: its records, and its lines."""
    name = args[0].rsplit(b"/", 1)[-1]
    records = b"".join(b"%d/cmdline:%s\0" % (pid, arg) for arg in args)
    records += b"%d/stat:%d (%s) S %d %d %d 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 600000\n\0" % (
        pid, pid, name, ppid, pid, pid)
    lines = (b"%d/status:Name:\t%s\n%d/status:State:\tS (sleeping)\n%d/status:PPid:\t%d\n"
             b"%d/status:Uid:\t0\t0\t0\t0\n%d/cgroup:%s\n") % (
        pid, name, pid, pid, ppid, pid, pid, cgroup.encode())
    return records, lines


def with_processes(probe: bytes, *processes: tuple[bytes, bytes]) -> bytes:
    """The probe output with more processes in it."""
    records, mark, lines = probe.partition(b"pidshare-lines\0")
    return (records + b"".join(r for r, _ in processes) + mark + lines
            + b"".join(line for _, line in processes))


def test_other_runs_of_pidshare_are_hidden_and_shown_compactly(install: Install,
                                                              main: Main) -> None:
    from kubectl_pidshare.pod.runner import script

    fake = install("nginx")
    fake.probe = with_processes(
        fake.probe,
        process(40, 0, [b"sh", b"-c", script("cat").encode(), b"pidshare-cat", b"7",
                        b"\\0057\\0145\\0164\\0143\\0057\\0160"], POD_CGROUP + SHELL_ID),
        process(41, 40, [b"cat"], POD_CGROUP + SHELL_ID),
        process(50, 0, [b"sh", b"-c", b"while :; do sleep 3600; done", b"pidshare-debug"],
                POD_CGROUP + "f" * 64),
        process(51, 50, [b"sleep", b"3600"], POD_CGROUP + "f" * 64))
    code, out, _ = main("ps", "nginx")
    assert code == 0 and "pidshare" not in out and "unknown" not in out and " 41 " not in out
    code, out, _ = main("ps", "nginx", "--show-pidshare")
    rows = [line.split(None, 6) for line in out.splitlines()[1:]]
    shown = {(row[0], row[1], row[-1]) for row in rows}
    assert {("shell", "40", "pidshare-cat 7 /etc/p"), ("shell", "41", "└─ cat"),
            ("unknown", "50", "pidshare-debug"), ("unknown", "51", "└─ sleep 3600")} <= shown
    assert len(out) < 2000


NODE_INIT = process(1, 0, [b"/sbin/init"], "9:name=systemd:/")


def host_pid(install: Install) -> FakeTransport:
    """The nginx Pod as if it had hostPID: the node's init is PID 1."""
    fake = install("nginx")
    fake.pod["spec"]["hostPID"] = True
    fake.pod["spec"].pop("shareProcessNamespace", None)
    fake.probe = with_processes(fake.probe.replace(b"\n1/", b"\nx1/").replace(
        b"\x001/", b"\x00x1/"), NODE_INIT)
    return fake


def test_a_host_pid_pod_says_so_and_marks_the_node_s_processes(install: Install,
                                                               main: Main) -> None:
    host_pid(install)
    code, out, err = main("ps", "nginx")
    assert code == 0
    assert err == ('note: pod "nginx" shares the node\'s process namespace (hostPID): the '
                   "listing includes the node's processes, as (node)\n")
    assert [line.split()[:2] for line in out.splitlines()[1:]][-1] == ["(node)", "1"]
    assert "nginx: master process" in out and "unknown" not in out


def test_kill_of_a_node_process_is_refused_without_force(install: Install, main: Main) -> None:
    host_pid(install)
    code, out, err = main("kill", "nginx", "1", "0")
    assert (code, out) == (66, "")
    assert err == ('error: refusing to signal PID 1 (/sbin/init) of pod "nginx": it belongs to no '
                   "container of the Pod; the Pod shares the node's process namespace (hostPID), "
                   "so it is a process of the node (PID 1 is the node's init). Pass --force to "
                   "signal it anyway\n")


def test_kill_of_a_node_process_with_force_says_it_hit_the_node(install: Install,
                                                                main: Main) -> None:
    fake = host_pid(install)
    fake.exec_status["shell"] = (0, NODE_INIT[0] + b"pidshare-lines\0" + NODE_INIT[1], b"")
    assert main("kill", "nginx", "1", "0", "--force") == (
        0, "sent signal 0 to PID 1 (/sbin/init) in the node\n", "")
    assert [argv[3] for _, _, argv in fake.execs] == ["pidshare-kill"]


def test_cat_of_a_container_runs_from_one_that_may_read_it(install: Install, main: Main) -> None:
    fake = install("nginx")
    code, _, _ = main("cat", "nginx", "container/nginx", "/etc/nginx/nginx.conf")
    assert code == 0
    assert {container for _, container, _ in fake.execs} == {"shell"}
