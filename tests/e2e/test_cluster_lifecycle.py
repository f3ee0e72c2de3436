"""tests/cluster/up is idempotent, recovers a half-started cluster and explains bad states."""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

from .harness import ROOT, Cluster

UP = str(ROOT / "tests" / "cluster" / "up")
STATE = Path(os.environ.get("PIDSHARE_STATE", "/var/lib/pidshare-cluster"))


def up(env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run tests/cluster/up, capturing its shell lines and its progress apart."""
    return subprocess.run([UP], capture_output=True, text=True, env=env, timeout=600, check=False)


def alive(pid: int) -> bool:
    """Whether pid runs and is not a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_second_up_is_fast_and_prints_only_shell_lines(cluster: Cluster) -> None:
    started = time.monotonic()
    proc = up()
    elapsed = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr
    assert elapsed < 10, f"up on a running cluster took {elapsed:.1f} s"
    lines = proc.stdout.splitlines()
    assert [line.split("=", 1)[0] for line in lines] == [
        "export KUBECONFIG", "export PATH", "export PIDSHARE_CGROUPNS"]
    # The mode the session's cluster came up in (PIDSHARE_CGROUPNS, host if unset) is kept.
    assert lines[-1] == f"export PIDSHARE_CGROUPNS={os.environ.get('PIDSHARE_CGROUPNS') or 'host'}"
    assert cluster.env["PIDSHARE_CGROUPNS"] == (os.environ.get("PIDSHARE_CGROUPNS") or "host")
    assert "starting" not in proc.stderr


def test_up_recovers_a_killed_component(cluster: Cluster) -> None:
    pid = int((STATE / "run" / "kube-scheduler.pid").read_text())
    os.kill(pid, 9)
    while alive(pid):
        time.sleep(0.1)
    proc = up()
    assert proc.returncode == 0, proc.stderr
    assert "starting kube-scheduler" in proc.stderr
    assert "starting kube-apiserver" not in proc.stderr
    new_pid = int((STATE / "run" / "kube-scheduler.pid").read_text())
    assert new_pid != pid and alive(new_pid)
    cluster.kubectl("get", "--raw", "/readyz")


def test_port_taken_is_a_clear_error(cluster: Cluster, tmp_path: Path) -> None:
    env = dict(os.environ, PIDSHARE_STATE=str(tmp_path / "state"))
    proc = up(env)
    assert proc.returncode == 1
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("error: port 5000 (for registry) is already in use by"), proc.stderr
    assert "docker-registry" in last
    assert proc.stdout == ""


def test_a_component_that_dies_at_start_names_its_log(cluster: Cluster, tmp_path: Path) -> None:
    versions = (ROOT / "tests" / "cluster" / "versions").read_text()
    k8s = re.search(r"^K8S_VERSION=(\S+)", versions, re.MULTILINE)
    etcd = re.search(r"^ETCD_VERSION=(\S+)", versions, re.MULTILINE)
    assert k8s and etcd
    cache = Path(os.environ.get("PIDSHARE_CACHE", Path.home() / ".cache" / "kubectl-pidshare"))
    fake = tmp_path / "cache"
    for name in (f"kubernetes-{k8s[1]}", f"etcd-{etcd[1]}"):
        (fake / name).mkdir(parents=True)
        for binary in (cache / name).iterdir():
            (fake / name / binary.name).symlink_to(binary)
    scheduler = fake / f"kubernetes-{k8s[1]}" / "kube-scheduler"
    scheduler.unlink()
    scheduler.write_text("#!/bin/sh\necho 'simulated crash: bad flag' >&2\nexit 3\n")
    scheduler.chmod(0o755)

    pid = int((STATE / "run" / "kube-scheduler.pid").read_text())
    os.kill(pid, 9)
    while alive(pid):
        time.sleep(0.1)
    try:
        proc = up(dict(os.environ, PIDSHARE_CACHE=str(fake)))
        assert proc.returncode == 1
        lines = proc.stderr.strip().splitlines()
        assert lines[-1] == (f"error: kube-scheduler exited while starting; see its log: "
                             f"{STATE}/logs/kube-scheduler.log")
        assert lines[-2] == "  | simulated crash: bad flag"
    finally:
        assert up().returncode == 0
