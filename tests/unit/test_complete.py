"""Completion candidates that need no cluster, read from the command line's declarations."""

from __future__ import annotations

import pytest
from typer.main import get_command

from kubectl_pidshare import completer
from kubectl_pidshare.cli import app
from kubectl_pidshare.completer import candidates, read, wants_files

ROOT = get_command(app)
COMMANDS = [name for name, command in ROOT.commands.items()]  # type: ignore[attr-defined]


def test_read_positional_words_and_flag_values() -> None:
    seen = read(ROOT, ["-n", "web", "ps", "nginx", "--context=kind", "-c", "shell", "--debug"])
    assert (seen.command.name, seen.positional, seen.values, seen.pending) == (
        "ps", ["nginx"], {"namespace": "web", "context": "kind", "container": "shell"}, None)


def test_read_a_flag_waiting_for_its_value() -> None:
    assert read(ROOT, ["kill", "nginx", "--expect"]).pending.name == "expect"


@pytest.mark.parametrize(("words", "expected"), [
    pytest.param([""], ["ps", "top", "kill", "cat", "env", "audit", "ports", "fds", "ls", "cp",
                        "help", "version", "completion"], id="commands"),
    pytest.param(["audit", "--fail-on", ""], ["info", "warning", "critical"], id="fail-on"),
    pytest.param(["env", "nginx", "7", "-o", ""], ["text", "json", "yaml"], id="env-output"),
    pytest.param(["ls", "nginx", "7", "/etc", "-o", ""], ["long", "json", "yaml"],
                 id="ls-output"),
    pytest.param(["ps", "nginx", "--con"], ["--context", "--container"], id="flag-prefix"),
    pytest.param(["ps", "nginx", "-o", ""], ["tree", "wide", "signals", "json", "yaml"],
                 id="output"),
    pytest.param(["version", ""], [], id="version-takes-no-argument"),
    pytest.param(["cat", "nginx", "7", ""], [], id="path-is-not-completed"),
    pytest.param(["kill", "nginx", "--expect", ""], [], id="free-text-value"),
])
def test_candidates(words: list[str], expected: list[str]) -> None:
    assert [c for c in candidates(words) if c.startswith(words[-1])] == expected


def test_audit_files_are_completed_by_the_shell() -> None:
    assert wants_files(["audit", "-f", ""]) and not wants_files(["audit", ""])


def test_fds_completes_a_pod_then_a_container_main_process(
        monkeypatch: pytest.MonkeyPatch) -> None:

    monkeypatch.setattr(completer, "_pods", lambda seen: ["nginx"])
    monkeypatch.setattr(completer, "_containers", lambda seen: ["nginx", "shell"])
    assert [c for c in candidates(["fds", "n"]) if c.startswith("n")] == ["nginx"]
    assert [c for c in candidates(["fds", "nginx", "container/"]) if c.startswith("c")] == [
        "container/nginx", "container/shell"]
    assert candidates(["ports", "--sort-by", ""]) == ["port", "pid", "container", "proto",
                                                      "queue"]


def test_signal_names_after_the_pid() -> None:
    assert candidates(["kill", "nginx", "8", ""])[:3] == ["HUP", "INT", "QUIT"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_option_of_every_command_is_completed(command: str) -> None:
    declared = ROOT.commands[command]  # type: ignore[attr-defined]
    offered = candidates([command, "--"])
    for param in declared.params:
        if param.param_type_name == "option":
            long_names = [n for n in (*param.opts, *param.secondary_opts) if n.startswith("--")]
            assert set(long_names) <= set(offered), (command, param.name)
    assert "--help" in offered
    for name in ("--namespace", "--context", "--kubeconfig", "--debug"):
        assert name in offered or (command == "version" and name == "--namespace"), name


@pytest.mark.parametrize("command", COMMANDS)
def test_every_choice_option_completes_its_choices(command: str) -> None:
    declared = ROOT.commands[command]  # type: ignore[attr-defined]
    for param in declared.params:
        choices = getattr(param.type, "choices", None)
        if param.param_type_name == "option" and choices:
            assert candidates([command, param.opts[-1], ""]) == [str(c) for c in choices]
