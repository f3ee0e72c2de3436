"""A user with only the documented Role can use pidshare; without pods/exec, a clear error."""

from __future__ import annotations

from pathlib import Path

from .harness import MANIFESTS, ROOT, Namespace

ROLE = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pidshare}
rules:
- {apiGroups: [""], resources: ["pods"], verbs: ["get"]}
- {apiGroups: [""], resources: ["pods/exec"], verbs: ["create", "get"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: pidshare}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pidshare}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: alice}
"""
GET_ONLY = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pidshare}
rules:
- {apiGroups: [""], resources: ["pods"], verbs: ["get"]}
"""


def user_kubeconfig(ns: Namespace, tmp_path: Path, user: str) -> str:
    """A kubeconfig for a client-certificate user with no rights of its own."""
    path = tmp_path / f"{user}.kubeconfig"
    script = str(ROOT / "tests" / "cluster" / "kubeconfig-for")
    path.write_bytes(ns.cluster.run(script, user).stdout)
    return str(path)


def test_documented_role_is_enough(namespace: Namespace, tmp_path: Path) -> None:
    namespace.apply(MANIFESTS / "share-process-namespace.yaml", wait_for=("nginx",))
    namespace.apply(ROLE)
    alice = user_kubeconfig(namespace, tmp_path, "alice")
    proc = namespace.pidshare("ps", "nginx", "--kubeconfig", alice)
    assert b"nginx: worker process" in proc.stdout
    assert proc.stderr == b""


def test_without_pods_exec_the_error_says_so(namespace: Namespace, tmp_path: Path) -> None:
    namespace.apply(MANIFESTS / "share-process-namespace.yaml", wait_for=("nginx",))
    namespace.apply(GET_ONLY)
    namespace.kubectl("create", "rolebinding", "pidshare", "--role=pidshare", "--user=carol")
    carol = user_kubeconfig(namespace, tmp_path, "carol")
    proc = namespace.pidshare("ps", "nginx", "--kubeconfig", carol, check=False)
    assert proc.returncode == 1
    assert proc.stdout == b""
    line = proc.stderr.decode()
    assert line.startswith("Error from server (Forbidden): ") and line.count("\n") == 1, line
    assert 'cannot create resource "pods/exec"' in line or 'cannot get resource "pods/exec"' \
        in line, line
