"""kubeconfig, flag and environment variants run through kubectl (`get pod` and `exec -- true`)
and through `kubectl pidshare ps`, side by side: the same outcome, and for a failure the same
error line (kubectl's behaviour is the specification). Proxies, a reverse proxy with a path
prefix and `kubectl proxy` run on loopback for the module; where traffic must go through a
proxy, its log says it did. Differences on purpose are listed in docs/parity.md."""

from __future__ import annotations

import base64
import os
import pty
import re
import select
import shutil
import ssl
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .harness import MANIFESTS, Cluster, Namespace, fresh_namespace
from .loopback import ConnectHandler, PrefixProxy, Server, SilentHandler, Socks5Handler

PKI = Path(os.environ.get("PIDSHARE_STATE", "/var/lib/pidshare-cluster")) / "pki"
API = "https://127.0.0.1:6443"
CA = f"    certificate-authority: {PKI}/ca.crt"
CERTS = f"    client-certificate: {PKI}/admin.crt\n    client-key: {PKI}/admin.key"
PLUGIN = Path(__file__).resolve().parent / "credential_plugin.py"
V1, V1BETA1 = "client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"
KLOG = re.compile(r"^[IWEF]\d{4} ")
RANCHER_PREFIX, RANCHER_TOKEN = "/k8s/clusters/c-parity", "rancher-token"
DEAD = "127.0.0.1:9"


@dataclass
class World:
    """What the variants refer to: the namespace, a service account's token, files, and the
    loopback helpers with their logs."""

    namespace: Namespace
    files: Path
    token: str
    connect: Server
    socks: Server
    prefix: PrefixProxy
    silent: Server
    stalling: PrefixProxy
    kubectl_proxy: str


@dataclass(frozen=True)
class Variant:
    """One row: kubeconfig lines under the cluster and the user, flags, environment.

    compare: `line` (a failure's error line is kubectl's), `prefix` (pidshare's line starts
    kubectl's: Go prints a struct dump after it) or `outcome` (the lines differ on purpose:
    docs/parity.md). through: the helper whose log must grow while pidshare runs; untouched: one
    whose log must not; stderr_has: what both tools' stderr must hold."""

    cluster: str = CA
    user: str = CERTS
    flags: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    server: str = API
    raw: str | None = None
    kubeconfig_env: str | None = None
    compare: str = "line"
    through: Server | None = None
    untouched: Server | None = None
    stderr_has: tuple[bytes, ...] = ()


def plugin(mode: str, api_version: str = V1, interactive: str | None = "Never",
           extra: str = "") -> str:
    """A user's exec section running credential_plugin.py in mode."""
    lines = [f"      apiVersion: {api_version}", f"      command: {PLUGIN}",
             f"      args: [{mode}, {PKI}/admin.crt, {PKI}/admin.key, {API}, {PKI}/ca.crt]"]
    lines += [f"      interactiveMode: {interactive}"] if interactive else []
    return "    exec:\n" + "\n".join(lines) + extra


def document(server: str, cluster: str, user: str) -> str:
    """A kubeconfig: one cluster, one user, one context."""
    return f"""\
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: {server}
{cluster}
users:
- name: admin
  user:
{user}
contexts:
- name: admin@local
  context: {{cluster: local, user: admin}}
current-context: admin@local
"""


def duplicated(section: str) -> str:
    """The admin's kubeconfig with the first entry of section twice."""
    text = document(API, CA, CERTS)
    entry = {"clusters": f"- name: local\n  cluster:\n    server: {API}\n{CA}\n",
             "users": f"- name: admin\n  user:\n{CERTS}\n",
             "contexts": "- name: admin@local\n  context: {cluster: local, user: admin}\n"}[
        section]
    return text.replace(f"{section}:\n", f"{section}:\n{entry}", 1)


