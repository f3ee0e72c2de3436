"""pidshare's own stdout failing: a full disk and an I/O error are local errors said as such,
a closed pipe ends quietly; none is taken for trouble with the server."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator

import pytest

from kubectl_pidshare import cli
from kubectl_pidshare.errors import OutputError
from kubectl_pidshare.session import Environment, writer
from kubectl_pidshare.status import ExitStatus

from .fakes import FakeTransport


@pytest.fixture
def full() -> Iterator[io.TextIOWrapper]:
    """A text stream on /dev/full, whose every write fails with ENOSPC."""
    with open("/dev/full", "w") as stream:
        yield stream


def test_a_full_disk_is_a_local_error(full: io.TextIOWrapper) -> None:
    stream = writer(full, "standard output")
    with pytest.raises(OutputError) as caught:
        stream.write("x" * 100_000)
        stream.flush()
    assert caught.value.render() == "error: writing to standard output: No space left on device"


def test_a_closed_pipe_stays_a_broken_pipe() -> None:
    read, write = os.pipe()
    os.close(read)
    with open(write, "w") as closed:
        stream = writer(closed, "standard output")
        with pytest.raises(BrokenPipeError):
            stream.write("x" * 100_000)
            stream.flush()


@pytest.mark.parametrize("command", [
    pytest.param(("ps", "nginx"), id="ps"),
    pytest.param(("cat", "nginx", "7", "/etc/passwd"), id="cat"),
])
def test_the_boundary_says_the_disk_is_full(full: io.TextIOWrapper, command: tuple[str, ...]
                                            ) -> None:
    fake = FakeTransport("nginx")
    fake.exec_status["shell"] = (0, fake.probe if command[0] == "ps" else b"root:x:0:0", b"")
    err = io.BytesIO()
    env = Environment(stdout=writer(full, "standard output"),
                      stderr=io.TextIOWrapper(err, write_through=True), environ={},
                      transport=lambda flags, environ, log: fake)
    assert cli.main(list(command), env) == ExitStatus.ERROR
    assert err.getvalue().decode() == "error: writing to standard output: No space left on device\n"
