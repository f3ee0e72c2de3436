"""Several Pods through the command line with a fake transport: workloads, selectors, -A, each
Pod's failure beside the others' listings, -c, --sort-by, --no-headers; and kill and cat
through a container's main process."""

from __future__ import annotations

import json

import yaml

from kubectl_pidshare.errors import ServerError
from kubectl_pidshare.status import ExitStatus
from tests.unit.recordings import NGINX_TABLE

from .fakes import FakeTransport, Install, Main

WEB = {"app": "web"}


def replicas(fake: FakeTransport, *names: str, namespace: str = "rec") -> None:
    """Pods labelled app=web, copies of the nginx recording, and their Deployment."""
    for name in names:
        fake.add_pod(name, namespace=namespace, labels=WEB)
    fake.objects["/apis/apps/v1/namespaces/rec/deployments/web"] = {
        "metadata": {"name": "web", "uid": "d1"},
        "spec": {"selector": {"matchLabels": WEB}}}


def prefixed(*pods: str, namespace: str | None = None) -> str:
    """NGINX_TABLE once per Pod with the POD (and NAMESPACE) cells in front, as tabulate pads
    them (a header takes two more columns than its text)."""
    lines = NGINX_TABLE.splitlines()
    columns = [("POD", list(pods))]
    if namespace is not None:
        columns.insert(0, ("NAMESPACE", [namespace] * len(pods)))
    widths = [max(len(head) + 2, *(len(cell) for cell in cells)) for head, cells in columns]
    out = ["".join(f"{head:<{w}}  " for (head, _), w in zip(columns, widths)) + lines[0]]
    for index in range(len(pods)):
        cells = "".join(f"{column[1][index]:<{w}}  " for column, w in zip(columns, widths))
        out += [cells + line for line in lines[1:]]
    return "\n".join(out) + "\n"


def test_deployment_lists_its_pods(install: Install, main: Main) -> None:
    fake = install("nginx")
    replicas(fake, "web-a", "web-b")
    result = main("ps", "deploy/web")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, prefixed("web-a", "web-b"), "")
    assert fake.lists == [("/api/v1/namespaces/rec/pods", "app=web")]
    assert sorted(pod for pod, _, _ in fake.execs) == ["web-a", "web-b"]
    assert fake.namespaces == ["rec", "rec"]


def test_selector_across_namespaces(install: Install, main: Main) -> None:
    fake = install("nginx")
    replicas(fake, "web-a", namespace="other")
    result = main("ps", "-A", "-l", "app=web")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, prefixed("web-a", namespace="other"), "")
    assert fake.lists == [("/api/v1/pods", "app=web")]
    assert fake.namespaces == ["other"]


def test_cronjob_through_its_jobs(install: Install, main: Main) -> None:
    fake = install("nginx")
    fake.add_pod("nightly-1-x", labels={"job": "j1"})
    fake.add_pod("stray", labels={"job": "j2"})
    fake.objects["/apis/batch/v1/namespaces/rec/cronjobs/nightly"] = {
        "metadata": {"name": "nightly", "uid": "c1"}, "spec": {}}
    fake.objects["/apis/batch/v1/namespaces/rec/jobs/nightly-1"] = {
        "metadata": {"name": "nightly-1", "ownerReferences": [{"uid": "c1"}]},
        "spec": {"selector": {"matchLabels": {"job": "j1"}}}}
    fake.objects["/apis/batch/v1/namespaces/rec/jobs/other"] = {
        "metadata": {"name": "other", "ownerReferences": [{"uid": "c2"}]},
        "spec": {"selector": {"matchLabels": {"job": "j2"}}}}
    result = main("ps", "cronjob/nightly", "--no-headers")
    assert (result.exit_code, result.stderr) == (0, "")
    assert {line.split()[0] for line in result.stdout.splitlines()} == {"nightly-1-x"}


