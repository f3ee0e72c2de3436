"""kubectl's global flags go anywhere on the line: hoist() moves them before the command."""

from __future__ import annotations

import pytest
from typer.main import get_command

from kubectl_pidshare.cli import app
from kubectl_pidshare.flags import UsageError, hoist

ROOT = get_command(app)


@pytest.mark.parametrize(("argv", "expected"), [
    pytest.param(["ps", "nginx"], ["ps", "nginx"], id="nothing-to-move"),
    pytest.param(["ps", "nginx", "-n", "web"], ["-n", "web", "ps", "nginx"], id="after"),
    pytest.param(["-n", "web", "ps", "nginx"], ["-n", "web", "ps", "nginx"], id="before"),
    pytest.param(["ps", "-n", "web", "nginx"], ["-n", "web", "ps", "nginx"], id="between"),
    pytest.param(["ps", "nginx", "-n=web"], ["-n", "web", "ps", "nginx"], id="short-equals"),
    pytest.param(["ps", "nginx", "-nweb"], ["-n", "web", "ps", "nginx"], id="short-glued"),
    pytest.param(["ps", "nginx", "--namespace=web"], ["--namespace", "web", "ps", "nginx"],
                 id="long-equals"),
    pytest.param(["ps", "nginx", "--debug", "-o", "wide"], ["--debug", "ps", "nginx", "-o",
                                                            "wide"], id="flag-without-value"),
    pytest.param(["kill", "nginx", "7", "--expect", "-n", "--context", "c"],
                 ["--context", "c", "kill", "nginx", "7", "--expect", "-n"],
                 id="a-command-option-value-stays"),
    pytest.param(["ps", "-n", "ps", "ps"], ["-n", "ps", "ps", "ps"], id="value-named-as-command"),
    pytest.param(["cat", "nginx", "7", "--", "-n"], ["cat", "nginx", "7", "--", "-n"],
                 id="after-double-dash"),
    pytest.param(["ps", "-c", "-n", "nginx"], ["ps", "-c", "-n", "nginx"],
                 id="command-short-option-value"),
    pytest.param(["ps", "nginx", "-o=json"], ["ps", "nginx", "-o", "json"],
                 id="command-short-equals"),
    pytest.param(["ps", "-l=app=web", "-c=nginx"], ["ps", "-l", "app=web", "-c", "nginx"],
                 id="command-short-equals-value-with-equals"),
    pytest.param(["ps", "nginx", "-w=false", "-A=true"], ["ps", "nginx", "-A"],
                 id="command-short-boolean-equals"),
    pytest.param(["ps", "nginx", "-v=6", "-s=https://k:6443"],
                 ["-v", "6", "-s", "https://k:6443", "ps", "nginx"], id="global-short-equals"),
    pytest.param(["kill", "nginx", "7", "--expect=-n"], ["kill", "nginx", "7", "--expect", "-n"],
                 id="command-long-equals"),
])
def test_hoist(argv: list[str], expected: list[str]) -> None:
    assert hoist(ROOT, argv) == expected


@pytest.mark.parametrize("argv", [["ps", "nginx", "-n"], ["--context"], ["ps", "--kubeconfig"]])
def test_a_global_flag_without_its_value_is_a_usage_error(argv: list[str]) -> None:
    with pytest.raises(UsageError) as caught:
        hoist(ROOT, argv)
    assert caught.value.format_message() == f"Option '{argv[-1]}' requires an argument."
