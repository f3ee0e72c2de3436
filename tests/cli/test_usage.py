"""How the command line is read and refused: kubectl's spellings, kill(1)'s habits, flags that
cannot go together."""

from __future__ import annotations

import json

import pytest
from typer.main import get_command

from kubectl_pidshare.cli import app
from kubectl_pidshare.cluster.configflags import ConfigFlags
from kubectl_pidshare.completer import candidates

from .fakes import Install, Main
from .test_targets import prefixed


def test_every_short_flag_takes_an_equals_sign(install: Install, main: Main) -> None:
    install("nginx")
    result = main("ps", "nginx", "-o=json", "-c=nginx")
    assert (result.exit_code, result.stderr) == (0, "")
    doc = json.loads(result.stdout)
    assert {p["container"] for p in doc["processes"]} == {"nginx"}


def test_watch_with_an_output_format_is_refused(install: Install, main: Main) -> None:
    fake = install("nginx")
    for output in ("json", "yaml", "wide"):
        result = main("ps", "nginx", "-w", "-o", output)
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == (
            f"error: -w/--watch draws the live table, as kubectl pidshare top: it takes no "
            f"-o {output} (kubectl pidshare ps -o {output} prints one snapshot)\n")
    assert (fake.gets, fake.execs) == ([], [])


@pytest.mark.parametrize(("argv", "said"), [
    (["kill", "nginx", "7", "-s", "HUP"], '-s is --server, the API server\'s address, and "HUP" '
     "is a signal: the signal goes after the PID (kubectl pidshare kill nginx 7 HUP)"),
    (["kill", "nginx", "7", "--server=sigterm", "--force"], "-s is --server, the API server's "
     'address, and "sigterm" is a signal: the signal goes after the PID (kubectl pidshare kill '
     "nginx 7 sigterm --force)"),
    (["-s=hup", "ps", "nginx"], '-s is --server, the API server\'s address, and "hup" is a '
     "signal: the signal goes after the PID (kubectl pidshare kill POD PID hup)"),
    (["kill", "-HUP", "nginx", "7"], "-HUP is a signal, not a flag: the signal goes after the "
     "PID (kubectl pidshare kill nginx 7 HUP)"),
    (["kill", "nginx", "7", "-9", "--expect", "a b", "-n", "web"], "-9 is a signal, not a flag: "
     "the signal goes after the PID (kubectl pidshare kill nginx 7 9 --expect 'a b')"),
    (["kill", "-SIGKILL", "nginx", "container/app"], "-SIGKILL is a signal, not a flag: the "
     "signal goes after the PID (kubectl pidshare kill nginx container/app SIGKILL)"),
])
def test_kill_habits_are_refused_with_the_line_that_works(
        install: Install, main: Main, flags_seen: list[ConfigFlags], argv: list[str],
        said: str) -> None:
    fake = install("nginx")
    assert main(*argv) == (2, "", f"error: {said}\n")
    assert (fake.gets, fake.execs, flags_seen) == ([], [], [])


def test_a_server_that_is_no_signal_is_dialled(install: Install, main: Main,
                                                flags_seen: list[ConfigFlags]) -> None:
    install("nginx")
    assert main("kill", "nginx", "7", "HUP", "-s", "https://hup:6443").exit_code == 0
    assert [flags.server for flags in flags_seen] == ["https://hup:6443"]


def test_typers_own_completion_flags_are_gone(main: Main) -> None:
    """`completion` is the one way to complete; typer's flags wrote a `kubectl-pidshare`
    completion into ~/.bashrc."""
    for argv in (["--help"], ["ps", "--help"]):
        code, out, _ = main(*argv)
        assert code == 0
        assert "--install-completion" not in out and "--show-completion" not in out
    for flag in ("--install-completion", "--show-completion"):
        assert main(flag).exit_code == 2
    for words in (["--"], ["ps", "--"], ["ps", "nginx", "--"], ["kill", "--"]):
        offered = candidates(words)
        assert "--install-completion" not in offered and "--show-completion" not in offered
        assert "--namespace" in offered


def test_bare_pidshare_prints_help_on_stdout(main: Main) -> None:
    code, out, err = main()
    assert (code, err) == (0, "")
    assert out == main("--help").stdout


@pytest.mark.parametrize("target", ["pod/nginx", "pods/nginx", "po/nginx", "Pod/nginx"])
def test_kill_and_cat_take_pod_slash_name(install: Install, main: Main, target: str) -> None:
    fake = install("nginx")
    assert main("kill", target, "7", "HUP").exit_code == 0
    assert main("cat", target, "7", "/etc/hostname").exit_code == 0
    assert {pod for pod, _, _ in fake.execs} == {"nginx"}


