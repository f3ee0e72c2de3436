"""--debug-image with a fake transport: the ephemeral container is added only where no
container of the Pod can run the script (or has what the profile gives), once (saying so after
the server took it), reused while it runs, replaced once it has exited, and its profile is
kubectl debug's; a refusal says nothing was added."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from kubectl_pidshare.errors import ServerError
from kubectl_pidshare.pod.debug_container import PROFILES
from kubectl_pidshare.status import ExitStatus
from kubectl_pidshare.transport import Sink

from .fakes import FakeTransport, Install, Main
from .test_cli import NOPS_TABLE

IMAGE = "busybox:1.28"
NO_SH = 'failed to exec in container: exec: "sh": executable file not found in $PATH: unknown'


def shell_less(install: Install) -> FakeTransport:
    """The nops Pod with its tools container's shell gone too: no container can run sh."""
    fake = install("nops")
    for container in ("app", "tools"):
        fake.exec_errors[container] = ServerError("InternalError", NO_SH)
    return fake


def with_debugger(pod: dict[str, Any], name: str, state: dict[str, Any],
                  image: str = IMAGE) -> dict[str, Any]:
    """The Pod with one more ephemeral container of pidshare's, in that state (a restricted
    one as nobody, as pidshare adds it to this Pod)."""
    changed = copy.deepcopy(pod)
    security = {"runAsUser": 65534} if "-restricted-" in name else {}
    changed["spec"].setdefault("ephemeralContainers", []).append(
        {"name": name, "image": image, "securityContext": security})
    changed["status"].setdefault("ephemeralContainerStatuses", []).append(
        {"name": name, "image": image, "state": state})
    return changed


def added(fake: FakeTransport) -> str:
    """The name of the one ephemeral container the run added."""
    [(path, body)] = fake.patches
    assert path == "/api/v1/namespaces/rec/pods/nops/ephemeralcontainers"
    [container] = body["spec"]["ephemeralContainers"]
    name: str = container["name"]
    return name


def test_first_run_adds_one_says_so_and_waits_for_it(install: Install, main: Main) -> None:
    fake = shell_less(install)
    code, out, err = main("ps", "nops", "--debug-image", IMAGE)
    assert (code, out) == (0, NOPS_TABLE)
    name = added(fake)
    assert name.startswith("pidshare-restricted-")
    [container] = fake.patches[0][1]["spec"]["ephemeralContainers"]
    assert (container["image"], container["securityContext"]) == (IMAGE, PROFILES["restricted"])
    assert err == (
        "warning: the restricted debug container runs as uid 65534 without capabilities: it "
        'lists the processes of container "app", "tools" but cannot signal them or read their '
        "files (they run as another uid, or root); --debug-profile general can\n"
        f'Added ephemeral container "{name}" (image {IMAGE}, profile restricted) to pod "nops": '
        "no container of the Pod could run the script; ephemeral containers cannot be removed "
        "from a Pod, later runs reuse this one\n")
    assert [(container, argv[:3]) for _, container, argv in fake.execs[2:]] == [
        (name, ["sh", "-c", ":"]), (name, ["sh", "-c", fake.execs[3][2][2]])]
    assert [container for _, container, _ in fake.execs[:2]] == ["app", "tools"]
    assert fake.execs[3][2][3] == "pidshare-probe"


def test_a_running_one_is_reused(install: Install, main: Main) -> None:
    fake = shell_less(install)
    fake.pod = with_debugger(fake.pod, "pidshare-restricted-abc123", {"running": {}})
    assert main("ps", "nops", "--debug-image", IMAGE) == (0, NOPS_TABLE, "")
    assert fake.patches == []
    assert [container for _, container, _ in fake.execs] == [
        "app", "tools", "pidshare-restricted-abc123"]


def test_an_exited_one_is_replaced_and_the_message_says_so(install: Install,
                                                           main: Main) -> None:
    fake = shell_less(install)
    fake.pod = with_debugger(fake.pod, "pidshare-restricted-old", {"terminated": {}})
    code, out, err = main("kill", "nops", "6", "0", "--debug-image", IMAGE)
    assert (code, out) == (0, 'sent signal 0 to PID 6 (/sleeper) in container "app"\n')
    assert 'replacing "pidshare-restricted-old", which has exited' in err
    assert added(fake) != "pidshare-restricted-old"


