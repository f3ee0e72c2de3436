"""Help and completion stay light: they import no TLS, YAML, HTTP or websocket module (those
cost a tenth of a second or more at every run, and neither needs the cluster)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import kubectl_pidshare
from kubectl_pidshare.cli import app
from kubectl_pidshare.commands import NAMES

HEAVY = ("ssl", "yaml", "http.client", "websocket", "kubernetes", "urllib3", "tabulate")
PROBE = """
import json, sys
from kubectl_pidshare.cli import main
from kubectl_pidshare import completer
argv, heavy = json.loads(sys.argv[1]), json.loads(sys.argv[2])
if argv[0] == "complete":
    sys.argv = ["kubectl_complete-pidshare", *argv[1:]]
    completer.main()
else:
    main(argv)
loaded = [m for m in sys.modules if m in heavy or m.split(".")[0] in heavy]
sys.stderr.write("LOADED " + json.dumps(sorted(loaded)) + "\\n")
"""
COMMANDS = sorted(command.name or "" for command in app.registered_commands)
CASES = [["--help"], *([name, "--help"] for name in COMMANDS),
         ["complete", ""], ["complete", "ps", "--"], ["complete", "kill", "-"]]


def loaded_by(argv: list[str], heavy: tuple[str, ...] = HEAVY) -> list[str]:
    """The modules of heavy that a fresh interpreter holds after running argv."""
    proc = subprocess.run([sys.executable, "-c", PROBE, json.dumps(argv), json.dumps(heavy)],
                          capture_output=True, text=True, check=False)
    [line] = [line for line in proc.stderr.splitlines() if line.startswith("LOADED ")]
    return list(json.loads(line.removeprefix("LOADED ")))


def test_every_command_is_covered() -> None:
    assert {"ps", "kill", "cat", "top", "version", "completion"} <= set(COMMANDS)


@pytest.mark.parametrize("argv", CASES, ids=" ".join)
def test_help_and_completion_import_nothing_heavy(argv: list[str]) -> None:
    assert loaded_by(argv) == []


def test_the_check_sees_what_is_imported() -> None:
    assert "typer" in loaded_by(["ps", "--help"], ("typer",))


def imported(path: Path) -> set[str]:
    """The modules a file imports, by their full names (from-imports' names included)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_nothing_imports_a_command_module() -> None:
    """A command module is imported by commands.register() alone, which only cli.py calls."""
    package = Path(kubectl_pidshare.__file__).parent
    commands = {f"kubectl_pidshare.commands.{name}" for name in NAMES}
    offenders = {str(path.relative_to(package)): sorted(imported(path) & commands)
                 for path in package.rglob("*.py") if imported(path) & commands}
    assert offenders == {}
    registering = sorted(str(path.relative_to(package)) for path in package.rglob("*.py")
                         if "kubectl_pidshare.commands.register" in imported(path))
    assert registering == ["cli.py"]
    assert {c.name for c in app.registered_commands} == set(NAMES)