def test_one_failure_does_not_hide_the_others(install: Install, main: Main) -> None:
    fake = install("nginx")
    replicas(fake, "web-a", "web-b")
    fake.add_pod("web-c", labels=WEB, phase="Pending")
    result = main("ps", "-l", "app=web", "deploy/nope", "-o", "json")
    assert result.exit_code == ExitStatus.USAGE

    result = main("ps", "deploy/web", "deploy/nope", "-o", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["kind"] == "List"
    assert [item["pod"] for item in document["items"]] == ["web-a", "web-b"]
    assert result.stderr == (
        'Error from server (NotFound): deployments.apps "nope" not found\n'
        'error: pod "web-c" is Pending, not Running: its processes can only be seen while it '
        "runs (see: kubectl describe pod web-c -n rec)\n")


def test_an_unexpected_failure_of_one_pod(install: Install, main: Main) -> None:
    fake = install("nginx")
    replicas(fake, "web-a", "web-b")
    fake.add_pod("web-b", labels=WEB)
    fake.exec_errors["shell"] = TimeoutError("timed out")
    result = main("ps", "web-a", "web-b")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [
        "error: timed out waiting for the server (see --request-timeout): timed out"] * 2


def test_nothing_found_is_said_as_kubectl_says_it(install: Install, main: Main) -> None:
    install("nginx")
    assert main("ps", "-l", "app=none") == (0, "", "No resources found in rec namespace.\n")
    assert main("ps", "-A", "-l", "app=none") == (0, "", "No resources found\n")


def test_nothing_found_as_json_or_yaml_is_kubectl_s_empty_list(install: Install,
                                                                 main: Main) -> None:
    """What `kubectl get pods -l app=none -o json|yaml` prints, and nothing on stderr."""
    install("nginx")
    assert main("ps", "-l", "app=none", "-o", "json") == (0, (
        '{\n    "apiVersion": "v1",\n    "items": [],\n    "kind": "List",\n    "metadata": {\n'
        '        "resourceVersion": ""\n    }\n}\n'), "")
    status, out, err = main("ps", "-l", "app=none", "-o", "yaml")
    assert (status, err) == (0, "")
    assert out == "apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: ''\n"
    assert yaml.safe_load(out) == yaml.safe_load(
        'apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: ""\n')


def test_a_missing_pod_among_several(install: Install, main: Main) -> None:
    fake = install("nginx")
    replicas(fake, "web-a")
    result = main("ps", "web-a", "gone")
    assert (result.exit_code, result.stdout) == (1, prefixed("web-a"))
    assert result.stderr == 'Error from server (NotFound): pods "gone" not found\n'


def test_sort_by_and_no_headers(install: Install, main: Main) -> None:
    install("nginx")
    result = main("ps", "nginx", "--sort-by", "mem", "--no-headers")
    assert result.exit_code == 0
    assert [line.split()[1] for line in result.stdout.splitlines()] == ["7", "13", "14", "1"]
    assert main("ps", "nginx", "--sort-by", "pid").stdout.splitlines()[0].split()[0] == (
        "CONTAINER")
    assert main("ps", "nginx", "--sort-by", "size").exit_code == ExitStatus.USAGE


def test_kill_a_containers_main_process(install: Install, main: Main) -> None:
    fake = install("nginx")
    result = main("kill", "nginx", "container/nginx", "HUP")
    assert result == (
        0, 'sent SIGHUP to PID 7 (nginx: master process nginx -g daemon off;) in container '
           '"nginx"\n',
        'the main process of container "nginx" is PID 7 (nginx: master process nginx -g '
        "daemon off;)\n")
    probe, kill = fake.execs
    assert probe[2][3] == "pidshare-probe"
    assert kill[2][3:] == ["pidshare-kill", "7", "1", ""]


def test_cat_through_a_containers_main_process(install: Install, main: Main) -> None:
    fake = install("nginx")
    result = main("cat", "nginx", "container/shell", "/etc/hostname")
    assert result.stderr == 'the main process of container "shell" is PID 14 (sh)\n'
    assert fake.execs[1][2][3:5] == ["pidshare-cat", "14"]


def test_a_container_with_no_process_and_bad_aims(install: Install, main: Main) -> None:
    fake = install("nginx")
    fake.pod["spec"]["containers"].append({"name": "idle", "image": "x"})
    assert main("kill", "nginx", "container/idle") == (
        ExitStatus.NO_SUCH_PROCESS, "", 'error: container "idle" of pod "nginx" is not running '
        "(waiting): see kubectl describe pod nginx -n rec\n")
    for aim in ("0", "7x", "container/", "-3"):
        assert main("kill", "nginx", aim, "HUP").exit_code == ExitStatus.USAGE, aim
    assert main("cat", "nginx", "x", "/a").stderr == (
        'error: invalid process "x": a PID (1 or more), or container/NAME for that '
        "container's main process\n")
    assert main("kill", "nginx/x", "7").exit_code == ExitStatus.USAGE


def test_the_help_command(main: Main) -> None:
    assert main("help", "ps").stdout == main("ps", "--help").stdout
    assert main("help").stdout == main("--help").stdout
    code, _, err = main("help", "nope")
    assert code == ExitStatus.USAGE
    assert err == ('error: unknown command "nope" for "kubectl pidshare"\n'
                   "See 'kubectl pidshare help --help' for usage.\n")


def test_the_server_error_of_a_workload(install: Install, main: Main) -> None:
    fake = install("nginx")
    fake.objects["/apis/apps/v1/namespaces/rec/statefulsets/db"] = {}
    fake.get = lambda path: (_ for _ in ()).throw(  # type: ignore[method-assign]
        ServerError("Forbidden", 'statefulsets.apps "db" is forbidden'))
    assert main("ps", "sts/db") == (
        1, "", 'Error from server (Forbidden): statefulsets.apps "db" is forbidden\n')
