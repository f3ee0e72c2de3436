"""click's exceptions, from where typer takes click (typer 0.26 and later carry their own copy),
in a module of their own: the hoisting code raises them without importing typer."""

try:
    from typer._click.exceptions import (
        Abort,
        BadOptionUsage,
        BadParameter,
        ClickException,
        MissingParameter,
        NoSuchOption,
        UsageError,
    )
except ImportError:  # typer before 0.26 uses click itself
    from click.exceptions import (  # type: ignore[no-redef]
        Abort,
        BadOptionUsage,
        BadParameter,
        ClickException,
        MissingParameter,
        NoSuchOption,
        UsageError,
    )

__all__ = ["Abort", "BadOptionUsage", "BadParameter", "ClickException", "MissingParameter",
           "NoSuchOption", "UsageError"]
