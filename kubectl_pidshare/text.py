"""Text a process controls, made safe to show on a terminal."""

from __future__ import annotations

NAMED_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def escape(raw: bytes | str) -> str:
    """Printable text for anything a process wrote, reversible: backslashes are doubled, ASCII
    controls and undecodable bytes become `\\xNN`, other unprintable characters `\\uNNNN`, so
    nothing can move the cursor or fake a row."""
    text = raw.decode(errors="surrogateescape") if isinstance(raw, bytes) else raw
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


def command(name: str, args: tuple[bytes, ...] | list[bytes]) -> str:
    """The command line as ps shows it; `[name]` when there is none (kernel threads, zombies)."""
    if not args:
        return f"[{escape(name)}]"
    return " ".join(escape(arg) for arg in args)
