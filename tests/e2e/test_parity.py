"""kubeconfig variants run through kubectl and through `kubectl pidshare`, side by side: the
same outcome, and for a failure the same error line (kubectl's behaviour is the
specification). Each variant is the admin's kubeconfig with some cluster and user lines."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from .harness import MANIFESTS, Cluster, Namespace, fresh_namespace

PKI = Path(os.environ.get("PIDSHARE_STATE", "/var/lib/pidshare-cluster")) / "pki"
CA = f"    certificate-authority: {PKI}/ca.crt"
VARIANTS = {
    "plain": (CA, ""),
    "insecure-as-a-string": (f'{CA}\n    insecure-skip-tls-verify: "false"', ""),
    "insecure-as-a-number": ("    insecure-skip-tls-verify: 0", ""),
    "insecure-with-a-ca": (f"{CA}\n    insecure-skip-tls-verify: true", ""),
    "insecure-yaml-yes-with-a-ca": (f"{CA}\n    insecure-skip-tls-verify: yes", ""),
    "insecure-alone": ("    insecure-skip-tls-verify: true", ""),
    "no-ca": ("", ""),
    "impersonate-a-user-without-rights": (CA, "    as: alice"),
    "impersonate-into-system-masters": (CA, "    as: alice\n    as-groups: [system:masters]"),
    "impersonate-groups-only": (CA, "    as-groups: [system:masters]"),
    "impersonate-groups-as-a-string": (CA, "    as: alice\n    as-groups: system:masters"),
    "impersonate-with-uid-and-extra": (
        CA, '    as: alice\n    as-uid: "42"\n    as-groups: [system:masters]\n'
            "    as-user-extra: {team: [a, b]}"),
}


def variant(tmp_path: Path, cluster: str, user: str) -> Path:
    """The admin's kubeconfig with extra cluster and user lines."""
    path = tmp_path / "config"
    path.write_text(f"""\
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: https://127.0.0.1:6443
{cluster}
users:
- name: admin
  user:
    client-certificate: {PKI}/admin.crt
    client-key: {PKI}/admin.key
{user}
contexts:
- name: admin@local
  context: {{cluster: local, user: admin}}
current-context: admin@local
""")
    return path


@pytest.fixture(scope="module")
def seed(cluster: Cluster) -> Iterator[Namespace]:
    """One namespace with the seed's Pod, for every variant."""
    with fresh_namespace(cluster, "e2e-parity") as namespace:
        namespace.apply(MANIFESTS / "share-process-namespace.yaml", wait_for=("nginx",))
        yield namespace


def first_line(stderr: bytes) -> str:
    """The first line of a stderr, with the file name spelt as each tool spells it."""
    return stderr.decode().splitlines()[0] if stderr.strip() else ""


@pytest.mark.parametrize("name", list(VARIANTS))
def test_same_outcome_as_kubectl(seed: Namespace, tmp_path: Path, name: str) -> None:
    namespace = seed
    config = str(variant(tmp_path, *VARIANTS[name]))
    flags = ("--kubeconfig", config, "-n", namespace.name)
    get = namespace.cluster.kubectl(*flags, "get", "pod", "nginx", check=False)
    exec_ = namespace.cluster.kubectl(*flags, "exec", "nginx", "-c", "shell", "--", "true",
                                      check=False)
    ps = namespace.cluster.pidshare(*flags, "ps", "nginx", check=False)
    kubectl_ok = get.returncode == 0 and exec_.returncode == 0
    assert (ps.returncode == 0) == kubectl_ok, (name, get.stderr, exec_.stderr, ps.stderr)
    if kubectl_ok:
        assert b"nginx: master process" in ps.stdout
    else:
        assert ps.returncode == get.returncode == 1
        assert first_line(ps.stderr) == first_line(get.stderr), name
