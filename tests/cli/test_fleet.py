"""kill across Pods through the command line with a fake transport: targets as ps takes them,
one line per Pod, each Pod's failure beside the others' lines, --dry-run."""

from __future__ import annotations

import pytest

from kubectl_pidshare.fleet import split
from kubectl_pidshare.status import ExitStatus

from .fakes import Install, Main
from .test_targets import replicas

MASTER = 'PID 7 (nginx: master process nginx -g daemon off;) in container "nginx"'


def scripts(execs: list[tuple[str, str, list[str]]]) -> list[tuple[str, str]]:
    """(Pod, script) of each exec, in order per Pod."""
    return sorted((pod, argv[3]) for pod, _, argv in execs)


def test_kill_deploy_signals_each_replica_one_line_per_pod(install: Install, main: Main) -> None:
    fake = install("nginx")
    replicas(fake, "web-a", "web-b")
    assert main("kill", "deploy/web", "container/nginx", "HUP") == (
        0, f"pod/web-a: sent SIGHUP to {MASTER}\npod/web-b: sent SIGHUP to {MASTER}\n", "")
    assert scripts(fake.execs) == [("web-a", "pidshare-kill"), ("web-a", "pidshare-probe"),
                                   ("web-b", "pidshare-kill"), ("web-b", "pidshare-probe")]


def test_a_failing_pod_is_reported_beside_the_others(install: Install, main: Main) -> None:
    fake = install("nginx")
    replicas(fake, "web-a")
    fake.add_pod("web-b", labels={"app": "web"}, phase="Pending")
    status, out, err = main("kill", "--selector", "app=web", "container/nginx", "0")
    assert (status, out) == (1, f"pod/web-a: sent signal 0 to {MASTER}\n")
    assert err.startswith('error: pod/web-b: pod "web-b" is Pending'), err


def test_dry_run_sends_nothing(install: Install, main: Main) -> None:
    fake = install("nginx")
    replicas(fake, "web-a", "web-b")
    assert main("kill", "web-a", "web-b", "container/nginx", "HUP", "--dry-run") == (
        0, f"pod/web-a: would send SIGHUP to {MASTER} (dry run: nothing sent)\n"
           f"pod/web-b: would send SIGHUP to {MASTER} (dry run: nothing sent)\n", "")
    assert main("kill", "web-a", "7", "--dry-run") == (
        0, f"would send SIGTERM to {MASTER} (dry run: nothing sent)\n", "")
    assert {argv[3] for _, _, argv in fake.execs} == {"pidshare-probe"}


@pytest.mark.parametrize(("words", "selector", "expected"), [
    pytest.param(["nginx", "7"], None, (["nginx"], "7", None), id="pod-pid"),
    pytest.param(["nginx", "7", "9"], None, (["nginx"], "7", "9"), id="numeric-signal"),
    pytest.param(["nginx", "7", "BOGUS"], None, (["nginx"], "7", "BOGUS"), id="unknown-signal"),
    pytest.param(["a", "b", "container/x"], None, (["a", "b"], "container/x", None),
                 id="two-pods"),
    pytest.param(["a", "b", "container/x", "hup"], None, (["a", "b"], "container/x", "hup"),
                 id="two-pods-signal"),
    pytest.param(["container/x", "HUP"], "app=web", ([], "container/x", "HUP"),
                 id="selector"),
])
def test_split(words: list[str], selector: str | None,
               expected: tuple[list[str], str, str | None]) -> None:
    targets, aim, signal = split(words, selector, False)
    assert ([ref.name for ref in targets.refs], aim, signal) == expected


@pytest.mark.parametrize(("argv", "line"), [
    pytest.param(("kill", "a", "b", "7"), "error: PID 7 names a process of one Pod, and PIDs "
                 "differ from Pod to Pod: aim at several Pods with container/NAME (that "
                 "container's main process in each)", id="pid-several-pods"),
    pytest.param(("kill", "-HUP", "web-a", "web-b", "container/nginx"), "error: -HUP is a "
                 "signal, not a flag: the signal goes after the PID (kubectl pidshare kill web-a "
                 "web-b container/nginx HUP)", id="kill-1-habit-keeps-every-target"),
    pytest.param(("kill", "container/x"), "error: kill needs the Pods and the process: POD... "
                 "(PID | container/NAME) [SIGNAL], or -A/--selector then (PID | container/NAME) "
                 "[SIGNAL]", id="no-pod"),
])
def test_kill_usage(install: Install, main: Main, argv: tuple[str, ...], line: str) -> None:
    fake = install("nginx")
    assert main(*argv) == (ExitStatus.USAGE, "", line + "\n")
    assert fake.gets == []
