"""The LinkedIn emulator's organization statistics are strict: versioned headers, the organization
admin scope, the member an administrator of the page, Rest.li 2.0 encoded URNs in the query and path,
`List(...)` of posts, posts of other authors or deleted ones absent, followers from networkSizes.
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


class LinkedInMetrics(unittest.TestCase):
    T = pub.LinkedInPublishing
    setUp, call, js, admin, post_body = T.setUp, T.call, T.js, T.admin, T.post_body

    def org_post(self) -> str:
        self.token = self.admin("token", {"scopes": ["openid", "w_organization_social",
                                                     "rw_organization_admin"]})["access_token"]
        st, _, hs = self.js("POST", "/rest/posts", {**self.post_body("org news"), "author": ORG})
        self.assertEqual(st, 201)
        return hs["x-restli-id"]

    def stats(self, urn, raw=False, **kw):
        org, urns = (ORG, urn) if raw else (enc(ORG), enc(urn))
        path = (f"/rest/organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity={org}"
                f"&shares=List({urns})")
        return self.call("GET", path, **kw)

    def test_share_statistics_and_followers(self):
        urn = self.org_post()
        self.admin("share-stats", {"id": urn, "impressionCount": 100, "uniqueImpressionsCount": 60, "likeCount": 5})
        st, b, _ = self.stats(urn)
        self.assertEqual(st, 200, b)
        s = b["elements"][0]["totalShareStatistics"]
        self.assertEqual((s["impressionCount"], s["uniqueImpressionsCount"], s["likeCount"], s["engagement"]),
                         (100, 60, 5, 0.05))
        self.assertEqual(b["elements"][0]["share"], urn)
        self.assertEqual(self.stats(urn, raw=True)[0], 400)
        self.assertEqual(self.stats(urn, headers={})[0], 400)
        self.admin("org-followers", {"count": 77})
        st, b, _ = self.call("GET", f"/rest/networkSizes/{enc(ORG)}?edgeType=COMPANY_FOLLOWED_BY_MEMBER")
        self.assertEqual((st, b["firstDegreeSize"]), (200, 77))
        self.assertEqual(self.call("GET", f"/rest/networkSizes/{enc(ORG)}")[0], 400)
        self.admin("delete-post", {"id": urn})
        self.assertEqual(self.stats(urn)[1]["elements"], [])

    def test_scope_and_administrator_are_required(self):
        urn = self.org_post()
        self.token = self.admin("token", {"scopes": ["openid", "w_organization_social"]})["access_token"]
        self.assertEqual(self.stats(urn)[0], 403)
        self.token = self.admin("token", {"scopes": ["rw_organization_admin"]})["access_token"]
        st, b, _ = self.call("GET", "/rest/organizationalEntityShareStatistics?q=organizationalEntity"
                                    f"&organizationalEntity={enc('urn:li:organization:999')}")
        self.assertEqual(st, 403, b)


if __name__ == "__main__":
    unittest.main()
