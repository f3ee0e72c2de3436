"""The command line with a fake transport: stdout, stderr and exit statuses, apart.

Every case runs cli.main(argv, env) with an Environment of in-memory streams.
"""

from __future__ import annotations

import json

import pytest
import typer
import yaml

from kubectl_pidshare.cluster.configflags import ConfigFlags
from kubectl_pidshare.errors import ServerError
from kubectl_pidshare.flags import parse_timeout
from kubectl_pidshare.pod import runner
from kubectl_pidshare.status import ExitStatus
from tests.unit.recordings import NGINX_TABLE, NGINX_WIDE

from .fakes import Harness, Install, Main

NGINX_ID = "02c57553ac108269b1d692002e810f5eff38f755764b4d7e5c0314326847f276"
SHELL_ID = "9344c1074e3524aa615ae4886418b180fc046b1a6c6caa47a42e706153ff9713"
NO_SH = 'failed to exec in container: exec: "sh": executable file not found in $PATH: unknown'

NOPS_TABLE = """\
CONTAINER      PID    PPID  USER    STAT      TIME  COMMAND
(sandbox)        1       0  65535   S         0:00  /pause
app              6       0  root    S         0:00  /sleeper
tools           12       0  root    S         0:00  sh -c while :; do sleep 3600; done
tools           18      12  root    S         0:00  └─ sleep 3600
"""
APART_TABLE = """\
CONTAINER      PID    PPID  USER    STAT      TIME  COMMAND
shell            1       0  root    S         0:00  sh -c while :; do sleep 3600; done
shell            7       1  root    S         0:00  └─ sleep 3600
"""
NO_SHELL_LINE = (
    'error: no container of pod "nginx" can run sh (tried "shell", "nginx"): pass --debug-image '
    "IMAGE (an image with sh and grep, such as busybox) and pidshare adds an ephemeral "
    "container to the Pod to run from, and reuses it later (an ephemeral container cannot be "
    "removed from a Pod)\n"
)


def test_ps_table(install: Install, main: Main) -> None:
    fake = install("nginx")
    result = main("ps", "nginx")
    assert (result.exit_code, result.stdout, result.stderr) == (0, NGINX_TABLE, "")
    assert fake.gets == ["nginx"]
    [(pod, container, argv)] = fake.execs
    assert (pod, container, argv[:2], argv[3:]) == (
        "nginx", "shell", ["sh", "-c"], ["pidshare-probe"])
    assert argv[2] == runner.script("probe")
    assert argv[2].startswith(runner.PREAMBLE + "# pidshare ps probe: ")


def test_ps_wide(install: Install, main: Main) -> None:
    install("nginx")
    result = main("ps", "nginx", "-o", "wide")
    assert (result.exit_code, result.stdout, result.stderr) == (0, NGINX_WIDE, "")


def test_ps_json(install: Install, main: Main) -> None:
    install("nginx")
    result = main("ps", "nginx", "-o", "json")
    assert (result.exit_code, result.stderr) == (0, "")
    doc = json.loads(result.stdout)
    assert list(doc) == ["apiVersion", "kind", "pod", "namespace", "shareProcessNamespace",
                         "hostPID", "probeContainer", "containers", "processes"]
    assert doc["hostPID"] is False
    assert (doc["pod"], doc["namespace"], doc["shareProcessNamespace"], doc["probeContainer"]) == (
        "nginx", "rec", True, "shell")
    assert doc["containers"] == [
        {"name": "nginx", "kind": "container", "containerID": NGINX_ID, "running": True},
        {"name": "shell", "kind": "container", "containerID": SHELL_ID, "running": True},
    ]
    assert [(p["pid"], p["ppid"], p["container"], p["user"], p["command"])
            for p in doc["processes"]] == [
        (1, 0, "(sandbox)", "65535", "/pause"),
        (7, 0, "nginx", "root", "nginx: master process nginx -g daemon off;"),
        (13, 7, "nginx", "nginx", "nginx: worker process"),
        (14, 0, "shell", "root", "sh"),
    ]


