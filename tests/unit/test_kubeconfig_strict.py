"""kubeconfig fields read as client-go reads them: wrong types refused, insecure with a CA
refused, impersonation sent (each case checked against kubectl 1.34 by hand, messages kept)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubectl_pidshare.cluster.configflags import ConfigFlags
from kubectl_pidshare.cluster.credentials import impersonation
from kubectl_pidshare.cluster.kubeconfig import load
from kubectl_pidshare.errors import PidshareError


def kubeconfig(tmp_path: Path, cluster: str = "", user: str = "") -> Path:
    """A one-context kubeconfig with extra cluster and user lines."""
    (tmp_path / "ca.crt").write_text("not read here\n")
    path = tmp_path / "config"
    path.write_text(f"""\
apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: https://127.0.0.1:6443
{cluster}
users:
- name: u
  user:
    token: t0k
{user}
contexts:
- name: x
  context: {{cluster: c, user: u}}
current-context: x
""")
    return path


@pytest.mark.parametrize(("cluster", "user", "message"), [
    pytest.param('    insecure-skip-tls-verify: "false"', "",
                 'json: cannot unmarshal string into Go struct field '
                 'Cluster.clusters.cluster.insecure-skip-tls-verify of type bool',
                 id="insecure-as-a-string"),
    pytest.param("    insecure-skip-tls-verify: 1", "",
                 "json: cannot unmarshal number into Go struct field "
                 "Cluster.clusters.cluster.insecure-skip-tls-verify of type bool",
                 id="insecure-as-a-number"),
    pytest.param("", "    as-groups: devs",
                 "json: cannot unmarshal string into Go struct field "
                 "AuthInfo.users.user.as-groups of type []string", id="groups-as-a-string"),
    pytest.param("", "    as: 5",
                 "json: cannot unmarshal number into Go struct field AuthInfo.users.user.as of "
                 "type string", id="user-as-a-number"),
    pytest.param("", "    as: 2020-01-01",
                 "json: cannot unmarshal date into Go struct field AuthInfo.users.user.as of "
                 "type string", id="a-yaml-type-json-lacks"),
])
def test_a_field_of_the_wrong_type_is_refused(tmp_path: Path, cluster: str, user: str,
                                              message: str) -> None:
    path = kubeconfig(tmp_path, cluster, user)
    with pytest.raises(PidshareError) as caught:
        load(ConfigFlags(kubeconfig=str(path)), {})
    assert caught.value.message == f'error loading config file "{path}": {message}'


@pytest.mark.parametrize("cluster", [
    pytest.param("    insecure-skip-tls-verify: true\n    certificate-authority: ca.crt",
                 id="file"),
    pytest.param("    insecure-skip-tls-verify: yes\n    certificate-authority-data: Y2E=",
                 id="data-and-yaml-1.1-yes"),
])
def test_insecure_with_a_ca_is_refused(tmp_path: Path, cluster: str) -> None:
    with pytest.raises(PidshareError) as caught:
        load(ConfigFlags(kubeconfig=str(kubeconfig(tmp_path, cluster))), {})
    assert caught.value.message == (
        "specifying a root certificates file with the insecure flag is not allowed")


def test_insecure_alone_is_insecure(tmp_path: Path) -> None:
    path = kubeconfig(tmp_path, "    insecure-skip-tls-verify: true")
    assert load(ConfigFlags(kubeconfig=str(path)), {}).credentials.insecure is True


def test_the_user_s_impersonation_is_sent(tmp_path: Path) -> None:
    user = ('    as: alice\n    as-uid: "1234"\n    as-groups: [devs, ops]\n'
            "    as-user-extra: {scopes: [a, b], 'x/y': [z]}")
    headers = load(ConfigFlags(kubeconfig=str(kubeconfig(tmp_path, user=user))), {}
                   ).credentials.headers()
    assert headers == [
        ("Authorization", "Bearer t0k"), ("Impersonate-User", "alice"),
        ("Impersonate-Uid", "1234"), ("Impersonate-Group", "devs"),
        ("Impersonate-Group", "ops"), ("Impersonate-Extra-scopes", "a"),
        ("Impersonate-Extra-scopes", "b"), ("Impersonate-Extra-x%2Fy", "z")]


def test_impersonation_details_need_a_user(tmp_path: Path) -> None:
    with pytest.raises(PidshareError) as caught:
        load(ConfigFlags(kubeconfig=str(kubeconfig(tmp_path, user="    as-groups: [devs]"))), {})
    assert caught.value.message == (
        "requesting uid, groups or user-extra for u without impersonating a user")
    assert impersonation(None, None, [], {}, "u") == ()
