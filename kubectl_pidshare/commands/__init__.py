"""The commands, one module each: its typer declaration and the options it builds.

Each module registers its command on app.app when imported; only the CLI imports them, through
register(), in the order `kubectl pidshare --help` lists them. typer reads their annotations at
run time: no `from __future__ import annotations` in them.
"""

from importlib import import_module

NAMES = ("ps", "top", "kill", "cat", "env", "audit", "ports", "fds", "ls", "cp", "help",
         "version", "completion")


def register() -> None:
    """Import every command module, in the order help lists them (each registers itself)."""
    for name in NAMES:
        import_module(f"{__name__}.{name}")
