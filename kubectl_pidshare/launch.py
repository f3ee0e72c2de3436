"""The `kubectl-pidshare` command: the speculation (speculation.py) is started before the
command line's modules are imported, then the command line runs with it as its transport."""

import os
import sys

from kubectl_pidshare.speculation import start


def main() -> int:
    """Run the command line; the exit status (see cli.main)."""
    speculation = start(sys.argv[1:], os.environ)
    if speculation is not None:
        speculation.lead()
    from kubectl_pidshare.cli import main as cli
    from kubectl_pidshare.session import Environment

    env = Environment.of_process()
    if speculation is not None:
        env.transport = speculation.connect
    return cli(env=env)
