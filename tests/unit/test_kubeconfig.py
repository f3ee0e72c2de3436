"""kubeconfig: which files, how they merge, which context, and load() on temporary files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from kubectl_pidshare.cluster.configflags import ConfigFlags
from kubectl_pidshare.cluster.kubeconfig import (
    kubeconfig_files,
    load,
    merge,
    select_context,
)
from kubectl_pidshare.errors import PidshareError


def write(path: Path, document: dict[str, Any]) -> Path:
    """Write a kubeconfig document as YAML, creating its directory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(document))
    return path


def kubeconfig(clusters: dict[str, dict[str, Any]] | None = None,
               users: dict[str, dict[str, Any]] | None = None,
               contexts: dict[str, dict[str, Any]] | None = None,
               current: str | None = None) -> dict[str, Any]:
    """A kubeconfig document from name -> body mappings."""
    document: dict[str, Any] = {
        "apiVersion": "v1", "kind": "Config",
        "clusters": [{"name": n, "cluster": b} for n, b in (clusters or {}).items()],
        "users": [{"name": n, "user": b} for n, b in (users or {}).items()],
        "contexts": [{"name": n, "context": b} for n, b in (contexts or {}).items()],
    }
    if current is not None:
        document["current-context"] = current
    return document


def entry_names(config: dict[str, Any], section: str) -> list[str]:
    """The names in one of the named lists of a kubeconfig."""
    return [entry["name"] for entry in config[section]]


def body(config: dict[str, Any], section: str, name: str) -> dict[str, Any]:
    """The body of one named entry."""
    (found,) = [e[section[:-1]] for e in config[section] if e["name"] == name]
    result: dict[str, Any] = found
    return result


