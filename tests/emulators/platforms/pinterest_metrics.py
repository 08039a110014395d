"""Pinterest analytics (mixed into `pinterest.Pinterest`), per the API v5 reference:

- `GET /v5/pins/{pin_id}/analytics?start_date&end_date&metric_types` (scopes `boards:read` +
  `pins:read`): all three required; dates `YYYY-MM-DD`, `start_date` no earlier than 90 days ago,
  `end_date` no later than today and not before `start_date`; `metric_types` a comma list of the
  documented Pin metrics. The answer is `{"all": {"daily_metrics": [{"date", "data_status",
  "metrics"}], "summary_metrics": {...}, "lifetime_metrics": {...}}}`: the summary sums the days in the
  window, so counts older than 90 days drop out. An unknown (or deleted) Pin is 404.
- `GET /v5/user_account` counters come from `account_counts` (set by the test control).

Test controls: `pin-metrics` (`{"id", "days_ago": N, "IMPRESSION": n, ...}` sets one day's counts),
`pin-delete`, `account-counts` (`follower_count`, `following_count`, `pin_count`, `monthly_views`)."""

from __future__ import annotations

import datetime

from core import Request, Response, json_response

PIN_METRICS = {"IMPRESSION", "OUTBOUND_CLICK", "PIN_CLICK", "SAVE", "SAVE_RATE", "TOTAL_COMMENTS",
               "TOTAL_REACTIONS", "ENGAGEMENT", "ENGAGEMENT_RATE", "OUTBOUND_CLICK_RATE", "PIN_CLICK_RATE",
               "VIDEO_MRC_VIEW", "VIDEO_AVG_WATCH_TIME", "VIDEO_V50_WATCH_TIME", "QUARTILE_95_PERCENT_VIEW",
               "VIDEO_10S_VIEW", "VIDEO_START", "PROFILE_VISIT", "USER_FOLLOW"}
LOOK_BACK_DAYS = 90
ACCOUNT_COUNTS = ("follower_count", "following_count", "pin_count", "monthly_views")


def _perr(status: int, code: int, message: str) -> Response:
    return json_response(status, {"code": code, "message": message})


class PinterestMetrics:
    def setup_metrics(self):
        self.route("GET", r"/v5/pins/([0-9]+)/analytics", self.pin_analytics)

    def reset(self):
        super().reset()
        self.pin_days: dict[str, dict[str, dict[str, int]]] = {}  # pin -> date -> metric -> n
        self.account_counts = {k: 0 for k in ACCOUNT_COUNTS}

    def admin_routes(self) -> dict:
        return {**super().admin_routes(), "pin-metrics": ("POST", self._admin_pin_metrics),
                "pin-delete": ("POST", self._admin_pin_delete),
                "account-counts": ("POST", self._admin_account_counts)}

    def today(self) -> datetime.date:
        return datetime.datetime.fromtimestamp(self.emu.now(), datetime.timezone.utc).date()

    def _pin(self, pid: str) -> dict | None:
        return next((p for p in self.pins if p["id"] == pid and not p.get("deleted")), None)

    def _admin_pin_metrics(self, req):
        b = req.admin_body
        pid = str(b["id"])
        if self._pin(pid) is None:
            raise ValueError("no such Pin")
        day = (self.today() - datetime.timedelta(days=int(b.get("days_ago", 0)))).isoformat()
        cur = self.pin_days.setdefault(pid, {}).setdefault(day, {})
        for k, v in b.items():
            if k in PIN_METRICS:
                cur[k] = int(v)
        return self.pin_days[pid]

    def _admin_pin_delete(self, req):
        p = self._pin(str(req.admin_body["id"]))
        if p is None:
            raise ValueError("no such Pin")
        p["deleted"] = True
        return {"deleted": p["id"]}

    def _admin_account_counts(self, req):
        for k in ACCOUNT_COUNTS:
            if k in req.admin_body:
                self.account_counts[k] = int(req.admin_body[k])
        return self.account_counts

    def pin_analytics(self, req: Request) -> Response:
        t, err = self.api_guard(req, "pins:read")
        if err:
            return err
        if "boards:read" not in t.scopes:
            return _perr(403, 3, "Not authorized to access the resource (missing scope boards:read).")
        for k in ("start_date", "end_date", "metric_types"):
            if not req.q(k):
                return _perr(400, 1, f"Missing required query parameter {k}")
        try:
            start = datetime.date.fromisoformat(req.q("start_date"))
            end = datetime.date.fromisoformat(req.q("end_date"))
        except ValueError:
            return _perr(400, 1, "start_date and end_date must be YYYY-MM-DD")
        today = self.today()
        if start < today - datetime.timedelta(days=LOOK_BACK_DAYS):
            return _perr(400, 1, "start_date cannot be more than 90 days ago")
        if end > today or end < start:
            return _perr(400, 1, "end_date must not be after today nor before start_date")
        metrics = [m.strip() for m in req.q("metric_types").split(",") if m.strip()]
        bad = [m for m in metrics if m not in PIN_METRICS]
        if bad or not metrics:
            return _perr(400, 1, f"Invalid metric_types: {', '.join(bad) or '(none)'}")
        pid = req.match.group(1)
        if self._pin(pid) is None:
            return _perr(404, 50, "Pin not found.")
        days = self.pin_days.get(pid, {})
        daily, summary, lifetime = [], {m: 0 for m in metrics}, {m: 0 for m in metrics}
        d = start
        while d <= end:
            got = days.get(d.isoformat(), {})
            daily.append({"date": d.isoformat(), "data_status": "READY",
                          "metrics": {m: got.get(m, 0) for m in metrics}})
            for m in metrics:
                summary[m] += got.get(m, 0)
            d += datetime.timedelta(days=1)
        for got in days.values():
            for m in metrics:
                lifetime[m] += got.get(m, 0)
        return json_response(200, {"all": {"daily_metrics": daily, "summary_metrics": summary,
                                           "lifetime_metrics": lifetime}})
