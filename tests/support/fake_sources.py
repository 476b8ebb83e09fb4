"""Fake 4chan, Telegram web preview, KoboToolbox, ODK Central and police.uk servers for the collect tests, each
answering in the shape its documentation gives (4chan-API README, t.me/s HTML, KoboToolbox API v2, ODK Central
OData, data.police.uk/docs) on a ``FakePlatform`` (tests/support/fake_platforms.py). Handles use ``HANDLE_PREFIX``
so a test can scan the state for them."""

from __future__ import annotations

import base64
import html
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

from tests.support.fake_platforms import FakePlatform, Reply, Request
from tests.support.fake_social import handle


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


# ------------------------------------------------------------------------------------------------ 4chan
@dataclass
class FakeFourchan:
    """A 4chan-style JSON API: ``/{board}/catalog.json`` (``Last-Modified``, 304 on ``If-Modified-Since``) and
    ``/{board}/thread/{no}.json``; comments in 4chan's HTML."""

    fp: FakePlatform
    board: str = "pol"
    threads: dict[int, list[dict]] = field(default_factory=dict)
    modified: dict[int, int] = field(default_factory=dict)
    next_no: int = 1000
    changed_at: datetime = field(default_factory=lambda: _now() - timedelta(hours=1))

    def __post_init__(self) -> None:
        self.fp.route("GET", f"/{self.board}/catalog.json", self._catalog)

    def post(self, thread: int | None, com: str, author: int | None = None, trip: bool = False,
             sub: str | None = None) -> int:
        """A new post (a new thread when ``thread`` is None); returns its number."""
        self.next_no += 1
        no = self.next_no
        t = int(_now().timestamp()) - 3600 + no - 1000
        p: dict = {"no": no, "resto": thread or 0, "now": "01/01/25(Wed)00:00:00", "time": t,
                   "name": "Anonymous", "com": com}
        if author is not None:
            p["name"] = handle(author)
            if trip:
                p["trip"] = "!" + handle(author)
        if sub:
            p["sub"] = sub
        key = thread or no
        if thread is None:
            self.threads[no] = []
            self.fp.route("GET", f"/{self.board}/thread/{no}.json", lambda r, k=no: self._thread(k))
        self.threads[key].append(p)
        self.modified[key] = t
        self.changed_at = max(self.changed_at + timedelta(seconds=1), _now())
        return no

    def prune(self, thread: int) -> None:
        del self.threads[thread]

    def _catalog(self, req: Request) -> Reply:
        since = req.headers.get("If-Modified-Since")
        if since and parsedate_to_datetime(since) >= self.changed_at:
            return Reply(304)
        threads = [{**ps[0], "last_modified": self.modified[no], "replies": len(ps) - 1,
                    "last_replies": ps[1:][-5:]} for no, ps in sorted(self.threads.items(), reverse=True)]
        pages = [{"page": i // 15 + 1, "threads": threads[i:i + 15]} for i in range(0, max(len(threads), 1), 15)]
        return Reply.json(pages, headers={"Last-Modified": format_datetime(self.changed_at, usegmt=True)})

    def _thread(self, no: int) -> Reply:
        if no not in self.threads:
            return Reply(404, b"", content_type="text/html")
        return Reply.json({"posts": self.threads[no]})


# ------------------------------------------------------------------------------------------------ Telegram
@dataclass
class FakeTelegram:
    """``/s/{channel}``: the latest 20 messages as t.me renders them; ``?before=N`` / ``?after=N`` page."""

    fp: FakePlatform
    channel: str = field(default_factory=lambda: handle(7))
    messages: list[dict] = field(default_factory=list)
    per_page: int = 20

    def __post_init__(self) -> None:
        self.fp.route("GET", f"/s/{self.channel}", self._page)

    def add(self, text: str | None, minutes_ago: float = 10, service: bool = False, edited: bool = False) -> int:
        mid = self._last() + 1
        self.messages.append({"id": mid, "text": text, "when": _now() - timedelta(minutes=minutes_ago),
                              "service": service, "edited": edited})
        return mid

    def add_bogus(self, mid: int, text: str = "bogus", minutes_ago: float = 10) -> None:
        """A message with an id no channel has (a hostile or broken preview); later ``add``s go on from the real
        ids."""
        self.messages.append({"id": mid, "text": text, "when": _now() - timedelta(minutes=minutes_ago),
                              "service": False, "edited": False, "bogus": True})

    def _last(self) -> int:
        return max((m["id"] for m in self.messages if not m.get("bogus")), default=0)

    def add_many(self, n: int, minutes_ago: float = 300) -> None:
        for i in range(n):
            self.add(f"Message {self._last() + 1} from t.me/{self.channel} about the market<br/>line two "
                     f"&amp; more @{handle(50 + i % 3)}", minutes_ago=minutes_ago - i * 0.5)

    def delete(self, mid: int) -> None:
        self.messages = [m for m in self.messages if m["id"] != mid]

    def _render(self, m: dict) -> str:
        ch = self.channel
        cls = "tgme_widget_message text_not_supported_wrap js-widget_message" + (" service_message" if m["service"]
                                                                              else "")
        text = (f'<div class="tgme_widget_message_text js-message_text" dir="auto">{m["text"]}</div>'
                if m["text"] else '<a class="tgme_widget_message_photo_wrap" href="#"></a>')
        edited = '<span class="tgme_widget_message_meta">edited</span>' if m["edited"] else ""
        return (f'<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="{cls}" '
                f'data-post="{ch}/{m["id"]}" data-view="x"><div class="tgme_widget_message_bubble">'
                f'<div class="tgme_widget_message_author accent_color"><a class="tgme_widget_message_owner_name" '
                f'href="https://t.me/{ch}"><span dir="auto">{html.escape(ch)} News</span></a></div>{text}'
                f'<div class="tgme_widget_message_footer compact js-message_footer"><div class="tgme_widget_message_'
                f'info short js-message_info"><span class="tgme_widget_message_views">1.2K</span>{edited}'
                f'<span class="tgme_widget_message_meta"><a class="tgme_widget_message_date" '
                f'href="https://t.me/{ch}/{m["id"]}"><time datetime="{m["when"].isoformat()}" class="time">'
                f'{m["when"]:%H:%M}</time></a></span></div></div></div></div></div>')

    def _page(self, req: Request) -> Reply:
        before, after = req.arg("before"), req.arg("after")
        msgs = sorted(self.messages, key=lambda m: m["id"])
        if before:
            msgs = [m for m in msgs if m["id"] < int(before)][-self.per_page:]
        elif after:
            msgs = [m for m in msgs if m["id"] > int(after)][:self.per_page]
        else:
            msgs = msgs[-self.per_page:]
        body = (f'<!DOCTYPE html><html><head><meta property="og:title" content="{self.channel}"></head><body>'
                f'<section class="tgme_channel_history js-message_history">{"".join(map(self._render, msgs))}'
                "</section></body></html>")
        return Reply.text(body, "text/html; charset=utf-8")


# ------------------------------------------------------------------------------------------------ KoboToolbox
@dataclass
class FakeKobo:
    """``/api/v2/assets/{uid}/data/``: token auth, ``query`` ({"_id": {"$gt": n}}), ``sort``, ``start``/``limit``
    and ``next`` URLs, as KPI answers."""

    fp: FakePlatform
    uid: str = "aKobo123form"
    token: str = "kobo-test-token"
    results: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.fp.route("GET", f"/api/v2/assets/{self.uid}/data/", self._data)

    def add_many(self, n: int) -> None:
        for _ in range(n):
            i = len(self.results) + 1
            self.results.append({
                "_id": 5000 + i, "_uuid": f"uuid-{i:04d}", "formhub/uuid": "f00", "start": "2025-03-01T09:00:00",
                "end": "2025-03-01T09:10:00", "group_cohesion/sc1": str(1 + i % 5), "group_cohesion/sc2": str(i % 4),
                "gender": "female" if i % 2 else "male", "comments": f"free text by {handle(i)}",
                "_submission_time": f"2025-03-01T10:{i % 60:02d}:00", "_submitted_by": handle(i),
                "_attachments": [], "_geolocation": [None, None], "_tags": [], "_notes": [],
                "_validation_status": {}, "meta/instanceID": f"uuid:inst-{i:04d}", "__version__": "v1"})

    def _data(self, req: Request) -> Reply:
        if req.headers.get("Authorization") != f"Token {self.token}":
            return Reply.json({"detail": "Invalid token."}, status=401)
        query = json.loads(req.arg("query") or "{}")
        gt = query.get("_id", {}).get("$gt", 0)
        start, limit = int(req.arg("start") or 0), int(req.arg("limit") or 100)
        rows = sorted((r for r in self.results if r["_id"] > gt), key=lambda r: r["_id"])
        page = rows[start:start + limit]
        nxt = None
        if start + limit < len(rows):
            nxt = (f"{self.fp.url}/api/v2/assets/{self.uid}/data/?format=json&limit={limit}&start={start + limit}"
                   f"&query={req.arg('query')}&sort={req.arg('sort')}")
        return Reply.json({"count": len(rows), "next": nxt, "previous": None, "results": page})


# ------------------------------------------------------------------------------------------------ ODK Central
@dataclass
class FakeOdk:
    """``/v1/projects/{p}/forms/{f}.svc/Submissions``: Basic auth, ``$top``, ``$filter`` on
    ``__system/submissionDate ge``, ``$orderby``, ``@odata.nextLink`` with ``$skiptoken``."""

    fp: FakePlatform
    project: int = 3
    form: str = "cohesion_survey"
    user: tuple[str, str] = ("analyst@example.org", "odk-test-password")
    values: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.fp.route("GET", f"/v1/projects/{self.project}/forms/{self.form}.svc/Submissions", self._feed)

    def add_many(self, n: int, same_date: bool = False) -> None:
        """``n`` submissions a minute apart, or (``same_date``) all at the time of the latest one."""
        base = datetime(2025, 3, 1, 10, tzinfo=UTC)
        last = len(self.values)
        for _ in range(n):
            i = len(self.values) + 1
            when = base + timedelta(minutes=last if same_date else i)
            self.values.append({
                "__id": f"uuid:odk-{i:04d}", "meta": {"instanceID": f"uuid:odk-{i:04d}"},
                "__system": {"submissionDate": when.strftime("%Y-%m-%dT%H:%M:%S.000Z"), "updatedAt": None,
                             "submitterId": "12", "submitterName": handle(i), "attachmentsPresent": 0,
                             "attachmentsExpected": 0, "status": None, "reviewState": None, "deviceId": None,
                             "edits": 0, "formVersion": "1"},
                "group_cohesion": {"sc1": 1 + i % 5, "sc2": i % 4}, "area_code": "E01000001",
                "location": {"type": "Point", "coordinates": [-0.1, 51.5, 0], "properties": {"accuracy": 5}},
                "household@odata.navigationLink": f"Submissions('uuid:odk-{i:04d}')/household",
                "note": f"by {handle(i)}"})

    def _feed(self, req: Request) -> Reply:
        expected = "Basic " + base64.b64encode(":".join(self.user).encode()).decode()
        if req.headers.get("Authorization") != expected:
            return Reply.json({"message": "Could not authenticate with the provided credentials.", "code": 401.2},
                              status=401)
        rows = sorted(self.values, key=lambda v: (v["__system"]["submissionDate"], v["__id"]))
        flt = req.arg("$filter")
        if flt:
            since = flt.rsplit(" ", 1)[-1]
            rows = [v for v in rows if v["__system"]["submissionDate"] >= since]
        token = req.arg("$skiptoken")
        skip = int(json.loads(base64.urlsafe_b64decode(token))["skip"]) if token else 0
        top = int(req.arg("$top") or 1000)
        page = rows[skip:skip + top]
        doc: dict = {"@odata.context": f"{self.fp.url}/v1/projects/{self.project}/forms/{self.form}.svc/"
                     "$metadata#Submissions", "value": page}
        if skip + top < len(rows):
            token = base64.urlsafe_b64encode(json.dumps({"skip": skip + top}).encode()).decode()
            keep = f"&$filter={flt}" if flt else ""
            doc["@odata.nextLink"] = (f"{self.fp.url}/v1/projects/{self.project}/forms/{self.form}.svc/Submissions"
                                      f"?$top={top}&$orderby=__system/submissionDate{keep}&$skiptoken={token}")
        return Reply.json(doc)


# ------------------------------------------------------------------------------------------------ police.uk
@dataclass
class FakePoliceUk:
    """``/api/crimes-street-dates`` and ``/api/crimes-street/all-crime?poly=&date=`` (GET or POST form); more than
    ``limit`` crimes in the polygon answers 503, as the API does above 10,000."""

    fp: FakePlatform
    crimes: dict[str, list[dict]] = field(default_factory=dict)  # month -> crimes
    limit: int = 10_000

    def __post_init__(self) -> None:
        self.fp.route("GET", "/api/crimes-street-dates", self._dates)
        self.fp.route("GET", "/api/crimes-street/all-crime", self._crimes)
        self.fp.route("POST", "/api/crimes-street/all-crime", self._crimes)

    def add_month(self, month: str, n: int, west: float, south: float, east: float, north: float,
                  asb_every: int = 5) -> None:
        out = self.crimes.setdefault(month, [])
        before = sum(len(v) for v in self.crimes.values())  # the API's ids are unique across months
        side = max(int(n ** 0.5), 1)
        rows = -(-n // side)
        for k in range(n):  # a grid of points, none on a quarter's edge
            i = len(out) + 1
            lat = south + (north - south) * ((k // side) + 0.5) / rows
            lng = west + (east - west) * ((k % side) + 0.5) / side
            asb = i % asb_every == 0
            out.append({"category": "anti-social-behaviour" if asb else "violent-crime", "location_type": "Force",
                        "location": {"latitude": f"{lat:.6f}", "longitude": f"{lng:.6f}",
                                     "street": {"id": 880000 + i, "name": "On or near High Street"}},
                        "context": "", "outcome_status": None if asb else {"category": "Under investigation",
                                                                          "date": month},
                        "persistent_id": "" if asb else f"{month}-{i:05d}" + "f" * 50, "id": 100000 + before + k,
                        "location_subtype": "", "month": month})

    def _dates(self, req: Request) -> Reply:
        return Reply.json([{"date": m, "stop-and-search": ["metropolitan"]} for m in sorted(self.crimes,
                                                                                               reverse=True)])

    def _crimes(self, req: Request) -> Reply:
        from urllib.parse import parse_qs

        from shapely.geometry import Point, Polygon

        args = dict(req.query)
        if req.method == "POST":
            args.update(parse_qs(req.body.decode()))
        month, poly = args["date"][0], args["poly"][0]
        shape = Polygon([(float(lng), float(lat)) for lat, lng in (p.split(",") for p in poly.split(":"))])
        inside = [c for c in self.crimes.get(month, [])
                  if shape.covers(Point(float(c["location"]["longitude"]), float(c["location"]["latitude"])))]
        if len(inside) > self.limit:
            return Reply.text("<html><body>503 Service Unavailable</body></html>", "text/html", status=503)
        return Reply.json(inside)
