"""Errors the user can act on: one line on stderr and an exit status."""

from __future__ import annotations

import socket

from kubectl_pidshare.status import ExitStatus


class PidshareError(Exception):
    """A failure explained in one line, printed as `error: <message>`."""

    def __init__(self, message: str, status: ExitStatus = ExitStatus.ERROR) -> None:
        super().__init__(message)
        self.message = message
        self.status = status

    def render(self) -> str:
        """The line printed on stderr."""
        return f"error: {self.message}"


class ServerError(PidshareError):
    """An error reported by the API server, printed the way kubectl prints it."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason

    def render(self) -> str:
        """`Error from server (Reason): message`, as kubectl says it (an Unauthorized one as
        `error: You must be logged in to the server (…)`)."""
        if self.reason == "Unauthorized":
            return f"error: You must be logged in to the server ({self.message})"
        return f"Error from server ({self.reason}): {self.message}"


class ConfigurationError(PidshareError):
    """An inconsistent kubeconfig, printed the way kubectl prints its validation errors."""

    def render(self) -> str:
        """`Error in configuration: message`, as kubectl says it."""
        return f"Error in configuration: {self.message}"


# OpenSSL's verification errors that Go reports as an unknown authority.
UNKNOWN_AUTHORITY = {2, 18, 19, 20, 21}


class UnreachableError(PidshareError):
    """The server could not be reached, said as kubectl says it: address is the server's
    host:port, through: what failed on the way (`proxyconnect tcp: `), if not the server."""

    def __init__(self, address: str, exc: OSError, through: str = "") -> None:
        if isinstance(exc, ConnectionRefusedError) and not through:
            message = (f"The connection to the server {address} was refused - did you specify "
                       "the right host or port?")
        elif getattr(exc, "verify_code", None) in UNKNOWN_AUTHORITY:
            message = ("Unable to connect to the server: tls: failed to verify certificate: "
                       "x509: certificate signed by unknown authority")
        else:
            message = f"Unable to connect to the server: {through}{_detail(address, exc)}"
        super().__init__(message)

    def render(self) -> str:
        """The message alone, as kubectl prints it."""
        return self.message


def _detail(address: str, exc: OSError) -> str:
    if isinstance(exc, socket.gaierror):
        return f"dial tcp: lookup {address.rsplit(':', 1)[0]}: no such host"
    if isinstance(exc, ConnectionRefusedError):
        return f"dial tcp {address}: connect: connection refused"
    if isinstance(exc, (TimeoutError, socket.timeout)):
        said = str(exc)
        return said if said.startswith("net/http") else f"dial tcp {address}: i/o timeout"
    if getattr(exc, "verify_message", None):
        return f"tls: failed to verify certificate: {exc.verify_message}"  # type: ignore[attr-defined]
    if exc.strerror:
        return f"dial tcp {address}: connect: {exc.strerror.lower()}"
    return str(exc) or type(exc).__name__


class OutputError(PidshareError):
    """Writing pidshare's own output failed (a full disk, an I/O error): a local failure."""


class RemoteExit(Exception):  # noqa: N818 - an outcome, not a failure of pidshare
    """The remote command ended with a non-zero status, passed through as it is."""

    def __init__(self, status: int, message: str | None = None) -> None:
        super().__init__(f"remote command exited with status {status}")
        self.status = status
        self.message = message


class Failed(Exception):  # noqa: N818 - an outcome: the failures were reported already
    """Some of the work failed and said so on stderr; the rest was done: only the exit
    status is left to give."""

    def __init__(self, status: int) -> None:
        super().__init__(f"failed with status {status}")
        self.status = status


def describe(exc: BaseException) -> str:
    """One line for an exception pidshare did not anticipate: connection trouble, timeouts."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, TimeoutError) or "WebSocketTimeoutException" in names:
        return f"timed out waiting for the server (see --request-timeout): {detail}"
    if isinstance(exc, OSError) or names & {"HTTPException", "WebSocketException"}:
        return f"unable to connect to the server: {detail}"
    return f"{type(exc).__name__}: {detail}"