def test_ps_yaml_is_the_json_document(install: Install, main: Main) -> None:
    install("nginx")
    as_json = json.loads(main("ps", "nginx", "-o", "json").stdout)
    result = main("ps", "nginx", "-o", "yaml")
    assert (result.exit_code, result.stderr) == (0, "")
    assert yaml.safe_load(result.stdout) == as_json


def test_ps_output_xml_is_a_usage_error(install: Install, main: Main) -> None:
    fake = install("nginx")
    result = main("ps", "nginx", "-o", "xml")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        'error: invalid argument "xml" for "-o, --output" flag: must be one of tree, wide, '
        "signals, json, yaml\nSee 'kubectl pidshare ps --help' for usage.\n")
    assert fake.gets == []


def test_ps_without_a_pod_is_a_usage_error(install: Install, main: Main) -> None:
    install("nginx")
    result = main("ps")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == ("error: you must specify at least one of POD, TYPE/NAME, "
                             "-l/--selector or -A (kubectl pidshare ps -h shows examples)\n")


def test_ps_not_shared_warns_on_stderr(install: Install, main: Main) -> None:
    """The apart recording was probed from container shell."""
    install("apart")
    result = main("ps", "apart", "--exec-container", "shell")
    assert (result.exit_code, result.stdout) == (0, APART_TABLE)
    assert result.stderr == ('warning: pod "apart" does not share its process namespace; '
                             'showing only what container "shell" can see\n')


def test_ps_skips_a_container_without_sh(install: Install, main: Main) -> None:
    fake = install("nops")
    fake.exec_errors["app"] = ServerError("InternalError", NO_SH)
    result = main("ps", "nops")
    assert (result.exit_code, result.stdout, result.stderr) == (0, NOPS_TABLE, "")
    assert [container for _, container, _ in fake.execs] == ["app", "tools"]


def test_ps_skips_exit_127_without_output(install: Install, main: Main) -> None:
    fake = install("nops")
    fake.exec_status["app"] = (127, b"", b"sh: grep: not found\n")
    result = main("ps", "nops")
    assert (result.exit_code, result.stdout, result.stderr) == (0, NOPS_TABLE, "")
    assert [container for _, container, _ in fake.execs] == ["app", "tools"]


def test_ps_exec_container_flag(install: Install, main: Main) -> None:
    fake = install("nginx")
    result = main("ps", "nginx", "--exec-container", "nginx")
    assert (result.exit_code, result.stdout) == (0, NGINX_TABLE)
    assert [container for _, container, _ in fake.execs] == ["nginx"]


def test_ps_container_flag_shows_only_that_containers_processes(install: Install,
                                                                main: Main) -> None:
    fake = install("nginx")
    result = main("ps", "nginx", "-c", "nginx")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "".join(line + "\n" for line in NGINX_TABLE.splitlines()
                                    if line.startswith(("CONTAINER", "nginx ")))
    assert [container for _, container, _ in fake.execs] == ["shell"]


def test_flags_reach_the_transport(install: Install, flags_seen: list[ConfigFlags],
                                   main: Main) -> None:
    install("nginx")
    result = main("-n", "outer", "--context", "ctx", "--kubeconfig", "/k", "ps", "nginx",
                    "-n", "inner", "--cluster", "cl", "--user", "me",
                    "--request-timeout", "1m30s")
    assert result.exit_code == 0
    assert flags_seen == [ConfigFlags(kubeconfig="/k", context="ctx", cluster="cl", user="me",
                                      namespace="inner", request_timeout=90.0)]


def test_connection_and_identity_flags_reach_the_transport(
        install: Install, flags_seen: list[ConfigFlags], main: Main) -> None:
    install("nginx")
    result = main("ps", "nginx", "-s=https://h:6443", "--token", "t", "--as", "alice",
                  "--as-group", "a", "--as-group=b", "--as-uid", "7",
                  "--certificate-authority", "/ca", "--client-certificate", "/c",
                  "--client-key", "/k", "--insecure-skip-tls-verify=true",
                  "--tls-server-name", "n", "--disable-compression", "--cache-dir", "/tmp",
                  "--username", "u", "--password", "p", "-v=8")
    assert result.exit_code == 0, result.stderr
    assert flags_seen == [ConfigFlags(
        server="https://h:6443", token="t", impersonate="alice", impersonate_groups=("a", "b"),
        impersonate_uid="7", certificate_authority="/ca", client_certificate="/c",
        client_key="/k", insecure=True, tls_server_name="n", disable_compression=True,
        username="u", password="p", verbosity=8)]


