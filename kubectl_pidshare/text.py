"""Text a process controls, made safe to show on a terminal."""

from __future__ import annotations

from collections.abc import Callable

NAMED_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def escape(raw: bytes | str) -> str:
    """Printable text for anything a process wrote, reversible: backslashes are doubled, ASCII
    controls and undecodable bytes become `\\xNN`, other unprintable characters `\\uNNNN`, so
    nothing can move the cursor or fake a row."""
    text = raw.decode(errors="surrogateescape") if isinstance(raw, bytes) else raw
    if text.isprintable() and "\\" not in text:
        return text
    out = []
    for char in text:
        code = ord(char)
        if char in NAMED_ESCAPES:
            out.append(NAMED_ESCAPES[char])
        elif 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02x}")
        elif char.isprintable() or char == " ":
            out.append(char)
        elif code < 0x80:
            out.append(f"\\x{code:02x}")
        else:
            out.append(f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return "".join(out)


def decoded(raw: bytes | str) -> str:
    """The real text of what a process wrote, for JSON and YAML (which escape controls their
    own way): UTF-8, each byte that is not UTF-8 as the four characters `\\xNN`."""
    return raw.decode(errors="backslashreplace") if isinstance(raw, bytes) else raw


def command(name: str, args: tuple[bytes, ...] | list[bytes],
            shown: Callable[[bytes | str], str] = escape) -> str:
    """The command line as ps shows it (each part through shown: escaped for a terminal by
    default); `[name]` when there is none (kernel threads, zombies)."""
    if not args:
        return f"[{shown(name)}]"
    return " ".join(shown(arg) for arg in args)


def shorten(text: str, limit: int) -> str:
    """text cut to limit characters with an ellipsis, as ps cuts a command line to a terminal."""
    return text if len(text) <= limit else text[:limit - 1] + "…"
