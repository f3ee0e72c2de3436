"""A loopback TCP proxy that delays every chunk, in both directions, by half a chosen round
trip: the API server as a cloud cluster's would be, 20 or 50 ms away. It binds 127.0.0.1
only and copies bytes untouched (TLS passes through it end to end). Each chunk is delivered
at the time it arrived plus the delay, in order, so a burst costs one delay, not one per
chunk (latency, no bandwidth limit). The client's connect returns at once, so the proxy
waits a round trip before it reads from the client and dials the server: the TCP handshake's
round trip, paid as it would be.

    python -m tests.bench.latency --rtt-ms 50 --to 127.0.0.1:6443   # prints its port
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import time

LOOPBACK = "127.0.0.1"


async def _carry(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                 delay: float) -> None:
    """Copy reader to writer, each chunk delivered `delay` seconds after it arrived."""
    queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

    async def deliver() -> None:
        while True:
            due, data = await queue.get()
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if not data:
                with contextlib.suppress(OSError):
                    writer.write_eof()
                return
            writer.write(data)
            await writer.drain()

    sender = asyncio.ensure_future(deliver())
    try:
        while data := await reader.read(65536):
            queue.put_nowait((time.monotonic() + delay, data))
    except OSError:
        pass
    queue.put_nowait((time.monotonic() + delay, b""))
    with contextlib.suppress(OSError):
        await sender


def serve(upstream: tuple[str, int], delay: float) -> object:
    """The connection handler: a round trip (the handshake), dial upstream, carry both ways,
    close both."""
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(2 * delay)
        try:
            up_reader, up_writer = await asyncio.open_connection(*upstream)
        except OSError:
            writer.close()
            return
        await asyncio.gather(_carry(reader, up_writer, delay), _carry(up_reader, writer, delay),
                             return_exceptions=True)
        for end in (writer, up_writer):
            end.close()

    return handle


async def _main(upstream: tuple[str, int], delay: float) -> None:
    server = await asyncio.start_server(serve(upstream, delay), LOOPBACK, 0)  # type: ignore[arg-type]
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


def main() -> None:
    """Run the proxy until killed; print the port it listens on."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rtt-ms", type=float, required=True)
    parser.add_argument("--to", required=True, help="HOST:PORT of the API server")
    options = parser.parse_args()
    host, _, port = options.to.rpartition(":")
    if host not in (LOOPBACK, "localhost"):
        sys.exit("latency: the API server must be on loopback (no other traffic is delayed)")
    asyncio.run(_main((host, int(port)), options.rtt_ms / 2000))


if __name__ == "__main__":
    main()