def test_another_image_or_profile_gets_its_own(install: Install, main: Main) -> None:
    fake = shell_less(install)
    fake.pod = with_debugger(fake.pod, "pidshare-restricted-abc123", {"running": {}},
                             image="alpine")
    main("cat", "nops", "6", "/etc/passwd", "--debug-image", IMAGE, "--debug-profile",
         "general")
    [container] = fake.patches[0][1]["spec"]["ephemeralContainers"]
    assert container["name"].startswith("pidshare-general-")
    assert container["securityContext"] == {"runAsUser": 0, "runAsNonRoot": False,
                                            "capabilities": {"add": ["SYS_PTRACE"]}}


def test_one_that_cannot_start_is_reported(install: Install, main: Main) -> None:
    fake = shell_less(install)
    fake.pod = with_debugger(fake.pod, "pidshare-restricted-abc123",
                             {"waiting": {"reason": "ErrImagePull"}})
    fake.exec_errors["pidshare-restricted-abc123"] = ServerError(
        "InternalError", 'container not found ("pidshare-restricted-abc123")')
    code, out, err = main("ps", "nops", "--debug-image", IMAGE)
    assert (code, out) == (1, "")
    assert err == ('error: ephemeral container "pidshare-restricted-abc123" of pod "nops" did '
                   "not start: ErrImagePull (see: kubectl describe pod nops -n rec)\n")


def test_container_and_debug_image_together_are_a_usage_error(install: Install,
                                                              main: Main) -> None:
    fake = install("nops")
    code, _, err = main("ps", "nops", "--exec-container", "tools", "--debug-image", IMAGE)
    assert code == ExitStatus.USAGE
    assert err == ("error: --exec-container and --debug-image choose the container to run from "
                   "both: give one of them\n")
    assert fake.execs == []


def test_restricted_runs_as_the_pods_own_uid(install: Install, main: Main) -> None:
    fake = shell_less(install)
    fake.pod["spec"]["securityContext"] = {"runAsUser": 65532}
    main("ps", "nops", "--debug-image", IMAGE)
    [container] = fake.patches[0][1]["spec"]["ephemeralContainers"]
    assert container["securityContext"] == {**PROFILES["restricted"], "runAsUser": 65532}


def test_a_profile_with_capabilities_runs_as_root_whatever_the_pod_says(install: Install,
                                                                      main: Main) -> None:
    """A Pod-wide runAsUser would make the general container a non-root process, which has no
    effective capability: the profile says root itself."""
    fake = shell_less(install)
    fake.pod["spec"]["securityContext"] = {"runAsUser": 65532, "runAsNonRoot": True}
    main("ps", "nops", "--debug-image", IMAGE, "--debug-profile", "general")
    [container] = fake.patches[0][1]["spec"]["ephemeralContainers"]
    assert container["securityContext"] == {"runAsUser": 0, "runAsNonRoot": False,
                                            "capabilities": {"add": ["SYS_PTRACE"]}}


def test_the_new_container_is_waited_for_until_it_takes_an_exec(install: Install,
                                                                main: Main) -> None:
    fake = shell_less(install)
    refusals = [ServerError("InternalError", "unable to upgrade connection: container not found "
                            '("x")')] * 2
    real_exec = fake.exec

    def exec_(pod: str, container: str, argv: Sequence[str], stdout: Sink,
              stderr: Sink, deadline: float | None = None) -> int:
        if container.startswith("pidshare-") and refusals:
            fake.execs.append((pod, container, list(argv)))
            raise refusals.pop()
        return real_exec(pod, container, argv, stdout, stderr, deadline)

    fake.exec = exec_  # type: ignore[method-assign]
    assert main("ps", "nops", "--debug-image", IMAGE)[:2] == (0, NOPS_TABLE)
    assert [argv[:3] for _, _, argv in fake.execs[2:5]] == [["sh", "-c", ":"]] * 3
    assert len(fake.execs) == 6


def test_an_image_without_sh_is_named(install: Install, main: Main) -> None:
    fake = shell_less(install)
    fake.pod = with_debugger(fake.pod, "pidshare-restricted-abc123", {"waiting": {}})
    fake.exec_errors["pidshare-restricted-abc123"] = ServerError("InternalError", NO_SH)
    assert main("ps", "nops", "--debug-image", IMAGE) == (
        1, "", 'error: the image of ephemeral container "pidshare-restricted-abc123" has no sh: '
               "pass a --debug-image that has sh and grep, such as busybox\n")
