"""Fixtures for the end-to-end tests: the real local cluster and a fresh namespace per test.

The cluster comes from tests/cluster/up, which reuses a running cluster. If it cannot come up,
every end-to-end test fails: none of them skips itself.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from .harness import ROOT, Cluster, Namespace


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
    name = f"e2e-{uuid.uuid4().hex[:8]}"
    cluster.kubectl("create", "namespace", name)
    deadline = time.monotonic() + 60
    while cluster.kubectl("-n", name, "get", "serviceaccount", "default", check=False).returncode:
        assert time.monotonic() < deadline, f"no default ServiceAccount in namespace {name}"
        time.sleep(0.2)
    try:
        yield Namespace(name=name, cluster=cluster)
    finally:
        cluster.kubectl("delete", "namespace", name, "--wait=false", check=False)
