"""Secrets kept out of ps, kill and env by default, shown with --show-secrets (fake transport)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import yaml

from kubectl_pidshare import top
from kubectl_pidshare.cluster.targets import parse
from kubectl_pidshare.pod import runner
from kubectl_pidshare.ps import PsOptions
from kubectl_pidshare.redaction import MARK
from kubectl_pidshare.status import ExitStatus

from .fakes import FakeTransport, Install, Main
from .test_kill_cat import MASTER_STAT
from .test_top import Interrupt

SECRET_ARGS = (b"14/cmdline:mysql\x0014/cmdline:-phunter2\x0014/cmdline:--token\x00"
               b"14/cmdline:t0ps3cret")
ENVIRON = (b"pidshare-environ\x007/environ:PATH=/usr/bin\x007/environ:DB_PASSWORD=hunter2\x00"
           b"7/environ:DATABASE_URL=postgres://app:s3cr3t@db/app\x007/environ:MODE=\xff\n\x00")


def secret_probe(install: Install) -> FakeTransport:
    fake = install("nginx")
    fake.probe = fake.probe.replace(b"14/cmdline:sh", SECRET_ARGS)
    return fake


@pytest.mark.parametrize("output", ["tree", "wide", "json", "yaml"])
def test_ps_hides_secret_arguments_in_every_format(install: Install, main: Main,
                                                    output: str) -> None:
    secret_probe(install)
    status, out, err = main("ps", "nginx", "-o", output)
    assert (status, err) == (0, "")
    assert "hunter2" not in out and "t0ps3cret" not in out
    assert f"mysql -p{MARK} --token {MARK}" in out
    shown = main("ps", "nginx", "-o", output, "--show-secrets").stdout
    assert "mysql -phunter2 --token t0ps3cret" in shown


def test_ps_json_args_are_redacted_one_by_one(install: Install, main: Main) -> None:
    secret_probe(install)
    for out in (json.loads(main("ps", "nginx", "-o", "json").stdout),
                yaml.safe_load(main("ps", "nginx", "-o", "yaml").stdout)):
        [mysql] = [p for p in out["processes"] if p["pid"] == 14]
        assert mysql["args"] == ["mysql", f"-p{MARK}", "--token", MARK]


@pytest.mark.parametrize("show", [False, True])
def test_top_hides_secret_arguments_unless_asked(install: Install, show: bool) -> None:
    fake = secret_probe(install)
    out, err = io.StringIO(), io.StringIO()
    options = PsOptions(parse(["nginx"], None, False), sort_by="cpu", show_secrets=show)
    with pytest.raises(KeyboardInterrupt):
        top.top(fake, options, out, err, 1.0, None, Interrupt(1))
    assert ("mysql -phunter2 --token t0ps3cret" in out.getvalue()) is show
    assert (f"mysql -p{MARK} --token {MARK}" in out.getvalue()) is not show


def test_kill_says_what_it_hit_without_the_secret(install: Install, main: Main) -> None:
    fake = install("nginx")
    fake.exec_status["shell"] = (0, MASTER_STAT.replace(
        b"7/cmdline:nginx: master process nginx -g daemon off;",
        b"7/cmdline:app\x007/cmdline:--password=hunter2"), b"")
    status, out, err = main("kill", "nginx", "7", "0")
    assert (status, out, err) == (0, f'sent signal 0 to PID 7 (app --password={MARK}) in '
                                     'container "nginx"\n', "")


def env_fake(install: Install, status: int = 0, stderr: bytes = b"") -> FakeTransport:
    fake = install("nginx")
    fake.exec_status["shell"] = (status, MASTER_STAT + ENVIRON, stderr)
    return fake


def test_env_redacts_by_name_and_by_shape(install: Install, main: Main) -> None:
    env_fake(install)
    assert main("env", "nginx", "7") == (
        0, f"PATH=/usr/bin\nDB_PASSWORD={MARK}\nDATABASE_URL=postgres://app:{MARK}@db/app\n"
           "MODE=\\xff\\n\n",
        f"note: 2 value(s) that look secret are shown as {MARK} (--show-secrets shows them)\n")


def test_env_show_secrets(install: Install, main: Main) -> None:
    env_fake(install)
    status, out, err = main("env", "nginx", "7", "--show-secrets")
    assert (status, err) == (0, "")
    assert "DB_PASSWORD=hunter2\n" in out and "postgres://app:s3cr3t@db/app" in out


def test_env_json_says_where_it_comes_from(install: Install, main: Main) -> None:
    env_fake(install)
    doc = json.loads(main("env", "nginx", "7", "-o", "json").stdout)
    assert (doc["kind"], doc["pid"], doc["container"], doc["truncated"]) == (
        "ProcessEnvironment", 7, "nginx", False)
    assert "exec time" in doc["source"]
    assert doc["variables"][1] == {"name": "DB_PASSWORD", "value": MARK, "redacted": True}
    assert "hunter2" not in json.dumps(doc) and "s3cr3t" not in json.dumps(doc)
    assert yaml.safe_load(main("env", "nginx", "7", "-o", "yaml").stdout) == doc


def test_env_runs_one_exec_with_a_bound(install: Install, main: Main) -> None:
    fake = env_fake(install)
    main("env", "nginx", "7")
    [(_, container, argv)] = fake.execs
    assert (container, argv[3:]) == ("shell", ["pidshare-environ", "7", "8192"])


def test_env_diff_against_the_spec(install: Install, main: Main) -> None:
    nginx = env_fake(install).pod["spec"]["containers"][0]
    nginx["env"] = [{"name": "PATH", "value": "/bin"},
                    {"name": "API_KEY", "valueFrom": {"secretKeyRef": {"name": "k", "key": "k"}}}]
    nginx["envFrom"] = [{"secretRef": {"name": "app-env"}}]
    assert main("env", "nginx", "7", "--diff") == (0, (
        '# in the process, not in the spec of container "nginx":\n'
        "+ DATABASE_URL\n+ DB_PASSWORD\n+ MODE\n"
        "# in the spec, not in the process:\n- API_KEY\n"
        "# from envFrom, whose names pidshare does not read (that needs a GET of each): "
        "secret/app-env\n"), "")


def test_env_without_ptrace_access_names_what_is_missing(install: Install, main: Main) -> None:
    env_fake(install, 99, b"pidshare: no-access 0/0/a80c25fb 0/0/a80425fb\n")
    status, out, err = main("env", "nginx", "7")
    assert (status, out) == (67, "")
    assert err == (
        'error: cannot read the environment of PID 7 (uid 0): container "shell" has '
        "CAP_SYS_PTRACE or the same uid, yet the kernel refused: the process may be in another "
        "user namespace, or a security module (AppArmor, SELinux) denies it\n")


def test_env_of_a_process_that_is_gone(install: Install, main: Main) -> None:
    env_fake(install, 99, b"pidshare: no-process 7\n")
    assert main("env", "nginx", "7") == (64, "", 'error: no process 7 in pod "nginx"\n')


def test_env_of_pid_word_is_a_usage_error(main: Main) -> None:
    status, _, err = main("env", "nginx", "eight")
    assert status == 2 and err.startswith('error: invalid process "eight"')


MANIFEST = """\
apiVersion: v1
kind: Secret
metadata: {name: db}
stringData: {password: hunter2}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      shareProcessNamespace: true
      containers:
      - name: app
        image: app:1
        args: ["--token", "t0ps3cret"]
        env:
        - {name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}
        securityContext: {runAsUser: 1000}
      - name: proxy
        image: docker.io/istio/proxyv2:1.22
        securityContext: {runAsUser: 1337}
      - name: sidecar
        image: busybox
        securityContext: {runAsUser: 1000}
