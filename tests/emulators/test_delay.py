"""Delay injection (`POST /__emulator/delay`): requests on a path wait before they are handled and
after the platform-side effect, before the answer is written, so a client can be killed inside
either window; `drop_after` cuts the answer off after the effect. The crash test
(`src-tauri/crates/cli/tests/crash.rs`) relies on exactly this behaviour."""

from __future__ import annotations

import http.client
import json
import os
import sys
import threading
import time
import unittest
from urllib.parse import urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import core  # noqa: E402


class DelayInjection(unittest.TestCase):
    def setUp(self):
        self.srv, self.emu, _ = core.start_in_thread("x")
        self.addCleanup(self.srv.server_close)
        self.addCleanup(self.srv.shutdown)
        u = urlsplit(self.emu.origin)
        self.host, self.port = u.hostname, u.port
        self.token = self.admin("x-token", {})["access_token"]

    def conn(self, timeout=10):
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def admin(self, name, body=None):
        c = self.conn()
        if body is None:
            c.request("GET", f"/__emulator/{name}")
        else:
            c.request("POST", f"/__emulator/{name}", body=json.dumps(body).encode(),
                      headers={"Content-Type": "application/json"})
        r = c.getresponse()
        data = json.loads(r.read())
        c.close()
        return data if body is None else (data if r.status == 200 else (r.status, data))

    def admin_status(self, body):
        c = self.conn()
        c.request("POST", "/__emulator/delay", body=json.dumps(body).encode(),
                  headers={"Content-Type": "application/json"})
        r = c.getresponse()
        r.read()
        c.close()
        return r.status

    def tweet(self, text, timeout=10):
        c = self.conn(timeout)
        try:
            c.request("POST", "/2/tweets", body=json.dumps({"text": text}).encode(),
                      headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
            r = c.getresponse()
            return r.status, r.read()
        finally:
            c.close()

    def posts(self):
        return [p["text"] for p in self.admin("posts")]

    def test_before_delay_holds_the_request_before_anything_happens(self):
        self.admin("delay", {"path": "/2/tweets", "before_ms": 400})
        done = {}
        t = threading.Thread(target=lambda: done.setdefault("r", self.tweet("slow start")))
        started = time.monotonic()
        t.start()
        time.sleep(0.2)
        self.assertEqual(self.posts(), [], "nothing published during the before-delay")
        self.assertEqual(self.admin("health")["ok"], True, "admin endpoints are never delayed")
        t.join(5)
        self.assertGreaterEqual(time.monotonic() - started, 0.4)
        self.assertEqual(done["r"][0], 201)
        self.assertEqual(self.posts(), ["slow start"])

    def test_after_delay_publishes_first_and_answers_later(self):
        self.admin("delay", {"path": "/2/tweets", "after_ms": 500})
        done = {}
        t = threading.Thread(target=lambda: done.setdefault("r", self.tweet("slow answer")))
        t.start()
        deadline = time.monotonic() + 2
        while not self.posts() and time.monotonic() < deadline:
            time.sleep(0.02)
        self.assertEqual(self.posts(), ["slow answer"], "the effect is visible before the answer")
        self.assertNotIn("r", done, "the answer is still held back")
        t.join(5)
        self.assertEqual(done["r"][0], 201)

    def test_a_client_gone_during_the_before_delay_still_gets_its_request_handled(self):
        self.admin("delay", {"path": "/2/tweets", "before_ms": 300})
        with self.assertRaises((TimeoutError, OSError)):
            self.tweet("abandoned", timeout=0.1)
        time.sleep(0.5)
        self.assertEqual(self.posts(), ["abandoned"], "as a real server, it went on without the client")

    def test_drop_after_cuts_the_answer_after_the_effect(self):
        self.admin("delay", {"path": "/2/tweets", "drop_after": True, "times": 1})
        with self.assertRaises((http.client.HTTPException, ConnectionError)):
            self.tweet("no answer")
        self.assertEqual(self.posts(), ["no answer"])
        log = [e for e in self.admin("log") if e["path"] == "/2/tweets"]
        self.assertTrue(log[0].get("dropped_after_effect"))
        # `times` used up: the rule is gone.
        self.assertEqual(self.tweet("answered")[0], 201)

    def test_random_ranges_times_and_removal(self):
        rule = self.admin("delay", {"path": "/2/tweets", "before_ms": [10, 30], "times": 2})
        self.assertEqual(rule["before_ms"], [10.0, 30.0])
        self.assertEqual(rule["times"], 2)
        self.assertEqual(self.emu.take_delay("/2/tweets")[2], False)
        b, a, _ = self.emu.take_delay("/2/tweets")
        self.assertTrue(0.010 <= b <= 0.030 and a == 0)
        self.assertIsNone(self.emu.take_delay("/2/tweets"), "two requests, then the rule is gone")
        self.admin("delay", {"path": "/2/tweets", "before_ms": 5})
        self.assertEqual(self.admin("delay", {"path": "/2/tweets"}), {"path": "/2/tweets", "removed": True})
        self.assertIsNone(self.emu.take_delay("/2/tweets"))
        self.admin("delay", {"path": "/2/tweets", "after_ms": 5})
        self.admin("reset", {})
        self.assertIsNone(self.emu.take_delay("/2/tweets"), "reset forgets delays")

    def test_bad_rules_are_refused(self):
        for bad in ({"before_ms": 5}, {"path": "2/tweets", "before_ms": 5},
                    {"path": "/__emulator/log", "before_ms": 5}, {"path": "/2/tweets", "before_ms": -1},
                    {"path": "/2/tweets", "before_ms": [30, 10]}, {"path": "/2/tweets", "after_ms": "5"},
                    {"path": "/2/tweets", "after_ms": 60_001}, {"path": "/2/tweets", "before_ms": True},
                    {"path": "/2/tweets", "drop_after": 1}, {"path": "/2/tweets", "before_ms": 1, "times": -2}):
            self.assertEqual(self.admin_status(bad), 400, bad)
        self.assertEqual(self.emu.delays, {})


if __name__ == "__main__":
    unittest.main()
