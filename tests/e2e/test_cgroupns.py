"""The cluster's cgroup namespace mode (PIDSHARE_CGROUPNS, tests/cluster/up) shows containers'
cgroups as promised: `private` as containerd does on cgroup v2 nodes (a private namespace per
container, the sandbox's excepted), `host` as this cgroup v1 node does."""

from __future__ import annotations

import json
import os
import re

import pytest

from .harness import MANIFESTS, Cluster, Namespace

# Attribution depends on the cgroup namespace mode: tests/run runs this module in both.
pytestmark = pytest.mark.cgroupns

MODE = os.environ.get("PIDSHARE_CGROUPNS") or "host"

# From the seed's shell container: the cgroup files of the sandbox's pause (PID 1), of the exec'd
# shell itself, and of nginx's master, each after a `== NAME` line.
SHOW = """\
echo '== pause'; cat /proc/1/cgroup
echo '== self'; cat /proc/self/cgroup
for d in /proc/[0-9]*; do
    case "$(tr '\\0' ' ' < "$d/cmdline")" in
        'nginx: master'*) echo '== nginx'; cat "$d/cgroup" ;;
    esac
done
"""


def cgroups(namespace: Namespace) -> dict[str, list[str]]:
    """The cgroup lines of the pause, of the exec'd shell and of nginx's master."""
    out = namespace.kubectl("exec", "nginx", "-c", "shell", "--", "sh", "-c", SHOW).stdout
    shown: dict[str, list[str]] = {}
    for line in out.decode().splitlines():
        if line.startswith("== "):
            current = shown.setdefault(line[3:], [])
        else:
            current.append(line)
    assert set(shown) == {"pause", "self", "nginx"}, out
    return shown


def test_up_exports_the_mode(cluster: Cluster) -> None:
    assert cluster.env["PIDSHARE_CGROUPNS"] == MODE


def test_cgroup_lines_of_the_mode(namespace: Namespace) -> None:
    namespace.apply(MANIFESTS / "share-process-namespace.yaml", wait_for=("nginx",))
    pod = json.loads(namespace.kubectl("get", "pod", "nginx", "-o", "json").stdout)
    ids = {s["name"]: s["containerID"].split("://", 1)[1]
           for s in pod["status"]["containerStatuses"]}
    uid = pod["metadata"]["uid"]
    shown = cgroups(namespace)
    unified = {name: [line for line in lines if line.startswith("0::")]
               for name, lines in shown.items()}
    if MODE == "private":
        # What the probe sees on a cgroup v2 node: its own container at the root, the others
        # (the sandbox's pause too, which is in the host's namespace) beside it; no path names
        # the Pod.
        assert unified["self"] == ["0::/"], shown
        assert unified["nginx"] == [f"0::/../{ids['nginx']}"], shown
        assert len(unified["pause"]) == 1 and re.fullmatch(
            r"0::/\.\./[0-9a-f]{64}", unified["pause"][0]), shown
        for lines in shown.values():
            assert not any("kubepods" in line or uid in line for line in lines), shown
    else:
        assert unified["self"] == [f"0::/kubepods/besteffort/pod{uid}/{ids['shell']}"], shown
        assert unified["nginx"] == [f"0::/kubepods/besteffort/pod{uid}/{ids['nginx']}"], shown
        for lines in shown.values():
            assert all(f"/kubepods/besteffort/pod{uid}/" in line for line in lines), shown
