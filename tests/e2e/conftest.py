"""Fixtures for the end-to-end tests: the real local cluster and a fresh namespace per test.

The cluster comes from tests/cluster/up, which reuses a running cluster. If it cannot come up,
every end-to-end test fails: none of them skips itself.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .harness import ROOT, Cluster, Namespace, fresh_namespace


def _exports(script_output: str) -> dict[str, str]:
    env = dict(os.environ)
    for line in script_output.splitlines():
        words = shlex.split(line)
        if len(words) == 2 and words[0] == "export" and "=" in words[1]:
            key, value = words[1].split("=", 1)
            env[key] = value.replace("$PATH", env.get("PATH", ""))
    return env


@pytest.fixture(scope="session")
def cluster() -> Cluster:
    """The local cluster, brought up (or reused) once per test session."""
    proc = subprocess.run(
        [str(ROOT / "tests" / "cluster" / "up")], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        pytest.fail(f"the local cluster did not come up:\n{proc.stderr}", pytrace=False)
    env = _exports(proc.stdout)
    assert "KUBECONFIG" in env, proc.stdout
    # `kubectl pidshare` finds bin/kubectl-pidshare, run by this interpreter's python3.
    python_bin = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join([str(ROOT / "bin"), python_bin, env["PATH"]])
    return Cluster(env=env)


@pytest.fixture
def namespace(cluster: Cluster) -> Iterator[Namespace]:
    """A fresh namespace for one test, deleted afterwards."""
    with fresh_namespace(cluster) as made:
        yield made
