"""Starts moto's S3-compatible server on 127.0.0.1 (a free port) for the media host tests.

moto's own signature checks do not support presigned (query-string) requests, which is all Outpost
sends, so a strict SigV4 verifier sits in front of moto: every request must carry a valid
presigned signature (AWS4-HMAC-SHA256, X-Amz-Credential with the test access key id and region,
X-Amz-Date, X-Amz-Expires not yet passed, X-Amz-SignedHeaders including host, each signed header
present with the signed value) and is refused with S3's own error documents otherwise
(InvalidAccessKeyId, SignatureDoesNotMatch, AccessDenied "Request has expired", AccessDenied for
anonymous requests). Everything else (objects, listing, multipart, content types) is moto's.

Prints one JSON line {"endpoint", "region", "access_key_id", "secret_access_key", "buckets"} and
serves until its standard input closes (the Rust test holding the pipe ends or dies).

Usage: start.py BUCKET [BUCKET ...]   (run with tests/s3/.venv/bin/python)
"""

import datetime
import hashlib
import hmac
import json
import logging
import secrets
import sys
import threading
from urllib.parse import parse_qsl, quote, urlsplit

from werkzeug.serving import make_server

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

REGION = "us-east-1"
ACCESS_KEY_ID = "AKIA" + secrets.token_hex(8).upper()
SECRET = secrets.token_urlsafe(30)


def s3_error(start_response, status, code, message):
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{message}</Message>"
        f"<RequestId>{secrets.token_hex(8)}</RequestId></Error>"
    ).encode()
    start_response(
        status,
        [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))],
    )
    return [body]


def uri_encode(s, safe="-_.~"):
    return quote(s, safe=safe)


def hmac_sha256(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


class PresignedOnly:
    """WSGI middleware: verifies SigV4 query-string signatures, then hands over to moto."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ["PATH_INFO"]
        parts = urlsplit(raw)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        q = dict(pairs)
        if "X-Amz-Signature" not in q:
            return s3_error(start_response, "403 Forbidden", "AccessDenied", "Access Denied")
        if q.get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256":
            return s3_error(
                start_response, "400 Bad Request", "AuthorizationQueryParametersError",
                "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"",
            )
        cred = q.get("X-Amz-Credential", "").split("/")
        if len(cred) != 5 or cred[3] != "s3" or cred[4] != "aws4_request":
            return s3_error(
                start_response, "400 Bad Request", "AuthorizationQueryParametersError",
                "Error parsing the X-Amz-Credential parameter",
            )
        if cred[0] != ACCESS_KEY_ID:
            return s3_error(
                start_response, "403 Forbidden", "InvalidAccessKeyId",
                "The AWS Access Key Id you provided does not exist in our records.",
            )
        if cred[2] != REGION:
            return s3_error(
                start_response, "400 Bad Request", "AuthorizationQueryParametersError",
                f"Error parsing the X-Amz-Credential parameter; the region '{cred[2]}' is wrong; expecting '{REGION}'",
            )
        amz_date = q.get("X-Amz-Date", "")
        try:
            signed_at = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(
                tzinfo=datetime.timezone.utc
            )
            expires = int(q.get("X-Amz-Expires", ""))
        except ValueError:
            return s3_error(
                start_response, "400 Bad Request", "AuthorizationQueryParametersError",
                "X-Amz-Date and X-Amz-Expires must be present and valid",
            )
        if not 1 <= expires <= 604800 or cred[1] != amz_date[:8]:
            return s3_error(
                start_response, "400 Bad Request", "AuthorizationQueryParametersError",
                "X-Amz-Expires must be between 1 and 604800 seconds",
            )
        now = datetime.datetime.now(datetime.timezone.utc)
        if now > signed_at + datetime.timedelta(seconds=expires):
            return s3_error(start_response, "403 Forbidden", "AccessDenied", "Request has expired")
        signed_headers = q.get("X-Amz-SignedHeaders", "").split(";")
        if "host" not in signed_headers:
            return s3_error(
                start_response, "400 Bad Request", "AuthorizationQueryParametersError",
                "X-Amz-SignedHeaders must include host",
            )
        canonical_headers = ""
        for h in signed_headers:
            key = "HTTP_" + h.upper().replace("-", "_")
            if h == "content-type":
                key = "CONTENT_TYPE"
            elif h == "content-length":
                key = "CONTENT_LENGTH"
            value = environ.get(key)
            if value is None:
                return s3_error(
                    start_response, "403 Forbidden", "AccessDenied",
                    f"There were headers present in the request which were not signed: {h} is missing",
                )
            canonical_headers += f"{h}:{' '.join(value.split())}\n"
        canonical_query = "&".join(
            f"{uri_encode(k)}={uri_encode(v)}"
            for k, v in sorted(pairs)
            if k != "X-Amz-Signature"
        )
        canonical_request = "\n".join(
            [
                environ["REQUEST_METHOD"],
                parts.path or "/",
                canonical_query,
                canonical_headers,
                ";".join(signed_headers),
                "UNSIGNED-PAYLOAD",
            ]
        )
        scope = "/".join(cred[1:])
        string_to_sign = "\n".join(
            [
                "AWS4-HMAC-SHA256",
                amz_date,
                scope,
                hashlib.sha256(canonical_request.encode()).hexdigest(),
            ]
        )
        k = hmac_sha256(("AWS4" + SECRET).encode(), cred[1])
        k = hmac_sha256(k, cred[2])
        k = hmac_sha256(k, "s3")
        k = hmac_sha256(k, "aws4_request")
        expected = hmac.new(k, string_to_sign.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, q["X-Amz-Signature"]):
            return s3_error(
                start_response, "403 Forbidden", "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
            )
        return self.app(environ, start_response)


def main():
    buckets = sys.argv[1:] or ["outpost-media"]
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    moto_app = DomainDispatcherApplication(create_backend_app)
    server = make_server("127.0.0.1", 0, PresignedOnly(moto_app), threaded=True)
    host, port = server.server_address[:2]
    endpoint = f"http://{host}:{port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()

    import boto3
    from botocore.config import Config

    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY_ID,
        aws_secret_access_key=SECRET,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )
    for b in buckets:
        url = s3.generate_presigned_url("create_bucket", Params={"Bucket": b}, ExpiresIn=60)
        import urllib.request

        try:
            urllib.request.urlopen(urllib.request.Request(url, method="PUT")).read()
        except urllib.error.HTTPError as e:
            sys.exit(f"creating bucket {b} failed: {e} {e.read()!r}")

    print(
        json.dumps(
            {
                "endpoint": endpoint,
                "region": REGION,
                "access_key_id": ACCESS_KEY_ID,
                "secret_access_key": SECRET,
                "buckets": buckets,
            }
        ),
        flush=True,
    )
    try:
        sys.stdin.read()
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
