"""Completion candidates that need no cluster."""

from __future__ import annotations

from kubectl_pidshare.complete import candidates, split


def test_split_positional_words_and_flag_values() -> None:
    assert split(["ps", "-n", "web", "nginx", "--context=kind", "-c", "shell", "-v"]) == (
        ["ps", "nginx"], {"namespace": "web", "context": "kind", "container": "shell"})


def test_commands_flags_and_output_formats() -> None:
    assert candidates([""]) == ["ps", "kill", "cat", "version"]
    assert candidates(["ps", "nginx", "--con"]) == ["--context", "--container"]
    assert candidates(["ps", "nginx", "-o", ""]) == ["tree", "wide", "json", "yaml"]
    assert candidates(["version", ""]) == []
    assert candidates(["kill", "nginx", "8", ""])[:3] == ["HUP", "INT", "QUIT"]
