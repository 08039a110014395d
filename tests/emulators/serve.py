#!/usr/bin/env python3
"""Starts one platform emulator.

    python3 tests/emulators/serve.py --platform x [--port 0] [--host 127.0.0.1] [--no-stdin-watch]

Prints one JSON line {"origin": "http://127.0.0.1:PORT", "platform": "x"} on stdout, then serves until
stdin reaches EOF (so a test process that dies takes the emulator with it) or SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from core import make_server  # noqa: E402
from platforms import PLATFORMS  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Outpost platform emulator")
    ap.add_argument("--platform", required=True, choices=PLATFORMS)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--host", default="127.0.0.1", choices=["127.0.0.1", "::1", "localhost"],
                    help="loopback only")
    ap.add_argument("--no-stdin-watch", action="store_true",
                    help="do not stop at stdin EOF (for running by hand with stdin closed)")
    args = ap.parse_args(argv)
    host = "127.0.0.1" if args.host == "localhost" else args.host

    srv, emu = make_server(args.platform, host, args.port)
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    if not args.no_stdin_watch:
        def watch_stdin():
            try:
                while sys.stdin.buffer.read1(65536) if hasattr(sys.stdin.buffer, "read1") else sys.stdin.read(1):
                    pass
            except (OSError, ValueError):
                pass
            stop.set()

        threading.Thread(target=watch_stdin, name="stdin-watch", daemon=True).start()

    t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.2}, name="http", daemon=True)
    t.start()
    sys.stdout.write(json.dumps({"origin": emu.origin, "platform": args.platform}, separators=(",", ":")) + "\n")
    sys.stdout.flush()
    while not stop.wait(0.5):
        pass
    srv.shutdown()
    srv.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
