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


PACKAGE = Path(kubectl_pidshare.__file__).parent
# What the packages below the commands may not import: the CLI and the command cores (the
# top-level modules that are not shared leaves).
LEAVES = {"errors", "status", "transport", "signals", "redaction", "text", "__init__"}
ABOVE = {f"kubectl_pidshare.{path.stem}" for path in PACKAGE.glob("*.py")
         if path.stem not in LEAVES} | {"kubectl_pidshare.commands"}
CLUSTER_INTERNALS = {f"kubectl_pidshare.cluster.{name}" for name in (
    "client", "kubeconfig", "credentials", "dial", "execplugin", "overrides", "validation",
    "verbose")}
RULES = {
    "pod": ABOVE | {"kubectl_pidshare.cluster", "kubectl_pidshare.output"},
    "output": ABOVE | {"kubectl_pidshare.cluster"},
    "cluster": ABOVE | {"kubectl_pidshare.pod", "kubectl_pidshare.output"},
}


def breaks(path: Path, forbidden: set[str]) -> list[str]:
    """The modules path imports that forbidden names (a module or a package)."""
    return sorted(name for name in imported(path)
                  if any(name == bad or name.startswith(bad + ".") for bad in forbidden))


def layering_offenders(package: Path) -> dict[str, list[str]]:
    """Every import that runs back up: pod/ importing the cluster, the output or anything above
    them, output/ the cluster or above, cluster/ the Pod side, the output or above; and
    anything but cluster/ and session.py importing the cluster's internals (commands get a
    Transport from the session)."""
    offenders = {}
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package)
        forbidden = set(RULES.get(relative.parts[0], set()))
        if relative.parts[0] != "cluster" and relative.as_posix() != "session.py":
            forbidden |= CLUSTER_INTERNALS
        if found := breaks(path, forbidden):
            offenders[relative.as_posix()] = found
    return offenders


def test_the_layers_import_only_downwards() -> None:
    assert layering_offenders(PACKAGE) == {}


def test_the_layering_check_sees_an_import_back_up(tmp_path: Path) -> None:
    (tmp_path / "pod").mkdir()
    (tmp_path / "pod" / "runner.py").write_text("from kubectl_pidshare.ps import Listing\n")
    (tmp_path / "ps.py").write_text(
        "def f():\n    from kubectl_pidshare.cluster.client import KubeTransport\n")
    assert layering_offenders(tmp_path) == {
        "pod/runner.py": ["kubectl_pidshare.ps", "kubectl_pidshare.ps.Listing"],
        "ps.py": ["kubectl_pidshare.cluster.client",
                  "kubectl_pidshare.cluster.client.KubeTransport"]}
