#!/usr/bin/env python3
"""A headless "system browser" for OUTPOST_BROWSER: `browser.py [ignored args...] URL`.

GETs the URL (urllib, no cookies), follows 3xx redirects itself across hosts (at most 10), including the
final redirect to the app's loopback callback; prints the final page's text; exits 0 when the final
response is 2xx and 1 otherwise. A Location with a non-http(s) scheme (a deep link such as
`app.outpost.desktop://oauth/callback/...`) is handed to the command in OUTPOST_TEST_DEEPLINK_HANDLER
(shell-split, the URL appended as last argument) and its exit status is returned; without that variable
the URL is printed and the exit status is 3. OUTPOST_TEST_BROWSER_LOG=<file>: every URL visited is
appended to it, one per line.
"""

from __future__ import annotations

import html
import os
import re
import shlex
import subprocess
import sys
import urllib.error
import urllib.request
from urllib.parse import urljoin, urlsplit

TIMEOUT = 30
MAX_REDIRECTS = 10


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # we follow redirects ourselves


def _log(url: str):
    path = os.environ.get("OUTPOST_TEST_BROWSER_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(url + "\n")


def _text(body: bytes) -> str:
    s = body.decode("utf-8", "replace")
    s = re.sub(r"(?is)<(script|style)\b.*?</\1>", "", s)
    s = re.sub(r"(?s)<[^>]+>", " ", s)
    return re.sub(r"[ \t\r\f\v]+", " ", html.unescape(s)).strip()


def _deeplink(url: str) -> int:
    handler = os.environ.get("OUTPOST_TEST_DEEPLINK_HANDLER")
    if not handler:
        print(url)
        return 3
    try:
        return subprocess.run(shlex.split(handler) + [url], timeout=TIMEOUT).returncode
    except subprocess.TimeoutExpired:
        print(f"deep-link handler timed out: {handler}", file=sys.stderr)
        return 1


def browse(url: str) -> int:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())
    for _ in range(MAX_REDIRECTS + 1):
        scheme = urlsplit(url).scheme.lower()
        if scheme not in ("http", "https"):
            _log(url)
            return _deeplink(url)
        _log(url)
        req = urllib.request.Request(url, method="GET", headers={
            "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) OutpostTestBrowser/1",
            "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
        try:
            resp = opener.open(req, timeout=TIMEOUT)
            status, headers, body = resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as e:
            status, headers = e.code, e.headers
            try:
                body = e.read()
            except Exception:
                body = b""
        except (urllib.error.URLError, OSError) as e:
            print(f"browser: cannot load {url}: {e}", file=sys.stderr)
            return 1
        if 300 <= status < 400 and headers.get("Location"):
            url = urljoin(url, headers["Location"].strip())
            continue
        print(_text(body))
        return 0 if 200 <= status < 300 else 1
    print(f"browser: more than {MAX_REDIRECTS} redirects", file=sys.stderr)
    return 1


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: browser.py URL", file=sys.stderr)
        return 2
    return browse(argv[-1])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
