"""Where `ps` spends its time, run directly by python (no kubectl dispatch): a child runs the
plugin in process with an audit hook that marks the time of the kubeconfig's opening and of
the connection, and, once connected, of each TLS handshake, each request sent and the first
bytes back after it. Medians of N runs, per phase:

    python -m tests.bench.breakdown -n 15 -- ps nginx -n pidshare-bench
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHILD = r"""
import os, sys, time
T0 = float(os.environ["BREAKDOWN_T0"])
marks = [("python up", time.time() - T0)]
mark = lambda name: marks.append((name, time.time() - T0))
patched = []

def patch():
    import ssl
    handshake, sendall, send_ = (ssl.SSLSocket.do_handshake, ssl.SSLSocket.sendall,
                                 ssl.SSLSocket.send)
    recv, recv_into = ssl.SSLSocket.recv, ssl.SSLSocket.recv_into
    state = {"waiting": None}
    def do_handshake(self, *a):
        result = handshake(self, *a)
        mark("tls done")
        return result
    def sent(data):
        head = bytes(data[:200]).split(b" ", 2)
        if head[0] in (b"GET", b"POST", b"PATCH") and len(head) > 1:
            path = head[1].split(b"?")[0].decode()
            state["waiting"] = "exec" if path.endswith("/exec") else "get"
            mark(f"{state['waiting']} sent")
    def send_all(self, data, *a):
        sent(data)
        return sendall(self, data, *a)
    def send(self, data, *a):
        sent(data)
        return send_(self, data, *a)
    def answered():
        if state["waiting"]:
            mark(f"{state['waiting']} answered")
            state["waiting"] = None
    def receive_into(self, *a):
        n = recv_into(self, *a)
        answered()
        return n
    def receive(self, *a):
        data = recv(self, *a)
        answered()
        return data
    ssl.SSLSocket.do_handshake, ssl.SSLSocket.sendall = do_handshake, send_all
    ssl.SSLSocket.send = send
    ssl.SSLSocket.recv_into, ssl.SSLSocket.recv = receive_into, receive

def hook(event, args):
    if event == "open" and args and str(args[0]) == os.environ["KUBECONFIG"]:
        mark("kubeconfig opened")
    elif event == "socket.connect":
        mark("connect")
        if not patched:
            patched.append(1)
            patch()

sys.addaudithook(hook)
sys.argv = ["kubectl-pidshare", *sys.argv[1:]]
sys.path.insert(0, os.environ["BREAKDOWN_SRC"])
from kubectl_pidshare.cli import main
status = main()
mark("done")
import json
sys.stderr.write("BREAKDOWN " + json.dumps(marks) + "\n")
sys.exit(status)
"""


def once(args: list[str], env: dict[str, str], src: Path = ROOT) -> list[tuple[str, float]]:
    """One run's marks (first of each name), and the exit as seen from outside."""
    started = time.time()
    proc = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True,
                          env={**env, "BREAKDOWN_T0": repr(started),
                               "BREAKDOWN_SRC": str(src)}, check=False)
    ended = time.time() - started
    line = next(x for x in proc.stderr.splitlines() if x.startswith("BREAKDOWN "))
    marks: list[tuple[str, float]] = []
    for name, at in json.loads(line[len("BREAKDOWN "):]):
        if name not in dict(marks):
            marks.append((name, at))
    return [*marks, ("exited", ended)]


def phases(marks: list[tuple[str, float]]) -> dict[str, float]:
    """The time from each mark to the next, named after the phase it ends."""
    out, before = {}, 0.0
    for name, at in marks:
        out[name] = at - before
        before = at
    return out


def main() -> None:
    """Run the command N times; print median phases."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--times", type=int, default=15)
    parser.add_argument("--before", help="also this checkout's plugin, runs interleaved")
    parser.add_argument("args", nargs="+")
    options = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="pidshare-breakdown-")
    sources = {"after": ROOT, **({"before": Path(options.before)} if options.before else {})}
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in sources}
    for round_ in range(options.times + 1):
        for name, src in sources.items():
            marks = phases(once(options.args, env, src))
            if round_:  # the first compiles the bytecode
                runs[name].append(marks)
    for name, found in runs.items():
        names = list(found[-1])
        medians = {n: statistics.median(r.get(n, float("nan")) for r in found) for n in names}
        print(f"{name} ({sources[name]}):")
        for phase in names:
            print(f"  until {phase:<20} {medians[phase] * 1000:7.1f} ms")
        print(f"  total {statistics.median(sum(r.values()) for r in found) * 1000:.1f} ms")
        print(json.dumps(medians))


if __name__ == "__main__":
    main()
