"""`kubectl pidshare completion`: set up kubectl's completion of `kubectl pidshare`.

kubectl completes a plugin's arguments by running `kubectl_complete-<plugin>` from PATH. pip
installs it with the package and a checkout has it in bin/; krew installs only the plugin's
link, so here a small sh script of that name is written beside it, in krew's bin: it hands the
completion to the plugin's launcher (which krew upgrades keep in place) and, once `kubectl
krew uninstall` has removed the plugin, removes itself and completes nothing.
"""

from __future__ import annotations

import os
import shlex
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from kubectl_pidshare.errors import PidshareError

PLUGIN = "kubectl-pidshare"
COMPLETER = "kubectl_complete-pidshare"
ZIPAPP = "pidshare.pyz"
SCRIPT = """#!/bin/sh
# Written by `kubectl pidshare completion --install`: kubectl's completion of `kubectl pidshare`,
# answered by the krew-installed plugin; once the plugin is uninstalled, this file removes itself.
if [ -e {plugin} ]; then
    PIDSHARE_ENTRY=complete exec {plugin} "$@"
fi
rm -f {completer}
echo :4
"""
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
    script = Path(plugin).parent / COMPLETER
    if not install:
        out.write(f"{COMPLETER} is not on PATH: `kubectl pidshare completion --install` writes "
                  f"{script} beside {PLUGIN}\n")
        return
    write_script(script, Path(plugin))
    out.write(f"wrote {script}: kubectl now completes `kubectl pidshare`; {ENABLE}\n")


def write_script(script: Path, plugin: Path) -> None:
    """Write the completer script at script (in place of a dangling link left by an older
    install), for the plugin's link."""
    text = SCRIPT.format(plugin=shlex.quote(str(plugin)), completer=shlex.quote(str(script)))
    scratch = script.with_name(f".{COMPLETER}.{os.getpid()}")
    try:
        scratch.write_text(text)
        scratch.chmod(0o755)
        os.replace(scratch, script)
    except OSError as exc:
        scratch.unlink(missing_ok=True)
        raise PidshareError(f"cannot write {script}: {exc.strerror}") from None
