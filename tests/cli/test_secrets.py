"""Secrets kept out of ps, kill and env by default, shown with --show-secrets (fake transport)."""

from __future__ import annotations

import json

import pytest
import yaml

from kubectl_pidshare.redaction import MARK

from .fakes import FakeTransport, Install, Main
from .test_kill_cat import MASTER_STAT

SECRET_ARGS = (b"14/cmdline:mysql\x0014/cmdline:-phunter2\x0014/cmdline:--token\x00"
               b"14/cmdline:t0ps3cret")
ENVIRON = (b"pidshare-environ\x007/environ:PATH=/usr/bin\x007/environ:DB_PASSWORD=hunter2\x00"
           b"7/environ:DATABASE_URL=postgres://app:s3cr3t@db/app\x007/environ:MODE=\xff\n\x00")


def secret_probe(install: Install) -> None:
    fake = install("nginx")
    fake.probe = fake.probe.replace(b"14/cmdline:sh", SECRET_ARGS)


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


def test_ps_watch_hides_secret_arguments_too(install: Install, main: Main) -> None:
    secret_probe(install)
    status, out, _ = main("top", "nginx", "--interval", "0.2", "--help")
    assert status == 0 and "--show-secrets" in out


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
    env_fake(install, 99, b"pidshare: no-access 7\n")
    status, out, err = main("env", "nginx", "7")
    assert (status, out) == (67, "")
    assert err == (
        "error: cannot read the environment of PID 7 (uid 0): reading another process's "
        "environment needs ptrace access: the same uid and a dumpable process, or "
        'CAP_SYS_PTRACE; container "shell" has SYS_PTRACE, so the process may run as another '
        "user in another user namespace\n")


def test_env_of_a_process_that_is_gone(install: Install, main: Main) -> None:
    env_fake(install, 99, b"pidshare: no-process 7\n")
    assert main("env", "nginx", "7") == (64, "", 'error: no process 7 in pod "nginx"\n')


def test_env_of_pid_word_is_a_usage_error(main: Main) -> None:
    status, _, err = main("env", "nginx", "eight")
    assert status == 2 and err.startswith('error: invalid process "eight"')
