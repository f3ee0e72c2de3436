"""The krew release: built reproducibly, valid for krew, installed by krew itself into a
temporary KREW_ROOT, and run by kubectl with each python3 from 3.9 to 3.13 where none of
pidshare's dependencies is importable; an older python3, or none, gets one clear line."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .harness import MANIFESTS, ROOT, Cluster, Namespace, fresh_namespace

MANIFEST = ROOT / "krew" / "pidshare.yaml"
PYENV = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
NEEDED = ("error: kubectl pidshare needs Python 3.9 or later")


def run(argv: list[str], env: dict[str, str] | None = None) -> str:
    """Run a command that must succeed; its stdout."""
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"{argv} exited {proc.returncode}: {proc.stderr[-2000:]}"
    return proc.stdout


def python(version: str) -> Path:
    """pyenv's python3 of that minor version (the machine has 3.6 to 3.13)."""
    found = sorted(PYENV.glob(f"{version}.*/bin/python{version}"))
    assert found, f"no Python {version} under {PYENV}"
    return found[-1]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The archive, built from the tree; the manifest must carry its sha256 and be valid."""
    out = tmp_path_factory.mktemp("dist")
    built = Path(run([sys.executable, str(ROOT / "krew" / "build.py"), "--check", "--out",
                      str(out)]).strip())
    run([str(krew_tools() / "validate-krew-manifest"), "-manifest", str(MANIFEST),
         "-skip-install"])
    return built


def krew_tools() -> Path:
    """krew and validate-krew-manifest, built from the Go proxy (cached)."""
    return Path(run([str(ROOT / "krew" / "get-krew")]).strip())


@pytest.fixture(scope="module")
def seed(cluster: Cluster) -> Iterator[Namespace]:
    """The seed's Pod, for every Python."""
    with fresh_namespace(cluster, "e2e-krew") as namespace:
        namespace.apply(MANIFESTS / "share-process-namespace.yaml", wait_for=("nginx",))
        yield namespace


def krew_install(cluster: Cluster, archive: Path, home: Path, python3: Path | None
                 ) -> dict[str, str]:
    """Install the archive with krew under home; the environment of a user whose only
    python3 is python3 (none if None), with no pidshare dependency importable."""
    tools = home / "tools"
    tools.mkdir()
    (tools / "kubectl-krew").symlink_to(krew_tools() / "krew")
    for command in ("readlink", "dirname", "rm"):  # the launcher's, the completer script's
        (tools / command).symlink_to(run(["sh", "-c", f"command -v {command}"]).strip())
    if python3 is not None:
        (tools / "python3").symlink_to(python3)
    kubectl = next(d for d in cluster.env["PATH"].split(os.pathsep)
                   if (Path(d) / "kubectl").is_file() and "kubernetes-" in d)
    krew_root = home / "krew"
    env = {"HOME": str(home), "KREW_ROOT": str(krew_root),
           "KUBECONFIG": cluster.env["KUBECONFIG"],
           "PATH": os.pathsep.join([str(krew_root / "bin"), str(tools), kubectl])}
    run(["kubectl", "krew", "install", f"--manifest={MANIFEST}", f"--archive={archive}"], env)
    installed = krew_root / "bin" / "kubectl-pidshare"
    assert installed.is_symlink() and os.access(installed, os.X_OK)
    assert (installed.resolve().parent / "LICENSE").is_file()
    return env


@pytest.mark.parametrize("version", ["3.9", "3.10", "3.11", "3.12", "3.13"])
def test_krew_install_runs_with_python(seed: Namespace, archive: Path, tmp_path: Path,
                                       version: str) -> None:
    env = krew_install(seed.cluster, archive, tmp_path, python(version))
    probe = subprocess.run(["python3", "-c", "import typer"], env=env, capture_output=True)
    assert probe.returncode != 0, "the test needs a python3 without pidshare's dependencies"
    assert f"(Python {version}." in run(["kubectl", "pidshare", "version", "--client"], env)
    unpacked = list((tmp_path / ".cache" / "kubectl-pidshare").glob("krew-*/kubectl_pidshare"))
    assert len(unpacked) == 1, "the first run unpacks the build once into the cache"
    out = run(["kubectl", "pidshare", "ps", "nginx", "-n", seed.name], env)
    assert "nginx: worker process" in out and out.startswith("CONTAINER")
    assert list(unpacked[0].glob("__pycache__/cli.*.pyc")), "later runs import bytecode"
    assert "kubectl-pidshare" in run(["kubectl", "plugin", "list"], env)

    assert "ps" not in run(["kubectl", "__complete", "pidshare", ""], env).split()
    assert "wrote" in run(["kubectl", "pidshare", "completion", "--install"], env)
    offered = run(["kubectl", "__complete", "pidshare", ""], env).split()
    assert offered[:13] == ["ps", "top", "kill", "cat", "env", "audit", "ports", "fds", "ls",
                            "cp", "help", "version", "completion"]
    assert "is on PATH" in run(["kubectl", "pidshare", "completion"], env)


