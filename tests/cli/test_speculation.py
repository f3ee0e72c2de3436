"""The speculation (the cluster reached while the command line is imported and parsed) gives
exactly what the plain path gives: stdout, stderr and status, the same requests, the same -v
lines once and in order; a guess the full parse contradicts is never used."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple, TextIO

import pytest
from typer.main import get_command

from kubectl_pidshare import cli, guess, speculation
from kubectl_pidshare.cluster.configflags import ConfigFlags
from kubectl_pidshare.errors import PidshareError, ServerError, UnreachableError
from kubectl_pidshare.flags import options
from kubectl_pidshare.session import Environment
from kubectl_pidshare.transport import Sink

from .fakes import NOW, FakeTransport


class Run(NamedTuple):
    """One run: its status, stdout, stderr, and the requests the transports got."""

    status: int
    stdout: str
    stderr: str
    requests: list[tuple[str, ...]]


class Logged(FakeTransport):
    """The fake, writing a line on the -v stream for each request, as KubeTransport does."""

    def __init__(self, name: str, log: TextIO | None, requests: list[tuple[str, ...]]) -> None:
        super().__init__(name)
        self.log, self.requests = log, requests

    def _line(self, text: str) -> None:
        self.requests.append(tuple(text.split(" ", 2)[:2]))
        if self.log is not None:
            self.log.write(f"I {text}\n")
            self.log.flush()

    def get_pod(self, name: str) -> dict[str, Any]:
        """Log, then answer."""
        self._line(f"GET {name}")
        return super().get_pod(name)

    def exec(self, pod: str, container: str, argv: Sequence[str], stdout: Sink,
             stderr: Sink, deadline: float | None = None) -> int:
        """Log, then answer."""
        self._line(f"EXEC {container}")
        return super().exec(pod, container, argv, stdout, stderr, deadline)


class World:
    """A recording, the errors a test sets, and the transports made from them."""

    def __init__(self, recording: str = "nginx") -> None:
        self.recording = recording
        self.pod_error: BaseException | None = None
        self.exec_errors: dict[str, BaseException] = {}
        self.exec_status: dict[str, tuple[int, bytes, bytes]] = {}
        self.load_error: BaseException | None = None
        self.made: list[ConfigFlags] = []
        self.requests: list[tuple[str, ...]] = []

    def connect(self, flags: ConfigFlags, environ: Mapping[str, str], log: TextIO | None
                ) -> Logged:
        """A transport factory, as environment.connect."""
        self.made.append(flags)
        if self.load_error is not None:
            raise self.load_error
        fake = Logged(self.recording, log if flags.verbosity else None, self.requests)
        fake.pod_error = self.pod_error
        fake.exec_errors, fake.exec_status = self.exec_errors, self.exec_status
        return fake


def run(world: World, argv: Sequence[str], guessed: Sequence[str] | None = None,
        speculate: bool = True) -> Run:
    """cli.main(argv) as the plain path runs it, or with the speculation of guessed (argv
    itself by default) started first."""
    environ: dict[str, str] = {}
    out, err = io.BytesIO(), io.BytesIO()
    started = speculation.start(list(argv if guessed is None else guessed), environ,
                                world.connect) if speculate else None
    env = Environment(
        stdout=io.TextIOWrapper(out, encoding="utf-8", write_through=True),
        stderr=io.TextIOWrapper(err, encoding="utf-8", write_through=True),
        environ=environ, transport=started.connect if started else world.connect,
        clock=lambda: NOW)
    status = cli.main(list(argv), env)
    if started is not None:
        started.ran.done.wait(5)
    return Run(status, out.getvalue().decode(), err.getvalue().decode(), world.requests)


def same(argv: Sequence[str], guessed: Sequence[str] | None = None,
         recording: str = "nginx", **errors: Any) -> tuple[Run, Run]:
    """The plain run and the speculative run of argv (the guess made from guessed), in worlds
    set alike; their status and output are asserted equal."""
    plain, fast = World(recording), World(recording)
    for world in (plain, fast):
        for name, value in errors.items():
            setattr(world, name, value)
    expected = run(plain, argv, speculate=False)
    got = run(fast, argv, guessed)
    assert got[:2] == expected[:2]
    assert in_order(got.stderr.splitlines(), argv) == in_order(expected.stderr.splitlines(),
                                                                argv)
    return expected, got


def in_order(items: list[Any], argv: Sequence[str]) -> list[Any]:
    """items in their order, or sorted where the GET and the exec run concurrently (with
    --exec-container, in the plain path too)."""
    return sorted(items) if any("exec-container" in word for word in argv) else items


LINES = [
    ["ps", "nginx"],
    ["ps", "nginx", "--exec-container", "shell"],
    ["ps", "pod/nginx", "-o", "json", "-c", "nginx"],
    ["ps", "nginx", "-n", "other", "--context=c", "--kubeconfig", "/nowhere"],
    ["ps", "nginx", "-o", "wide", "--sort-by", "mem", "--no-headers"],
]


@pytest.mark.parametrize("argv", LINES, ids=" ".join)
def test_the_speculation_gives_what_the_plain_path_gives(argv: list[str]) -> None:
    expected, got = same(argv)
    assert in_order(got.requests, argv) == in_order(expected.requests, argv), (
        "no request more, none twice")
    assert expected.status == 0


@pytest.mark.parametrize("argv", [
    ["ps", "nginx", "--bogus"], ["ps", "nginx", "--help"], ["--help"], ["ps", "nginx", "-h"],
    ["ps", "nginx", "-o", "xml"], ["ps", "nginx", "--request-timeout", "soon"],
    ["ps", "nginx", "-v", "x"], ["ps", "nginx", "other"], ["ps", "deploy/web"],
    ["ps", "nginx", "--exec-container"], ["--version"],
], ids=" ".join)
def test_no_guess_where_the_line_is_not_understood_whole(argv: list[str]) -> None:
    assert guess.guess(argv, {}) is None
    same(argv)


@pytest.mark.parametrize(("guessed", "argv"), [
    (["ps", "nginx"], ["ps", "nginx", "-n", "other"]),
    (["ps", "nginx"], ["ps", "nginx", "--context", "c"]),
    (["ps", "nginx"], ["--kubeconfig", "/elsewhere", "ps", "nginx"]),
    (["ps", "other"], ["ps", "nginx"]),
    (["ps", "nginx", "--exec-container", "nginx"], ["ps", "nginx", "--exec-container", "shell"]),
    (["ps", "nginx"], ["ps", "nginx", "--bogus"]),
    (["ps", "nginx"], ["ps", "nginx", "--help"]),
], ids=lambda words: " ".join(words))
def test_a_guess_the_full_parse_contradicts_is_not_used(guessed: list[str],
                                                         argv: list[str]) -> None:
    expected, got = same(argv, guessed)
    spoken = [request for request in got.requests if request not in expected.requests]
    assert all(request[0] in ("GET", "EXEC") for request in spoken)


def test_a_guess_of_other_flags_makes_a_transport_of_the_parsed_ones() -> None:
    world = World()
    run(world, ["ps", "nginx", "-n", "other"], ["ps", "nginx"])
    assert [flags.namespace for flags in world.made] == [None, "other"]


@pytest.mark.parametrize("argv", [["ps", "nginx"], ["ps", "nginx", "--exec-container", "shell"]],
                         ids=" ".join)
@pytest.mark.parametrize("errors", [
    {"pod_error": ServerError("NotFound", 'pods "nginx" not found')},
    {"pod_error": UnreachableError("127.0.0.1:6443", ConnectionRefusedError(111, "refused"))},
    {"exec_errors": {"shell": ServerError("Forbidden", "pods/exec is forbidden")}},
    {"exec_errors": {"shell": ServerError("BadRequest", '"sh": executable file not found')}},
    {"exec_status": {"shell": (127, b"", b"sh: not found")}},
    {"exec_status": {"shell": (2, b"", b"probe: broken\n")}},
    {"load_error": PidshareError('context "c" does not exist')},
], ids=lambda errors: f"{next(iter(errors))}={next(iter(errors.values()))!r}"[:60])
def test_errors_are_the_plain_paths_once(argv: list[str], errors: dict[str, Any]) -> None:
    expected, got = same(argv, **errors)
    assert expected.status != 0 or expected.requests != [("GET", "nginx"), ("EXEC", "shell")]
    assert in_order(got.requests, argv) == in_order(expected.requests, argv)
    assert "Traceback" not in got.stderr


@pytest.mark.parametrize("argv", [["ps", "nginx", "-v", "6"], ["-v=6", "ps", "nginx",
                                                                "--exec-container", "shell"],
                                  ["ps", "nginx", "--exec-container", "nginx", "--v=8"]],
                         ids=" ".join)
def test_verbose_lines_are_the_plain_paths_once_in_order(argv: list[str]) -> None:
    expected, got = same(argv, exec_errors={
        "nginx": ServerError("BadRequest", '"sh": executable file not found')})
    assert got.stderr.count("I GET nginx") == 1
    assert in_order(got.stderr.splitlines(), argv) == in_order(expected.stderr.splitlines(), argv)


def test_an_exec_the_plain_path_does_not_run_is_not_shown() -> None:
    world = World()
    result = run(world, ["ps", "nginx", "-v", "6", "--exec-container", "nginx"],
                 ["ps", "nginx", "-v", "6", "--exec-container", "shell"])
    assert result.stderr.count("I EXEC") == 1
    assert "I EXEC nginx" in result.stderr


def test_the_guess_knows_the_apps_flags() -> None:
    """guess.py declares the root flags and ps's options again: the same as the app's."""
    root = get_command(cli.app)

    def table(command: Any) -> dict[str, bool]:
        return {name: param.is_flag for name, param in options(command).items()}

    assert table(guess.LINE) == table(root)
    assert table(guess.LINE.commands["ps"]) == table(root.commands["ps"])  # type: ignore[attr-defined]


@pytest.mark.parametrize("argv", LINES, ids=" ".join)
def test_what_the_thread_fetched_is_used(argv: list[str]) -> None:
    world, environ = World(), dict[str, str]()
    started = speculation.start(argv, environ, world.connect)
    assert started is not None
    started.ran.done.wait(5)
    env = Environment(io.StringIO(), io.StringIO(), environ, started.connect, clock=lambda: NOW)
    assert cli.main(argv, env) == 0
    assert len(world.made) == 1
    assert started.taken == {"made", "fetched", "ran"}


def test_a_credential_plugin_is_left_to_the_plain_path(tmp_path: Any) -> None:
    """The thread stops before a kubeconfig user's exec plugin: it runs once, in the plain
    path (a prompt, a browser, a cloud CLI must not start twice, nor for a line refused)."""
    config = tmp_path / "config"
    config.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
        "contexts: [{name: c, context: {cluster: k, user: u}}]\n"
        "clusters: [{name: k, cluster: {server: 'https://127.0.0.1:1'}}]\n"
        "users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, "
        "command: /bin/false}}}]\n")
    world, environ = World(), {"KUBECONFIG": str(config)}
    started = speculation.start(["ps", "nginx"], environ, world.connect)
    assert started is not None
    started.ran.done.wait(5)
    assert world.made == []
    env = Environment(io.StringIO(), io.StringIO(), environ, started.connect, clock=lambda: NOW)
    assert cli.main(["ps", "nginx"], env) == 0
    assert world.made == [ConfigFlags()]


def test_an_unforeseen_failure_of_the_thread_leaves_it_all_to_the_plain_path(
        monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    def broken() -> None:
        raise RuntimeError("unforeseen")

    monkeypatch.setattr(speculation, "_probe_argv", broken)
    expected, got = same(["ps", "nginx"])
    assert got.requests == expected.requests
    assert "unforeseen" not in capfd.readouterr().err
