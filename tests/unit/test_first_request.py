"""What `ps` imports before its first request: every module costs start-up time before the
first byte goes to the server. A fresh interpreter runs `ps nginx` against a kubeconfig as
kubectl writes it; an audit hook stops it as it connects and lists the modules it holds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import kubectl_pidshare

PROBE = """
import json, os, sys
start = set(sys.modules)
def hook(event, args):
    if event == "socket.connect":
        new = {name: module for name, module in list(sys.modules.items()) if name not in start}
        installed = {name.split(".")[0] for name, module in new.items()
                     if "-packages" in (getattr(module, "__file__", None) or "")}
        found = [sorted(new), sorted(installed)]
        sys.stderr.write("MODULES " + json.dumps(found) + "\\n")
        sys.stderr.flush()
        os._exit(0)
sys.addaudithook(hook)
from kubectl_pidshare.cli import main
main(sys.argv[1:])
"""
KUBECONFIG = """\
apiVersion: v1
clusters:
- cluster:
    insecure-skip-tls-verify: true
    server: https://127.0.0.1:9
  name: c
contexts:
- context:
    cluster: c
    namespace: default
    user: u
  name: c
current-context: c
kind: Config
preferences: {}
users:
- name: u
  user:
    token: t
"""
# Each of these cost milliseconds at every run and is not needed to send the GET: YAML (the
# kubeconfig is read by kubeyaml), http.client and the email package (http1), websocket-client
# (imported for the exec, after the GET), secrets and hashlib, importlib.resources, tempfile.
HEAVY = ("yaml", "email", "http.client", "websocket", "secrets", "hashlib", "hmac", "random",
         "tempfile", "importlib.resources", "tabulate", "kubernetes", "urllib3", "logging",
         "asyncio", "concurrent", "http.cookies", "xml", "zipfile", "csv", "decimal")
THIRD_PARTY = {"typer", "click", "shellingham", "annotated_doc"}
# pidshare's own modules on the way (a change here is a change of what `ps` costs: say so).
OWN = {
    "", "app", "clickerrors", "cli", "cluster", "cluster.client", "cluster.configflags",
    "cluster.credentials",
    "cluster.dial", "cluster.http1", "cluster.kubeconfig", "cluster.kubeyaml",
    "cluster.overrides", "cluster.targets", "cluster.validation", "cluster.verbose",
    "cluster.websocket_client", "commands", "commands.audit", "commands.cat",
    "commands.completion", "commands.cp", "commands.env", "commands.fds", "commands.help",
    "commands.kill", "commands.ls", "commands.options", "commands.ports", "commands.ps",
    "commands.top", "commands.version", "errors", "flags", "habits", "hoisting", "netflags",
    "output", "output.render", "output.tables", "pod", "pod.aim",
    "pod.attribution", "pod.debug_container",
    "pod.model", "pod.own", "pod.procfs", "pod.runner", "pod.runners", "pod.snapshot",
    "pod.zombies", "ps", "redaction", "session", "signals", "status", "text", "transport", "usage",
}


def modules_before_connecting(tmp_path: Path) -> tuple[list[str], list[str]]:
    """The modules a fresh `ps nginx` imported (not the interpreter's start-up) when it first
    connects, and the installed packages among them."""
    config = tmp_path / "config"
    config.write_text(KUBECONFIG)
    env = {"KUBECONFIG": str(config), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin",
           "PYTHONPATH": str(Path(kubectl_pidshare.__file__).parents[1])}
    proc = subprocess.run([sys.executable, "-c", PROBE, "ps", "nginx"], env=env,
                          capture_output=True, text=True, check=False, timeout=60)
    found = [line for line in proc.stderr.splitlines() if line.startswith("MODULES ")]
    assert found, f"ps did not connect: {proc.stderr[-2000:]}"
    modules, installed = json.loads(found[0].removeprefix("MODULES "))
    return modules, installed


def test_ps_imports_nothing_heavy_before_its_first_request(tmp_path: Path) -> None:
    loaded, installed = modules_before_connecting(tmp_path)
    heavy = sorted(m for m in loaded if any(m == h or m.startswith(f"{h}.") for h in HEAVY))
    assert heavy == []
    assert set(installed) - {"kubectl_pidshare"} <= THIRD_PARTY


def test_ps_imports_these_modules_of_its_own_before_its_first_request(tmp_path: Path) -> None:
    own = {m.removeprefix("kubectl_pidshare").removeprefix(".")
           for m in modules_before_connecting(tmp_path)[0] if m.split(".")[0] == "kubectl_pidshare"}
    assert sorted(own - OWN) == [], "new on the way to the first request"
    assert sorted(OWN - own) == [], "no longer imported: take it out of OWN"
