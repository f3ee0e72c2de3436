"""Installed with pip into a fresh virtual environment, kubectl's plugin discovery finds it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .harness import MANIFESTS, ROOT, Namespace


def test_pip_install_then_kubectl_finds_the_plugin(namespace: Namespace, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(ROOT)], check=True,
                   capture_output=True)
    kubectl_dir = next(d for d in namespace.cluster.env["PATH"].split(os.pathsep)
                       if (Path(d) / "kubectl").is_file() and "kubernetes-" in d)
    env = dict(namespace.cluster.env,
               PATH=os.pathsep.join([str(venv / "bin"), kubectl_dir, "/usr/bin", "/bin"]))

    listed = subprocess.run(["kubectl", "plugin", "list"], env=env, capture_output=True,
                            text=True, check=True).stdout
    assert f"{venv}/bin/kubectl-pidshare" in listed.splitlines()

    namespace.apply(MANIFESTS / "share-process-namespace.yaml", wait_for=("nginx",))
    proc = subprocess.run(["kubectl", "pidshare", "ps", "nginx", "-n", namespace.name,
                           "-o", "wide"], env=env, capture_output=True, text=True, check=True)
    assert proc.stderr == ""
    assert "nginx: worker process" in proc.stdout and proc.stdout.startswith("CONTAINER")