def _variants() -> dict[str, Callable[[World], Variant]]:
    token_file = "    tokenFile: {files}/sa-token"
    return {
        # kubeconfig: strict types, trust
        "plain": lambda w: Variant(),
        "insecure-as-a-string": lambda w: Variant(f'{CA}\n    insecure-skip-tls-verify: "false"'),
        "insecure-as-a-number": lambda w: Variant("    insecure-skip-tls-verify: 0"),
        "insecure-with-a-ca": lambda w: Variant(f"{CA}\n    insecure-skip-tls-verify: true"),
        "insecure-yaml-yes-with-a-ca": lambda w: Variant(
            f"{CA}\n    insecure-skip-tls-verify: yes"),
        "insecure-alone": lambda w: Variant("    insecure-skip-tls-verify: true"),
        "no-ca": lambda w: Variant(""),
        "ca-file-and-data": lambda w: Variant(
            f"{CA}\n    certificate-authority-data: {b64(PKI / 'ca.crt')}"),
        "ca-data-only": lambda w: Variant(f"    certificate-authority-data: {b64(PKI / 'ca.crt')}"),
        "ca-file-missing": lambda w: Variant("    certificate-authority: /nonexistent/ca.crt"),
        "ca-of-another-authority": lambda w: Variant(
            f"    certificate-authority: {PKI}/admin.crt"),
        "tls-server-name-in-the-certificate": lambda w: Variant(
            f"{CA}\n    tls-server-name: kubernetes"),
        "server-with-a-trailing-slash": lambda w: Variant(server=f"{API}/"),
        "server-refused": lambda w: Variant(server="https://127.0.0.1:1"),
        "server-http-refused": lambda w: Variant(server="http://127.0.0.1:1"),
        "disable-compression-in-the-kubeconfig": lambda w: Variant(
            f"{CA}\n    disable-compression: true"),
        # kubeconfig: client certificates
        "client-cert-file-and-data": lambda w: Variant(
            user=f"{CERTS}\n    client-certificate-data: {b64(PKI / 'admin.crt')}"),
        "client-key-file-and-data": lambda w: Variant(
            user=f"{CERTS}\n    client-key-data: {b64(PKI / 'admin.key')}"),
        "client-cert-data-only": lambda w: Variant(
            user=f"    client-certificate-data: {b64(PKI / 'admin.crt')}\n"
                 f"    client-key-data: {b64(PKI / 'admin.key')}"),
        "client-cert-without-key": lambda w: Variant(
            user=f"    client-certificate: {PKI}/admin.crt"),
        "client-cert-file-missing": lambda w: Variant(
            user=f"    client-certificate: /nonexistent/c.crt\n    client-key: {PKI}/admin.key"),
        # kubeconfig: tokens and basic authentication
        "token": lambda w: Variant(user=f"    token: {w.token}"),
        "token-bogus": lambda w: Variant(user="    token: bogus"),
        "token-file": lambda w: Variant(user=token_file.format(files=w.files)),
        "token-file-wins-over-token": lambda w: Variant(
            user=token_file.format(files=w.files) + "\n    token: bogus"),
        "token-file-missing-with-a-token": lambda w: Variant(
            user=f"    tokenFile: /nonexistent/token\n    token: {w.token}"),
        "token-file-missing": lambda w: Variant(user="    tokenFile: /nonexistent/token"),
        "basic-auth": lambda w: Variant(user="    username: a\n    password: b"),
        "basic-auth-and-token": lambda w: Variant(
            user="    username: a\n    password: b\n    token: t"),
        "basic-auth-beside-certificates": lambda w: Variant(
            user=f"{CERTS}\n    username: a\n    password: b"),
        # kubeconfig: impersonation
        "impersonate-a-user-without-rights": lambda w: Variant(user=f"{CERTS}\n    as: alice"),
        "impersonate-into-system-masters": lambda w: Variant(
            user=f"{CERTS}\n    as: alice\n    as-groups: [system:masters]"),
        "impersonate-groups-only": lambda w: Variant(
            user=f"{CERTS}\n    as-groups: [system:masters]"),
        "impersonate-groups-as-a-string": lambda w: Variant(
            user=f"{CERTS}\n    as: alice\n    as-groups: system:masters"),
        "impersonate-with-uid-and-extra": lambda w: Variant(
            user=f'{CERTS}\n    as: alice\n    as-uid: "42"\n    as-groups: [system:masters]\n'
                 "    as-user-extra: {team: [a, b]}"),
        # kubeconfig: duplicate names, missing entries, nothing configured
        "duplicate-cluster-names": lambda w: Variant(raw=duplicated("clusters"),
                                                     compare="prefix"),
        "duplicate-user-names": lambda w: Variant(raw=duplicated("users"), compare="prefix"),
        "duplicate-context-names": lambda w: Variant(raw=duplicated("contexts"),
                                                     compare="prefix"),
        "no-current-context": lambda w: Variant(
            raw=document(API, CA, CERTS).replace("current-context: admin@local\n", "")),
        "empty-kubeconfig-file": lambda w: Variant(
            raw="", kubeconfig_env="{config}"),
        "empty-file-first-in-the-list": lambda w: Variant(
            kubeconfig_env=f"{w.files}/empty:{{config}}"),
        "a-directory-in-the-list": lambda w: Variant(kubeconfig_env=f"{w.files}:{{config}}"),
        # exec credential plugins
        "exec-plugin": lambda w: Variant(user=plugin("cert")),
        "exec-plugin-v1beta1-without-interactive-mode": lambda w: Variant(
            user=plugin("cert", V1BETA1, None)),
        "exec-plugin-v1-without-interactive-mode": lambda w: Variant(
            user=plugin("cert", V1, None)),
        "exec-plugin-invalid-interactive-mode": lambda w: Variant(
            user=plugin("cert", V1, "Sometimes")),
        "exec-plugin-unknown-api-version": lambda w: Variant(
            user=plugin("cert", "client.authentication.k8s.io/v2")),
        "exec-plugin-replies-another-api-version": lambda w: Variant(
            user=plugin("other-version")),
        "exec-plugin-fails": lambda w: Variant(
            user=plugin("fail"), stderr_has=(b"plugin: first line of the failure\n"
                                             b"plugin: second line\n",)),
        "exec-plugin-missing": lambda w: Variant(
            user=plugin("cert").replace(str(PLUGIN), "/nonexistent/plugin")),
        "exec-plugin-always-without-a-terminal": lambda w: Variant(
            user=plugin("cert", V1, "Always")),
        "exec-plugin-if-available-without-a-terminal": lambda w: Variant(
            user=plugin("cert", V1, "IfAvailable")),
        "exec-plugin-asks-without-a-terminal": lambda w: Variant(
            user=plugin("ask", V1, "IfAvailable")),
        "exec-plugin-with-cluster-info": lambda w: Variant(
            user=plugin("cluster-info", extra="\n      provideClusterInfo: true")),
        "exec-plugin-without-cluster-info": lambda w: Variant(user=plugin("cluster-info")),
        "exec-plugin-relative-in-the-second-file": lambda w: Variant(
            kubeconfig_env=f"{{config}}:{w.files}/second/config", flags=("--user", "second")),
        # flags
        "flag-server-refused": lambda w: Variant(flags=("-s", "https://127.0.0.1:1")),
        "flag-server-http-refused": lambda w: Variant(flags=("--server=http://127.0.0.1:1",)),
        "flag-token": lambda w: Variant(user="", flags=("--token", w.token)),
        "flag-token-bogus": lambda w: Variant(user="", flags=("--token", "bogus")),
        "flag-as": lambda w: Variant(flags=("--as", "alice")),
        "flag-as-group-alone": lambda w: Variant(flags=("--as-group", "system:masters")),
        "flag-as-into-system-masters": lambda w: Variant(
            flags=("--as", "alice", "--as-group", "system:masters", "--as-group", "x")),
        "flag-as-uid": lambda w: Variant(
            flags=("--as=alice", "--as-uid=42", "--as-group=system:masters")),
        "flag-certificate-authority": lambda w: Variant(
            "", flags=("--certificate-authority", f"{PKI}/ca.crt")),
        "flag-certificate-authority-of-another-authority": lambda w: Variant(
            flags=("--certificate-authority", f"{PKI}/admin.crt")),
        "flag-certificate-authority-missing": lambda w: Variant(
            flags=("--certificate-authority", "/nonexistent/ca.crt")),
        "flag-insecure-over-a-kubeconfig-ca": lambda w: Variant(
            flags=("--insecure-skip-tls-verify",)),
        "flag-insecure-false": lambda w: Variant("", flags=("--insecure-skip-tls-verify=false",)),
        "flag-insecure-with-a-ca": lambda w: Variant(
            flags=("--insecure-skip-tls-verify", "--certificate-authority", f"{PKI}/ca.crt")),
        "flag-client-certificate-and-key": lambda w: Variant(
            user="", flags=("--client-certificate", f"{PKI}/admin.crt",
                            "--client-key", f"{PKI}/admin.key")),
        "flag-client-certificate-without-key": lambda w: Variant(
            user="", flags=("--client-certificate", f"{PKI}/admin.crt")),
        "flag-tls-server-name-in-the-certificate": lambda w: Variant(
            flags=("--tls-server-name", "kubernetes")),
        "flag-tls-server-name-not-in-the-certificate": lambda w: Variant(
            flags=("--tls-server-name", "elsewhere"), compare="outcome"),
        "flag-disable-compression": lambda w: Variant(flags=("--disable-compression",)),
        "flag-cache-dir": lambda w: Variant(flags=("--cache-dir", f"{w.files}/cache")),
        "flag-username-password-beside-certificates": lambda w: Variant(
            flags=("--username", "a", "--password", "b")),
        "flag-username-password-alone": lambda w: Variant(
            user="", flags=("--username", "a", "--password", "b")),
        "flag-username-and-token": lambda w: Variant(flags=("--username", "a", "--token", "t")),
        "flag-context-unknown": lambda w: Variant(flags=("--context", "nope")),
        "flag-user-unknown": lambda w: Variant(flags=("--user", "nope")),
        "flag-cluster-unknown": lambda w: Variant(flags=("--cluster", "nope")),
        "flag-v6": lambda w: Variant(flags=("-v=6",)),
        "flag-request-timeout-on-a-silent-server": lambda w: Variant(
            server=f"https://127.0.0.1:{w.silent.port}", flags=("--request-timeout=1s",),
            compare="outcome", through=w.silent),
        # proxies
        "proxy-url-http-connect": lambda w: Variant(
            f"{CA}\n    proxy-url: http://127.0.0.1:{w.connect.port}", through=w.connect),
        "proxy-url-socks5": lambda w: Variant(
            f"{CA}\n    proxy-url: socks5://127.0.0.1:{w.socks.port}", through=w.socks),
        "proxy-url-socks5-by-name": lambda w: Variant(
            f"{CA}\n    proxy-url: socks5://127.0.0.1:{w.socks.port}",
            server="https://kubernetes:6443", through=w.socks),
        "proxy-url-as-a-number": lambda w: Variant(f"{CA}\n    proxy-url: 3128"),
        "token-file-as-a-list": lambda w: Variant(user=f"{CERTS}\n    tokenFile: [a, b]"),
        "proxy-url-refused": lambda w: Variant(f"{CA}\n    proxy-url: http://{DEAD}"),
        "proxy-url-https-refused-by-pidshare": lambda w: Variant(
            f"{CA}\n    proxy-url: https://{DEAD}", compare="outcome"),
        "https-proxy-variable-by-name": lambda w: Variant(
            server="https://kubernetes:6443", through=w.connect,
            env={"HTTPS_PROXY": f"127.0.0.1:{w.connect.port}"}),
        "https-proxy-variable-socks5": lambda w: Variant(
            server="https://kubernetes:6443", through=w.socks,
            env={"HTTPS_PROXY": f"socks5://127.0.0.1:{w.socks.port}"}),
        "https-proxy-variable-skips-loopback": lambda w: Variant(
            env={"HTTPS_PROXY": f"http://{DEAD}"}),
        "https-proxy-variable-no-proxy-names-the-server": lambda w: Variant(
            server="https://kubernetes:6443", compare="outcome", untouched=w.connect,
            env={"HTTPS_PROXY": f"http://127.0.0.1:{w.connect.port}",
                 "NO_PROXY": "example.org,kubernetes"}),
        "https-proxy-variable-no-proxy-a-domain": lambda w: Variant(
            f"{CA}\n    tls-server-name: kubernetes", server="https://api.parity.test:6443",
            compare="outcome", untouched=w.connect,
            env={"HTTPS_PROXY": f"http://127.0.0.1:{w.connect.port}",
                 "NO_PROXY": ".parity.test"}),
        "https-proxy-variable-other-no-proxy": lambda w: Variant(
            f"{CA}\n    tls-server-name: kubernetes", server="https://api.parity.test:6443",
            through=w.connect, env={"HTTPS_PROXY": f"http://127.0.0.1:{w.connect.port}",
                                    "NO_PROXY": "other.test,10.0.0.0/8"}),
        "http-proxy-variable-ignored-for-https": lambda w: Variant(
            server="https://kubernetes:6443", compare="outcome", untouched=w.connect,
            env={"HTTP_PROXY": f"http://127.0.0.1:{w.connect.port}"}),
        # servers behind something
        "rancher-style-path-prefix": lambda w: Variant(
            f"    certificate-authority: {w.files}/prefix.crt", f"    token: {RANCHER_TOKEN}",
            server=f"https://127.0.0.1:{w.prefix.port}{RANCHER_PREFIX}", through=w.prefix),
        "rancher-style-path-prefix-wrong-token": lambda w: Variant(
            f"    certificate-authority: {w.files}/prefix.crt", "    token: wrong",
            server=f"https://127.0.0.1:{w.prefix.port}{RANCHER_PREFIX}"),
        "kubectl-proxy-over-http": lambda w: Variant("", "", server=w.kubectl_proxy),
        "kubectl-proxy-with-a-token-not-sent-over-http": lambda w: Variant(
            "", "    token: bogus", server=w.kubectl_proxy),
    }


