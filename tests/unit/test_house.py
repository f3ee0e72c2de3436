"""The house rules a reader relies on: small modules, short functions."""

from __future__ import annotations

import ast
from pathlib import Path

import kubectl_pidshare

PACKAGE = Path(kubectl_pidshare.__file__).parent
MODULE_LINES = 350
FUNCTION_LINES = 40


def too_long(package: Path) -> list[str]:
    """Modules over MODULE_LINES lines and functions over FUNCTION_LINES, as path[:name] n."""
    found = []
    for path in sorted(package.rglob("*.py")):
        source = path.read_text()
        name = path.relative_to(package).as_posix()
        if len(source.splitlines()) > MODULE_LINES:
            found.append(f"{name} {len(source.splitlines())}")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > FUNCTION_LINES:
                    found.append(f"{name}:{node.name} {length}")
    return found


def test_no_module_or_function_is_too_long() -> None:
    assert too_long(PACKAGE) == []


def test_the_check_sees_a_long_function(tmp_path: Path) -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(FUNCTION_LINES))
    (tmp_path / "long.py").write_text(f"def f():\n{body}")
    assert too_long(tmp_path) == [f"long.py:f {FUNCTION_LINES + 1}"]
