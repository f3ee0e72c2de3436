"""Run kubectl pidshare from its zipapp, unpacked once per build into a cache directory.

A zip holds no bytecode that Python can keep, so every run from the zip would compile what it
imports again. Unpacked and compiled once, as pip compiles what it installs (even where
PYTHONDONTWRITEBYTECODE is set), later runs import bytecode (shiv's way). Concurrent first
runs each unpack into a directory of their own and rename it into place: one wins, the others
use its copy. Where the cache cannot be written (read-only, full), pidshare runs from the zip
as it is.
"""

from __future__ import annotations

import os
import sys

BUILD = "@BUILD@"
COMPLETE = ".complete"


def cache() -> str:
    """Where builds are unpacked: $PIDSHARE_CACHE, else the user's cache directory."""
    return os.environ.get("PIDSHARE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "kubectl-pidshare")


def unpacked(archive: str) -> str | None:
    """The directory this build is unpacked in, unpacking it first if need be; None if the
    cache cannot take it."""
    target = os.path.join(cache(), f"krew-{BUILD}")
    if os.path.isfile(os.path.join(target, COMPLETE)):
        return target
    import compileall
    import shutil
    import tempfile
    import zipfile

    scratch = None
    try:
        os.makedirs(cache(), exist_ok=True)
        scratch = tempfile.mkdtemp(prefix=".unpacking-", dir=cache())
        with zipfile.ZipFile(archive) as payload:
            payload.extractall(scratch)
        compileall.compile_dir(scratch, quiet=2)
        with open(os.path.join(scratch, COMPLETE), "w"):
            pass
        os.rename(scratch, target)
        scratch = None
    except OSError:
        pass
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    return target if os.path.isfile(os.path.join(target, COMPLETE)) else None


def main() -> int:
    """Run the command line (or, for kubectl_complete-pidshare, the completion) from the
    unpacked build, else from the zip."""
    place = unpacked(sys.path[0])
    if place is not None:
        sys.path[0] = place
    if os.environ.pop("PIDSHARE_ENTRY", "") == "complete":
        from kubectl_pidshare.completer import main as complete

        complete()
        return 0
    from kubectl_pidshare.launch import main as cli

    return cli()
