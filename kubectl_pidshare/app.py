"""The typer app every command registers on, the Invocation a command returns (cli.main runs
it), and the arguments several commands declare alike. typer reads these annotations at run
time: no `from __future__ import annotations` here."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Optional

import typer

from kubectl_pidshare.cluster.configflags import ConfigFlags
from kubectl_pidshare.session import Environment

PROG = "kubectl pidshare"
ROOT_FLAGS = "pidshare.flags"
TOP_INTERVAL = 2.0

app = typer.Typer(
    name=PROG,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

Pod = Annotated[str, typer.Argument(help="The Pod: POD or pod/NAME.", metavar="POD")]
Targets = Annotated[Optional[list[str]], typer.Argument(
    help="Pods: POD, pod/NAME, or TYPE/NAME of what owns them (deploy, rs, sts, ds, job, "
         "cronjob, rc) or of a Service (svc: its selector's Pods), one or more; none with -l.",
    metavar="[POD | TYPE/NAME]...",
    show_default=False)]
Aim = Annotated[str, typer.Argument(
    help="A PID, as `kubectl pidshare ps` shows it, or container/NAME: that container's main "
         "(oldest) process.", metavar="PID | container/NAME")]


@dataclass(frozen=True)
class Invocation:
    """What the command line asks for: how to reach the cluster, and what to run there."""

    flags: ConfigFlags
    debug: bool
    action: Callable[[Environment, ConfigFlags], None]

    def run(self, env: Environment) -> None:
        """Run the action in env, with the flags."""
        self.action(env, self.flags)


def invocation(ctx: typer.Context, action: Callable[[Environment, ConfigFlags], None]
                ) -> Invocation:
    """The command's action with the global flags (see flags.hoist: they all reach root)."""
    flags, debug = ctx.meta.get(ROOT_FLAGS) or (ConfigFlags(), False)
    return Invocation(flags, debug, action)
