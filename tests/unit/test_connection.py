"""Which proxy a server is reached through (client-go's rules), kubectl's flags laid over the
kubeconfig, client-go's validation, and -v's log lines."""

from __future__ import annotations

import io

import pytest

from kubectl_pidshare.cluster import overrides, validation
from kubectl_pidshare.cluster.configflags import ConfigFlags
from kubectl_pidshare.cluster.credentials import Credentials
from kubectl_pidshare.cluster.dial import endpoint
from kubectl_pidshare.cluster.execplugin import cluster_info
from kubectl_pidshare.cluster.verbose import Log
from kubectl_pidshare.errors import ConfigurationError, PidshareError

PROXY = {"HTTPS_PROXY": "proxy.corp:3128"}


@pytest.mark.parametrize(("server", "proxy_url", "environ", "expected"), [
    pytest.param("https://api.corp:6443", None, PROXY, "http://proxy.corp:3128",
                 id="https-proxy-without-a-scheme"),
    pytest.param("https://127.0.0.1:6443", None, PROXY, None, id="loopback-never-proxied"),
    pytest.param("https://localhost:6443", None, PROXY, None, id="localhost-never-proxied"),
    pytest.param("https://api.corp:6443", None, {**PROXY, "NO_PROXY": ".corp"}, None,
                 id="no-proxy-domain"),
    pytest.param("https://api.corp:6443", None, {**PROXY, "no_proxy": "corp"}, None,
                 id="no-proxy-bare-domain-covers-subdomains"),
    pytest.param("https://api.corp:6443", None, {**PROXY, "NO_PROXY": "api.corp:443"},
                 "http://proxy.corp:3128", id="no-proxy-other-port"),
    pytest.param("https://10.1.2.3:6443", None, {**PROXY, "NO_PROXY": "10.0.0.0/8"}, None,
                 id="no-proxy-cidr"),
    pytest.param("https://api.corp:6443", None, {**PROXY, "NO_PROXY": "*"}, None,
                 id="no-proxy-star"),
    pytest.param("https://api.corp:6443", None, {"HTTP_PROXY": "http://p:1"}, None,
                 id="http-proxy-not-for-https"),
    pytest.param("http://api.corp:8001", None, {"http_proxy": "http://p:1"}, "http://p:1",
                 id="http-proxy-for-http"),
    pytest.param("https://127.0.0.1:6443", "socks5://127.0.0.1:1080", {"NO_PROXY": "*"},
                 "socks5://127.0.0.1:1080", id="proxy-url-always"),
])
def test_proxy_as_client_go_chooses_it(server: str, proxy_url: str | None,
                                       environ: dict[str, str], expected: str | None) -> None:
    assert endpoint(Credentials(server=server, proxy_url=proxy_url), environ).proxy == expected


def test_endpoint_of_an_http_server_and_a_prefix() -> None:
    found = endpoint(Credentials(server="http://127.0.0.1"), {})
    assert (found.tls, found.port, found.prefix, found.address) == (False, 80, "", "127.0.0.1:80")
    found = endpoint(Credentials(server="https://[::1]/k8s/clusters/c-1"), {})
    assert (found.tls, found.port, found.prefix, found.address) == (
        True, 443, "/k8s/clusters/c-1", "[::1]:443")


def test_an_https_proxy_is_refused_in_one_line() -> None:
    with pytest.raises(PidshareError) as caught:
        endpoint(Credentials(server="https://a", proxy_url="https://p:443"), {})
    assert "http:// and socks5:// proxies only" in caught.value.message


def test_flags_over_the_cluster() -> None:
    entry = {"server": "https://a", "certificate-authority-data": "Q0E=",
             "tls-server-name": "a.internal"}
    assert overrides.cluster(entry, ConfigFlags()) == entry
    assert overrides.cluster(entry, ConfigFlags(insecure=True)) == {
        "server": "https://a", "insecure-skip-tls-verify": True, "certificate-authority": None,
        "tls-server-name": "a.internal"}
    assert overrides.cluster(entry, ConfigFlags(server="https://b")) == {
        "server": "https://b", "certificate-authority-data": "Q0E=", "tls-server-name": None}


def test_flags_over_the_user() -> None:
    entry = {"token": "t", "as": "bob", "as-groups": ["g"]}
    assert overrides.user(entry, ConfigFlags(impersonate="alice")) == {
        "token": "t", "as": "alice", "as-groups": ["g"]}
    assert overrides.user(entry, ConfigFlags(impersonate_groups=("x", "y"), token="u")) == {
        "token": "u", "as": "bob", "as-groups": ["x", "y"]}


@pytest.mark.parametrize(("cluster", "user", "line"), [
    pytest.param({"server": "https://a", "certificate-authority": "/etc/hostname",
                  "certificate-authority-data": "Q0E="}, {},
                 "Error in configuration: certificate-authority-data and certificate-authority "
                 "are both specified for c. certificate-authority-data will override.",
                 id="ca-file-and-data"),
    pytest.param({"server": "https://a"}, {"token": "t", "username": "u"},
                 "Error in configuration: more than one authentication method found for u; "
                 "found [token basicAuth], only one is allowed", id="two-methods"),
    pytest.param({"server": "https://a"}, {"exec": {"command": "x", "apiVersion":
                                                    "client.authentication.k8s.io/v1"}},
                 "Error in configuration: interactiveMode must be specified for u to use exec "
                 "authentication plugin", id="v1-plugin-without-interactive-mode"),
    pytest.param({"server": "https://a", "certificate-authority-data": "Q0E=",
                  "insecure-skip-tls-verify": True}, {},
                 "error: specifying a root certificates file with the insecure flag is not "
                 "allowed", id="insecure-with-a-ca"),
])
def test_validation_as_client_go(cluster: dict[str, object], user: dict[str, object],
                                 line: str) -> None:
    with pytest.raises(PidshareError) as caught:
        validation.check("c", cluster, "u", user)
    assert caught.value.render() == line


def test_several_validation_errors_are_a_list() -> None:
    with pytest.raises(ConfigurationError) as caught:
        validation.check("c", {}, "u", {"as-groups": ["g"]})
    assert caught.value.render().splitlines() == [
        "Error in configuration: ", '* no server found for cluster "c"',
        "* requesting uid, groups or user-extra for u without impersonating a user"]


def test_a_v1beta1_plugin_defaults_to_if_available() -> None:
    assert validation.interactive_mode({"apiVersion": "client.authentication.k8s.io/v1beta1"}
                                       ) == "IfAvailable"


def test_cluster_info_for_a_plugin() -> None:
    cluster = {"server": "https://a", "certificate-authority-data": "Q0E=",
               "extensions": [{"name": "client.authentication.k8s.io/exec",
                               "extension": {"audience": "x"}}]}
    assert cluster_info(cluster) == {"server": "https://a", "certificate-authority-data": "Q0E=",
                                     "config": {"audience": "x"}}


def test_verbose_levels_and_masking() -> None:
    stream = io.StringIO()
    log = Log(8, stream)
    log.request("GET", "https://a/api", [("Authorization", "Bearer s3cr3t"), ("Accept", "x")],
                None)
    log.response("GET", "https://a/api", 200, "OK", 0.0, b'{"kind":"Pod"}')
    text = stream.getvalue()
    assert "s3cr3t" not in text and 'value="Bearer <masked>"' in text
    assert '"Response Body" body="{"kind":"Pod"}"' in text
    quiet = io.StringIO()
    Log(5, quiet).response("GET", "https://a/api", 200, "OK", 0.0, b"{}")
    assert quiet.getvalue() == ""