@pytest.mark.parametrize("python3", [
    pytest.param("3.8", id="python-3.8"),
    pytest.param(None, id="no-python3"),
])
def test_krew_install_says_what_python_it_needs(seed: Namespace, archive: Path, tmp_path: Path,
                                                python3: str | None) -> None:
    env = krew_install(seed.cluster, archive, tmp_path, python(python3) if python3 else None)
    proc = subprocess.run(["kubectl", "pidshare", "ps", "nginx"], env=env, capture_output=True,
                          text=True, check=False)
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith(NEEDED), proc.stderr
    assert ("is 3.8" if python3 else "finds no python3 on PATH") in proc.stderr


def test_krew_uninstall_leaves_no_completer_behind(seed: Namespace, archive: Path,
                                                   tmp_path: Path) -> None:
    env = krew_install(seed.cluster, archive, tmp_path, python("3.9"))
    completer = tmp_path / "krew" / "bin" / "kubectl_complete-pidshare"
    completer.symlink_to("kubectl-pidshare-of-an-older-install")
    assert "wrote" in run(["kubectl", "pidshare", "completion", "--install"], env)
    assert completer.is_file() and not completer.is_symlink()
    offered = run(["kubectl", "__complete", "pidshare", "kill", "-n", seed.name, "nginx", ""],
                  env).splitlines()
    assert "1\t(sandbox): /pause" in offered and offered[-1] == ":4", offered
    usage = subprocess.run(["kubectl", "pidshare", "ps", "nginx", "--bogus"], env=env,
                           capture_output=True, text=True, check=False)
    assert (usage.returncode, usage.stderr) == (
        2, "error: unknown flag: --bogus\nSee 'kubectl pidshare ps --help' for usage.\n")

    (tmp_path / "krew" / "index" / "default" / ".git").mkdir(parents=True)  # no index to fetch
    run(["kubectl", "krew", "uninstall", "pidshare"], env)
    assert not (tmp_path / "krew" / "bin" / "kubectl-pidshare").exists()
    assert run([str(completer), "ps", ""], env) == ":4\n", "the plugin is gone: nothing"
    assert sorted(path.name for path in (tmp_path / "krew" / "bin").iterdir()) == [], (
        "nothing of pidshare's is left in krew's bin, no dangling link")
    assert run(["kubectl", "__complete", "pidshare", ""], env).splitlines()[-1].startswith(":")


def test_one_krew_build_runs_compiled_under_two_pythons(seed: Namespace, archive: Path,
                                                        tmp_path: Path) -> None:
    env = {**krew_install(seed.cluster, archive, tmp_path, python("3.9")),
           "PYTHONDONTWRITEBYTECODE": "1"}
    run(["kubectl", "pidshare", "version", "--client"], env)
    later = {**env, "PIDSHARE_PYTHON": str(python("3.12"))}
    assert "(Python 3.12." in run(["kubectl", "pidshare", "version", "--client"], later)
    [unpacked] = (tmp_path / ".cache" / "kubectl-pidshare").glob("krew-*/kubectl_pidshare")
    for tag in ("cpython-39", "cpython-312"):
        assert (unpacked / "__pycache__" / f"cli.{tag}.pyc").is_file(), tag
        assert list(unpacked.glob(f"../typer/__pycache__/main.{tag}.pyc")), tag
    out = run(["kubectl", "pidshare", "ps", "nginx", "-n", seed.name], later)
    assert "nginx: worker process" in out