---
apiVersion: v1
kind: List
items:
- apiVersion: batch/v1
  kind: CronJob
  metadata: {name: nightly}
  spec:
    jobTemplate:
      spec:
        template:
          spec:
            containers: [{name: job, image: busybox, env: [{name: API_KEY, value: abc}]}]
"""


def findings_of(out: str) -> dict[str, list[tuple[str, str, str]]]:
    return {item["object"]: [(f["id"], f["level"], f["container"]) for f in item["findings"]]
            for item in json.loads(out)["items"]}


def test_audit_manifests_without_a_cluster(main: Main, tmp_path: Path) -> None:
    path = tmp_path / "web.yaml"
    path.write_text(MANIFEST)
    status, out, err = main("audit", "-f", str(path), "-o", "json")
    assert (status, err) == (0, "")
    assert "hunter2" not in out and "t0ps3cret" not in out
    found = findings_of(out)
    assert list(found) == ["Deployment/web", "CronJob/nightly"]
    web = found["Deployment/web"]
    assert ("secret-argument", "critical", "app") in web
    assert ("can-read", "critical", "sidecar") in web
    assert ("proxy-uid", "warning", "app") not in web
    assert ("shared-namespace", "info", "") in web
    assert found["CronJob/nightly"][:2] == [("runs-as-root", "warning", "job"),
                                            ("secret-variable", "warning", "job")]
    assert ("secret-in-spec", "warning", "job") in found["CronJob/nightly"]
    assert ("not-shared", "info", "") in found["CronJob/nightly"]


def test_audit_fail_on(main: Main, tmp_path: Path) -> None:
    path = tmp_path / "web.yaml"
    path.write_text(MANIFEST)
    status, out, err = main("audit", "-f", str(path), "--fail-on", "critical")
    assert status == ExitStatus.FINDINGS and "can-read" in out
    assert err == "error: findings at level critical or above (--fail-on critical)\n"
    quiet = tmp_path / "quiet.yaml"
    quiet.write_text("kind: Pod\nmetadata: {name: q}\nspec:\n  containers:\n  - name: a\n"
                     "    securityContext: {runAsUser: 1000}\n")
    assert main("audit", "-f", str(quiet), "--fail-on", "warning")[0] == 0
    assert main("audit", "-f", str(quiet), "--fail-on", "info")[0] == ExitStatus.FINDINGS


@pytest.mark.parametrize(("argv", "status", "error"), [
    pytest.param(("audit",), 2, "error: you must specify at least one of POD, TYPE/NAME, "
                 "-l/--selector, -A or -f FILE (kubectl pidshare audit -h shows examples)",
                 id="nothing"),
    pytest.param(("audit", "web", "-f", "x.yaml"), 2,
                 "error: give Pods (POD, TYPE/NAME, -l, -A) or -f FILE, not both", id="both"),
    pytest.param(("audit", "-f", "/nonexistent"), 1,
                 'error: the path "/nonexistent" does not exist', id="missing"),
])
def test_audit_usage(main: Main, argv: tuple[str, ...], status: int, error: str) -> None:
    assert main(*argv) == (status, "", error + "\n")


def test_audit_a_file_that_makes_no_pod(main: Main, tmp_path: Path) -> None:
    path = tmp_path / "cm.yaml"
    path.write_text("kind: ConfigMap\nmetadata: {name: c}\n")
    status, _, err = main("audit", "-f", str(path))
    assert status == 1 and err.startswith("error: no objects passed to audit")
    path.write_text("kind: [\n")
    status, _, err = main("audit", "-f", str(path))
    assert status == 1 and err.startswith(f"error: error parsing {path}: ")


def test_audit_a_live_pod_in_one_exec(install: Install, main: Main) -> None:
    fake = install("nginx")
    fake.probe = fake.probe.replace(b"14/cmdline:sh", SECRET_ARGS)
    status, out, err = main("audit", "nginx", "-o", "json")
    assert (status, err) == (0, "")
    [(_, _, argv)] = fake.execs
    assert argv[3] == "pidshare-audit" and argv[2].startswith(runner.PREAMBLE + "# pidshare audit")
    [item] = json.loads(out)["items"]
    assert item["pod"] == "nginx"
    [secret] = [f for f in item["findings"] if f["id"] == "secret-argument"]
    assert secret["container"] == "shell" and secret["level"] == "critical"
    assert f"-p{MARK}" in secret["message"] and "hunter2" not in out