def test_files_explicit_missing_is_an_error(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope")
    with pytest.raises(PidshareError) as caught:
        kubeconfig_files(ConfigFlags(kubeconfig=missing), {"KUBECONFIG": ""})
    assert caught.value.message == f"stat {missing}: no such file or directory"


@pytest.mark.parametrize("where", ["flag", "variable"])
def test_a_directory_is_kubectls_read_error(tmp_path: Path, where: str) -> None:
    """A directory named as a kubeconfig exists (no `stat` error) and cannot be read."""
    flags, environ = ((ConfigFlags(kubeconfig=str(tmp_path)), {}) if where == "flag" else
                      (ConfigFlags(), {"KUBECONFIG": f"{tmp_path / 'nope'}:{tmp_path}"}))
    with pytest.raises(PidshareError) as caught:
        load(flags, environ)
    assert caught.value.message == (f'error loading config file "{tmp_path}": read {tmp_path}: '
                                    "is a directory")


def test_files_explicit_wins_over_kubeconfig_variable(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.write_text("{}")
    two.write_text("{}")
    assert kubeconfig_files(ConfigFlags(kubeconfig=str(one)), {"KUBECONFIG": str(two)}) == [one]


def test_files_kubeconfig_variable_skips_missing_and_duplicates(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_text("{}")
    b.write_text("{}")
    value = ":".join([str(a), str(tmp_path / "missing"), "", str(b), str(a)])
    assert kubeconfig_files(ConfigFlags(), {"KUBECONFIG": value, "HOME": str(tmp_path)}) == [a, b]


def test_files_kubeconfig_variable_all_missing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    write(home / ".kube" / "config", kubeconfig())
    environ = {"KUBECONFIG": str(tmp_path / "missing"), "HOME": str(home)}
    assert kubeconfig_files(ConfigFlags(), environ) == []


@pytest.mark.parametrize("environ", [
    pytest.param({}, id="kubeconfig-unset"),
    pytest.param({"KUBECONFIG": ""}, id="kubeconfig-empty"),
])
def test_files_default_from_home(tmp_path: Path, environ: dict[str, str]) -> None:
    default = write(tmp_path / ".kube" / "config", kubeconfig())
    assert kubeconfig_files(ConfigFlags(), {"HOME": str(tmp_path), **environ}) == [default]


def test_files_default_absent(tmp_path: Path) -> None:
    assert kubeconfig_files(ConfigFlags(), {"HOME": str(tmp_path)}) == []


def test_merge_first_file_wins(tmp_path: Path) -> None:
    first = kubeconfig(
        clusters={"c": {"server": "https://first"}},
        users={"u": {"token": "first"}},
        contexts={"x": {"cluster": "c", "user": "u"}},
        current="x",
    )
    second = kubeconfig(
        clusters={"c": {"server": "https://second"}, "d": {"server": "https://d"}},
        users={"u": {"token": "second"}, "v": {"token": "v"}},
        contexts={"x": {"cluster": "d"}, "y": {"cluster": "d", "user": "v"}},
        current="y",
    )
    merged = merge([(tmp_path / "1", first), (tmp_path / "2", None), (tmp_path / "3", second)])
    assert merged["current-context"] == "x"
    assert (entry_names(merged, "clusters"), entry_names(merged, "users"),
            entry_names(merged, "contexts")) == (["c", "d"], ["u", "v"], ["x", "y"])
    assert body(merged, "clusters", "c") == {"server": "https://first"}
    assert body(merged, "users", "u") == {"token": "first"}
    assert body(merged, "contexts", "x") == {"cluster": "c", "user": "u"}


def test_merge_current_context_from_a_later_file(tmp_path: Path) -> None:
    merged = merge([(tmp_path / "1", kubeconfig()), (tmp_path / "2", kubeconfig(current="y"))])
    assert merged["current-context"] == "y"


def test_merge_does_not_modify_its_input(tmp_path: Path) -> None:
    document = kubeconfig(clusters={"c": {"certificate-authority": "ca.crt"}})
    merge([(tmp_path / "config", document)])
    assert body(document, "clusters", "c") == {"certificate-authority": "ca.crt"}


def test_merge_relative_paths_against_their_own_file(tmp_path: Path) -> None:
    first = kubeconfig(clusters={"c": {"certificate-authority": "ca.crt"}},
                       users={"u": {"client-certificate": "certs/u.crt",
                                    "client-key": "/abs/u.key"}})
    second = kubeconfig(clusters={"d": {"certificate-authority": "../d-ca.crt",
                                        "certificate-authority-data": "Zm9v"}},
                        users={"v": {"tokenFile": "token", "client-key": "k.key"}})
    merged = merge([(tmp_path / "one" / "config", first), (tmp_path / "two" / "config", second)])
    assert body(merged, "clusters", "c") == {"certificate-authority": f"{tmp_path}/one/ca.crt"}
    assert body(merged, "clusters", "d") == {
        "certificate-authority": f"{tmp_path}/two/../d-ca.crt",
        "certificate-authority-data": "Zm9v",
    }
    assert body(merged, "users", "u") == {"client-certificate": f"{tmp_path}/one/certs/u.crt",
                                          "client-key": "/abs/u.key"}
    assert body(merged, "users", "v") == {"tokenFile": f"{tmp_path}/two/token",
                                          "client-key": f"{tmp_path}/two/k.key"}


def test_merge_relative_paths_of_a_relative_kubeconfig_are_absolute(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """KUBECONFIG=conf/config: its `ca.crt` is `<cwd>/conf/ca.crt`, an absolute path."""
    monkeypatch.chdir(tmp_path)
    merged = merge([(Path("conf/config"), kubeconfig(clusters={"c": {
        "certificate-authority": "ca.crt"}}))])
    assert body(merged, "clusters", "c") == {"certificate-authority": f"{tmp_path}/conf/ca.crt"}


def test_merge_rejects_a_non_mapping(tmp_path: Path) -> None:
    with pytest.raises(PidshareError) as caught:
        merge([(tmp_path / "bad", ["a", "list"])])
    assert caught.value.message == f"error loading config file {tmp_path}/bad: not a kubeconfig"


CONFIG = kubeconfig(
    clusters={"kind": {"server": "https://k"}, "other": {"server": "https://o"}},
    users={"admin": {"token": "a"}, "viewer": {"token": "v"}},
    contexts={"dev": {"cluster": "kind", "user": "admin", "namespace": "team"},
              "bare": {"cluster": "other"}},
    current="dev",
)


def chosen(config: dict[str, Any]) -> dict[str, Any]:
    """The single context select_context leaves, with current-context pointing at it."""
    assert config["current-context"] == "pidshare"
    (context,) = config["contexts"]
    assert context["name"] == "pidshare"
    result: dict[str, Any] = context["context"]
    return result


def test_select_current_context_and_its_namespace() -> None:
    config, context = select_context(CONFIG, ConfigFlags())
    assert (chosen(config), context.get("namespace", "")) == (
        {"cluster": "kind", "user": "admin", "namespace": "team"}, "team")
    assert config["clusters"] == CONFIG["clusters"] and config["users"] == CONFIG["users"]
    assert CONFIG["current-context"] == "dev"


def test_select_context_flag_without_namespace() -> None:
    config, context = select_context(CONFIG, ConfigFlags(context="bare"))
    assert (chosen(config), context.get("namespace", "")) == ({"cluster": "other"}, "")


def test_select_cluster_and_user_override() -> None:
    config, context = select_context(CONFIG, ConfigFlags(cluster="other", user="viewer"))
    assert (chosen(config), context.get("namespace", "")) == (
        {"cluster": "other", "user": "viewer", "namespace": "team"}, "team")


def test_select_cluster_and_user_without_a_context() -> None:
    config, context = select_context(
        {**CONFIG, "current-context": ""}, ConfigFlags(cluster="kind", user="viewer"))
    assert chosen(config) == {"cluster": "kind", "user": "viewer"}
    assert "namespace" not in context


@pytest.mark.parametrize(("config", "flags", "message"), [
    pytest.param(CONFIG, ConfigFlags(context="nope"), 'context "nope" does not exist',
                 id="unknown-context"),
    pytest.param(CONFIG, ConfigFlags(cluster="gone"), 'cluster "gone" does not exist',
                 id="unknown-cluster"),
    pytest.param(CONFIG, ConfigFlags(user="gone"), 'auth info "gone" does not exist',
                 id="unknown-user"),
    pytest.param({**CONFIG, "contexts": [{"name": "dev", "context": {"cluster": "kind",
                                                                     "user": "gone"}}]},
                 ConfigFlags(), 'user "gone" was not found for context "dev"',
                 id="a-context-naming-an-unknown-user"),
])
def test_select_refusals(config: dict[str, Any], flags: ConfigFlags, message: str) -> None:
    with pytest.raises(PidshareError) as caught:
        select_context(config, flags)
    assert caught.value.message == message


def two_files(tmp_path: Path) -> tuple[Path, Path, dict[Path, bytes]]:
    """Two kubeconfig files with relative CA, client certificate and token file paths."""
    for name in ("one/ca.crt", "two/ca.crt", "two/client.crt", "two/client.key"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(f"fake {name}\n")
    (tmp_path / "two" / "token").write_text("token-from-file")
    one = write(tmp_path / "one" / "config", kubeconfig(
        clusters={"local": {"server": "https://127.0.0.1:6443",
                            "certificate-authority": "ca.crt"}},
        users={"admin": {"token": "secret-token"}},
        contexts={"dev": {"cluster": "local", "user": "admin", "namespace": "team"},
                  "remote": {"cluster": "far", "user": "robot", "namespace": "ops"}},
        current="dev",
    ))
    two = write(tmp_path / "two" / "config", kubeconfig(
        clusters={"far": {"server": "https://10.0.0.1:443", "certificate-authority": "ca.crt"}},
        users={"robot": {"tokenFile": "token"},
               "certs": {"client-certificate": "client.crt", "client-key": "client.key"}},
        contexts={"dev": {"cluster": "far", "user": "robot", "namespace": "ignored"}},
        current="remote",
    ))
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    return one, two, before


def unchanged(tmp_path: Path, before: dict[Path, bytes]) -> bool:
    """Whether every file under tmp_path is byte-identical and no file appeared."""
    return {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_load_merged_current_context(tmp_path: Path) -> None:
    one, two, before = two_files(tmp_path)
    target = load(ConfigFlags(), {"KUBECONFIG": f"{one}:{two}", "HOME": str(tmp_path)})
    credentials = target.credentials
    assert (credentials.server, target.namespace, target.timeout) == (
        "https://127.0.0.1:6443", "team", None)
    assert credentials.ca_file == f"{tmp_path}/one/ca.crt"
    assert credentials.token == "secret-token"
    assert unchanged(tmp_path, before)


def test_load_context_from_the_second_file(tmp_path: Path) -> None:
    one, two, before = two_files(tmp_path)
    target = load(ConfigFlags(context="remote", request_timeout=5.0),
                  {"KUBECONFIG": f"{one}:{two}"})
    credentials = target.credentials
    assert (credentials.server, target.namespace, target.timeout) == (
        "https://10.0.0.1:443", "ops", 5.0)
    assert credentials.ca_file == f"{tmp_path}/two/ca.crt"
    assert credentials.token == "token-from-file"
    assert unchanged(tmp_path, before)


def test_load_client_certificate_and_namespace_flag(tmp_path: Path) -> None:
    one, two, before = two_files(tmp_path)
    target = load(ConfigFlags(user="certs", namespace="mine"), {"KUBECONFIG": f"{one}:{two}"})
    credentials = target.credentials
    assert (credentials.server, target.namespace) == ("https://127.0.0.1:6443", "mine")
    assert (credentials.cert_file, credentials.key_file) == (
        f"{tmp_path}/two/client.crt", f"{tmp_path}/two/client.key")
    assert unchanged(tmp_path, before)


def test_load_explicit_file_is_not_merged_with_kubeconfig_variable(tmp_path: Path) -> None:
    """--kubeconfig one: context remote names cluster far, which only the other file has."""
    one, two, before = two_files(tmp_path)
    with pytest.raises(PidshareError) as caught:
        load(ConfigFlags(kubeconfig=str(one), context="remote"), {"KUBECONFIG": str(two)})
    assert caught.value.message == 'cluster "far" does not exist'
    assert unchanged(tmp_path, before)


def test_load_explicit_file_context_is_its_own(tmp_path: Path) -> None:
    """--kubeconfig two: context dev is two's, not the one KUBECONFIG's file defines."""
    one, two, before = two_files(tmp_path)
    target = load(ConfigFlags(kubeconfig=str(two), context="dev"), {"KUBECONFIG": str(one)})
    assert (target.credentials.server, target.namespace) == ("https://10.0.0.1:443", "ignored")
    assert unchanged(tmp_path, before)


def first_of_two_files(tmp_path: Path) -> Path:
    """The first file of two_files, whose context dev has namespace team."""
    return two_files(tmp_path)[0]


def context_without_namespace(tmp_path: Path) -> Path:
    """A kubeconfig whose current context names no namespace."""
    return write(tmp_path / "three" / "config", kubeconfig(
        clusters={"c": {"server": "https://c"}}, contexts={"x": {"cluster": "c"}}, current="x"))


@pytest.mark.parametrize(("make_config", "flags", "server", "namespace"), [
    pytest.param(first_of_two_files, ConfigFlags(context="dev", cluster="local", user="admin"),
                 "https://127.0.0.1:6443", "team", id="context-namespace-despite-cluster-and-user"),
    pytest.param(context_without_namespace, ConfigFlags(), "https://c", "default",
                 id="no-namespace-is-default"),
])
def test_load_default_namespace(tmp_path: Path, make_config: Callable[[Path], Path],
                                flags: ConfigFlags, server: str, namespace: str) -> None:
    target = load(flags, {"KUBECONFIG": str(make_config(tmp_path))})
    assert (target.credentials.server, target.namespace) == (server, namespace)


def test_load_relative_kubeconfig_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--kubeconfig one/config` naming `ca.crt` means one/ca.crt, as kubectl reads it."""
    two_files(tmp_path)
    monkeypatch.chdir(tmp_path)
    target = load(ConfigFlags(kubeconfig="one/config"), {})
    assert target.credentials.ca_file == f"{tmp_path}/one/ca.crt"


def test_load_relative_kubeconfig_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """KUBECONFIG=one/config:two/config with --context remote: two/ca.crt and two/token."""
    two_files(tmp_path)
    monkeypatch.chdir(tmp_path)
    target = load(ConfigFlags(context="remote"), {"KUBECONFIG": "one/config:two/config"})
    assert target.credentials.ca_file == f"{tmp_path}/two/ca.crt"
    assert target.credentials.token == "token-from-file"


def test_load_token_file_is_trimmed_like_kubectl(tmp_path: Path) -> None:
    """kubectl trims the whitespace around a tokenFile's content (`echo TOKEN > file`)."""
    (tmp_path / "token").write_text("abc\n")
    path = write(tmp_path / "config", kubeconfig(
        clusters={"c": {"server": "https://c"}}, users={"u": {"tokenFile": "token"}},
        contexts={"x": {"cluster": "c", "user": "u"}}, current="x"))
    target = load(ConfigFlags(kubeconfig=str(path)), {})
    assert target.credentials.token == "abc"


def test_load_missing_ca_file(tmp_path: Path) -> None:
    path = write(tmp_path / "config", kubeconfig(
        clusters={"c": {"server": "https://c", "certificate-authority": "nope.crt"}},
        contexts={"x": {"cluster": "c"}}, current="x"))
    with pytest.raises(PidshareError) as caught:
        load(ConfigFlags(kubeconfig=str(path)), {})
    assert caught.value.message == (
        f"unable to read certificate-authority {tmp_path}/nope.crt for c due to open "
        f"{tmp_path}/nope.crt: no such file or directory")


def test_load_invalid_yaml_is_one_line(tmp_path: Path) -> None:
    """PidshareError is `a failure explained in one line`; YAML's own message has several."""
    path = tmp_path / "config"
    path.write_text("clusters: [\n")
    with pytest.raises(PidshareError) as caught:
        load(ConfigFlags(kubeconfig=str(path)), {})
    assert caught.value.message.startswith(f"error loading config file {path}: ")
    assert caught.value.render().splitlines() == [caught.value.render()]


@pytest.mark.parametrize("current", ["", "dev"])
def test_load_nothing_configured_is_kubectls_default_server(tmp_path: Path, current: str) -> None:
    """No kubeconfig (or no current context, or an empty file): http://localhost:8080 with no
    credential, as kubectl; an empty KUBECONFIG file falls back like no file."""
    (tmp_path / "empty").write_text("")
    for environ in ({"HOME": str(tmp_path)}, {"KUBECONFIG": str(tmp_path / "empty")}):
        target = load(ConfigFlags(), environ)
        assert (target.credentials.server, target.credentials.headers(), target.namespace) == (
            "http://localhost:8080", [], "default")
    config = write(tmp_path / "config", {**CONFIG, "current-context": current})
    found = load(ConfigFlags(server="https://elsewhere:6443"), {"KUBECONFIG": str(config)})
    assert found.credentials.server == "https://elsewhere:6443"


@pytest.mark.parametrize(("kubeconfig", "environ", "namespace"), [
    pytest.param(None, {}, "from-file", id="no-kubeconfig"),
    pytest.param("", {}, "from-file", id="an-empty-kubeconfig-file"),
    pytest.param(None, {"POD_NAMESPACE": "from-env"}, "from-env", id="pod-namespace-first"),
])
def test_in_cluster_as_kubectl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               kubeconfig: str | None, environ: dict[str, str],
                               namespace: str) -> None:
    account = tmp_path / "sa"
    account.mkdir()
    (account / "token").write_text("sa-token\n")
    (account / "namespace").write_text("from-file")
    monkeypatch.setattr("kubectl_pidshare.cluster.kubeconfig.SERVICE_ACCOUNT", account)
    environ = {"HOME": str(tmp_path), "KUBERNETES_SERVICE_HOST": "10.0.0.1",
               "KUBERNETES_SERVICE_PORT": "443", **environ}
    if kubeconfig is not None:
        (tmp_path / "empty").write_text(kubeconfig)
        environ["KUBECONFIG"] = str(tmp_path / "empty")
    target = load(ConfigFlags(token="override"), environ)
    assert (target.credentials.server, target.credentials.token, target.namespace) == (
        "https://10.0.0.1:443", "override", namespace)
    assert load(ConfigFlags(namespace="flag"), environ).credentials.token == "sa-token"
