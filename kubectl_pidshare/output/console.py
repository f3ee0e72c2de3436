"""The terminal `top` draws on: its size, its keys read one by one without echo (cbreak mode,
so Ctrl-C still interrupts) and its resizes (SIGWINCH), both waited for until the next refresh
is due. Given back as it was (modes, signal handlers) on every way out: q, Ctrl-C, an error,
and SIGTERM, which unwinds like Ctrl-C and then ends the process by SIGTERM as it would have."""

from __future__ import annotations

import contextlib
import os
import select
import signal
from types import FrameType, TracebackType
from typing import Any

QUIT, RESIZE, NOTHING = "quit", "resize", ""
QUIT_KEYS = b"qQ"


class Console:
    """Keys from keys (a terminal's descriptor, or None: no keys), resizes of screen's
    terminal; use it as a context manager."""

    def __init__(self, keys: int | None, screen: int) -> None:
        self.keys, self.screen = keys, screen
        self._reading = keys
        self._saved: list[Any] | None = None
        self._wake = (-1, -1)
        self._previous: dict[int, Any] = {}
        self._terminated = False

    def __enter__(self) -> Console:
        self._wake = os.pipe()
        os.set_blocking(self._wake[1], False)
        self._previous = {signal.SIGWINCH: signal.signal(signal.SIGWINCH, self._resized),
                          signal.SIGTERM: signal.signal(signal.SIGTERM, self._terminate)}
        if self.keys is not None:
            import termios

            self._saved = termios.tcgetattr(self.keys)
            mode = termios.tcgetattr(self.keys)
            mode[3] &= ~(termios.ECHO | termios.ICANON)
            mode[6][termios.VMIN], mode[6][termios.VTIME] = 1, 0
            termios.tcsetattr(self.keys, termios.TCSADRAIN, mode)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._saved is not None and self.keys is not None:
            import termios

            termios.tcsetattr(self.keys, termios.TCSADRAIN, self._saved)
        for number, handler in self._previous.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)
        for descriptor in self._wake:
            os.close(descriptor)
        if self._terminated:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)

    def _terminate(self, number: int, frame: FrameType | None) -> None:
        self._terminated = True
        raise KeyboardInterrupt

    def _resized(self, number: int, frame: FrameType | None) -> None:
        with contextlib.suppress(OSError):  # the pipe is full: a wake-up is pending anyway
            os.write(self._wake[1], b".")

    def size(self) -> tuple[int, int]:
        """The terminal's columns and lines now."""
        size = os.get_terminal_size(self.screen)
        return size.columns, size.lines

    def wait(self, seconds: float) -> str:
        """Wait up to seconds for q (QUIT) or a resize (RESIZE); NOTHING when the time is up
        or another key was typed."""
        watched = [self._wake[0], *([self._reading] if self._reading is not None else [])]
        ready, _, _ = select.select(watched, [], [], max(seconds, 0.0))
        if self._wake[0] in ready:
            os.read(self._wake[0], 512)
            return RESIZE
        if self._reading is not None and self._reading in ready:
            typed = os.read(self._reading, 512)
            if not typed:
                self._reading = None
            elif any(key in QUIT_KEYS for key in typed):
                return QUIT
        return NOTHING


def of_process(stdin: Any, stdout: Any) -> Console:
    """The console of this process: keys from stdin if it is a terminal."""
    keys = stdin.fileno() if stdin is not None and stdin.isatty() else None
    return Console(keys, stdout.fileno())
