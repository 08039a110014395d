"""A throttling TCP proxy for tests and benchmarks: a slow link (or one that stalls) between Outpost and a
local server. Python 3.11 standard library only.

    python3 tests/throttle/throttle.py --upstream 127.0.0.1:PORT [--rate BYTES_PER_S] [--stall-after BYTES]
                                       [--port 0] [--no-stdin-watch]

It prints one line, {"origin":"http://127.0.0.1:PORT"}, then forwards every connection to the upstream:
the client-to-server direction at most `--rate` bytes per second (token bucket, 64 KiB bursts; 0 = no
limit); with `--stall-after N`, a connection stops reading from the client after N bytes and holds the
connection open without a byte more (a link that stops mid-upload). Server-to-client is not limited.
It runs until stdin reaches EOF (or SIGTERM), like the emulators.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

BURST = 64 * 1024


class Bucket:
    """A token bucket shared by every connection (one link)."""

    def __init__(self, rate: int):
        self.rate = rate
        self.tokens = float(BURST)
        self.at = time.monotonic()

    async def take(self, n: int):
        if self.rate <= 0:
            return
        while True:
            now = time.monotonic()
            self.tokens = min(float(BURST), self.tokens + (now - self.at) * self.rate)
            self.at = now
            if self.tokens >= n:
                self.tokens -= n
                return
            await asyncio.sleep((n - self.tokens) / self.rate)


async def pipe(reader, writer, bucket: Bucket | None, stall_after: int | None):
    sent = 0
    try:
        while True:
            want = 16 * 1024
            if stall_after is not None:
                if sent >= stall_after:
                    await asyncio.sleep(3600)  # the link stops: nothing more is read or written
                    return
                want = min(want, stall_after - sent)
            data = await reader.read(want)
            if not data:
                break
            if bucket is not None:
                await bucket.take(len(data))
            writer.write(data)
            await writer.drain()
            sent += len(data)
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        try:
            writer.close()
        except Exception:  # noqa: BLE001 — the peer may already be gone
            pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--rate", type=int, default=0)
    ap.add_argument("--stall-after", type=int, default=None)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--no-stdin-watch", action="store_true")
    args = ap.parse_args()
    host, port = args.upstream.rsplit(":", 1)
    bucket = Bucket(args.rate)

    async def handle(cr, cw):
        try:
            ur, uw = await asyncio.open_connection(host, int(port))
        except OSError:
            cw.close()
            return
        await asyncio.gather(pipe(cr, uw, bucket, args.stall_after), pipe(ur, cw, None, None))

    async def run():
        server = await asyncio.start_server(handle, "127.0.0.1", args.port)
        origin = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        print(json.dumps({"origin": origin}), flush=True)
        if args.no_stdin_watch:
            await server.serve_forever()
        else:
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, sys.stdin.read)

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
