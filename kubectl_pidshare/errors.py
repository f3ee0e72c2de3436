"""Errors the user can act on: one line on stderr and an exit status."""

from __future__ import annotations


class PidshareError(Exception):
    """A failure explained in one line, printed as `error: <message>`."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code

    def render(self) -> str:
        """The line printed on stderr."""
        return f"error: {self.message}"


class ServerError(PidshareError):
    """An error reported by the API server, printed the way kubectl prints it."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason

    def render(self) -> str:
        """`Error from server (Reason): message`, as kubectl says it."""
        return f"Error from server ({self.reason}): {self.message}"


class RemoteExit(Exception):  # noqa: N818 - an outcome, not a failure of pidshare
    """The remote command ended with a non-zero status, passed through as it is."""

    def __init__(self, exit_code: int) -> None:
        super().__init__(f"remote command exited with status {exit_code}")
        self.exit_code = exit_code


def describe(exc: BaseException) -> str:
    """One line for an exception pidshare did not anticipate: connection trouble, timeouts."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    detail = str(getattr(exc, "reason", None) or exc) or type(exc).__name__
    if names & {"TimeoutError", "ReadTimeoutError", "ConnectTimeoutError",
                "WebSocketTimeoutException"}:
        return f"timed out waiting for the server (see --request-timeout): {detail}"
    if names & {"OSError", "HTTPError", "SSLError", "WebSocketException"}:
        return f"unable to connect to the server: {detail}"
    return f"{type(exc).__name__}: {detail}"
