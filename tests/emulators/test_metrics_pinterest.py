"""The Pinterest emulator's analytics are strict: required dates and metric types, the 90-day
look-back (older days drop out of the summary), scopes, a deleted Pin is 404, account counters.
`python3 -m unittest discover -s tests/emulators -p 'test_*.py'`."""

from __future__ import annotations

import base64
import datetime
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import test_publish_pinterest as pub  # noqa: E402


class PinterestMetrics(unittest.TestCase):
    # The publishing tests' helpers (not their tests).
    P = pub.PinterestPublishing
    setUp, call, admin, pin, js = P.setUp, P.call, P.admin, P.pin, P.js

    def new_pin(self) -> str:
        st, b, _ = self.pin({"source_type": "image_base64", "content_type": "image/png",
                             "data": base64.b64encode(pub.PNG).decode()})
        self.assertEqual(st, 201, b)
        return b["id"]

    def analytics(self, pid, token="default", **q):
        today = datetime.datetime.now(datetime.timezone.utc).date()
        query = {"start_date": (today - datetime.timedelta(days=89)).isoformat(), "end_date": today.isoformat(),
                 "metric_types": "IMPRESSION,SAVE,OUTBOUND_CLICK", **q}
        return self.call("GET", f"/v5/pins/{pid}/analytics", query=query, token=token)

    def test_summary_sums_the_window_and_the_look_back_is_90_days(self):
        pid = self.new_pin()
        self.admin("pin-metrics", {"id": pid, "days_ago": 1, "IMPRESSION": 40, "SAVE": 3})
        self.admin("pin-metrics", {"id": pid, "days_ago": 0, "IMPRESSION": 10, "OUTBOUND_CLICK": 2})
        self.admin("pin-metrics", {"id": pid, "days_ago": 120, "IMPRESSION": 1000})
        st, b, _ = self.analytics(pid)
        self.assertEqual(st, 200, b)
        self.assertEqual(b["all"]["summary_metrics"], {"IMPRESSION": 50, "SAVE": 3, "OUTBOUND_CLICK": 2})
        self.assertEqual(b["all"]["lifetime_metrics"]["IMPRESSION"], 1050)
        self.assertEqual(len(b["all"]["daily_metrics"]), 90)
        old = (datetime.datetime.now(datetime.timezone.utc).date() - datetime.timedelta(days=91)).isoformat()
        self.assertEqual(self.analytics(pid, start_date=old)[0], 400)
        self.assertEqual(self.analytics(pid, metric_types="LIKES")[0], 400)
        self.assertEqual(self.analytics(pid, end_date="2020-01-01")[0], 400)
        st, b, _ = self.call("GET", f"/v5/pins/{pid}/analytics")
        self.assertEqual(st, 400, b)

    def test_scopes_deleted_pins_and_account_counts(self):
        pid = self.new_pin()
        t = self.admin("token", {"scopes": ["boards:read", "user_accounts:read"]})["access_token"]
        self.assertEqual(self.analytics(pid, token=t)[0], 403)
        self.admin("pin-delete", {"id": pid})
        self.assertEqual(self.analytics(pid)[0], 404)
        self.admin("account-counts", {"follower_count": 42, "pin_count": 7})
        st, b, _ = self.call("GET", "/v5/user_account")
        self.assertEqual((b["follower_count"], b["pin_count"], b["following_count"]), (42, 7, 0))


if __name__ == "__main__":
    unittest.main()
