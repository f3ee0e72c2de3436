"""What a shared namespace exposes, against the real cluster: `env` and `ps` keep the app's
password (an environment variable) and token (a flag) out of sight unless --show-secrets;
`audit` names both exposures and the sidecar of the same uid that can read them, live and from
the manifest alone."""

from __future__ import annotations

import json
import subprocess

import pytest
import yaml

from kubectl_pidshare.redaction import MARK
from kubectl_pidshare.status import ExitStatus

from .harness import MANIFESTS, Namespace

MANIFEST = MANIFESTS / "secrets.yaml"
PASSWORD, TOKEN = b"hunter2-from-env", b"t0ken-from-flag"


@pytest.fixture
def secrets(namespace: Namespace) -> Namespace:
    """The namespace with the secrets Pod running."""
    namespace.apply(MANIFEST, wait_for=("secrets",))
    return namespace


def test_env_hides_the_password_unless_asked(secrets: Namespace) -> None:
    hidden = secrets.pidshare("env", "secrets", "container/app")
    assert PASSWORD not in hidden.stdout + hidden.stderr
    assert f"DB_PASSWORD={MARK}\n".encode() in hidden.stdout
    assert b"LOG_LEVEL=info\n" in hidden.stdout
    assert hidden.stderr.endswith(b"(--show-secrets shows them)\n")
    for output, load in (("json", json.loads), ("yaml", yaml.safe_load)):
        proc = secrets.pidshare("env", "secrets", "container/app", "-o", output)
        assert PASSWORD not in proc.stdout
        variables = {v["name"]: v for v in load(proc.stdout)["variables"]}
        assert variables["DB_PASSWORD"] == {"name": "DB_PASSWORD", "value": MARK,
                                            "redacted": True}
    shown = secrets.pidshare("env", "secrets", "container/app", "--show-secrets")
    assert b"DB_PASSWORD=" + PASSWORD + b"\n" in shown.stdout


def test_env_diff_names_what_the_spec_did_not_set(secrets: Namespace) -> None:
    diff = secrets.pidshare("env", "secrets", "container/app", "--diff").stdout.decode()
    assert "+ HOSTNAME\n" in diff and "+ PATH\n" in diff
    assert "DB_PASSWORD" not in diff and "LOG_LEVEL" not in diff
    assert PASSWORD.decode() not in diff


@pytest.mark.parametrize("output", ["tree", "wide", "json", "yaml"])
def test_ps_hides_the_token_unless_asked(secrets: Namespace, output: str) -> None:
    hidden = secrets.pidshare("ps", "secrets", "-o", output)
    assert TOKEN not in hidden.stdout and PASSWORD not in hidden.stdout
    assert f"app --token {MARK}".encode() in hidden.stdout
    shown = secrets.pidshare("ps", "secrets", "-o", output, "--show-secrets")
    assert b"app --token " + TOKEN in shown.stdout


def test_no_log_level_shows_them(secrets: Namespace) -> None:
    for command in (("ps", "secrets"), ("env", "secrets", "container/app"),
                    ("audit", "secrets")):
        proc = secrets.pidshare(*command, "-v=8")
        assert b'"Response Body"' in proc.stderr
        assert TOKEN not in proc.stdout + proc.stderr
        assert PASSWORD not in proc.stdout + proc.stderr


def test_audit_names_the_exposures_and_who_can_read_them(secrets: Namespace) -> None:
    proc = secrets.pidshare("audit", "secrets", "-o", "json")
    assert PASSWORD not in proc.stdout and TOKEN not in proc.stdout
    [item] = json.loads(proc.stdout)["items"]
    found = {(f["id"], f["container"]): f for f in item["findings"]}
    argument = found["secret-argument", "app"]
    assert argument["level"] == "critical" and f"--token {MARK}" in argument["message"]
    assert "DB_PASSWORD" in found["secret-variable", "app"]["message"]
    reader = found["can-read", "sidecar"]
    assert reader["level"] == "critical"
    assert 'container "app" (same uid 1000' in reader["message"]
    assert "DB_PASSWORD" in reader["message"]
    table = secrets.pidshare("audit", "secrets").stdout.decode()
    assert "can-read" in table and "secret-argument" in table
    gate = secrets.pidshare("audit", "secrets", "--fail-on", "critical", check=False)
    assert gate.returncode == ExitStatus.FINDINGS
    assert gate.stderr == b"error: findings at level critical or above (--fail-on critical)\n"


def test_audit_of_the_manifest_needs_no_cluster(namespace: Namespace) -> None:
    no_cluster = dict(namespace.cluster.env, KUBECONFIG="/nonexistent/kubeconfig")

    def audit(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(["kubectl", "pidshare", "audit", *args], env=no_cluster,
                              input=stdin, capture_output=True, timeout=60, check=False)

    for proc in (audit("-f", str(MANIFEST), "-o", "json"),
                 audit("-f", "-", "-o", "json", stdin=MANIFEST.read_bytes())):
        assert (proc.returncode, proc.stderr) == (0, b"")
        assert PASSWORD not in proc.stdout and TOKEN not in proc.stdout
        [item] = json.loads(proc.stdout)["items"]
        assert item["object"] == "Pod/secrets"
        found = {(f["id"], f["container"], f["level"]) for f in item["findings"]}
        assert {("secret-argument", "app", "critical"), ("can-read", "sidecar", "critical"),
                ("secret-variable", "app", "warning"), ("shared-namespace", "", "info")} <= found
    assert audit("-f", str(MANIFEST), "--fail-on", "warning").returncode == ExitStatus.FINDINGS


def test_env_without_ptrace_access_says_what_is_missing(namespace: Namespace) -> None:
    namespace.apply(MANIFESTS / "permissions.yaml", wait_for=("perms",))
    proc = namespace.pidshare("env", "perms", "container/locked", "--exec-container", "reader",
                              check=False)
    assert proc.returncode == ExitStatus.NO_PTRACE_ACCESS
    line = proc.stderr.decode().splitlines()[-1]
    assert line.startswith("error: cannot read the environment of PID ")
    assert ('(uid 0): container "reader" runs as uid 1000: a process that is not root has no '
            "effective capability, whatever securityContext.capabilities.add says (its CapEff "
            "is empty); reading the environment of a process of uid 0 needs the same uid and "
            "group and a dumpable process or CAP_SYS_PTRACE: ") in line
