"""The YouTube emulator's comment, statistics and Analytics routes are strict: parts, filters, paging
tokens bound to their query, scopes, Google's error shape, quota units and quotaExceeded.
`python3 -m pytest tests/emulators/test_inbox_youtube.py`."""

from __future__ import annotations

import json
import os
import sys
import unittest
from urllib.parse import urlencode

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from test_publish_youtube import YouTubePublishing  # noqa: E402

YT = "https://www.googleapis.com/auth/"
ALL = [YT + "youtube.force-ssl", YT + "youtube.readonly", YT + "yt-analytics.readonly"]


class YouTubeInbox(unittest.TestCase):
    setUp = YouTubePublishing.setUp
    call = YouTubePublishing.call
    admin = YouTubePublishing.admin

    def tok(self, scopes=None):
        return self.admin("token", {"scopes": scopes or ALL})["access_token"]

    def get(self, path, q, token=None):
        return self.call("GET", path + "?" + urlencode(q), token=token or self.full)

    def threads(self, **q):
        base = {"part": "snippet,replies", "allThreadsRelatedToChannelId": self.channel, "order": "time",
                "maxResults": "100", "textFormat": "plainText"}
        base.update(q)
        return self.get("/youtube/v3/commentThreads", {k: v for k, v in base.items() if v is not None})

    def reason(self, data):
        return data["error"]["errors"][0]["reason"]

    def setUpVideo(self):
        self.full = self.tok()
        self.channel = self.emu.user["id"]
        self.video = self.admin("yt-video", {"title": "My video", "views": 10, "likes": 2, "comments": 1})["id"]

    def test_threads_newest_first_with_replies_and_paging(self):
        self.setUpVideo()
        first = self.admin("yt-comment", {"video": self.video, "text": "first <b>", "ago_seconds": 30})
        for i in range(7):
            self.admin("yt-comment", {"parent": first["id"], "text": f"reply {i}"})
        second = self.admin("yt-comment", {"video": self.video, "text": "second", "ago_seconds": 10})
        st, data, _ = self.threads()
        self.assertEqual(st, 200, data)
        self.assertEqual([t["id"] for t in data["items"]], [second["id"], first["id"]])
        top = data["items"][1]
        self.assertEqual(top["snippet"]["totalReplyCount"], 7)
        self.assertEqual(len(top["replies"]["comments"]), 5)  # a thread carries only some replies
        c = top["snippet"]["topLevelComment"]["snippet"]
        self.assertEqual(c["textDisplay"], "first <b>")
        self.assertNotIn("textOriginal", c)  # only for the comment's author
        self.assertTrue(c["authorProfileImageUrl"].startswith("https://"))
        st, html_data, _ = self.threads(textFormat=None)
        self.assertEqual(html_data["items"][1]["snippet"]["topLevelComment"]["snippet"]["textDisplay"],
                         "first &lt;b&gt;")
        # Paging: one per page, the token is bound to its query.
        st, p1, _ = self.threads(maxResults="1")
        self.assertEqual([t["id"] for t in p1["items"]], [second["id"]])
        st, p2, _ = self.threads(maxResults="1", pageToken=p1["nextPageToken"])
        self.assertEqual([t["id"] for t in p2["items"]], [first["id"]])
        self.assertNotIn("nextPageToken", p2)
        st, bad, _ = self.threads(maxResults="2", pageToken=p1["nextPageToken"])
        self.assertEqual((st, self.reason(bad)), (400, "invalidPageToken"))
        # All replies through comments.list.
        st, reps, _ = self.get("/youtube/v3/comments", {"part": "snippet", "parentId": first["id"],
                                                         "maxResults": "100", "textFormat": "plainText"})
        self.assertEqual(st, 200, reps)
        self.assertEqual([r["snippet"]["textDisplay"] for r in reps["items"]], [f"reply {i}" for i in range(7)])
        self.assertEqual(self.admin("quota")["commentThreads.list"], 5)  # the refused page counts too
        self.assertEqual(self.admin("quota")["comments.list"], 1)

    def test_threads_are_strict(self):
        self.setUpVideo()
        st, d, _ = self.threads(part=None)
        self.assertEqual((st, self.reason(d)), (400, "required"))
        st, d, _ = self.threads(part="snippet,bogus")
        self.assertEqual((st, self.reason(d)), (400, "unknownPart"))
        st, d, _ = self.threads(maxResults="101")
        self.assertEqual((st, self.reason(d)), (400, "invalidParameter"))
        st, d, _ = self.threads(allThreadsRelatedToChannelId=None)
        self.assertEqual((st, self.reason(d)), (400, "missingRequiredParameter"))
        st, d, _ = self.threads(allThreadsRelatedToChannelId="UCsomeoneElse")
        self.assertEqual((st, self.reason(d)), (404, "channelNotFound"))
        st, d, _ = self.threads(order="newest")
        self.assertEqual(st, 400)
        st, d, _ = self.get("/youtube/v3/commentThreads", {"part": "snippet", "allThreadsRelatedToChannelId":
                                                           self.channel}, token="nope")
        self.assertEqual((st, self.reason(d)), (401, "authError"))
        upload_only = self.tok([YT + "youtube.upload"])
        st, d, _ = self.get("/youtube/v3/commentThreads", {"part": "snippet", "allThreadsRelatedToChannelId":
                                                           self.channel}, token=upload_only)
        self.assertEqual((st, self.reason(d)), (403, "insufficientPermissions"))

    def test_reply_needs_force_ssl_costs_50_units_and_checks_its_parent(self):
        self.setUpVideo()
        top = self.admin("yt-comment", {"video": self.video, "text": "hello"})

        def insert(body, token=None):
            return self.call("POST", "/youtube/v3/comments?part=snippet", json.dumps(body).encode(),
                             {"Content-Type": "application/json"}, token=token or self.full)

        st, d, _ = insert({"snippet": {"parentId": top["id"], "textOriginal": "thanks!"}})
        self.assertEqual(st, 200, d)
        self.assertEqual(d["snippet"]["parentId"], top["id"])
        self.assertTrue(d["id"].startswith(top["id"] + "."))
        self.assertEqual(d["snippet"]["authorChannelId"]["value"], self.channel)
        self.assertEqual(self.admin("quota")["comments.insert"], 50)
        st, d, _ = insert({"snippet": {"parentId": d["id"], "textOriginal": "x"}})
        self.assertEqual((st, self.reason(d)), (400, "operationNotSupported"))
        st, d, _ = insert({"snippet": {"parentId": "Ugznope", "textOriginal": "x"}})
        self.assertEqual(st, 404)
        st, d, _ = insert({"snippet": {"parentId": top["id"], "textOriginal": "x" * 10_001}})
        self.assertEqual((st, self.reason(d)), (400, "commentTextTooLong"))
        st, d, _ = insert({"snippet": {"textOriginal": "x"}})
        self.assertEqual((st, self.reason(d)), (400, "parentIdMissing"))
        st, d, _ = insert({"snippet": {"parentId": top["id"], "textOriginal": "x"}},
                          token=self.tok([YT + "youtube.readonly"]))
        self.assertEqual((st, self.reason(d)), (403, "insufficientPermissions"))
        # The reply is listed with its original text for its author.
        st, reps, _ = self.get("/youtube/v3/comments", {"part": "snippet", "parentId": top["id"]})
        self.assertEqual(reps["items"][0]["snippet"]["textOriginal"], "thanks!")

    def test_quota_exceeded_is_googles_403(self):
        self.setUpVideo()
        self.admin("youtube-quota", {"daily": 2})
        self.assertEqual(self.threads()[0], 200)
        self.assertEqual(self.threads()[0], 200)
        st, d, _ = self.threads()
        self.assertEqual((st, self.reason(d), d["error"]["errors"][0]["domain"]), (403, "quotaExceeded",
                                                                                   "youtube.quota"))

    def test_statistics_and_analytics(self):
        self.setUpVideo()
        st, d, _ = self.get("/youtube/v3/videos", {"part": "statistics", "id": self.video})
        self.assertEqual(d["items"][0]["statistics"], {"viewCount": "10", "likeCount": "2", "favoriteCount": "0",
                                                       "commentCount": "1"})
        self.admin("yt-video-stats", {"id": self.video, "likes_hidden": True})
        st, d, _ = self.get("/youtube/v3/videos", {"part": "statistics", "id": self.video})
        self.assertNotIn("likeCount", d["items"][0]["statistics"])
        self.admin("yt-channel-stats", {"subscribers": 42, "videos": 3})
        st, d, _ = self.get("/youtube/v3/channels", {"part": "statistics", "mine": "true"})
        self.assertEqual(d["items"][0]["statistics"]["subscriberCount"], "42")
        self.admin("yt-channel-stats", {"hidden": True})
        st, d, _ = self.get("/youtube/v3/channels", {"part": "statistics", "mine": "true"})
        self.assertNotIn("subscriberCount", d["items"][0]["statistics"])
        self.assertTrue(d["items"][0]["statistics"]["hiddenSubscriberCount"])

        q = {"ids": "channel==MINE", "startDate": "2005-04-23", "endDate": "2026-12-06",
             "metrics": "estimatedMinutesWatched,averageViewDuration,views,likes,shares", "dimensions": "video",
             "filters": "video==" + self.video}
        st, d, _ = self.get("/v2/reports", q)
        self.assertEqual(st, 200, d)
        self.assertNotIn("rows", d)  # no data yet
        self.assertEqual([h["name"] for h in d["columnHeaders"]],
                         ["video", "estimatedMinutesWatched", "averageViewDuration", "views", "likes", "shares"])
        self.admin("yt-analytics", {"video": self.video, "estimatedMinutesWatched": 90, "averageViewDuration": 41,
                                    "views": 8, "likes": 2, "shares": 1})
        st, d, _ = self.get("/v2/reports", q)
        self.assertEqual(d["rows"], [[self.video, 90, 41, 8, 2, 1]])
        st, d, _ = self.get("/v2/reports", dict(q, metrics="estimatedMinutesWatched,bogus"))
        self.assertEqual(st, 400)
        st, d, _ = self.get("/v2/reports", dict(q, startDate="2026/01/01"))
        self.assertEqual((st, self.reason(d)), (400, "invalidParameter"))
        st, d, _ = self.get("/v2/reports", q, token=self.tok([YT + "youtube.force-ssl"]))
        self.assertEqual((st, self.reason(d)), (403, "insufficientPermissions"))
        self.admin("yt-delete-video", {"id": self.video})
        st, d, _ = self.get("/youtube/v3/videos", {"part": "statistics", "id": self.video})
        self.assertEqual(d["items"], [])


if __name__ == "__main__":
    unittest.main()
