"""`kubectl pidshare completion`: set up kubectl's completion of `kubectl pidshare`.

kubectl completes a plugin's arguments by running `kubectl_complete-<plugin>` from PATH. pip
installs it with the package and a checkout has it in bin/; krew links only the plugin
itself, so here the krew launcher is linked once more under the completer's name (it answers
completion when called so), beside the plugin's own link, where krew upgrades keep it working.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from kubectl_pidshare.errors import PidshareError

PLUGIN = "kubectl-pidshare"
COMPLETER = "kubectl_complete-pidshare"
ZIPAPP = "pidshare.pyz"
ENABLE = ("enable kubectl's own completion in your shell, for example: "
          "source <(kubectl completion bash)")


def completion(environ: Mapping[str, str], out: TextIO, install: bool) -> None:
    """Say whether completion is set up; with install, link the completer for a krew install."""
    search = environ.get("PATH", "")
    found = shutil.which(COMPLETER, path=search)
    if found:
        out.write(f"{COMPLETER} is on PATH ({found}): kubectl completes `kubectl pidshare`; "
                  f"{ENABLE}\n")
        return
    plugin = shutil.which(PLUGIN, path=search)
    if plugin is None:
        raise PidshareError(f"{PLUGIN} is not on PATH: install the plugin first")
    if not (Path(os.path.realpath(plugin)).parent / ZIPAPP).is_file():
        raise PidshareError(f"{COMPLETER} is not on PATH, and {plugin} is not krew's launcher: "
                            "reinstall the plugin (pip and pipx install the completer with it)")
    link = Path(plugin).parent / COMPLETER
    if not install:
        out.write(f"{COMPLETER} is not on PATH: `kubectl pidshare completion --install` links "
                  f"{link} to {PLUGIN} beside it\n")
        return
    try:
        link.symlink_to(PLUGIN)
    except OSError as exc:
        raise PidshareError(f"cannot link {link}: {exc.strerror}") from None
    out.write(f"linked {link} -> {PLUGIN}: kubectl now completes `kubectl pidshare`; {ENABLE}\n")