def test_kill_and_cat_refuse_what_is_not_one_pod(install: Install, main: Main) -> None:
    fake = install("nginx")
    assert main("kill", "deploy/web", "7") == (
        2, "", "error: PID 7 names a process of one Pod, and PIDs differ from Pod to Pod: aim at "
               "several Pods with container/NAME (that container's main process in each)\n")
    assert main("cat", "svc/web", "7", "/a").exit_code == 2
    assert fake.gets == []


def test_a_service_lists_the_pods_of_its_selector(install: Install, main: Main) -> None:
    fake = install("nginx")
    fake.add_pod("web-a", labels={"app": "web", "tier": "front"})
    fake.objects["/api/v1/namespaces/rec/services/web"] = {
        "metadata": {"name": "web"}, "spec": {"selector": {"app": "web", "tier": "front"}}}
    for target in ("svc/web", "service/web", "services/web"):
        result = main("ps", target)
        assert result == (0, prefixed("web-a"), ""), target
    assert fake.lists[-1] == ("/api/v1/namespaces/rec/pods", "app=web,tier=front")


def test_a_service_without_selector_is_kubectls_error(install: Install, main: Main) -> None:
    fake = install("nginx")
    fake.objects["/api/v1/namespaces/rec/services/db"] = {"metadata": {"name": "db"},
                                                          "spec": {"ports": []}}
    assert main("ps", "svc/db") == (
        1, "", "error: invalid service 'db': Service is defined without a selector\n")
    assert main("ps", "svc/nope") == (
        1, "", 'Error from server (NotFound): services "nope" not found\n')
    assert fake.lists == []


@pytest.mark.parametrize("command", ["", *(c.name or "" for c in app.registered_commands)])
def test_help_keeps_each_example_on_one_line(main: Main, monkeypatch: pytest.MonkeyPatch,
                                             command: str) -> None:
    """Pasted from a narrow terminal, an example must still be one command."""
    monkeypatch.setenv("COLUMNS", "40")
    root = get_command(app)
    declared = root.commands[command] if command else root  # type: ignore[attr-defined]
    examples = [line.strip() for line in (declared.help or "").splitlines()
                if line.strip().startswith("kubectl pidshare")]
    assert examples, command
    shown = main(*[command] if command else [], "--help").stdout
    for example in examples:
        assert f"    {example}\n" in shown, example


def test_help_shows_booleans_as_kubectl_and_explains_every_profile(main: Main) -> None:
    for command in ("", *(c.name or "" for c in app.registered_commands if c.name != "help")):
        assert " / --no-" not in main(*[command] if command else [], "--help").stdout, command
    shown = main("kill", "--help").stdout
    assert "--force " in shown and "--no-force" not in shown
    assert main("kill", "nginx", "1", "--no-force").exit_code == 2
    for profile in ("restricted (", "general (", "netadmin (", "sysadmin ("):
        assert profile in " ".join(shown.split()), profile


@pytest.mark.parametrize(("argv", "said", "command"), [
    (["ps", "nginx", "--bogus"], "unknown flag: --bogus", "ps"),
    (["ps", "nginx", "-x"], "unknown shorthand flag: 'x' in -x", "ps"),
    (["kill", "nginx", "7", "-Zap"], "unknown shorthand flag: 'Z' in -Zap", "kill"),
    (["ps", "nginx", "-o"], "flag needs an argument: 'o' in -o", "ps"),
    (["ps", "nginx", "--namespace"], "flag needs an argument: --namespace", "ps"),
    (["ps", "nginx", "--sort-by", "size"],
     'invalid argument "size" for "--sort-by" flag: must be one of pid, cpu, mem, start', "ps"),
    (["top", "nginx", "--interval=0.1"],
     'invalid argument "0.1" for "--interval" flag: 0.1 is not in the range x>=0.2', "top"),
    (["ps", "-w=maybe", "nginx"], 'invalid argument "maybe" for "-w, --watch" flag: '
     'strconv.ParseBool: parsing "maybe": invalid syntax', "ps"),
    (["exec", "nginx"], 'unknown command "exec" for "kubectl pidshare"', ""),
    (["kill"], "TARGETS... (PID | container/NAME) [SIGNAL] is a required argument for the kill "
               "command", "kill"),
    (["cat", "nginx", "7"], "PATH is a required argument for the cat command", "cat"),
])
def test_usage_errors_in_kubectls_words_and_shape(main: Main, argv: list[str], said: str,
                                                  command: str) -> None:
    """kubectl's two lines (its status is 1; pidshare keeps its documented USAGE, 2)."""
    where = f"kubectl pidshare {command}".strip()
    assert main(*argv) == (2, "", f"error: {said}\nSee '{where} --help' for usage.\n")
