"""The redaction rules on real-world command lines and environment entries, both ways."""

from __future__ import annotations

import shlex

import pytest

from kubectl_pidshare import redaction
from kubectl_pidshare.pod import procfs
from kubectl_pidshare.pod.snapshot import redacted
from kubectl_pidshare.redaction import MARK

R = MARK
JWT = ("eyJhbGciOiJSUzI1NiIsImtpZCI6IjEyMyJ9.eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50In0"
       ".c2lnbmF0dXJlLXNpZ25hdHVyZQ")
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

COMMAND_LINES = [
    # (command line as a shell would split it, as it must be shown)
    pytest.param("app --password=hunter2", f"app --password={R}", id="password-equals"),
    pytest.param("app --password hunter2 --port 80", f"app --password {R} --port 80",
                 id="password-next-argument"),
    pytest.param("vault login --token s.8bq2XyZ", f"vault login --token {R}", id="token-flag"),
    pytest.param("mysql -h db -u root -phunter2 shop", f"mysql -h db -u root -p{R} shop",
                 id="mysql-attached-p"),
    pytest.param("/usr/bin/mysqldump -uroot -pS3cr3t! --all-databases",
                 f"/usr/bin/mysqldump -uroot -p{R} --all-databases", id="mysqldump-path"),
    pytest.param("curl -u admin:hunter2 https://api.example.com",
                 f"curl -u admin:{R} https://api.example.com", id="curl-user"),
    pytest.param("curl -uadmin:hunter2 https://x", f"curl -uadmin:{R} https://x",
                 id="curl-user-attached"),
    pytest.param("curl -H 'Authorization: Bearer abc.def.ghi' https://x",
                 f"curl -H 'Authorization: {R}' https://x", id="curl-authorization-header"),
    pytest.param("curl -H 'X-Api-Key: 12345abcde' https://x",
                 f"curl -H 'X-Api-Key: {R}' https://x", id="curl-api-key-header"),
    pytest.param("redis-cli -h cache -a hunter2 ping", f"redis-cli -h cache -a {R} ping",
                 id="redis-cli-a"),
    pytest.param("redis-server --requirepass hunter2", f"redis-server --requirepass {R}",
                 id="redis-requirepass"),
    pytest.param("java -Dspring.datasource.password=hunter2 -jar app.jar",
                 f"java -Dspring.datasource.password={R} -jar app.jar", id="java-system-property"),
    pytest.param("psql postgres://app:hunter2@db:5432/app",
                 f"psql postgres://app:{R}@db:5432/app", id="url-with-credentials"),
    pytest.param("app --db=mongodb://root:pw@mongo/admin", f"app --db=mongodb://root:{R}@mongo/admin",
                 id="url-in-an-option"),
    pytest.param("sshpass -p hunter2 ssh deploy@host", f"sshpass -p {R} ssh deploy@host",
                 id="sshpass"),
    pytest.param("sh -c 'mysql -phunter2 -e \"select 1\"'", f"sh -c 'mysql -p{R} -e \"select 1\"'",
                 id="shell-command-in-one-argument"),
    pytest.param("env DB_PASSWORD=hunter2 ./server", f"env DB_PASSWORD={R} ./server",
                 id="env-assignment"),
    pytest.param(f"app --auth-header=Bearer {JWT}", f"app --auth-header=Bearer {R}",
                 id="jwt-after-bearer"),
    pytest.param(f"kubectl --server https://k --insecure {JWT}",
                 f"kubectl --server https://k --insecure {R}", id="bare-jwt"),
    pytest.param("aws-cli --key-id AKIAIOSFODNN7EXAMPLE", f"aws-cli --key-id {R}",
                 id="aws-access-key-id"),
    pytest.param(f"app {AWS_SECRET}", f"app {R}", id="high-entropy-argument"),
    pytest.param("app --webhook=https://hooks.example.com/x?token=abcdef&v=1",
                 f"app --webhook=https://hooks.example.com/x?token={R}&v=1", id="query-token"),
    pytest.param("helm upgrade web chart --set auth.rootPassword=hunter2",
                 f"helm upgrade web chart --set auth.rootPassword={R}", id="helm-set"),
    pytest.param("git clone https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/o/r",
                 f"git clone https://{R}@github.com/o/r", id="github-token-in-url"),
    pytest.param("mongod --noauth --bind_ip_all", "mongod --noauth --bind_ip_all",
                 id="auth-flag-before-a-long-option-keeps-it"),
    # negatives: nothing to hide
    pytest.param("nginx: master process nginx -g daemon off;",
                 "nginx: master process nginx -g daemon off;", id="nginx-master"),
    pytest.param("java -Xmx512m -jar /app/app.jar --server.port=8080",
                 "java -Xmx512m -jar /app/app.jar --server.port=8080", id="java-app"),
    pytest.param("postgres -p 5432 -c config_file=/etc/postgresql/postgresql.conf",
                 "postgres -p 5432 -c config_file=/etc/postgresql/postgresql.conf",
                 id="postgres-port-p"),
    pytest.param("mysql -h db -u root -p shop", "mysql -h db -u root -p shop",
                 id="mysql-p-alone-prompts"),
    pytest.param("kube-apiserver --tls-private-key-file=/etc/k/apiserver.key "
                 "--service-account-key-file=/etc/k/sa.pub",
                 "kube-apiserver --tls-private-key-file=/etc/k/apiserver.key "
                 "--service-account-key-file=/etc/k/sa.pub", id="key-files-are-paths"),
    pytest.param("/usr/local/bin/pilot-agent proxy sidecar --domain web.svc.cluster.local "
                 "--proxyLogLevel=warning", "/usr/local/bin/pilot-agent proxy sidecar --domain "
                 "web.svc.cluster.local --proxyLogLevel=warning", id="istio-proxy"),
    pytest.param("sleep 3600", "sleep 3600", id="sleep"),
    pytest.param("sh -c 'while :; do sleep 3600; done'", "sh -c 'while :; do sleep 3600; done'",
                 id="shell-loop"),
    pytest.param("curl -fsS https://example.com/healthz", "curl -fsS https://example.com/healthz",
                 id="curl-health"),
    pytest.param("python3 -m gunicorn app.wsgi:application --bind 0.0.0.0:8000 --workers 4",
                 "python3 -m gunicorn app.wsgi:application --bind 0.0.0.0:8000 --workers 4",
                 id="gunicorn"),
    pytest.param("node /usr/src/app/node_modules/.bin/next start",
                 "node /usr/src/app/node_modules/.bin/next start", id="node-path"),
    pytest.param("redis-server *:6379 --appendonly yes", "redis-server *:6379 --appendonly yes",
                 id="redis-server"),
    pytest.param("app --token-ttl=24h --log-level=info", "app --token-ttl=24h --log-level=info",
                 id="token-ttl-is-not-a-token"),
]


