"""Connection failures and configuration errors, worded as kubectl words them."""

from __future__ import annotations

import ssl

import pytest

from kubectl_pidshare.errors import ConfigurationError, UnreachableError


def verify_failure(code: int, message: str) -> ssl.SSLCertVerificationError:
    """An OpenSSL verification failure as the ssl module raises it."""
    failure = ssl.SSLCertVerificationError(1, f"[SSL: CERTIFICATE_VERIFY_FAILED] {message}")
    failure.verify_code, failure.verify_message = code, message
    return failure


@pytest.mark.parametrize(("exc", "line"), [
    pytest.param(ConnectionRefusedError(111, "Connection refused"),
                 "The connection to the server 127.0.0.1:6443 was refused - did you specify the "
                 "right host or port?", id="refused"),
    pytest.param(verify_failure(20, "unable to get local issuer certificate"),
                 "Unable to connect to the server: tls: failed to verify certificate: x509: "
                 "certificate signed by unknown authority", id="unknown-authority"),
    pytest.param(verify_failure(62, "Hostname mismatch, certificate is not valid for 'x'."),
                 "Unable to connect to the server: tls: failed to verify certificate: Hostname "
                 "mismatch, certificate is not valid for 'x'.", id="other-verification-failure"),
    pytest.param(OSError(113, "No route to host"),
                 "Unable to connect to the server: dial tcp 127.0.0.1:6443: connect: no route "
                 "to host", id="other"),
    pytest.param(TimeoutError("timed out"),
                 "Unable to connect to the server: dial tcp 127.0.0.1:6443: i/o timeout",
                 id="connect-timeout"),
    pytest.param(TimeoutError("net/http: TLS handshake timeout"),
                 "Unable to connect to the server: net/http: TLS handshake timeout",
                 id="tls-handshake-timeout"),
])
def test_unreachable_as_kubectl_says_it(exc: OSError, line: str) -> None:
    error = UnreachableError("127.0.0.1:6443", exc)
    assert (error.render(), error.status) == (line, 1)


def test_configuration_error_as_kubectl_says_it() -> None:
    assert ConfigurationError("x").render() == "Error in configuration: x"
