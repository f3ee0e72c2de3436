"""How the command line is read and refused: kubectl's spellings, kill(1)'s habits, flags that
cannot go together."""

from __future__ import annotations

import json

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
