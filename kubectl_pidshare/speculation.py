"""`ps` starts talking to the cluster while Python is still importing the command line: a
thread loads the kubeconfig, connects, GETs the Pod and runs the probe (in --exec-container,
concurrently with the GET; else in the container the plain path would try first) while the
main thread imports typer and parses the line. What it fetched is used only where the plain
path asks for exactly the same thing (the same flags and environment, the same Pod, the same
exec), once; anything else goes to the cluster as it would have, and a guess the full parse
contradicts is never used. The thread writes nothing: its errors are raised where the plain
path would have met them, its -v lines are held until the transport is taken, then written.

It makes no guess of a line it does not understand whole (guess.py), and it stops before a
kubeconfig user's exec or auth-provider plugin (which must run once, in the plain path)."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TextIO, cast

from kubectl_pidshare.guess import Guess, guess

if TYPE_CHECKING:
    from kubectl_pidshare.cluster.configflags import ConfigFlags
    from kubectl_pidshare.transport import Sink, Transport

    Connect = Callable[[ConfigFlags, Mapping[str, str], TextIO], Transport]

LEAD = 1.0
ExecKey = tuple[str, str, tuple[str, ...], "float | None"]


class Result:
    """What one step of the thread came to, once it has: a value, an error, or nothing."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None

    def settle(self, value: Any = None, error: BaseException | None = None) -> None:
        """Set the outcome (None and no error: the step was not taken)."""
        self.value, self.error = value, error
        self.done.set()

    def take(self) -> Any:
        """The value, once there is one, or the error raised."""
        self.done.wait()
        if self.error is not None:
            raise self.error
        return self.value


class Held(io.TextIOBase):
    """The -v lines of the thread's steps, each held until its result is taken (then written to
    the stream, in the order the plain path writes them) or dropped; lines written outside a
    step (the main thread's) go straight to the stream."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()
        self.local = threading.local()
        self.held: dict[str, list[str]] = {}
        self.stream: TextIO | None = None

    def step(self, name: str | None) -> None:
        """Hold what the calling thread writes from now on under name (None: write it)."""
        self.local.step = name

    def write(self, text: str) -> int:
        """Hold text, or pass it on."""
        step = getattr(self.local, "step", None)
        with self.lock:
            if step is not None and step in self.held:
                self.held[step].append(text)
            elif step is None and self.stream is not None:
                self.stream.write(text)
        return len(text)

    def flush(self) -> None:
        """Flush the stream it writes to, if any."""
        with self.lock:
            if self.stream is not None:
                self.stream.flush()

    def hold(self, *steps: str) -> None:
        """Hold the lines of these steps."""
        with self.lock:
            self.held.update((step, []) for step in steps)

    def attach(self, stream: TextIO | None) -> None:
        """Write to stream from now on."""
        with self.lock:
            self.stream = stream

    def release(self, step: str) -> None:
        """Write the lines of a step taken (all it will write: it is over), once."""
        with self.lock:
            lines = self.held.pop(step, [])
            if self.stream is not None and lines:
                self.stream.write("".join(lines))
                self.stream.flush()


def _probe_argv() -> tuple[tuple[str, ...], float | None]:
    from kubectl_pidshare.pod.runner import DEADLINES, script

    return ("sh", "-c", script("probe"), "pidshare-probe"), DEADLINES.get("probe")


def _first_runner(document: dict[str, Any]) -> str | None:
    """The container the plain path runs the probe in first, without --exec-container."""
    from kubectl_pidshare.pod.model import parse_pod, runner_candidates

    try:
        candidates = runner_candidates(parse_pod(document), None)
    except Exception:  # noqa: BLE001 - the plain path will say what is wrong with the Pod
        return None
    return candidates[0].name if candidates else None


class Speculation:
    """The thread's work for one Guess, and the Transport that hands it over."""

    def __init__(self, guessed: Guess, environ: Mapping[str, str],
                 make: Connect | None = None) -> None:
        self.guess, self.environ, self.log = guessed, environ, Held()
        self.make = make
        self.made, self.fetched, self.ran = Result(), Result(), Result()
        self.exec_key: ExecKey | None = None
        self.keyed = threading.Event()
        self.sent = threading.Event()
        self.taken: set[str] = set()
        self.lock = threading.Lock()
        self.log.hold("fetched", "ran")

    def start(self) -> Speculation:
        """Start the thread (a daemon: an answer the main thread does not wait for is not
        waited for at exit)."""
        threading.Thread(target=self._work, name="pidshare-speculation", daemon=True).start()
        return self

    def lead(self, timeout: float = LEAD) -> None:
        """Wait until the thread is about to send its first request (or gave up), at most
        timeout seconds: until then it needs the interpreter alone (the imports of the main
        thread would share it, and delay the first byte as much as they gain)."""
        self.sent.wait(timeout)

    def _work(self) -> None:
        try:
            self._steps()
        except Exception:  # noqa: BLE001 - unforeseen: the plain path does it all itself
            pass
        finally:
            self.sent.set()
            for result in (self.made, self.fetched, *(() if self.exec_key else (self.ran,))):
                if not result.done.is_set():
                    result.settle()
            self.keyed.set()

    def _steps(self) -> None:
        try:
            transport = self._transport()
        except Exception as exc:  # noqa: BLE001 - raised where the plain path would load
            self.made.settle(error=exc)
            return
        self.made.settle(transport)
        self.sent.set()
        if transport is None:
            return
        if self.guess.runner is not None:
            self._exec(transport, self.guess.runner, threaded=True)
        document = self._get(transport)
        if self.guess.runner is None and document is not None:
            runner = _first_runner(document)
            if runner is not None:
                self._exec(transport, runner)

    def _transport(self) -> Transport | None:
        from kubectl_pidshare.session import connect, runs_plugin

        if runs_plugin(self.guess.flags, self.environ):
            return None
        return (self.make or connect)(self.guess.flags, self.environ, cast(TextIO, self.log))

    def _get(self, transport: Transport) -> dict[str, Any] | None:
        self.log.step("fetched")
        try:
            document = transport.get_pod(self.guess.pod)
        except Exception as exc:  # noqa: BLE001 - raised to the plain path's get_pod
            self.fetched.settle(error=exc)
            return None
        self.fetched.settle(document)
        return document

    def _exec(self, transport: Transport, runner: str, threaded: bool = False) -> None:
        argv, deadline = _probe_argv()
        self.exec_key = (self.guess.pod, runner, argv, deadline)
        self.keyed.set()
        if threaded:
            threading.Thread(target=self._run, args=(transport, runner, argv, deadline),
                             daemon=True, name="pidshare-speculative-exec").start()
        else:
            self._run(transport, runner, argv, deadline)

    def _run(self, transport: Transport, runner: str, argv: tuple[str, ...],
             deadline: float | None) -> None:
        self.log.step("ran")
        out, err = io.BytesIO(), io.BytesIO()
        try:
            status = transport.exec(self.guess.pod, runner, argv, out, err, deadline)
        except Exception as exc:  # noqa: BLE001 - raised to the plain path's exec
            self.ran.settle((out.getvalue(), err.getvalue(), exc))
            return
        self.ran.settle((out.getvalue(), err.getvalue(), status))

    def _first_time(self, what: str) -> bool:
        with self.lock:
            first = what not in self.taken
            self.taken.add(what)
            return first

    def connect(self, flags: ConfigFlags, environ: Mapping[str, str], log: TextIO
                ) -> Transport:
        """Environment's transport factory: the thread's transport when flags and environ are
        those it guessed, else (or the second time) a new one, as environment.connect makes."""
        from kubectl_pidshare.session import connect

        if flags == self.guess.flags and environ is self.environ and self._first_time("made"):
            transport = self.made.take()
            if transport is not None:
                self.log.attach(log)
                return Prefetched(transport, self)
        return (self.make or connect)(flags, environ, log)

    def fetched_pod(self, name: str) -> dict[str, Any] | None:
        """The Pod's document if the thread GOT this Pod and nobody took it yet (its error
        raised instead, if the GET failed)."""
        if name != self.guess.pod or not self._first_time("fetched"):
            return None
        self.fetched.done.wait()
        self.log.release("fetched")
        document: dict[str, Any] | None = self.fetched.take()
        return document

    def ran_exec(self, key: ExecKey) -> tuple[bytes, bytes, int | Exception] | None:
        """The output and status (or error) of the exec of key if the thread ran it and
        nobody took it yet."""
        self.keyed.wait()
        if key != self.exec_key or not self._first_time("ran"):
            return None
        self.ran.done.wait()
        self.log.release("ran")
        ran: tuple[bytes, bytes, int | Exception] | None = self.ran.take()
        return ran