@pytest.mark.parametrize(("argv", "insecure"), [
    (["--insecure-skip-tls-verify=false"], False), (["--insecure-skip-tls-verify=1"], True)])
def test_a_boolean_flag_takes_gos_spellings(install: Install, flags_seen: list[ConfigFlags],
                                            main: Main, argv: list[str], insecure: bool) -> None:
    install("nginx")
    assert main("ps", "nginx", *argv).exit_code == 0
    assert flags_seen[-1].insecure is insecure


def test_a_boolean_flag_with_another_value_is_a_usage_error(main: Main) -> None:
    result = main("ps", "nginx", "--insecure-skip-tls-verify=maybe")
    assert result.exit_code == 2
    assert result.stderr == (
        'error: invalid argument "maybe" for "--insecure-skip-tls-verify" flag: '
        'strconv.ParseBool: parsing "maybe": invalid syntax\n'
        "See 'kubectl pidshare ps --help' for usage.\n")


def test_bad_request_timeout_is_a_usage_error(install: Install, main: Main) -> None:
    fake = install("nginx")
    result = main("ps", "nginx", "--request-timeout", "soon")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines()[0] == (
        'error: invalid argument "soon" for "--request-timeout" flag: must be a number of '
        "seconds or a duration such as 5s, 1m or 1h30m")
    assert fake.gets == []


@pytest.mark.parametrize(("value", "expected"), [
    pytest.param("0", None, id="zero-means-no-timeout"),
    pytest.param("5", 5.0, id="bare-seconds"),
    pytest.param("500ms", 0.5, id="milliseconds"),
    pytest.param("1h30m", 5400.0, id="hours-and-minutes"),
    pytest.param(" 2s ", 2.0, id="surrounding-spaces"),
    pytest.param("1.5m", 90.0, id="fractional-minutes"),
    pytest.param(None, None, id="unset"),
])
def test_parse_timeout(value: str | None, expected: float | None) -> None:
    assert parse_timeout(value) == expected


@pytest.mark.parametrize("bad", [
    pytest.param("", id="empty"),
    pytest.param("5x", id="unknown-unit"),
    pytest.param("s", id="unit-without-number"),
    pytest.param("-1s", id="negative"),
])
def test_parse_timeout_rejects(bad: str) -> None:
    with pytest.raises(typer.BadParameter):
        parse_timeout(bad)


def test_main_ps_exit_0(install: Install, main: Main) -> None:
    install("nginx")
    assert main("ps", "nginx") == (0, NGINX_TABLE, "")


def test_main_pod_not_found(install: Install, main: Main) -> None:
    install("nginx").pod_error = ServerError("NotFound", 'pods "x" not found')
    assert main("ps", "x") == (1, "", 'Error from server (NotFound): pods "x" not found\n')


def test_main_pod_pending(install: Install, main: Main) -> None:
    fake = install("nginx")
    fake.pod["status"]["phase"] = "Pending"
    assert main("ps", "nginx") == (1, "", (
        'error: pod "nginx" is Pending, not Running: its processes can only be seen while it '
        "runs (see: kubectl describe pod nginx -n rec)\n"))
    assert fake.execs == []


def test_main_no_container_has_sh(install: Install,
                                  main: Main) -> None:
    fake = install("nginx")
    error = ServerError("InternalError", NO_SH)
    fake.exec_errors.update(nginx=error, shell=error)
    assert main("ps", "nginx") == (1, "", NO_SHELL_LINE)
    assert [container for _, container, _ in fake.execs] == ["shell", "nginx"]


def test_main_other_exec_error_is_not_retried(
        install: Install, main: Main) -> None:
    fake = install("nginx")
    fake.exec_errors["shell"] = ServerError("Forbidden", 'pods "nginx" is forbidden: exec')
    assert main("ps", "nginx") == (
        1, "", 'Error from server (Forbidden): pods "nginx" is forbidden: exec\n')
    assert [container for _, container, _ in fake.execs] == ["shell"]


