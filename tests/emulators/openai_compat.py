#!/usr/bin/env python3
"""A strict OpenAI-compatible API emulator (chat completions, streaming, models, images), Python stdlib only.

    python3 tests/emulators/openai_compat.py [--port 0] [--host 127.0.0.1] [--api-key KEY] [--no-stdin-watch]

Prints one JSON line {"origin": "http://127.0.0.1:PORT", "platform": "openai"} and serves until stdin
reaches EOF or SIGTERM/SIGINT. The API lives under /v1 (base URL `<origin>/v1`).

Written from the OpenAI API reference (Chat Completions, Models, Error codes):
- POST /v1/chat/completions: JSON body; `model` (non-empty string, must be a listed model, else 404
  `model_not_found`) and `messages` (non-empty array; each `role` in system/developer/user/assistant/tool,
  `content` a string or an array of `{"type":"text","text":...}` parts) are required; unknown top-level
  parameters are refused ("Unrecognized request argument supplied"); `stream: true` answers
  `text/event-stream`: one `data: {chat.completion.chunk}` event per piece (the first delta carries
  the role, the last an empty delta with `finish_reason`), then `data: [DONE]`. `stream_options`
  is only allowed with `stream: true`; `{"include_usage": true}` adds a final chunk with empty
  `choices` and the `usage`. An error after the stream started is sent as an event whose data is
  the usual error object (`data: {"error": {...}}`) and the stream ends without `[DONE]`.
- POST /v1/images/generations: JSON body; `prompt` (required, non-empty; at most 32000 characters for
  gpt-image-1, 4000 for dall-e-3, 1000 for dall-e-2), `model` (default dall-e-2), `n` (1-10; dall-e-3
  only 1), `size` per model (gpt-image-1: 1024x1024, 1536x1024, 1024x1536, auto; dall-e-3: 1024x1024,
  1792x1024, 1024x1792; dall-e-2: 256x256, 512x512, 1024x1024), `response_format` (url|b64_json;
  dall-e only: gpt-image-1 refuses it and always answers b64_json). Answers
  `{"created", "data": [{"b64_json" | "url", "revised_prompt" (dall-e-3)}]}` with a real PNG.
  When no image model is configured the endpoint answers 404 like an unknown URL (not offered).
- GET /v1/models: `{"object":"list","data":[{"id","object":"model","created","owned_by"}]}`.
- Authentication: when an API key is configured, `Authorization: Bearer <key>` is required (401
  `invalid_api_key` otherwise, as OpenAI answers).
- Errors: `{"error":{"message","type","param","code"}}`.

Admin endpoints (`/__emulator/...`, JSON):
- POST config  {"api_key": str|null, "models": [ids], "image_models": [ids], "stream_delay": seconds}
- POST reply   {"content": str}  queue one answer (FIFO); default answer: "Refined: <last user text>"
- POST fail    {"status": 401|429|500|..., "retry_after": N?, "times": 1} or {"mode": "hang", "seconds": S}
               or {"mode": "empty"} (an answer with empty content)
               or {"mode": "stream_error", "after": N} (N content chunks, then an error event, no [DONE])
               or {"mode": "stream_cut", "after": N} (N content chunks, then the connection closes)
- GET  last    the last API request: {"method","path","headers":{"authorization","content-type"},"body"}
- GET  log     every API request, same shape
- POST reset   forget replies, failures, log (config stays)
"""

from __future__ import annotations

import argparse
import base64
import json
import struct
import zlib
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROLES = {"system", "developer", "user", "assistant", "tool"}
KNOWN_PARAMS = {
    "model", "messages", "stream", "stream_options", "temperature", "top_p", "n", "stop", "max_tokens",
    "max_completion_tokens", "presence_penalty", "frequency_penalty", "logit_bias", "user", "seed",
    "response_format", "tools", "tool_choice", "logprobs", "top_logprobs", "store", "metadata",
    "parallel_tool_calls", "reasoning_effort", "modalities", "prediction", "service_tier",
}
IMAGE_PARAMS = {
    "prompt", "model", "n", "quality", "response_format", "size", "style", "user", "background",
    "moderation", "output_compression", "output_format", "partial_images", "stream",
}
MAX_BODY = 1024 * 1024


