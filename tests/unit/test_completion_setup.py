"""`kubectl pidshare completion`: what it says and links, for krew's layout and others."""

from __future__ import annotations

import io
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
    launcher.write_text("#!/bin/sh\n")
    launcher.chmod(0o755)
    if zipapp:
        (store / "pidshare.pyz").write_bytes(b"PK")
    (bin_dir / "kubectl-pidshare").symlink_to(launcher)
    return bin_dir


def test_krew_install_links_the_completer_beside_the_plugin(tmp_path: Path) -> None:
    environ = {"PATH": str(krew_layout(tmp_path))}
    told = io.StringIO()
    completion(environ, told, install=False)
    assert told.getvalue().startswith(f"{COMPLETER} is not on PATH: ")
    assert not (tmp_path / "bin" / COMPLETER).exists()
    done = io.StringIO()
    completion(environ, done, install=True)
    link = tmp_path / "bin" / COMPLETER
    assert link.is_symlink() and str(link.readlink()) == "kubectl-pidshare"
    assert done.getvalue().startswith(f"linked {link} -> kubectl-pidshare: ")
    again = io.StringIO()
    completion(environ, again, install=True)
    assert again.getvalue().startswith(f"{COMPLETER} is on PATH ({link}): ")


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