def test_main_probe_failure(install: Install, main: Main) -> None:
    install("nginx").exec_status["shell"] = (1, b"", b"noise\ngrep: /proc: bad\n")
    assert main("ps", "nginx") == (
        1, "", 'error: the probe failed in container "shell" of pod "nginx" (exit 1): '
        "grep: /proc: bad\n")


def test_main_unknown_container(install: Install,
                                main: Main) -> None:
    install("nginx")
    assert main("ps", "nginx", "-c", "web") == (
        1, "", 'error: container "web" not found in pod "nginx" (it has: nginx, shell)\n')


def test_main_unexpected_exception(install: Install,
                                   main: Main) -> None:
    install("nginx").pod_error = RuntimeError("kaboom")
    assert main("ps", "nginx") == (1, "", "error: RuntimeError: kaboom\n")


@pytest.mark.parametrize(("error", "stderr"), [
    pytest.param(ConnectionRefusedError(111, "Connection refused"),
                 "error: unable to connect to the server: [Errno 111] Connection refused\n",
                 id="connection-refused"),
    pytest.param(TimeoutError("timed out"),
                 "error: timed out waiting for the server (see --request-timeout): timed out\n",
                 id="timeout"),
])
def test_main_connection_and_timeout_errors(
        install: Install, main: Main, error: Exception, stderr: str) -> None:
    install("nginx").pod_error = error
    assert main("ps", "nginx") == (1, "", stderr)


@pytest.mark.parametrize("argv", [
    pytest.param(("--debug", "ps", "nginx"), id="debug-before-the-command"),
    pytest.param(("ps", "nginx", "--debug"), id="debug-after-the-command"),
])
def test_main_debug_prints_the_traceback(
        install: Install, main: Main, argv: tuple[str, ...]
) -> None:
    install("nginx").pod_error = RuntimeError("kaboom")
    code, out, err = main(*argv)
    assert (code, out) == (1, "")
    assert err.startswith("Traceback (most recent call last):\n")
    assert err.endswith("\nRuntimeError: kaboom\nerror: RuntimeError: kaboom\n")
    assert "in get_pod" in err


def test_main_debug_traceback_for_known_errors(
        install: Install, main: Main) -> None:
    install("nginx").pod_error = ServerError("NotFound", 'pods "x" not found')
    code, out, err = main("ps", "x", "--debug")
    assert (code, out) == (1, "")
    assert err.startswith("Traceback (most recent call last):\n")
    assert err.endswith('\nError from server (NotFound): pods "x" not found\n')


def test_main_ctrl_c_exits_130(install: Install,
                               main: Main) -> None:
    install("nginx").pod_error = KeyboardInterrupt()
    assert main("ps", "nginx") == (130, "", "")


def test_main_usage_error_exits_2(install: Install,
                                  main: Main) -> None:
    install("nginx")
    code, out, err = main("ps", "nginx", "-o", "xml")
    assert (code, out) == (2, "")
    assert err.startswith('error: invalid argument "xml" for "-o, --output" flag: ')
    assert err.endswith("\nSee 'kubectl pidshare ps --help' for usage.\n")
    assert "Traceback" not in err


def test_main_version(main: Main) -> None:
    assert main("--version") == (0, "kubectl-pidshare 0.1.0\n", "")


def test_help_names_the_plugin_and_shows_an_example(
        main: Main) -> None:
    code, out, err = main("--help")
    assert (code, err) == (0, "")
    assert out.startswith("Usage: kubectl pidshare [OPTIONS] COMMAND [ARGS]...\n")
    assert "  kubectl pidshare ps nginx\n" in out


def test_ps_help_shows_examples(main: Main) -> None:
    code, out, err = main("ps", "--help")
    assert (code, err) == (0, "")
    assert out.startswith("Usage: kubectl pidshare ps [OPTIONS] [POD | TYPE/NAME]...\n")
    assert "    kubectl pidshare ps nginx\n" in out
    assert "    kubectl pidshare ps deploy/web -c nginx\n" in out


