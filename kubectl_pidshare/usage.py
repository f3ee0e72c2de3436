"""Usage errors in kubectl's words and shape (cobra's and pflag's), not click's:

    error: unknown flag: --bogus
    See 'kubectl pidshare ps --help' for usage.

The status stays pidshare's own (ExitStatus.USAGE, where kubectl exits 1)."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import Any

from kubectl_pidshare.flags import (
    BadOptionUsage,
    BadParameter,
    ClickException,
    MissingParameter,
    NoSuchOption,
    UsageError,
)

PROG = "kubectl pidshare"
NOT_ONE_OF = re.compile(r"'(.*)' is not one of (.*)\.", re.DOTALL)
NO_COMMAND = re.compile(r"No such command '(.*)'\.", re.DOTALL)


def _word(name: str, argv: Sequence[str]) -> str:
    """The word of argv that holds the short flag name (`-HUP` for -H)."""
    return next((word for word in argv if word.startswith(name) and not word.startswith("--")),
                name)


def _value(names: Sequence[str], argv: Sequence[str]) -> str:
    """The value given to the flag of these names in argv, as typed (the last one given)."""
    found = ""
    for index, word in enumerate(argv):
        name, equals, value = word.partition("=")
        if name in names:
            found = value if equals else (argv[index + 1] if index + 1 < len(argv) else "")
        elif word[:2] in names and not word.startswith("--") and len(word) > 2:
            found = word[2:].removeprefix("=")
    return found


def _flag_names(exc: Any) -> list[str]:
    param = getattr(exc, "param", None)
    if param is not None and getattr(param, "param_type_name", "") == "option":
        return list(param.opts)
    hint = getattr(exc, "param_hint", None) or ""
    return [name.strip("'\" ") for name in str(hint).split("/") if name.strip("'\" ")]


def _bad_parameter(exc: Any, argv: Sequence[str]) -> str:
    names = _flag_names(exc)
    if not names:
        param = getattr(exc, "param", None)
        shown = param.human_readable_name if param is not None else "argument"
        return f"invalid {shown}: {exc.message}"
    matched = NOT_ONE_OF.fullmatch(exc.message)
    if matched:
        choices = ", ".join(choice.strip("'") for choice in matched[2].split(", "))
        return (f'invalid argument "{matched[1]}" for "{", ".join(names)}" flag: must be one '
                f"of {choices}")
    return (f'invalid argument "{_value(names, argv)}" for "{", ".join(names)}" flag: '
            f"{exc.message.removesuffix('.')}")


def _message(exc: ClickException, argv: Sequence[str]) -> str:
    """The error line's text, as kubectl words the same mistake."""
    if isinstance(exc, NoSuchOption):
        name = exc.option_name
        if name.startswith("--"):
            return f"unknown flag: {name}"
        return f"unknown shorthand flag: '{name[1:]}' in {_word(name, argv)}"
    if isinstance(exc, BadOptionUsage) and "requires an argument" in exc.message:
        name = exc.option_name
        return (f"flag needs an argument: {name}" if name.startswith("--")
                else f"flag needs an argument: '{name[1:]}' in {name}")
    if isinstance(exc, MissingParameter) and exc.param is not None:
        if exc.param.param_type_name == "option":
            return f"flag needs an argument: {exc.param.opts[-1]}"
        command = exc.ctx.info_name if exc.ctx is not None else PROG
        return f"{exc.param.human_readable_name} is a required argument for the {command} " \
               "command"
    if isinstance(exc, BadParameter):
        return _bad_parameter(exc, argv)
    unknown = NO_COMMAND.fullmatch(exc.message)
    if unknown:
        return f'unknown command "{unknown[1]}" for "{PROG}"'
    message = exc.format_message()
    return message[:1].lower() + message[1:].removesuffix(".")


def usage_error(exc: ClickException, argv: Sequence[str], commands: Collection[str]) -> str:
    """What kubectl prints for a mistake on the command line: `error: …`, and, for a usage
    error, where the usage is (the help of the command among commands that argv names)."""
    ctx = getattr(exc, "ctx", None)
    named = next((word for word in argv if word in commands), None)
    path = ctx.command_path if ctx is not None else " ".join([PROG, *([named] if named else [])])
    see = f"See '{path} --help' for usage.\n" if isinstance(exc, UsageError) else ""
    return f"error: {_message(exc, argv)}\n{see}"