def png(width: int, height: int, seed: str) -> bytes:
    """A real PNG (one colour from the prompt), width x height, RGB."""
    colour = bytes(zlib.crc32(seed.encode()).to_bytes(4, "big")[:3])
    row = b"\x00" + colour * width
    raw = zlib.compress(row * height, 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


class State:
    def __init__(self, api_key=None, models=None):
        self.lock = threading.Lock()
        self.api_key = api_key
        self.models = models or ["outpost-test-model", "gpt-4o-mini"]
        self.image_models = ["gpt-image-1", "dall-e-3", "dall-e-2"]
        self.stream_delay = 0.0
        self.replies: list[str] = []
        self.fails: list[dict] = []
        self.log: list[dict] = []
        self.counter = 0

    def reset(self):
        with self.lock:
            self.replies.clear()
            self.fails.clear()
            self.log.clear()


def error_body(message, type_, code=None, param=None):
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


def make_handler(state: State):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "openai-emulator/1"

        def log_message(self, fmt, *args):  # quiet
            pass

        def _send_json(self, status, obj, headers=None):
            data = json.dumps(obj).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def _read_body(self):
            n = int(self.headers.get("Content-Length") or 0)
            if n > MAX_BODY:
                return None
            return self.rfile.read(n) if n else b""

        def _record(self, body: bytes):
            entry = {
                "method": self.command,
                "path": self.path,
                "headers": {
                    "authorization": self.headers.get("Authorization"),
                    "content-type": self.headers.get("Content-Type"),
                },
                "body": body.decode("utf-8", "replace"),
            }
            with state.lock:
                state.log.append(entry)

        def _auth_ok(self):
            if state.api_key is None:
                return True
            got = self.headers.get("Authorization") or ""
            if got == f"Bearer {state.api_key}":
                return True
            if not got:
                msg = ("You didn't provide an API key. You need to provide your API key in an Authorization "
                       "header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).")
            else:
                msg = "Incorrect API key provided."
            self._send_json(401, error_body(msg, "invalid_request_error", "invalid_api_key"))
            return False

        def _injected_failure(self):
            with state.lock:
                f = state.fails.pop(0) if state.fails else None
                if f and f.get("times", 1) > 1:
                    f = dict(f, times=f.get("times", 1) - 1)
                    state.fails.insert(0, f)
            if not f:
                return None
            if f.get("mode") == "hang":
                time.sleep(float(f.get("seconds", 5)))
                return None
            if f.get("mode") in ("empty", "stream_error", "stream_cut"):
                return f
            status = int(f.get("status", 500))
            headers = {}
            if status == 429:
                if f.get("retry_after") is not None:
                    headers["Retry-After"] = str(f["retry_after"])
                body = error_body("Rate limit reached for requests. Please try again later.", "requests",
                                  "rate_limit_exceeded")
            elif status == 401:
                body = error_body("Incorrect API key provided.", "invalid_request_error", "invalid_api_key")
            elif status >= 500:
                body = error_body("The server had an error while processing your request.", "server_error")
            else:
                body = error_body("Invalid request.", "invalid_request_error")
            self._send_json(status, body, headers)
            return "sent"

        # ----------------------------------------------------------------- admin
        def _admin(self, name, body):
            if name == "last" and self.command == "GET":
                with state.lock:
                    last = state.log[-1] if state.log else None
                return self._send_json(200, last)
            if name == "log" and self.command == "GET":
                with state.lock:
                    return self._send_json(200, list(state.log))
            if self.command != "POST":
                return self._send_json(405, {"error": "method"})
            try:
                req = json.loads(body or b"{}")
            except ValueError:
                return self._send_json(400, {"error": "json"})
            if name == "config":
                with state.lock:
                    if "api_key" in req:
                        state.api_key = req["api_key"]
                    if "models" in req:
                        state.models = list(req["models"])
                    if "image_models" in req:
                        state.image_models = list(req["image_models"])
                    if "stream_delay" in req:
                        state.stream_delay = float(req["stream_delay"])
                return self._send_json(200, {"ok": True})
            if name == "reply":
                with state.lock:
                    state.replies.append(str(req.get("content", "")))
                return self._send_json(200, {"ok": True})
            if name == "fail":
                with state.lock:
                    state.fails.append(req)
                return self._send_json(200, {"ok": True})
            if name == "reset":
                state.reset()
                return self._send_json(200, {"ok": True})
            return self._send_json(404, {"error": "unknown admin endpoint"})

        # ----------------------------------------------------------------- API
        def _handle(self):
            body = self._read_body()
            if body is None:
                return self._send_json(413, error_body("Request too large.", "invalid_request_error"))
            path = self.path.split("?", 1)[0]
            if path.startswith("/__emulator/"):
                return self._admin(path[len("/__emulator/"):], body)
            self._record(body)
            if path == "/v1/models":
                if self.command != "GET":
                    return self._send_json(405, error_body("Method not allowed.", "invalid_request_error"))
                if not self._auth_ok():
                    return None
                with state.lock:
                    models = list(state.models)
                return self._send_json(200, {"object": "list", "data": [
                    {"id": m, "object": "model", "created": 1700000000, "owned_by": "emulator"} for m in models]})
            if path == "/v1/chat/completions":
                if self.command != "POST":
                    return self._send_json(405, error_body("Method not allowed.", "invalid_request_error"))
                if not self._auth_ok():
                    return None
                return self._chat(body)
            if path == "/v1/images/generations":
                with state.lock:
                    offered = bool(state.image_models)
                if not offered:
                    return self._send_json(404, error_body(
                        f"Invalid URL ({self.command} {path})", "invalid_request_error"))
                if self.command != "POST":
                    return self._send_json(405, error_body("Method not allowed.", "invalid_request_error"))
                if not self._auth_ok():
                    return None
                return self._images(body)
            return self._send_json(404, error_body(f"Invalid URL ({self.command} {path})", "invalid_request_error"))

        def _json_object(self, body: bytes):
            """The request's JSON object, or None after answering 400."""
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if ctype != "application/json":
                self._send_json(400, error_body(
                    "Invalid Content-Type header, expected application/json.", "invalid_request_error"))
                return None
            try:
                req = json.loads(body)
            except ValueError:
                self._send_json(400, error_body(
                    "We could not parse the JSON body of your request.", "invalid_request_error"))
                return None
            if not isinstance(req, dict):
                self._send_json(400, error_body("The body must be a JSON object.", "invalid_request_error"))
                return None
            return req

        def _chat(self, body: bytes):
            req = self._json_object(body)
            if req is None:
                return None
            unknown = sorted(set(req) - KNOWN_PARAMS)
            if unknown:
                return self._send_json(400, error_body(
                    f"Unrecognized request argument supplied: {unknown[0]}", "invalid_request_error", None, unknown[0]))
            model = req.get("model")
            if not isinstance(model, str) or not model:
                return self._send_json(400, error_body(
                    "you must provide a model parameter", "invalid_request_error", None, "model"))
            msgs = req.get("messages")
            if not isinstance(msgs, list) or not msgs:
                return self._send_json(400, error_body(
                    "'messages' must be a non-empty array.", "invalid_request_error", None, "messages"))
            last_user = ""
            for i, m in enumerate(msgs):
                if not isinstance(m, dict) or m.get("role") not in ROLES:
                    return self._send_json(400, error_body(
                        f"Invalid value for 'messages[{i}].role'.", "invalid_request_error", "invalid_value",
                        f"messages[{i}].role"))
                c = m.get("content")
                if isinstance(c, list):
                    if not all(isinstance(p, dict) and p.get("type") == "text" and isinstance(p.get("text"), str)
                               for p in c):
                        return self._send_json(400, error_body(
                            f"Invalid content in 'messages[{i}]'.", "invalid_request_error", None, f"messages[{i}].content"))
                    c = "".join(p["text"] for p in c)
                elif not isinstance(c, str):
                    return self._send_json(400, error_body(
                        f"Invalid type for 'messages[{i}].content': expected a string or array.",
                        "invalid_request_error", "invalid_type", f"messages[{i}].content"))
                if m["role"] == "user":
                    last_user = c
            stream = req.get("stream", False)
            if stream is None:
                stream = False
            if not isinstance(stream, bool):
                return self._send_json(400, error_body(
                    "Invalid type for 'stream': expected a boolean.", "invalid_request_error", "invalid_type", "stream"))
            opts = req.get("stream_options")
            if opts is not None:
                if not stream:
                    return self._send_json(400, error_body(
                        "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
                        "invalid_request_error", None, "stream_options"))
                if not isinstance(opts, dict) or set(opts) - {"include_usage", "include_obfuscation"}:
                    return self._send_json(400, error_body(
                        "Invalid value for 'stream_options'.", "invalid_request_error", "invalid_value",
                        "stream_options"))
            with state.lock:
                known = model in state.models
            if not known:
                return self._send_json(404, error_body(
                    f"The model `{model}` does not exist or you do not have access to it.",
                    "invalid_request_error", "model_not_found"))
            injected = self._injected_failure()
            if injected == "sent":
                return None
            with state.lock:
                state.counter += 1
                cid = f"chatcmpl-emu{state.counter}"
                content = state.replies.pop(0) if state.replies else f"Refined: {last_user.strip()[-200:]}"
            if isinstance(injected, dict) and injected.get("mode") == "empty":
                content = ""
            created = int(time.time())
            if stream:
                usage = bool((opts or {}).get("include_usage"))
                return self._stream(cid, created, model, content, injected, usage, len(body))
            return self._send_json(200, {
                "id": cid, "object": "chat.completion", "created": created, "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": content, "refusal": None},
                             "logprobs": None, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": len(body) // 4, "completion_tokens": len(content) // 4,
                          "total_tokens": (len(body) + len(content)) // 4},
            })

        def _stream(self, cid, created, model, content, injected, usage, body_len):
            with state.lock:
                delay = state.stream_delay
            mode = injected.get("mode") if isinstance(injected, dict) else None
            after = int(injected.get("after", 1)) if mode in ("stream_error", "stream_cut") else -1
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True

            def chunk(delta, finish=None):
                obj = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
                       "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}
                self.wfile.write(b"data: " + json.dumps(obj).encode() + b"\n\n")
                self.wfile.flush()

            try:
                chunk({"role": "assistant", "content": ""})
                words = content.split(" ")
                for i, w in enumerate(words):
                    if i == after:
                        if mode == "stream_error":
                            err = error_body("The server had an error while processing your request.",
                                             "server_error")
                            self.wfile.write(b"data: " + json.dumps(err).encode() + b"\n\n")
                            self.wfile.flush()
                        return None
                    if delay:
                        time.sleep(delay)
                    chunk({"content": w if i == 0 else " " + w})
                chunk({}, "stop")
                if usage:
                    obj = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
                           "choices": [], "usage": {"prompt_tokens": body_len // 4,
                                                    "completion_tokens": len(content) // 4,
                                                    "total_tokens": (body_len + len(content)) // 4}}
                    self.wfile.write(b"data: " + json.dumps(obj).encode() + b"\n\n")
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading (cancelled)
            return None

        def _images(self, body: bytes):
            req = self._json_object(body)
            if req is None:
                return None
            unknown = sorted(set(req) - IMAGE_PARAMS)
            if unknown:
                return self._send_json(400, error_body(
                    f"Unknown parameter: '{unknown[0]}'.", "invalid_request_error", "unknown_parameter", unknown[0]))
            model = req.get("model", "dall-e-2")
            with state.lock:
                known = model in state.image_models
            if not isinstance(model, str) or not known:
                return self._send_json(400, error_body(
                    f"Invalid value for 'model': '{model}'.", "invalid_request_error", "invalid_value", "model"))
            prompt = req.get("prompt")
            if not isinstance(prompt, str) or not prompt.strip():
                return self._send_json(400, error_body(
                    "Missing required parameter: 'prompt'.", "invalid_request_error", "missing_required_parameter",
                    "prompt"))
            limit = {"gpt-image-1": 32000, "dall-e-3": 4000}.get(model, 1000)
            if len(prompt) > limit:
                return self._send_json(400, error_body(
                    f"Invalid 'prompt': string too long. Expected a string with maximum length {limit}.",
                    "invalid_request_error", "string_above_max_length", "prompt"))
            n = req.get("n", 1)
            if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= 10 or (model == "dall-e-3" and n != 1):
                return self._send_json(400, error_body(
                    "Invalid value for 'n'.", "invalid_request_error", "invalid_value", "n"))
            sizes = {"gpt-image-1": ["1024x1024", "1536x1024", "1024x1536", "auto"],
                     "dall-e-3": ["1024x1024", "1792x1024", "1024x1792"],
                     "dall-e-2": ["256x256", "512x512", "1024x1024"]}[model]
            size = req.get("size", sizes[0])
            if size not in sizes:
                return self._send_json(400, error_body(
                    f"Invalid value: '{size}'. Supported values are: {', '.join(repr(x) for x in sizes)}.",
                    "invalid_request_error", "invalid_value", "size"))
            fmt = req.get("response_format")
            if fmt is not None:
                if model == "gpt-image-1":
                    return self._send_json(400, error_body(
                        "Unknown parameter: 'response_format'.", "invalid_request_error", "unknown_parameter",
                        "response_format"))
                if fmt not in ("url", "b64_json"):
                    return self._send_json(400, error_body(
                        f"Invalid value for 'response_format': '{fmt}'.", "invalid_request_error", "invalid_value",
                        "response_format"))
            injected = self._injected_failure()
            if injected == "sent":
                return None
            w, h = (1024, 1024) if size == "auto" else (int(x) for x in size.split("x"))
            b64 = model == "gpt-image-1" or fmt == "b64_json"
            data = []
            for i in range(n):
                item = {}
                if b64:
                    item["b64_json"] = base64.b64encode(png(w, h, prompt)).decode()
                else:
                    item["url"] = f"https://images.emulator.invalid/img-{i}.png"
                if model == "dall-e-3":
                    item["revised_prompt"] = f"A detailed picture of {prompt.strip()}"
                data.append(item)
            out = {"created": int(time.time()), "data": data}
            if model == "gpt-image-1":
                out["usage"] = {"total_tokens": 100, "input_tokens": 50, "output_tokens": 50,
                                "input_tokens_details": {"text_tokens": 50, "image_tokens": 0}}
            return self._send_json(200, out)

        def do_GET(self):
            self._handle()

        def do_POST(self):
            self._handle()

        def do_PUT(self):
            self._handle()

        def do_DELETE(self):
            self._handle()

    return Handler


def make_server(host="127.0.0.1", port=0, api_key=None):
    state = State(api_key=api_key)
    srv = ThreadingHTTPServer((host, port), make_handler(state))
    srv.daemon_threads = True
    h = f"[{host}]" if ":" in host else host
    srv.origin = f"http://{h}:{srv.server_address[1]}"
    srv.state = state
    return srv


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="OpenAI-compatible API emulator")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--host", default="127.0.0.1", choices=["127.0.0.1", "::1"])
    ap.add_argument("--api-key", default=None)
    ap.add_argument("--no-stdin-watch", action="store_true")
    args = ap.parse_args(argv)
    srv = make_server(args.host, args.port, args.api_key)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    if not args.no_stdin_watch:
        def watch():
            try:
                while sys.stdin.buffer.read1(65536):
                    pass
            except (OSError, ValueError):
                pass
            stop.set()
        threading.Thread(target=watch, daemon=True).start()
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
    sys.stdout.write(json.dumps({"origin": srv.origin, "platform": "openai"}, separators=(",", ":")) + "\n")
    sys.stdout.flush()
    while not stop.wait(0.5):
        pass
    srv.shutdown()
    srv.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
