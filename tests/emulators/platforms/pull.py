"""Fetching media from a URL the way a platform's PULL_FROM_URL / image_url ingestion does: a real
HTTP GET (no proxy), bounded in size and time. Used by the TikTok and Pinterest emulators."""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request

MAX_PULL = 256 * 1024 * 1024
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def fetch(url: str, limit: int = MAX_PULL, timeout: float = 10.0) -> tuple[bytes | None, str]:
    """(body, "") on a 200 answer; (None, why) when the URL cannot be fetched."""
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        return None, "not an http(s) URL"
    try:
        with _OPENER.open(urllib.request.Request(url, method="GET"), timeout=timeout) as r:
            if r.status != 200:
                return None, f"HTTP {r.status}"
            data = r.read(limit + 1)
            if len(data) > limit:
                return None, "too large"
            return data, ""
    except urllib.error.HTTPError as e:
        return None, f"HTTP {e.code}"
    except (urllib.error.URLError, OSError, ValueError) as e:
        return None, f"unreachable ({e.__class__.__name__})"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
