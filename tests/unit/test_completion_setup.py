"""`kubectl pidshare completion`: what it says and writes, for krew's layout and others; the
script it writes completes through the plugin and removes itself once the plugin is gone."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest

from kubectl_pidshare.completion import COMPLETER, completion
from kubectl_pidshare.errors import PidshareError


def krew_layout(root: Path, zipapp: bool = True) -> Path:
    """A store directory with the launcher (and the zipapp), linked from a bin directory."""
    store, bin_dir = root / "store" / "v1", root / "bin"
    store.mkdir(parents=True)
    bin_dir.mkdir()
    launcher = store / "kubectl-pidshare"
    launcher.write_text('#!/bin/sh\necho "$PIDSHARE_ENTRY" "$@"\n')
    launcher.chmod(0o755)
    if zipapp:
        (store / "pidshare.pyz").write_bytes(b"PK")
    (bin_dir / "kubectl-pidshare").symlink_to(launcher)
    return bin_dir


def test_krew_install_writes_the_completer_beside_the_plugin(tmp_path: Path) -> None:
    environ = {"PATH": str(krew_layout(tmp_path))}
    told = io.StringIO()
    completion(environ, told, install=False)
    assert told.getvalue().startswith(f"{COMPLETER} is not on PATH: ")
    assert not (tmp_path / "bin" / COMPLETER).exists()
    done = io.StringIO()
    completion(environ, done, install=True)
    script = tmp_path / "bin" / COMPLETER
    assert done.getvalue().startswith(f"wrote {script}: ")
    assert not script.is_symlink()
    again = io.StringIO()
    completion(environ, again, install=True)
    assert again.getvalue().startswith(f"{COMPLETER} is on PATH ({script}): ")
    answered = subprocess.run([str(script), "ps", ""], capture_output=True, text=True,
                              check=True)
    assert answered.stdout == "complete ps \n"


def test_the_completer_removes_itself_once_the_plugin_is_uninstalled(tmp_path: Path) -> None:
    bin_dir = krew_layout(tmp_path)
    (bin_dir / COMPLETER).symlink_to("kubectl-nothing")
    completion({"PATH": str(bin_dir)}, io.StringIO(), install=True)
    (bin_dir / "kubectl-pidshare").unlink()
    answered = subprocess.run([str(bin_dir / COMPLETER), "ps", ""], capture_output=True,
                              text=True, check=True)
    assert (answered.stdout, answered.stderr) == (":4\n", "")
    assert list(bin_dir.iterdir()) == []


@pytest.mark.parametrize(("zipapp", "plugin", "message"), [
    pytest.param(False, True, "is not krew's launcher", id="not-krew"),
    pytest.param(True, False, "kubectl-pidshare is not on PATH", id="no-plugin"),
])
def test_refusals(tmp_path: Path, zipapp: bool, plugin: bool, message: str) -> None:
    bin_dir = krew_layout(tmp_path, zipapp)
    environ = {"PATH": str(bin_dir if plugin else tmp_path)}
    with pytest.raises(PidshareError) as caught:
        completion(environ, io.StringIO(), install=True)
    assert message in caught.value.message
