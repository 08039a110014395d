"""Seeds an Outpost profile's database for end-to-end tests (the schema comes from `outpost doctor`).

Usage: seed.py <database file> <json spec>. Only documented columns are written; nothing is faked in
the app itself: the app reads what is in the file like any other profile.
"""
import json, sqlite3, sys, time, uuid

db, spec = sys.argv[1], json.loads(sys.argv[2])
now = int(time.time() * 1000)
con = sqlite3.connect(db)
con.execute("PRAGMA foreign_keys=ON")
with con:
    for c in spec.get("channels", []):
        con.execute(
            "INSERT INTO channels (id, platform, instance_url, platform_account_id, kind, display_name, handle, status, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?)",
            (c["id"], c["platform"], c.get("instance_url", ""), c["account"], "profile", c["name"], c["handle"], "connected", now, now),
        )
    for i, text in enumerate(spec.get("posts", [])):
        con.execute(
            "INSERT INTO posts (id, body, status, created_at, updated_at) VALUES (?,?,?,?,?)",
            (str(uuid.uuid4()), text, "draft", now - i, now - i),
        )
    statuses = spec.get("activity_statuses", [])
    for i in range(spec.get("activity", 0)):
        status = statuses[i % len(statuses)] if statuses else 200
        con.execute(
            "INSERT INTO activity_log (at, platform, method, host, path, status, duration_ms, bytes, error_kind) VALUES (?,?,?,?,?,?,?,?,?)",
            (now - i * 60_000, ["mastodon", "x", "bluesky"][i % 3], "POST" if i % 2 else "GET",
             "example.social", f"/api/v1/statuses/{i}", status, 40 + i, 512 + i, None if status else "timed out"),
        )
con.close()