class Prefetched:
    """A Transport whose first GET of the guessed Pod and first exec of the probe give what
    the speculation fetched (see Speculation); everything else is the transport's own."""

    def __init__(self, transport: Transport, speculation: Speculation) -> None:
        self.transport, self.speculation = transport, speculation

    @property
    def namespace(self) -> str:
        """The transport's namespace."""
        return self.transport.namespace

    def namespaced(self, namespace: str) -> Transport:
        """The transport's, in another namespace (nothing prefetched)."""
        return self.transport.namespaced(namespace)

    def get(self, path: str) -> dict[str, Any]:
        """The transport's GET."""
        return self.transport.get(path)

    def get_list(self, path: str, selector: str | None = None) -> list[dict[str, Any]]:
        """The transport's list."""
        return self.transport.get_list(path, selector)

    def pod_path(self, name: str) -> str:
        """The transport's Pod path."""
        return self.transport.pod_path(name)

    def patch(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """The transport's PATCH."""
        return self.transport.patch(path, body)

    def get_pod(self, name: str) -> dict[str, Any]:
        """The Pod, from the speculation the first time it was GOT there."""
        document = self.speculation.fetched_pod(name)
        return document if document is not None else self.transport.get_pod(name)

    def exec(self, pod: str, container: str, argv: Sequence[str], stdout: Sink, stderr: Sink,
             deadline: float | None = None) -> int:
        """The exec, from the speculation when it ran exactly this one."""
        ran = self.speculation.ran_exec((pod, container, tuple(argv), deadline))
        if ran is None:
            return self.transport.exec(pod, container, argv, stdout, stderr, deadline)
        out, err, status = ran
        stdout.write(out)
        stderr.write(err)
        if isinstance(status, Exception):
            raise status
        return status


def start(argv: Sequence[str], environ: Mapping[str, str], make: Connect | None = None
          ) -> Speculation | None:
    """The speculation of a `ps` command line, started (make: the transport factory, the
    real one by default); None if it makes no guess."""
    guessed = guess(argv, environ)
    return Speculation(guessed, environ, make).start() if guessed is not None else None
