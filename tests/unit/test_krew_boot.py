"""The krew build's boot (krew/archive): one unpacked build holds bytecode for every python3
that runs it, even with PYTHONDONTWRITEBYTECODE set (as the machine's shell may have it), and
concurrent first runs of a new python3 leave it whole. A zipapp of the real boot modules and
a small stand-in package, run by pyenv's Pythons."""

from __future__ import annotations

import os
import subprocess
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYENV = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
PACKAGE = {
    "kubectl_pidshare/__init__.py": "",
    "kubectl_pidshare/launch.py": "from kubectl_pidshare import part\n\n\ndef main():\n"
                                  "    print('ran', part.VALUE)\n    return 0\n",
    "kubectl_pidshare/part.py": "VALUE = 42\n",
}


def python(version: str) -> str:
    """pyenv's python of that minor version."""
    found = sorted(PYENV.glob(f"{version}.*/bin/python{version}"))
    assert found, f"no Python {version} under {PYENV}"
    return str(found[-1])


def zipapp(path: Path) -> Path:
    """The boot and the stand-in package, as build.py lays them out."""
    boot = (ROOT / "krew" / "archive" / "pidshare_boot.py").read_text()
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("__main__.py", (ROOT / "krew" / "archive" / "__main__.py").read_text())
        archive.writestr("pidshare_boot.py", boot.replace("@BUILD@", "test"))
        for name, text in PACKAGE.items():
            archive.writestr(name, text)
    return path


def run(interpreter: str, app: Path, cache: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    """The zipapp run by that python3, as the launcher runs it, bytecode writing off."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cache.parent), "PIDSHARE_CACHE": str(cache),
           "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run([interpreter, *flags, str(app)], env=env, capture_output=True,
                          text=True, check=False, timeout=120)
    assert (proc.returncode, proc.stdout) == (0, "ran 42\n"), proc.stderr[-2000:]
    return proc


def bytecode(cache: Path) -> list[str]:
    """The package's compiled files, by name."""
    return sorted(p.name for p in cache.glob("krew-test/kubectl_pidshare/__pycache__/*.pyc"))


def test_one_build_holds_bytecode_for_every_python_that_runs_it(tmp_path: Path) -> None:
    app, cache = zipapp(tmp_path / "pidshare.pyz"), tmp_path / "cache"
    run(python("3.9"), app, cache)
    assert bytecode(cache) == ["__init__.cpython-39.pyc", "launch.cpython-39.pyc",
                               "part.cpython-39.pyc"]
    run(python("3.12"), app, cache)
    assert [name for name in bytecode(cache) if "312" in name] == [
        "__init__.cpython-312.pyc", "launch.cpython-312.pyc", "part.cpython-312.pyc"]
    verbose = run(python("3.12"), app, cache, "-v").stderr
    assert "launch.cpython-312.pyc matches" in verbose and "part.cpython-312.pyc matches" in verbose
    again = run(python("3.9"), app, cache, "-v").stderr
    assert "part.cpython-39.pyc matches" in again and "compileall" not in again


def test_concurrent_first_runs_of_another_python_leave_the_build_whole(tmp_path: Path) -> None:
    app, cache = zipapp(tmp_path / "pidshare.pyz"), tmp_path / "cache"
    run(python("3.10"), app, cache)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PIDSHARE_CACHE": str(cache),
           "PYTHONDONTWRITEBYTECODE": "1"}
    runs = [subprocess.Popen([python("3.11"), str(app)], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(6)]
    for proc in runs:
        out, err = proc.communicate(timeout=120)
        assert (proc.returncode, out) == (0, "ran 42\n"), err
    verbose = run(python("3.11"), app, cache, "-v").stderr
    assert "launch.cpython-311.pyc matches" in verbose and "part.cpython-311.pyc matches" in verbose
    assert not list(cache.glob("krew-test/**/*.pyc.*")), "no half-written file is left"
    assert [p.name for p in cache.iterdir()] == ["krew-test"]
