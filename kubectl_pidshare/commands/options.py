"""What several commands build alike: ps's and top's options, top's live view, the process and
path of cat, ls and cp."""

from contextlib import nullcontext
from typing import TYPE_CHECKING, Optional

import typer

from kubectl_pidshare.app import (
    Invocation,
    invocation,
)
from kubectl_pidshare.cluster.configflags import ConfigFlags
from kubectl_pidshare.flags import (
    Profile,
    SortKey,
)
from kubectl_pidshare.session import Environment

if TYPE_CHECKING:
    from kubectl_pidshare.cat import CatOptions
    from kubectl_pidshare.ps import PsOptions


def ps_options(words: Optional[list[str]], selector: Optional[str], all_namespaces: bool,
               container: Optional[str], exec_container: Optional[str], output: str,
               no_headers: bool, sort_by: Optional[SortKey], debug_image: Optional[str],
               debug_profile: Profile, show_pidshare: bool = False,
               show_secrets: bool = False) -> "PsOptions":
    """The options of ps and top from their flags."""
    from kubectl_pidshare.cluster.targets import parse
    from kubectl_pidshare.pod.debug_container import DebugOptions
    from kubectl_pidshare.ps import PsOptions

    return PsOptions(parse(words or [], selector, all_namespaces), container, exec_container,
                     output, not no_headers, sort_by.value if sort_by else None,
                     DebugOptions(debug_image, debug_profile.value), show_pidshare,
                     show_secrets)


def live(ctx: typer.Context, options: "PsOptions", interval: float) -> Invocation:
    """top's invocation (also `ps --watch`): one exec per Pod per refresh; on a terminal, in
    place with keys read."""
    from kubectl_pidshare.top import Terminal, top

    def action(env: Environment, flags: ConfigFlags) -> None:
        transport = env.connect(flags)
        if not env.stdout_isatty:
            return top(transport, options, env.stdout, env.stderr, interval)
        with env.console() if env.console else nullcontext() as keys:
            top(transport, options, env.stdout, env.stderr, interval,
                Terminal(env.terminal_width, env.terminal_height, keys))

    return invocation(ctx, action)


def source(pod: str, aim: str, path: str, exec_container: Optional[str],
           debug_image: Optional[str], debug_profile: Profile) -> "CatOptions":
    """The process and path of cat, ls and cp, checked."""
    from kubectl_pidshare.cat import CatOptions
    from kubectl_pidshare.cluster.targets import one_pod
    from kubectl_pidshare.pod.aim import parse_aim
    from kubectl_pidshare.pod.debug_container import DebugOptions

    return CatOptions(one_pod(pod), parse_aim(aim), path, exec_container,
                      DebugOptions(debug_image, debug_profile.value))
