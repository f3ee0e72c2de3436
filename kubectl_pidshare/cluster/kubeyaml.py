"""Kubeconfig files as kubectl and most tools write them, read without PyYAML (whose import
costs more than reading a file, and whose pure-Python loader, the krew build's, takes 2 ms per
KiB): block mappings and sequences of plain or simply quoted scalars, `{}` and `[]`, comments;
or JSON without numbers or escapes. Anything else (anchors, tags, flow collections, block or
multi-line scalars, escapes, scalars YAML 1.1 would read as numbers, dates or booleans in
other spellings, non-ASCII text) raises Unsupported and the caller uses PyYAML. What this
accepts, it reads exactly as yaml.safe_load does (a test compares them).
"""

from __future__ import annotations

import re
from typing import Any

KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_.\-/]*):(?: +(.*))?$")
PLAIN = re.compile(r"(?:[A-Za-z_/]|-[A-Za-z-])[A-Za-z0-9_./:@=+~%?&,;() -]*$")
PRINTABLE = re.compile(rb"[ -~\n]*\Z")
INTEGER = re.compile(r"(?:0|[1-9][0-9]*)$")
WORDS: dict[str, Any] = {
    **dict.fromkeys(("null", "Null", "NULL", "~"), None),
    **dict.fromkeys(("true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"), True),
    **dict.fromkeys(("false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"), False),
}


class Unsupported(Exception):  # noqa: N818 - not an error: the caller reads it with PyYAML
    """The text is outside what this module reads."""


def load(data: bytes) -> Any:
    """The document, as yaml.safe_load reads it; Unsupported outside the subset."""
    if not PRINTABLE.match(data):
        raise Unsupported
    text = data.decode("ascii")
    if text.lstrip().startswith("{"):
        return _json(text)
    lines = [(len(line) - len(line.lstrip(" ")), line.strip(" ")) for line in text.split("\n")
             if line.strip(" ") and not line.lstrip(" ").startswith("#")]
    if not lines:
        return None
    value, end = _block(lines, 0, lines[0][0])
    if end != len(lines):
        raise Unsupported
    return value


def _json(text: str) -> Any:
    import json

    if "\\" in text:
        raise Unsupported
    try:
        document = json.loads(text)
    except ValueError:
        raise Unsupported from None
    _no_numbers(document)
    return document


def _no_numbers(value: Any) -> None:
    if isinstance(value, dict):
        for item in value.values():
            _no_numbers(item)
    elif isinstance(value, list):
        for item in value:
            _no_numbers(item)
    elif not (value is None or isinstance(value, (str, bool))):
        raise Unsupported


Lines = list[tuple[int, str]]


def _block(lines: Lines, at: int, indent: int) -> tuple[Any, int]:
    """The mapping or sequence whose first line is lines[at], at that indent."""
    if lines[at][1] == "-" or lines[at][1].startswith("- "):
        return _sequence(lines, at, indent)
    return _mapping(lines, at, indent)


def _mapping(lines: Lines, at: int, indent: int) -> tuple[dict[str, Any], int]:
    result: dict[str, Any] = {}
    while at < len(lines) and lines[at][0] == indent:
        found = KEY.match(lines[at][1])
        if not found or found[1] in WORDS:
            raise Unsupported
        key, rest = found[1], found[2]
        if rest:
            result[key], at = _scalar(rest), at + 1
        else:
            result[key], at = _nested(lines, at + 1, indent, same_indent_sequence=True)
    _ends(lines, at, indent)
    return result, at


def _sequence(lines: Lines, at: int, indent: int) -> tuple[list[Any], int]:
    result: list[Any] = []
    while at < len(lines) and lines[at][0] == indent and (
            lines[at][1] == "-" or lines[at][1].startswith("- ")):
        rest = lines[at][1][1:]
        content = rest.lstrip(" ")
        if not content:
            item, at = _nested(lines, at + 1, indent, same_indent_sequence=False)
        elif KEY.match(content):
            lines[at] = (indent + 1 + len(rest) - len(content), content)
            item, at = _mapping(lines, at, lines[at][0])
        else:
            item, at = _scalar(content), at + 1
        result.append(item)
    _ends(lines, at, indent)
    return result, at


def _nested(lines: Lines, at: int, indent: int, same_indent_sequence: bool) -> tuple[Any, int]:
    """The value that follows `key:` or `-` alone: a deeper block, a sequence at the key's
    own indent (go-yaml's style), or null."""
    if at < len(lines) and lines[at][0] > indent:
        return _block(lines, at, lines[at][0])
    if (same_indent_sequence and at < len(lines) and lines[at][0] == indent
            and (lines[at][1] == "-" or lines[at][1].startswith("- "))):
        return _sequence(lines, at, indent)
    return None, at


def _ends(lines: Lines, at: int, indent: int) -> None:
    """A block ends where a line is less indented than it (a deeper one is a continuation)."""
    if at < len(lines) and lines[at][0] > indent:
        raise Unsupported


def _scalar(text: str) -> Any:
    if text in ("{}", "[]"):
        return {} if text == "{}" else []
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        inner = text[1:-1]
        if text[0] in inner or "\\" in inner:
            raise Unsupported
        return inner
    if text in WORDS:
        return WORDS[text]
    if INTEGER.match(text):
        return int(text)
    if not PLAIN.match(text) or ": " in text or " #" in text or text.endswith(":"):
        raise Unsupported
    return text
