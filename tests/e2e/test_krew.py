"""The krew release: built reproducibly, valid for krew, installed by krew itself, and run by
kubectl where none of pidshare's dependencies is importable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .harness import MANIFESTS, ROOT, Namespace

MANIFEST = ROOT / "krew" / "pidshare.yaml"
SYSTEM_PYTHON = "/usr/bin/python3"


def run(argv: list[str], env: dict[str, str] | None = None) -> str:
    """Run a command that must succeed; its stdout."""
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"{argv} exited {proc.returncode}: {proc.stderr[-2000:]}"
    return proc.stdout


def test_krew_installs_the_archive_and_kubectl_runs_it(namespace: Namespace,
                                                       tmp_path: Path) -> None:
    archive = Path(run([sys.executable, str(ROOT / "krew" / "build.py"), "--check",
                        "--out", str(tmp_path / "dist")]).strip())
    tools = Path(run([str(ROOT / "krew" / "get-krew")]).strip())
    run([str(tools / "validate-krew-manifest"), "-manifest", str(MANIFEST), "-skip-install"])

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "kubectl-krew").symlink_to(tools / "krew")
    kubectl_dir = next(d for d in namespace.cluster.env["PATH"].split(os.pathsep)
                       if (Path(d) / "kubectl").is_file() and "kubernetes-" in d)
    krew_root = tmp_path / "krew"
    env = {"HOME": str(tmp_path), "KREW_ROOT": str(krew_root),
           "KUBECONFIG": namespace.cluster.env["KUBECONFIG"],
           "PATH": os.pathsep.join([str(krew_root / "bin"), str(bin_dir), kubectl_dir,
                                    "/usr/bin", "/bin"])}
    run(["kubectl", "krew", "install", f"--manifest={MANIFEST}", f"--archive={archive}"], env)
    installed = krew_root / "bin" / "kubectl-pidshare"
    assert installed.is_symlink() and os.access(installed, os.X_OK)
    assert (installed.resolve().parent / "LICENSE").is_file()

    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import typer"], env=env, capture_output=True)
    assert probe.returncode != 0, "the test needs a python3 without pidshare's dependencies"

    namespace.apply(MANIFESTS / "share-process-namespace.yaml", wait_for=("nginx",))
    out = run(["kubectl", "pidshare", "ps", "nginx", "-n", namespace.name], env)
    assert "nginx: worker process" in out and out.startswith("CONTAINER")
    assert "kubectl-pidshare" in run(["kubectl", "plugin", "list"], env)