VARIANTS = _variants()


def b64(path: Path) -> str:
    """A file's bytes in base64, as kubeconfig *-data fields hold them."""
    return base64.b64encode(path.read_bytes()).decode()


def _prefix_proxy(files: Path, stall_upgrades: bool = False) -> PrefixProxy:
    if (files / "prefix.crt").exists():
        return _serve_prefix(files, stall_upgrades)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj",
                    "/CN=prefix", "-addext", "subjectAltName=IP:127.0.0.1", "-days", "1",
                    "-keyout", str(files / "prefix.key"), "-out", str(files / "prefix.crt")],
                   check=True, capture_output=True)
    return _serve_prefix(files, stall_upgrades)


def _serve_prefix(files: Path, stall_upgrades: bool) -> PrefixProxy:
    served = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    served.load_cert_chain(files / "prefix.crt", files / "prefix.key")
    served.set_alpn_protocols(["http/1.1"])
    upstream = ssl.create_default_context(cafile=str(PKI / "ca.crt"))
    upstream.load_cert_chain(PKI / "admin.crt", PKI / "admin.key")

    def connect() -> ssl.SSLSocket:
        import socket

        return upstream.wrap_socket(socket.create_connection(("127.0.0.1", 6443), 5),
                                    server_hostname="127.0.0.1")

    return PrefixProxy(served, RANCHER_PREFIX, RANCHER_TOKEN, connect, "127.0.0.1:6443",
                       stall_upgrades)


