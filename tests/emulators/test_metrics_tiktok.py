"""The TikTok emulator's Display API counters are strict: `video.list` for the video query,
`user.info.stats` for the account's counts, required fields and 1–20 ids, deleted or private videos
absent from the answer. `python3 -m unittest discover -s tests/emulators -p 'test_*.py'`."""

from __future__ import annotations

import json
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import test_publish_tiktok as pub  # noqa: E402

Q = "/v2/video/query/?fields=id,view_count,like_count,comment_count,share_count"


class TikTokMetrics(unittest.TestCase):
    T = pub.TikTokPublishing
    setUp, call, js, admin, video_init, put, status = T.setUp, T.call, T.js, T.admin, T.video_init, T.put, T.status

    def public_video(self) -> str:
        self.admin("tiktok-publishing", {"polls": 0})
        data = b"\0\0\0\x18ftypmp42" + b"\0" * 1000
        st, b = self.video_init(len(data), privacy_level="PUBLIC_TO_EVERYONE")
        self.assertEqual(st, 200, b)
        self.assertEqual(self.put(b["data"]["upload_url"], data, 0, len(data))[0], 201)
        return str(self.status(b["data"]["publish_id"])["publicaly_available_post_id"][0])

    def test_video_counts_need_video_list_and_deleted_videos_are_absent(self):
        self.token = self.admin("token", {"scopes": ["user.info.basic", "video.publish", "video.upload",
                                                     "video.list"]})["access_token"]
        vid = self.public_video()
        self.admin("video-stats", {"id": vid, "view_count": 900, "like_count": 40, "share_count": 3})
        st, b = self.js(Q, {"filters": {"video_ids": [vid, "123"]}})
        self.assertEqual(st, 200, b)
        self.assertEqual(b["data"]["videos"], [{"id": vid, "view_count": 900, "like_count": 40,
                                                "comment_count": 0, "share_count": 3}])
        self.assertEqual(self.js(Q, {"filters": {"video_ids": []}})[0], 400)
        self.assertEqual(self.js("/v2/video/query/", {"filters": {"video_ids": [vid]}})[0], 400)
        self.assertEqual(self.js("/v2/video/query/?fields=id,plays", {"filters": {"video_ids": [vid]}})[0], 400)
        self.admin("video-delete", {"id": vid})
        st, b = self.js(Q, {"filters": {"video_ids": [vid]}})
        self.assertEqual(b["data"]["videos"], [])
        t = self.admin("token", {})["access_token"]
        st, b = self.js(Q, {"filters": {"video_ids": [vid]}}, token=t)
        self.assertEqual((st, b["error"]["code"]), (401, "scope_not_authorized"))

    def test_account_counts_need_user_info_stats(self):
        self.admin("user-stats", {"follower_count": 55, "video_count": 4})
        path = "/v2/user/info/?fields=follower_count,following_count,video_count"
        st, b = self.call("GET", path, ctype=None)
        self.assertEqual((st, b["error"]["code"]), (401, "scope_not_authorized"))
        self.token = self.admin("token", {"scopes": ["user.info.basic", "user.info.stats"]})["access_token"]
        st, b = self.call("GET", path, ctype=None)
        self.assertEqual(st, 200, b)
        self.assertEqual(b["data"]["user"], {"follower_count": 55, "following_count": 0, "video_count": 4})
        st, b = self.call("GET", "/v2/user/info/?fields=open_id,username", ctype=None,
                          token=self.admin("token", {})["access_token"])
        self.assertEqual(st, 200, json.dumps(b))


if __name__ == "__main__":
    unittest.main()
