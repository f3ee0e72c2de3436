"""How the command line is read and refused: kubectl's spellings, kill(1)'s habits, flags that
cannot go together."""

from __future__ import annotations

import json

import pytest

from kubectl_pidshare.complete import candidates
from kubectl_pidshare.configflags import ConfigFlags

from .fakes import Install, Main


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
