"""The plugin installed twice, with krew and with pip, for the krew-against-pip cases."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def installs(env: dict[str, str]) -> tuple[str, str]:
    """The plugin installed with krew (from the archive built from the tree) and with pip
    (into a fresh venv), both run by the same Python: the `env` prefix that makes
    `kubectl pidshare` each of them."""
    base = Path(tempfile.mkdtemp(prefix="pidshare-bench-"))
    python = str(Path(sys.base_prefix) / "bin" / "python3")
    archive = subprocess.run([sys.executable, str(ROOT / "krew" / "build.py"), "--check",
                              "--out", str(base / "dist")], env=env, check=True,
                             capture_output=True, text=True).stdout.strip()
    tools = Path(subprocess.run([str(ROOT / "krew" / "get-krew")], env=env, check=True,
                                capture_output=True, text=True).stdout.strip())
    (base / "tools").mkdir()
    (base / "tools" / "kubectl-krew").symlink_to(tools / "krew")
    kubectl_dir = next(d for d in env["PATH"].split(os.pathsep) if (Path(d) / "kubectl").is_file())
    system = f"{kubectl_dir}{os.pathsep}/usr/bin{os.pathsep}/bin"
    krew_root = base / "krew"
    subprocess.run(["kubectl", "krew", "install", f"--manifest={ROOT / 'krew' / 'pidshare.yaml'}",
                    f"--archive={archive}"], check=True, capture_output=True,
                   env={**env, "KREW_ROOT": str(krew_root),
                        "PATH": f"{base / 'tools'}{os.pathsep}{system}"})
    subprocess.run([python, "-m", "venv", str(base / "venv")], check=True)
    subprocess.run([str(base / "venv" / "bin" / "pip"), "install", "-q", str(ROOT)], check=True)
    krew = f"env PIDSHARE_PYTHON={python} PATH={krew_root / 'bin'}{os.pathsep}{system}"
    pip = f"env PATH={base / 'venv' / 'bin'}{os.pathsep}{system}"
    subprocess.run([*krew.split(), "kubectl", "pidshare", "--help"], env=env, check=True,
                   capture_output=True)  # the first run unpacks, once
    return krew, pip
