"""Where kubectl's global flags are on a command line, without typer: each of them, with its
value, moved before the command (flags.py declares them; the speculation reads the line with
these functions before typer is imported). Errors are click's, imported only to be raised."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from itertools import islice
from typing import Any

__all__ = ["go_bool", "hoist", "options", "parse_timeout", "split"]

DURATION = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_timeout(value: str | None) -> float | None:
    """kubectl's --request-timeout: a bare number of seconds or a Go duration; 0 means none."""
    if value is None:
        return None
    text = value.strip()
    if re.fullmatch(r"\d+", text):
        seconds = float(text)
    elif text and DURATION.sub("", text) == "":
        seconds = sum(float(n) * UNITS[u] for n, u in DURATION.findall(text))
    else:
        raise _error("BadParameter", "must be a number of seconds or a duration such as 5s, 1m "
                     "or 1h30m", param_hint="'--request-timeout'")
    return seconds or None


def go_bool(name: str, value: str) -> bool:
    """A boolean flag's `=value` as kubectl's flag library reads it."""
    if value in ("1", "t", "T", "true", "TRUE", "True"):
        return True
    if value in ("0", "f", "F", "false", "FALSE", "False"):
        return False
    raise _error("UsageError", f'invalid argument "{value}" for "{name}" flag: strconv.ParseBool: '
                     f'parsing "{value}": invalid syntax')


def options(command: Any) -> dict[str, Any]:
    """Every spelling of every option of a click command -> its declaration."""
    return {name: param for param in command.params if param.param_type_name == "option"
            for name in (*param.opts, *param.secondary_opts)}


def _spelled(word: str, flags: dict[str, Any], command: dict[str, Any]) -> tuple[str, bool, str]:
    """word as (name, has a value, value), as kubectl's flag library reads it: `--name=value`,
    `-X=value` for every short flag, and `-Xvalue` for the global ones (`-nweb`)."""
    if word.startswith("--") or not word.startswith("-") or len(word) <= 2:
        name, equals, value = word.partition("=")
        return name, bool(equals), value
    if word[:2] in flags:
        return word[:2], True, word[2:].removeprefix("=")
    if word[2] == "=" and word[:2] in command:
        return word[:2], True, word[3:]
    return word, False, ""


def _with_value(param: Any, name: str, has_value: bool, value: str, words: Iterator[str]
                ) -> list[str]:
    """The flag name and its value, as click takes them (a boolean's Go value read here)."""
    if param.is_flag:
        return [name] if not has_value or go_bool(", ".join(param.opts), value) else []
    if has_value:
        return [name, value]
    following = [*islice(words, 1)]
    if not following:
        raise _error("BadOptionUsage", name, f"Option '{name}' requires an argument.")
    return [name, *following]


def hoist(root: Any, argv: Sequence[str]) -> list[str]:
    """argv with each of the root command's flags, and its value, moved before the command;
    `-n=web` and `-nweb` read as `-n web`, and any short flag's `-X=value` as `-X value`, as
    kubectl reads them."""
    hoisted, rest = split(root, argv)
    return hoisted + rest


def split(root: Any, argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """The root command's flags with their values, and the rest (as hoist reads them)."""
    flags, rest = options(root), []
    command: dict[str, Any] = {}
    hoisted: list[str] = []
    words = iter(argv)
    for word in words:
        if word == "--":
            rest += [word, *words]
            break
        name, has_value, value = _spelled(word, flags, command)
        if name in flags:
            hoisted += _with_value(flags[name], name, has_value, value, words)
        elif name in command:
            rest += _with_value(command[name], name, has_value, value, words)
        else:
            rest.append(word)
            if not command and word in getattr(root, "commands", {}):
                command = options(root.commands[word])
    return hoisted, rest


def _error(kind: str, *args: Any, **kwargs: Any) -> Exception:
    """click's exception `kind` (UsageError, BadParameter...)."""
    from kubectl_pidshare import clickerrors

    error: Exception = getattr(clickerrors, kind)(*args, **kwargs)
    return error
