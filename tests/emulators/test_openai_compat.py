"""Self-tests of the OpenAI-compatible emulator (openai_compat.py)."""

import json
import os
import sys
import threading
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import openai_compat  # noqa: E402


class OpenAICompatTest(unittest.TestCase):
    def setUp(self):
        self.srv = openai_compat.make_server(api_key="sk-test-123")
        self.t = threading.Thread(target=self.srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.t.start()
        self.base = self.srv.origin

    def tearDown(self):
        self.srv.shutdown()
        self.srv.server_close()

    def call(self, method, path, body=None, key="sk-test-123", ctype="application/json", raw=False):
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if key:
            req.add_header("Authorization", f"Bearer {key}")
        if data is not None:
            req.add_header("Content-Type", ctype)
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                text = r.read().decode()
                return r.status, dict(r.headers), (text if raw else json.loads(text))
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), json.loads(e.read().decode() or "null")

    def chat(self, **extra):
        body = {"model": "outpost-test-model",
                "messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "hello world"}]}
        body.update(extra)
        return body

    def test_completion_shape(self):
        st, _, v = self.call("POST", "/v1/chat/completions", self.chat())
        self.assertEqual(st, 200)
        self.assertEqual(v["object"], "chat.completion")
        self.assertEqual(v["choices"][0]["message"]["role"], "assistant")
        self.assertEqual(v["choices"][0]["message"]["content"], "Refined: hello world")
        self.assertEqual(v["choices"][0]["finish_reason"], "stop")

    def test_scripted_reply_and_last_request(self):
        self.call("POST", "/__emulator/reply", {"content": "A better post."}, key=None)
        raw = json.dumps(self.chat()).encode()
        st, _, v = self.call("POST", "/v1/chat/completions", raw)
        self.assertEqual(v["choices"][0]["message"]["content"], "A better post.")
        _, _, last = self.call("GET", "/__emulator/last", key=None)
        self.assertEqual(last["body"], raw.decode())
        self.assertEqual(last["headers"]["authorization"], "Bearer sk-test-123")

    def test_auth(self):
        st, _, v = self.call("POST", "/v1/chat/completions", self.chat(), key="wrong")
        self.assertEqual((st, v["error"]["code"], v["error"]["type"]), (401, "invalid_api_key", "invalid_request_error"))
        st, _, v = self.call("GET", "/v1/models", key=None)
        self.assertEqual(st, 401)
        self.assertIn("didn't provide an API key", v["error"]["message"])

    def test_validation(self):
        for body, param in [
            ({"messages": [{"role": "user", "content": "x"}]}, "model"),
            ({"model": "outpost-test-model", "messages": []}, "messages"),
            ({"model": "outpost-test-model", "messages": [{"role": "robot", "content": "x"}]}, "messages[0].role"),
            ({"model": "outpost-test-model", "messages": [{"role": "user", "content": 5}]}, "messages[0].content"),
            (self.chat(bogus=1), "bogus"),
        ]:
            st, _, v = self.call("POST", "/v1/chat/completions", body)
            self.assertEqual(st, 400, body)
            self.assertEqual(v["error"]["param"], param)
        st, _, v = self.call("POST", "/v1/chat/completions", self.chat(model="nope"))
        self.assertEqual((st, v["error"]["code"]), (404, "model_not_found"))
        st, _, v = self.call("POST", "/v1/chat/completions", self.chat(), ctype="text/plain")
        self.assertEqual(st, 400)
        st, _, v = self.call("POST", "/v1/chat/completions", b"{not json")
        self.assertEqual(st, 400)

    def test_rate_limit_with_retry_after(self):
        self.call("POST", "/__emulator/fail", {"status": 429, "retry_after": 7}, key=None)
        st, h, v = self.call("POST", "/v1/chat/completions", self.chat())
        self.assertEqual((st, h.get("Retry-After"), v["error"]["code"]), (429, "7", "rate_limit_exceeded"))
        st, _, _ = self.call("POST", "/v1/chat/completions", self.chat())
        self.assertEqual(st, 200)

    def test_models(self):
        st, _, v = self.call("GET", "/v1/models")
        self.assertEqual(st, 200)
        self.assertEqual(v["object"], "list")
        self.assertIn("outpost-test-model", [m["id"] for m in v["data"]])

    def test_streaming(self):
        self.call("POST", "/__emulator/reply", {"content": "one two three"}, key=None)
        st, h, text = self.call("POST", "/v1/chat/completions", self.chat(stream=True), raw=True)
        self.assertEqual(st, 200)
        self.assertTrue(h["Content-Type"].startswith("text/event-stream"))
        events = [e for e in text.split("\n\n") if e]
        self.assertEqual(events[-1], "data: [DONE]")
        parts = [json.loads(e[len("data: "):]) for e in events[:-1]]
        self.assertTrue(all(p["object"] == "chat.completion.chunk" for p in parts))
        self.assertEqual("".join(p["choices"][0]["delta"].get("content", "") for p in parts), "one two three")
        self.assertEqual(parts[-1]["choices"][0]["finish_reason"], "stop")

    def events(self, text):
        """The data of each server-sent event."""
        out = []
        for block in text.split("\n\n"):
            data = [ln[len("data: "):] for ln in block.split("\n") if ln.startswith("data: ")]
            if data:
                out.append("\n".join(data))
        return out

    def test_stream_format_and_usage(self):
        self.call("POST", "/__emulator/reply", {"content": "one two three"}, key=None)
        st, h, text = self.call("POST", "/v1/chat/completions",
                                self.chat(stream=True, stream_options={"include_usage": True}), raw=True)
        self.assertEqual(st, 200)
        self.assertTrue(h["Content-Type"].startswith("text/event-stream"))
        ev = self.events(text)
        self.assertEqual(ev[-1], "[DONE]")
        chunks = [json.loads(e) for e in ev[:-1]]
        self.assertTrue(all(c["object"] == "chat.completion.chunk" for c in chunks))
        self.assertEqual(chunks[0]["choices"][0]["delta"], {"role": "assistant", "content": ""})
        content = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"])
        self.assertEqual(content, "one two three")
        self.assertEqual(chunks[-2]["choices"][0]["finish_reason"], "stop")
        self.assertEqual(chunks[-1]["choices"], [])
        self.assertIn("total_tokens", chunks[-1]["usage"])

    def test_stream_options_need_stream(self):
        st, _, v = self.call("POST", "/v1/chat/completions", self.chat(stream_options={"include_usage": True}))
        self.assertEqual(st, 400)
        self.assertEqual(v["error"]["param"], "stream_options")

    def test_stream_error_mid_stream_has_no_done(self):
        self.call("POST", "/__emulator/reply", {"content": "a b c d"}, key=None)
        self.call("POST", "/__emulator/fail", {"mode": "stream_error", "after": 2}, key=None)
        st, _, text = self.call("POST", "/v1/chat/completions", self.chat(stream=True), raw=True)
        self.assertEqual(st, 200)
        ev = self.events(text)
        self.assertNotIn("[DONE]", ev)
        self.assertEqual(json.loads(ev[-1])["error"]["type"], "server_error")
        self.assertEqual(len(ev), 4)  # role, "a", " b", error

    def test_images_b64_png_and_rules(self):
        st, _, v = self.call("POST", "/v1/images/generations",
                             {"model": "gpt-image-1", "prompt": "a red fox", "size": "1024x1024"})
        self.assertEqual(st, 200)
        import base64
        png = base64.b64decode(v["data"][0]["b64_json"])
        self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")
        self.assertIsInstance(v["created"], int)
        st, _, v = self.call("POST", "/v1/images/generations",
                             {"model": "gpt-image-1", "prompt": "x", "response_format": "b64_json"})
        self.assertEqual((st, v["error"]["param"]), (400, "response_format"))
        st, _, v = self.call("POST", "/v1/images/generations", {"model": "dall-e-3", "prompt": "x", "n": 2})
        self.assertEqual((st, v["error"]["param"]), (400, "n"))
        st, _, v = self.call("POST", "/v1/images/generations", {"model": "dall-e-3", "prompt": "x", "size": "512x512"})
        self.assertEqual((st, v["error"]["param"]), (400, "size"))
        st, _, v = self.call("POST", "/v1/images/generations", {"model": "dall-e-3", "prompt": "x",
                                                                "response_format": "b64_json"})
        self.assertEqual(st, 200)
        self.assertIn("revised_prompt", v["data"][0])
        st, _, v = self.call("POST", "/v1/images/generations", {"model": "gpt-image-1"})
        self.assertEqual((st, v["error"]["param"]), (400, "prompt"))
        st, _, _ = self.call("POST", "/v1/images/generations", {"prompt": "x"}, key="wrong")
        self.assertEqual(st, 401)
        self.call("POST", "/__emulator/config", {"image_models": []}, key=None)
        st, _, _ = self.call("POST", "/v1/images/generations", {"model": "gpt-image-1", "prompt": "x"})
        self.assertEqual(st, 404)


if __name__ == "__main__":
    unittest.main()