@pytest.mark.parametrize(("line", "shown"), COMMAND_LINES)
def test_command_lines(line: str, shown: str) -> None:
    assert shlex.join(redaction.command_line(shlex.split(line))) == shlex.join(shlex.split(shown))


ENVIRONMENT = [
    # (NAME=value, as it must be shown)
    pytest.param("MYSQL_ROOT_PASSWORD=hunter2", R, id="mysql-root-password"),
    pytest.param("PGPASSWORD=hunter2", R, id="pgpassword-one-word"),
    pytest.param("AWS_SECRET_ACCESS_KEY=" + AWS_SECRET, R, id="aws-secret"),
    pytest.param("AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", R, id="aws-key-id"),
    pytest.param("GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789", R, id="github-token"),
    pytest.param("DJANGO_SECRET_KEY=x", R, id="django-secret"),
    pytest.param("apiKey=abc", R, id="camel-case"),
    pytest.param("VAULT_TOKEN=s.abc", R, id="vault-token"),
    pytest.param("SENTRY_DSN=https://abc@o1.ingest.sentry.io/1", R, id="sentry-dsn"),
    pytest.param("REDIS_AUTH=hunter2", R, id="redis-auth"),
    pytest.param("DATABASE_URL=postgres://app:hunter2@db/app", f"postgres://app:{R}@db/app",
                 id="database-url"),
    pytest.param("CONFIG=" + JWT, R, id="jwt-by-shape"),
    pytest.param("TLS_KEY_DATA=-----BEGIN PRIVATE KEY-----\nMIIEv\n-----END PRIVATE KEY-----",
                 R, id="pem"),
    pytest.param("SLACK_HOOK=xoxb-1234567890-abcdefghij", R, id="slack-by-name-and-shape"),
    pytest.param("UPSTREAM=https://api.example.com/?sig=abcdef", "https://api.example.com/?sig="
                 + R, id="query-signature"),
    pytest.param("GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D", R,
                 id="gpg-key-fingerprint-a-false-positive"),
    # negatives
    pytest.param("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                 "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", id="path"),
    pytest.param("HOSTNAME=web-frontend-deployment-7d4b9c6f5-x2x9z",
                 "web-frontend-deployment-7d4b9c6f5-x2x9z", id="hostname-of-a-pod"),
    pytest.param("KUBERNETES_SERVICE_HOST=10.96.0.1", "10.96.0.1", id="service-host"),
    pytest.param("NGINX_VERSION=1.25.3", "1.25.3", id="version"),
    pytest.param("PWD=/app", "/app", id="pwd-is-a-directory"),
    pytest.param("HOME=/root", "/root", id="home"),
    pytest.param("SSH_AUTH_SOCK=/tmp/ssh-XXXX/agent.12", "/tmp/ssh-XXXX/agent.12",
                 id="auth-socket-is-a-path"),
    pytest.param("DB_PASSWORD_FILE=/run/secrets/db", "/run/secrets/db", id="password-file"),
    pytest.param("JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64",
                 "/usr/lib/jvm/java-17-openjdk-amd64", id="java-home"),
    pytest.param("TOKENIZERS_PARALLELISM=false", "false", id="tokenizers"),
    pytest.param("KEYCLOAK_URL=https://sso.example.com", "https://sso.example.com",
                 id="keycloak-url"),
    pytest.param("POD_UID=550e8400-e29b-41d4-a716-446655440000",
                 "550e8400-e29b-41d4-a716-446655440000", id="uuid"),
]


@pytest.mark.parametrize(("entry", "shown"), ENVIRONMENT)
def test_environment_entries(entry: str, shown: str) -> None:
    name, _, text = entry.partition("=")
    assert redaction.variable(name, text) == shown


def test_at_least_forty_real_world_cases_both_ways() -> None:
    cases = [(str(p.values[0]), str(p.values[1])) for p in [*COMMAND_LINES, *ENVIRONMENT]]
    positives = [case for case in cases if R in case[1]]
    assert len(cases) >= 40 and len(positives) >= 20 and len(cases) - len(positives) >= 20


@pytest.mark.parametrize(("name", "secret"), [
    ("password", True), ("dbPassword", True), ("X-Auth-Token", True), ("client_secret", True),
    ("PRIVATE_KEY", True), ("credentials", True), ("PATH", False), ("keyboard_layout", False),
    ("SECRET_NAME", False), ("pwd", False),
])
def test_secret_names(name: str, secret: bool) -> None:
    assert redaction.secret_name(name) is secret


def test_undecodable_bytes_survive() -> None:
    assert redaction.arguments([b"app\xff", b"--password=\xfe\xfd", b"x\xff"]) == [
        b"app\xff", b"--password=" + R.encode(), b"x\xff"]


def test_a_snapshot_is_copied_with_its_arguments_redacted() -> None:
    process = procfs.Process(7, 0, "app", "S", 0, 1, 0, 0.0, 0, [b"app", b"--token", b"t0k"], "")
    seen = procfs.Snapshot(processes={7: process})
    hidden = redacted(seen)
    assert hidden.processes[7].args == [b"app", b"--token", R.encode()]
    assert seen.processes[7].args == [b"app", b"--token", b"t0k"]


def test_exposed_names_the_arguments_never_the_values() -> None:
    assert redaction.exposed(["app", "--token", "t0k", "--password=pw", "-v"]) == [
        f"--token {R}", f"--password={R}"]


def test_a_hostile_command_line_costs_little_and_leaks_nothing() -> None:
    import time

    started = time.monotonic()
    many = redaction.command_line(["app", *(["--password=x"] * 10000)])
    words = redaction.command_line(["sh", "-c", " x" * 50000 + " --token t"])
    for text in ("eyJ", "sk-", "ab://", "x@", "a:", "?token=", "Bearer "):
        redaction.value(text * 20000)
    assert time.monotonic() - started < 5
    assert set(many[1:]) == {f"--password={R}", R} and words[2] == R


def test_an_api_document_as_a_log_may_show_it() -> None:
    applied = '{"spec":{"containers":[{"env":[{"name":"API_KEY","value":"k3y"}]}]}}'
    pod = {"metadata": {"name": "web", "annotations": {"token": "abc", "applied": applied}},
           "spec": {"containers": [{"name": "app", "args": ["--password", "pw"],
                                    "env": [{"name": "DB_PASSWORD", "value": "pw"},
                                            {"name": "MODE", "value": "fast"}]}]},
           "status": {"containerStatuses": [{"containerID": "containerd://" + "ab12" * 16}]}}
    shown = redaction.document(pod)
    assert shown["metadata"] == {"name": "web", "annotations": {
        "token": R, "applied": applied.replace("k3y", R)}}
    container = shown["spec"]["containers"][0]
    assert container["args"] == ["--password", R]
    assert container["env"] == [{"name": "DB_PASSWORD", "value": R},
                                {"name": "MODE", "value": "fast"}]
    assert shown["status"] == pod["status"]
