"""The big-kubeconfig case: 50 contexts, each cluster and user with inline certificates
(about 250 KB, as a kubeconfig collected from many clusters), and the time to load it
beside a one-context file, in process, with PyYAML's C loader and with its pure-Python one."""

from __future__ import annotations

import base64
import os
import statistics
import time
from contextlib import nullcontext
from pathlib import Path
from unittest import mock

import yaml

PKI = Path(os.environ.get("PIDSHARE_STATE", "/var/lib/pidshare-cluster")) / "pki"


def write(path: Path, contexts: int, server: str = "https://127.0.0.1:6443") -> Path:
    """A kubeconfig of that many contexts with inline data; the current one is the admin's
    on the local cluster."""
    ca = base64.b64encode((PKI / "ca.crt").read_bytes()).decode()
    cert = base64.b64encode((PKI / "admin.crt").read_bytes()).decode()
    key = base64.b64encode((PKI / "admin.key").read_bytes()).decode()
    config = {
        "apiVersion": "v1", "kind": "Config", "current-context": "c0",
        "clusters": [{"name": f"c{i}", "cluster": {"server": server,
                                                   "certificate-authority-data": ca}}
                     for i in range(contexts)],
        "users": [{"name": f"u{i}", "user": {"client-certificate-data": cert,
                                             "client-key-data": key}}
                  for i in range(contexts)],
        "contexts": [{"name": f"c{i}", "context": {"cluster": f"c{i}", "user": f"u{i}",
                                                   "namespace": f"team-{i}"}}
                     for i in range(contexts)],
    }
    path.write_text(yaml.safe_dump(config))
    return path


def load_seconds(path: Path, pure: bool = False, times: int = 15) -> float:
    """Median time of kubeconfig.load on the file (pure: as before, PyYAML's Python loader)."""
    from kubectl_pidshare.cluster.configflags import ConfigFlags
    from kubectl_pidshare.cluster.kubeconfig import load

    flags = ConfigFlags(kubeconfig=str(path))
    runs = []
    with mock.patch.object(yaml, "CSafeLoader", yaml.SafeLoader) if pure else nullcontext():
        for _ in range(times):
            started = time.perf_counter()
            load(flags, {})
            runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def report(directory: Path) -> dict[str, float]:
    """Load times of the one- and 50-context files, with the C and the pure loader."""
    one, big = write(directory / "one.yaml", 1), write(directory / "big.yaml", 50)
    found = {"big_kubeconfig_kib": big.stat().st_size / 1024,
             "one_context_s": load_seconds(one), "fifty_contexts_s": load_seconds(big),
             "fifty_contexts_pure_python_s": load_seconds(big, pure=True, times=5)}
    print(f"kubeconfig load: 1 context {found['one_context_s'] * 1000:.1f} ms, 50 contexts "
          f"({found['big_kubeconfig_kib']:.0f} KiB) {found['fifty_contexts_s'] * 1000:.1f} ms "
          f"(pure-Python YAML: {found['fifty_contexts_pure_python_s'] * 1000:.1f} ms)")
    return found
