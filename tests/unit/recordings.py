"""The probe outputs and Pods recorded from the local cluster, and small helpers around them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kubectl_pidshare.output import render
from kubectl_pidshare.pod import model, procfs
from kubectl_pidshare.pod.snapshot import Listing
from kubectl_pidshare.ps import group

DATA = Path(__file__).parents[1] / "data"
NAMES = ("nginx", "quad", "hostile", "nops", "apart")
# Recorded with PIDSHARE_CGROUPNS=private: every container in a private cgroup namespace.
PRIVATE = ("nginx-private",)
# The container each probe ran from (tests/data/record).
RUNNERS = {"nginx": "shell", "quad": "shell", "hostile": "shell", "nops": "tools",
           "apart": "shell", "nginx-private": "shell"}


def probe(name: str) -> bytes:
    """The recorded output of sh/probe.sh in Pod `name`."""
    return (DATA / f"probe-{name}.bin").read_bytes()


def pod_json(name: str) -> dict[str, Any]:
    """The recorded Pod JSON, as the API server returned it."""
    document: dict[str, Any] = json.loads((DATA / f"pod-{name}.json").read_text())
    return document


def pod(name: str) -> model.Pod:
    """The recorded Pod, parsed."""
    return model.parse_pod(pod_json(name))


def snapshot(name: str) -> procfs.Snapshot:
    """The recorded probe output, parsed."""
    return procfs.parse(probe(name))


def runner(name: str) -> model.Container:
    """The container the recorded probe ran in."""
    return pod(name).container(RUNNERS[name])


def groups(name: str) -> list[list[render.Row]]:
    """The recorded processes, attributed and grouped as `ps` shows them."""
    return group(Listing(pod(name), runner(name), snapshot(name)))


def container_id(name: str, container: str) -> str:
    """The container ID (without `containerd://`) of a container of a recorded Pod."""
    return pod(name).container(container).container_id


# How `ps` shows the nginx recording.
NGINX_TABLE = """\
CONTAINER      PID    PPID  USER    STAT      TIME  COMMAND
(sandbox)        1       0  65535   S         0:00  /pause
nginx            7       0  root    S         0:00  nginx: master process nginx -g daemon off;
nginx           13       7  nginx   S         0:00  └─ nginx: worker process
shell           14       0  root    S         0:00  sh
"""

NGINX_WIDE = """\
CONTAINER      PID    PPID  USER    STAT      TIME  START                 AGE      RSS    \
THREADS  COMMAND
(sandbox)        1       0  65535   S         0:00  2026-11-29T03:58:12Z  3h29m    700    \
      1  /pause
nginx            7       0  root    S         0:00  2026-11-29T03:58:12Z  3h29m   6952    \
      1  nginx: master process nginx -g daemon off;
nginx           13       7  nginx   S         0:00  2026-11-29T03:58:12Z  3h29m   2788    \
      1  └─ nginx: worker process
shell           14       0  root    S         0:00  2026-11-29T03:58:12Z  3h29m   1668    \
      1  sh
"""
