"""The LinkedIn emulator's comments for the inbox are strict: read scopes per owner (organization:
r_organization_social; member: r_member_social), encoded URNs, start/count paging, top-level
comments versus a comment's replies, replies with parentComment.
`python3 -m unittest discover -s tests/emulators -p 'test_*.py'`."""

from __future__ import annotations

import os
import sys
import unittest
from urllib.parse import quote

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import test_publish_linkedin as pub  # noqa: E402

ORG = "urn:li:organization:2414183"


def enc(u: str) -> str:
    return quote(u, safe="")


class LinkedInInbox(unittest.TestCase):
    T = pub.LinkedInPublishing
    setUp, call, js, admin, post_body = T.setUp, T.call, T.js, T.admin, T.post_body

    def test_posts_comments_replies_and_scopes(self):
        self.token = self.admin("token", {"scopes": ["w_organization_social", "r_organization_social"]})[
            "access_token"]
        st, _, hs = self.js("POST", "/rest/posts", {**self.post_body("org news"), "author": ORG})
        post = hs["x-restli-id"]
        st, b, _ = self.call("GET", f"/rest/posts?q=author&author={enc(ORG)}&count=5")
        self.assertEqual((st, [p["id"] for p in b["elements"]]), (200, [post]))
        self.assertEqual(self.call("GET", f"/rest/posts?q=author&author={ORG}")[0], 400)
        c1 = self.admin("plant-comment", {"on": post, "text": "nice", "at": 1})
        self.admin("plant-comment", {"on": post, "text": "second", "at": 2})
        st, b, _ = self.call("GET", f"/rest/socialActions/{enc(post)}/comments?count=1")
        self.assertEqual((st, b["paging"]["total"], b["elements"][0]["$URN"]), (200, 2, c1["$URN"]))
        body = {"actor": ORG, "object": post, "message": {"text": "thanks"}, "parentComment": c1["$URN"]}
        st, r, _ = self.js("POST", f"/rest/socialActions/{enc(c1['$URN'])}/comments", body)
        self.assertEqual(st, 201, r)
        st, b, _ = self.call("GET", f"/rest/socialActions/{enc(c1['$URN'])}/comments")
        self.assertEqual([c["message"]["text"] for c in b["elements"]], ["thanks"])
        st, b, _ = self.call("GET", f"/rest/socialActions/{enc(post)}/comments")
        self.assertEqual(len(b["elements"]), 2, "replies are not top-level comments")
        bad = {**body, "parentComment": "urn:li:comment:(x,1)"}
        self.assertEqual(self.js("POST", f"/rest/socialActions/{enc(c1['$URN'])}/comments", bad)[0], 400)
        self.token = self.admin("token", {"scopes": ["w_organization_social"]})["access_token"]
        self.assertEqual(self.call("GET", f"/rest/socialActions/{enc(post)}/comments")[0], 403)


if __name__ == "__main__":
    unittest.main()
