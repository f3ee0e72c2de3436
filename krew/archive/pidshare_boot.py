"""Run kubectl pidshare from its zipapp, unpacked once per build into a cache directory.

A zip holds no bytecode that Python can keep, so every run from the zip would compile what it
imports again. Unpacked and compiled once, as pip compiles what it installs (even where
PYTHONDONTWRITEBYTECODE is set), later runs import bytecode (shiv's way). Concurrent first
runs each unpack into a directory of their own and rename it into place: one wins, the others
use its copy. Bytecode is per interpreter (its cache tag): the first run of another python3
compiles what that one lacks, beside the other's, and marks it done (each file is written
atomically, so concurrent runs may compile the same files safely). Where the cache cannot be
written (read-only, full), pidshare runs from the zip as it is.
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
    """The directory this build is unpacked in, unpacking it first if need be, with bytecode
    for this interpreter; None if the cache cannot take it."""
    target = os.path.join(cache(), f"krew-{BUILD}")
    if os.path.isfile(os.path.join(target, COMPLETE)):
        compiled(target)
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
        compileall.compile_dir(scratch, quiet=2, ddir=target)
        for mark in (COMPLETE, compiled_mark()):
            with open(os.path.join(scratch, mark), "w"):
                pass
        os.rename(scratch, target)
        scratch = None
    except OSError:
        pass
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    if not os.path.isfile(os.path.join(target, COMPLETE)):
        return None
    compiled(target)  # another python3 may have won the race to unpack it
    return target


def compiled_mark() -> str:
    """The file that says the build holds this interpreter's bytecode."""
    return f".compiled-{sys.implementation.cache_tag}-{sys.flags.optimize}"


def compiled(target: str) -> None:
    """Compile what the unpacked build lacks for this interpreter (another python3 unpacked
    it), once: a later run finds the mark. Not where the cache cannot be written. A file that
    failed (another run writing it at the same moment) is tried once more; one that cannot
    compile under this Python never will, so the mark is written then too."""
    mark = os.path.join(target, compiled_mark())
    if sys.implementation.cache_tag is None or os.path.isfile(mark):
        return
    if not os.access(target, os.W_OK):
        return
    import compileall

    try:
        if not compileall.compile_dir(target, quiet=2):
            compileall.compile_dir(target, quiet=2)
        with open(mark, "w"):
            pass
    except OSError:
        pass


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
