"""text.escape's fast path (text that is printable already, without a backslash, is returned as
it is) gives exactly what the character-by-character path gives, for every string."""

from __future__ import annotations

import random
import sys
import unicodedata

from kubectl_pidshare.text import NAMED_ESCAPES, escape


def slow(raw: bytes | str) -> str:
    """text.escape as it was before its fast path: one character at a time."""
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


def test_every_byte_and_pair_of_bytes() -> None:
    """Each byte 0-255 alone, each pair (every broken or complete UTF-8 start), and each byte
    inside printable text."""
    for first in range(256):
        one = bytes([first])
        assert escape(one) == slow(one)
        assert escape(b"ab" + one + b"cd") == slow(b"ab" + one + b"cd")
        for second in range(256):
            pair = bytes([first, second])
            assert escape(pair) == slow(pair)


def test_every_code_point() -> None:
    """Every code point (surrogates too, as str) the fast path returns as it is, at once; each
    of the first two planes alone, and in runs of 64 with those of the tags and the last
    private-use plane (the rest is unassigned or private use, escaped by the same code)."""
    everything = [chr(code) for code in range(sys.maxunicode + 1)]
    printable = "".join(char for char in everything if char.isprintable() and char != "\\")
    assert escape(printable) == printable == slow(printable)
    for char in everything[:0x20000]:
        assert escape(char) == slow(char), hex(ord(char))
    for start in [*range(0, 0x20000, 64), *range(0xE0000, 0xE0200, 64), 0x10FFC0]:
        run = "".join(everything[start:start + 64])
        assert escape(run) == slow(run), hex(start)


def test_odd_categories_and_random_strings() -> None:
    """Strings mixing one character of each Unicode category (format, private use, unassigned,
    separators, combining marks, surrogates, controls) with printable text and backslashes, and
    random byte strings, some valid UTF-8."""
    by_category: dict[str, list[str]] = {}
    for code in [*range(0, sys.maxunicode + 1, 7), 0x2028, 0x2029]:
        by_category.setdefault(unicodedata.category(chr(code)), []).append(chr(code))
    assert {"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp", "Zs", "Mn", "So"} <= set(by_category)
    rng = random.Random(24)
    pool = [char for chars in by_category.values() for char in chars[:40]] + ["\\", " ", "a"]
    for _ in range(20000):
        text = "".join(rng.choice(pool) for _ in range(rng.randrange(0, 12)))
        assert escape(text) == slow(text)
        raw = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 12)))
        assert escape(raw) == slow(raw)
        assert escape(text.encode(errors="surrogatepass")) == slow(
            text.encode(errors="surrogatepass"))


def test_fast_path_returns_printable_text_as_it_is() -> None:
    """The common case: plain command lines come back unchanged, wide text too."""
    for text in ("", "nginx: master process nginx -g daemon off;", "漢字 🙂", "a b  c"):
        assert escape(text) == text == slow(text)
        assert escape(text.encode()) == text