def _kubectl_proxy(cluster: Cluster) -> tuple[subprocess.Popen[bytes], str]:
    process = subprocess.Popen(
        ["kubectl", "proxy", "--address=127.0.0.1", "--port=0", "--reject-paths=^$"],
        env=cluster.env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    line = process.stdout.readline().decode()
    found = re.search(r"127\.0\.0\.1:(\d+)", line)
    assert found, line
    return process, f"http://127.0.0.1:{found[1]}"


def _second_file(files: Path) -> None:
    """A kubeconfig in another directory whose user runs ./plugin, relative to that file."""
    second = files / "second"
    second.mkdir()
    shutil.copy(PLUGIN, second / "plugin")
    (second / "config").write_text(f"""\
apiVersion: v1
kind: Config
users:
- name: second
  user:
    exec:
      apiVersion: {V1}
      command: ./plugin
      args: [cert, {PKI}/admin.crt, {PKI}/admin.key]
      interactiveMode: Never
""")


@pytest.fixture(scope="module")
def world(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The seed's Pod in one namespace, a service account with the admin role there, and the
    loopback helpers, for every variant."""
    files = tmp_path_factory.mktemp("parity")
    (files / "empty").write_text("")
    _second_file(files)
    names = {"kubernetes": "127.0.0.1", "api.parity.test": "127.0.0.1"}
    helpers = [Server(ConnectHandler, names), Server(Socks5Handler, names),
               _prefix_proxy(files), Server(SilentHandler), _prefix_proxy(files, True)]
    proxy, proxy_url = _kubectl_proxy(cluster)
    try:
        with fresh_namespace(cluster, "e2e-parity") as namespace:
            namespace.apply(MANIFESTS / "share-process-namespace.yaml", wait_for=("nginx",))
            namespace.kubectl("create", "serviceaccount", "parity")
            namespace.kubectl("create", "rolebinding", "parity", "--clusterrole=admin",
                              f"--serviceaccount={namespace.name}:parity")
            token = namespace.kubectl("create", "token", "parity").stdout.decode().strip()
            (files / "sa-token").write_text(f"\n{token}\n")
            connect, socks, prefix, silent, stalling = helpers
            yield World(namespace, files, token, connect, socks, prefix,  # type: ignore[arg-type]
                        silent, stalling, proxy_url)  # type: ignore[arg-type]
    finally:
        proxy.terminate()
        proxy.wait()
        for helper in helpers:
            helper.stop()


def last_line(stderr: bytes) -> str:
    """The error line: the last line that is not a log line (-v) or a plugin's own output."""
    lines = [line for line in stderr.decode(errors="replace").splitlines()
             if line.strip() and not KLOG.match(line) and not line.startswith("plugin: ")]
    return lines[-1] if lines else ""


@dataclass(frozen=True)
class Outcome:
    """How one tool fared: status and stderr."""

    ok: bool
    status: int
    stderr: bytes
    stdout: bytes


def run(world: World, env: Mapping[str, str], *argv: str) -> Outcome:
    """Run argv in the cluster's environment plus env; stdin is not a terminal."""
    proc = subprocess.run(argv, env={**world.namespace.cluster.env, **env},
                          stdin=subprocess.DEVNULL, capture_output=True, timeout=120,
                          check=False)
    return Outcome(proc.returncode == 0, proc.returncode, proc.stderr, proc.stdout)


def prepare(world: World, variant: Variant, tmp_path: Path) -> tuple[list[str], dict[str, str]]:
    """The variant's kubeconfig written, and the flags and environment that select it."""
    config = tmp_path / "config"
    config.write_text(variant.raw if variant.raw is not None else
                      document(variant.server, variant.cluster, variant.user))
    env = {"HTTPS_PROXY": "", "HTTP_PROXY": "", "NO_PROXY": "", **variant.env}
    flags = ["-n", world.namespace.name, *variant.flags]
    if variant.kubeconfig_env is not None:
        env["KUBECONFIG"] = variant.kubeconfig_env.format(config=config)
    else:
        flags = ["--kubeconfig", str(config), *flags]
    return flags, env


@pytest.mark.parametrize("name", list(VARIANTS))
def test_same_outcome_as_kubectl(world: World, tmp_path: Path, name: str) -> None:
    variant = VARIANTS[name](world)
    flags, env = prepare(world, variant, tmp_path)
    get = run(world, env, "kubectl", *flags, "get", "pod", "nginx")
    exec_ = get if not get.ok else run(world, env, "kubectl", *flags, "exec", "nginx", "-c",
                                       "shell", "--", "true")
    seen = len(variant.through.log) if variant.through else 0
    untouched = len(variant.untouched.log) if variant.untouched else 0
    ps = run(world, env, "kubectl", "pidshare", *flags, "ps", "nginx")
    kubectl_ok = get.ok and exec_.ok
    assert ps.ok == kubectl_ok, (name, get.stderr, exec_.stderr, ps.stderr)
    if variant.through is not None:
        assert len(variant.through.log) > seen, (name, variant.through.log)
    if variant.untouched is not None:
        assert len(variant.untouched.log) == untouched, (name, variant.untouched.log)
    for expected in variant.stderr_has:
        assert expected in get.stderr and expected in ps.stderr, (name, ps.stderr)
    if kubectl_ok:
        assert b"nginx: master process" in ps.stdout
        return
    failed = get if not get.ok else exec_
    assert ps.status == failed.status == 1, (name, failed.stderr, ps.stderr)
    mine, theirs = last_line(ps.stderr), last_line(failed.stderr)
    if variant.compare == "line":
        assert mine == theirs, name
    elif variant.compare == "prefix":
        assert theirs.startswith(mine) and len(mine) > 40, (mine, theirs)


def test_a_silent_server_is_given_up_after_the_tls_handshake_timeout(
        world: World, tmp_path: Path) -> None:
    """No --request-timeout: kubectl gives up on a server that never answers the TLS
    handshake after 10 s, with the same line as pidshare (kubectl's one request, `get --raw`:
    `get pod` retries its discovery four times)."""
    flags, env = prepare(world, Variant(server=f"https://127.0.0.1:{world.silent.port}"),
                         tmp_path)
    started = time.monotonic()
    ps = run(world, env, "kubectl", "pidshare", *flags, "ps", "nginx")
    took = time.monotonic() - started
    get = run(world, env, "kubectl", *flags, "get", "--raw",
              f"/api/v1/namespaces/{world.namespace.name}/pods/nginx")
    assert (ps.status, last_line(ps.stderr)) == (
        1, "Unable to connect to the server: net/http: TLS handshake timeout")
    assert last_line(get.stderr) == last_line(ps.stderr)
    assert 9.5 < took < 13, took


def test_v8_logs_requests_and_bodies_but_never_a_credential(world: World, tmp_path: Path
                                                             ) -> None:
    flags, env = prepare(world, Variant(user=""), tmp_path)
    ps = run(world, env, "kubectl", "pidshare", *flags, "--token", world.token, "-v=8",
             "ps", "nginx")
    log = ps.stderr.decode()
    assert ps.ok, log
    assert re.search(r'"Response" verb="GET" url="https://127\.0\.0\.1:6443/api/v1/namespaces/'
                     rf'{world.namespace.name}/pods/nginx" status="200 OK"', log), log
    assert '"Response Body" body="{"kind":"Pod"' in log
    assert 'key="Authorization" value="Bearer <masked>"' in log
    assert world.token not in log and world.token[-20:] not in log
    quiet = run(world, env, "kubectl", "pidshare", *flags, "--token", world.token, "-v=5",
                "ps", "nginx")
    assert quiet.ok and b"pidshare]" not in quiet.stderr, quiet.stderr


def on_a_terminal(world: World, env: Mapping[str, str], argv: list[str], answer: bytes
                  ) -> tuple[int, bytes]:
    """Run argv with a pty as its stdin, stdout and stderr; type answer at the prompt."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(argv, env={**world.namespace.cluster.env, **env},
                               stdin=terminal, stdout=terminal, stderr=terminal)
    os.close(terminal)
    seen, answered = b"", False
    while True:
        ready, _, _ = select.select([controller], [], [], 60)
        assert ready, seen
        try:
            chunk = os.read(controller, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if not answered and b"Enter the code" in seen:
            os.write(controller, answer + b"\n")
            answered = True
    os.close(controller)
    return process.wait(60), seen


@pytest.mark.parametrize(("answer", "ok"), [(b"1234", True), (b"4321", False)])
def test_an_exec_plugin_asks_on_the_terminal(world: World, tmp_path: Path, answer: bytes,
                                              ok: bool) -> None:
    """interactiveMode IfAvailable on a terminal: the plugin's prompt reaches the user and what
    the user types reaches the plugin, through kubectl and through pidshare alike."""
    flags, env = prepare(world, Variant(user=plugin("ask", V1, "IfAvailable")), tmp_path)
    get_status, get_seen = on_a_terminal(world, env, ["kubectl", *flags, "get", "pod", "nginx"],
                                         answer)
    ps_status, ps_seen = on_a_terminal(world, env, ["kubectl", "pidshare", *flags, "ps",
                                                    "nginx"], answer)
    assert (get_status == 0, ps_status == 0) == (ok, ok), (get_seen, ps_seen)
    assert b"Enter the code shown on your device:" in ps_seen
    if ok:
        assert b"nginx: master process" in ps_seen
    else:
        assert b"plugin: wrong code" in ps_seen and b"plugin: wrong code" in get_seen


def test_request_timeout_bounds_the_exec_start(world: World, tmp_path: Path) -> None:
    """A server that answers the GET but never the exec's upgrade: --request-timeout=2s gives
    up on it (kubectl's exec waits forever there: docs/parity.md)."""
    variant = Variant(f"    certificate-authority: {world.files}/prefix.crt",
                      f"    token: {RANCHER_TOKEN}",
                      server=f"https://127.0.0.1:{world.stalling.port}{RANCHER_PREFIX}")
    flags, env = prepare(world, variant, tmp_path)
    started = time.monotonic()
    ps = run(world, env, "kubectl", "pidshare", *flags, "--request-timeout=2s", "ps", "nginx")
    took = time.monotonic() - started
    assert (ps.status, last_line(ps.stderr)) == (
        1, "error: timed out waiting for the server (see --request-timeout): Connection timed "
           "out"), ps.stderr
    assert 2 <= took < 8, took
    assert any("/exec?" in line for line in world.stalling.log), world.stalling.log