def test_cli_runner_help_uses_prog_name(main: Main) -> None:
    result = main("-h")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith("Usage: kubectl pidshare [OPTIONS] COMMAND [ARGS]...\n")
    assert "  ps          Every process of the Pods, grouped per container, as trees.\n" in (
        result.stdout)
    assert "  version     The plugin's version, its libraries', and the API server's.\n" in (
        result.stdout)


def test_ps_with_container_fetches_the_pod_while_probing(install: Install, main: Main) -> None:
    fake = install("nginx")
    result = main("ps", "nginx", "--exec-container", "shell")
    assert (result.exit_code, result.stdout, result.stderr) == (0, NGINX_TABLE, "")
    assert fake.gets == ["nginx"]
    assert [(pod, container) for pod, container, _ in fake.execs] == [("nginx", "shell")]


def test_ps_with_container_reports_the_pod_error_first(
        install: Install, main: Main) -> None:
    fake = install("nginx")
    fake.pod_error = ServerError("NotFound", 'pods "nginx" not found')
    fake.exec_errors["shell"] = ServerError("NotFound", "the exec failed too")
    assert main("ps", "nginx", "--exec-container", "shell") == (
        1, "", 'Error from server (NotFound): pods "nginx" not found\n')


def test_a_closed_stdout_ends_quietly(install: Install, harness: Harness) -> None:
    install("nginx")
    assert harness.run("ps", "nginx", closed=True) == (ExitStatus.STDOUT_CLOSED, "", "")


def test_cat_into_a_closed_stdout_ends_quietly(install: Install, harness: Harness) -> None:
    install("nginx").exec_status["shell"] = (0, b"data", b"")
    assert harness.run("cat", "nginx", "7", "/x", closed=True) == (
        ExitStatus.STDOUT_CLOSED, "", "")


def test_the_table_fits_a_terminal(install: Install, main: Main) -> None:
    install("nginx")
    shown = main("ps", "nginx", isatty=True, width=60).stdout.splitlines()
    assert max(len(line) for line in shown) == 60
    assert shown[2].endswith("nginx: …")


@pytest.mark.parametrize(("argv", "isatty", "expected"), [
    pytest.param(("ps", "nginx"), False, NGINX_TABLE, id="piped"),
    pytest.param(("ps", "nginx", "-o", "wide"), False, NGINX_WIDE, id="wide-piped"),
    pytest.param(("ps", "nginx", "-o", "wide"), True, NGINX_WIDE, id="wide-on-a-terminal"),
])
def test_the_table_is_whole_when_piped_or_wide(install: Install, main: Main,
                                                argv: tuple[str, ...], isatty: bool,
                                                expected: str) -> None:
    """Even 60 columns wide, a piped or wide table is never cut."""
    install("nginx")
    assert main(*argv, isatty=isatty, width=60).stdout == expected


def test_dash_v_is_a_log_level_not_debug(install: Install, main: Main) -> None:
    install("nginx")
    code, out, err = main("-v", "ps", "nginx")
    assert (code, out) == (ExitStatus.USAGE, "")
    assert err.splitlines() == ['error: invalid argument "ps" for "-v, --v" flag: \'ps\' is not '
                                "a valid integer range", "See 'kubectl pidshare --help' for usage."]


def test_version_writes_to_the_environment(main: Main) -> None:
    assert main("--version") == (0, "kubectl-pidshare 0.1.0\n", "")


def test_kill_list_writes_to_the_environment(main: Main) -> None:
    assert main("kill", "-l").stdout.startswith(" 1) HUP\n")


def test_version_asks_the_server_unless_client(install: Install, main: Main) -> None:
    fake = install("nginx")
    client = main("version", "--client").stdout
    assert client.startswith("Client Version: kubectl-pidshare 0.1.0 (Python ")
    assert fake.gets == []
    assert main("version").stdout == client + "Server Version: v1.34.4\n"
    assert fake.gets == ["/version"]


def test_ps_in_private_cgroup_namespaces(install: Install, main: Main) -> None:
    install("nginx-private")
    assert main("ps", "nginx") == (0, NGINX_TABLE, "")
    assert main("kill", "nginx", "1", "HUP").exit_code == ExitStatus.SANDBOX
