"""The local cluster runs the seed's scenario exactly as the Kubernetes docs tell it."""

from __future__ import annotations

import re
import time

from .harness import MANIFESTS, Namespace

SEED = MANIFESTS / "share-process-namespace.yaml"
# The first ten lines of the seed's nginx.conf, as `head` prints them.
NGINX_CONF_HEAD = b"""user  nginx;
worker_processes  1;

error_log  /var/log/nginx/error.log warn;
pid        /var/run/nginx.pid;


events {
    worker_connections  1024;
}
"""


def ps_ax(ns: Namespace) -> list[tuple[int, str, str]]:
    """`ps ax` in the seed's shell container, as (pid, user, command) rows."""
    out = ns.kubectl("exec", "nginx", "-c", "shell", "--", "ps", "ax").stdout
    header, *lines = out.decode().splitlines()
    # busybox 1.28 prints a TIME column, later releases do not.
    time_column = r"\s+\S+" if "TIME" in header.split() else ""
    rows = []
    for line in lines:
        match = re.match(rf"\s*(\d+)\s+(\S+){time_column}\s+(.*)$", line)
        assert match, line
        rows.append((int(match[1]), match[2], match[3]))
    return rows


def nginx_pids(rows: list[tuple[int, str, str]]) -> tuple[int, list[int]]:
    """The nginx master pid and the worker pids."""
    masters = [pid for pid, user, cmd in rows if cmd.startswith("nginx: master") and user == "root"]
    workers = [pid for pid, user, cmd in rows if cmd.startswith("nginx: worker") and user == "101"]
    assert len(masters) == 1, rows
    return masters[0], workers


def test_seed_steps(namespace: Namespace) -> None:
    namespace.apply(SEED, wait_for=("nginx",))

    rows = ps_ax(namespace)
    assert rows[0][0] == 1 and rows[0][2] == "/pause", rows
    master, workers = nginx_pids(rows)
    assert len(workers) == 1, rows
    assert any(cmd == "sh" and user == "root" for _, user, cmd in rows), rows

    namespace.kubectl("exec", "nginx", "-c", "shell", "--", "kill", "-HUP", str(master))
    deadline = time.monotonic() + 30
    while True:
        new_master, new_workers = nginx_pids(ps_ax(namespace))
        if new_workers and not set(new_workers) & set(workers):
            break
        assert time.monotonic() < deadline, f"worker {workers} was not replaced"
        time.sleep(0.3)
    assert new_master == master

    head = namespace.kubectl(
        "exec", "nginx", "-c", "shell", "--", "head", f"/proc/{master}/root/etc/nginx/nginx.conf"
    ).stdout
    assert head == NGINX_CONF_HEAD
