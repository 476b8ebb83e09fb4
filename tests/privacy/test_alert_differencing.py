"""Alert counts set against the published totals (red-team finding): an alert shows officials the flagged posts
of one area in one ISO week (k or more), its usual weekly count (times the window's weeks: a sum) and a
coordinated cluster's posts and accounts, whatever level the city is shown at. A published total (an area's
quarter or year, the city's month) minus the alert counts inside it was a hidden count of 1..4 (k = 5).

The world (2025, k = 5), city ``c`` shown by area (``area_month``) and city ``d`` shown only as a whole
(``city_month``, no area view at all):

- c/A: Q1 = 14 flagged posts, an alert in 2025-W10 (March) shows 12: 14 - 12 = 2 posts in the rest of Q1;
- c/A: Q2 = 22, alerts in 2025-W15 (10) and 2025-W20 (9): each alone leaves 12 or 13, both 22 - 19 = 3;
- c/B: May-July = 29, an alert in 2025-W30 shows 15 and a usual 1.5 a week over the 8 weeks W22-W29 (12):
  29 - 15 - 12 = 2 (15 alone leaves 14);
- c/E: the area's only posts, 7 in September (its months hidden: fewer than 5 elsewhere), an alert of 5:
  7 - 5 = 2;
- d: August = 31 flagged posts in the city, alerts in two areas (14, 15): 31 - 29 = 2; June = 43 posts, a
  coordinated cluster of 40 posts from 6 accounts: 43 - 40 = 3;
- c/F (control): October = 40, an alert of 12 and a usual of 2 over 8 weeks: nothing small follows, shown.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scn import settings
from scn.alerts.catalog import alert_facts
from tests.support.snapshots import publish_tables

K = 5
MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]
FLAGGED = {("c", "A"): {"2025-01": 2, "2025-03": 12, "2025-04": 10, "2025-05": 9, "2025-06": 3},
           ("c", "B"): {"2025-05": 3, "2025-06": 6, "2025-07": 20},
           ("c", "E"): {"2025-09": 7},
           ("c", "F"): {"2025-08": 10, "2025-09": 10, "2025-10": 40},
           ("d", "D1"): {"2025-08": 16}, ("d", "D2"): {"2025-08": 15}}
D_POSTS = {m: 43 if m == "2025-06" else 50 for m in MONTHS}
BURST = {"code": "speech_burst", "baseline_weeks": 8, "p_value": 1e-6, "upper": 6, "seasonal": 1.0}


def _burst(city: str, area: str, week: str, n: int, baseline: float = 0.5, start: str = "", end: str = "") -> dict:
    ev = {**BURST, "flagged_posts": n, "week": week, "baseline": baseline}
    if start:
        ev |= {"baseline_from": start, "baseline_to": end}
    return {"city_id": city, "alert_type": "burst", "area_code": area, "period": week, "score": 6.0,
            "evidence": json.dumps(ev), "first_seen": pd.NaT, "last_seen": pd.NaT}


def _alerts() -> pd.DataFrame:
    rows = [_burst("c", "A", "2025-W10", 12), _burst("c", "A", "2025-W15", 10), _burst("c", "A", "2025-W20", 9),
            _burst("c", "B", "2025-W30", 15, 1.5, "2025-W22", "2025-W29"), _burst("c", "E", "2025-W37", 5),
            _burst("c", "F", "2025-W42", 12, 2.0, "2025-W34", "2025-W41"),
            _burst("d", "D1", "2025-W32", 14), _burst("d", "D2", "2025-W33", 15),
            {"city_id": "d", "alert_type": "coordinated", "area_code": None, "period": "2025-W24", "score": 6.0,
             "evidence": json.dumps({"code": "near_duplicates", "posts": 40, "accounts": 6, "shares": 0,
                                     "content_share": 0.9, "hateful_posts": 36, "hostile_calls": 0,
                                     "first_seen": "2025-06-10T12:00Z", "last_seen": "2025-06-10T15:00Z",
                                     "fingerprint": "3f9a1c0b7e"}),
             "first_seen": pd.Timestamp("2025-06-10 12:00", tz="UTC"),
             "last_seen": pd.Timestamp("2025-06-10 15:00", tz="UTC")}]
    return pd.DataFrame(rows)


def _tables() -> dict[str, pd.DataFrame]:
    area_month = pd.DataFrame([{"city_id": c, "area_code": a, "period": m, "flagged_posts": v.get(m, 0),
                                "posts": v.get(m, 0) + 30} for (c, a), v in FLAGGED.items() if c == "c"
                               for m in MONTHS])
    city = pd.DataFrame([{"city_id": c, "period": m, "flagged_posts": sum(v.get(m, 0) for (cc, _), v in
                                                                          FLAGGED.items() if cc == c)}
                         for c in ("c", "d") for m in MONTHS])
    city["posts"] = np.where(city["city_id"] == "d", city["period"].map(D_POSTS), city["flagged_posts"] + 120)
    areas = pd.DataFrame({"city_id": ["c"] * 4 + ["d"] * 2, "area_code": ["A", "B", "E", "F", "D1", "D2"],
                          "area_name": ["Alpha", "Beta", "Echo", "Foxtrot", "Delta 1", "Delta 2"],
                          "area_name_local": None})
    cities = pd.DataFrame({"city_id": ["c", "d"], "name": ["Cadiz", "Dundee"]})
    return {"alerts": _alerts(), "area_month": area_month, "city_month": city, "areas": areas, "cities": cities}


def _runs(totals: pd.Series) -> list[tuple[tuple[str, ...], float]]:
    """Every run of consecutive months of one unit and its total (what any level of the unit sums to)."""
    months = list(totals.index)
    return [(tuple(months[i:j + 1]), float(totals.iloc[i:j + 1].sum())) for i in range(len(months))
            for j in range(i, len(months))]


def _weeks(text: object) -> tuple[str, ...]:
    if not isinstance(text, str):
        return ()
    start = pd.to_datetime(f"{text}-1", format="%G-W%V-%u")
    return tuple(sorted({(start + pd.Timedelta(days=d)).strftime("%Y-%m") for d in range(7)}))


def _attack(facts: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> list[str]:
    """The attacker: every published total of a run of months (an area's, the city's) minus the alert counts
    shown inside it (this week's posts, usual x weeks, a cluster's posts); the remainders of 1..k-1."""
    parts = []  # (city, area or None, metric, months, value)
    for f in facts.to_dict("records"):
        ev = json.loads(f["evidence"])
        area = f["area_code"] if isinstance(f["area_code"], str) else None
        if not pd.isna(f["this_week"]):
            parts.append((f["city_id"], area, "flagged_posts", _weeks(ev.get("week")), f["this_week"]))
        if not pd.isna(f["usual"]) and ev.get("baseline_from"):
            window = tuple(sorted(set(_weeks(ev["baseline_from"])) | set(_weeks(ev["baseline_to"]))))
            months = tuple(m for m in MONTHS if window[0] <= m <= window[-1])
            parts.append((f["city_id"], area, "flagged_posts", months, f["usual"] * ev["baseline_weeks"]))
        if not pd.isna(f["posts"]):
            parts.append((f["city_id"], None, "posts", (str(ev["first_seen"])[:7],), f["posts"]))
    leaks = []
    for name, key in (("area_month", "area_code"), ("city_month", None)):
        frame = tables[name]
        for (city, unit), rows in frame.groupby(["city_id", key or "city_id"]):
            for metric in ("flagged_posts", "posts"):
                for months, total in _runs(rows.set_index("period")[metric]):
                    inside = sum(v for c, a, m, span, v in parts if c == city and m == metric and span
                                 and set(span) <= set(months) and (key is None or a == unit))
                    if inside and 0 < total - inside < K:
                        leaks.append(f"{city}/{unit} {metric} {months[0]}..{months[-1]}: {total} - {inside}")
    return leaks


def _official(how: str, home: Path) -> pd.DataFrame:
    """The official's alert facts through the code path of ``how``: the export, the notifier, the inbox page."""
    with settings.override(home=home, alert_expire_days=100_000):  # old alerts are not sent: these are
        if how == "export":
            from scn.publish import exports

            shaped = pd.concat([exports.table("alerts", c, "official") for c in ("c", "d")], ignore_index=True)
            return alert_facts(shaped, None, date(2025, 12, 1))
        if how == "notifier":
            from scn.alerts.notifier import published_facts

            return published_facts(date(2025, 12, 1))[0]
        from dashboards.components.alerts import inbox

        return pd.concat([inbox(c, "official") for c in ("c", "d")], ignore_index=True)


@pytest.fixture()
def world(home: Path) -> Path:
    publish_tables(home, _tables())
    return home


def test_the_attack_works_on_what_staff_see() -> None:
    """The numbers of the module doc: staff's facts give every small remainder back."""
    leaks = _attack(alert_facts(_alerts()), _tables())
    for found in ("c/A flagged_posts 2025-01..2025-03: 14.0 - 12.0", "c/A flagged_posts 2025-04..2025-06: 22.0 - 19.0",
                  "c/B flagged_posts 2025-05..2025-07: 29.0 - 27.0", "c/E flagged_posts 2025-09..2025-09: 7.0 - 5.0",
                  "d/d flagged_posts 2025-08..2025-08: 31.0 - 29.0", "d/d posts 2025-06..2025-06: 43.0 - 40.0"):
        assert found in leaks, leaks


@pytest.mark.parametrize("how", ["export", "notifier", "inbox"])
def test_no_alert_count_gives_a_small_count_back(world: Path, how: str) -> None:
    facts = _official(how, world)
    assert len(facts) == len(_alerts())  # every alert still reaches the official
    assert not _attack(facts, _tables())
    by = facts.set_index(["city_id", "period"])
    for key in [("c", "2025-W10"), ("c", "2025-W15"), ("c", "2025-W20"), ("c", "2025-W30"), ("c", "2025-W37"),
                ("d", "2025-W32"), ("d", "2025-W33"), ("d", "2025-W24")]:
        row = by.loc[key]
        assert pd.isna(row["this_week"]) and pd.isna(row["usual"]) and pd.isna(row["score"]), key
        assert pd.isna(row["posts"]) and pd.isna(row["accounts"]), key
        ev = json.loads(row["evidence"])
        assert ev["counts_withheld"] is True and ev.get("p_value") is None and ev.get("upper") is None, key
    cluster = json.loads(by.loc[("d", "2025-W24"), "evidence"])
    assert cluster["hateful_posts"] is None and cluster["content_share"] is None
    assert cluster["first_seen"] == "2025-06-10T12:00Z" and cluster["code"] == "near_duplicates"
    control = by.loc[("c", "2025-W42")]  # nothing small follows: shown
    assert (control["this_week"], control["usual"], control["score"]) == (12, 2.0, 6.0)
    assert "counts_withheld" not in json.loads(control["evidence"])


def test_staff_keep_every_count(world: Path) -> None:
    from scn.publish import exports

    with settings.override(home=world):
        staff = alert_facts(exports.table("alerts", "c", "staff"))
    assert sorted(staff["this_week"]) == [5, 9, 10, 12, 12, 15]
    assert staff["evidence"].map(lambda e: "counts_withheld" not in json.loads(e)).all()


def test_without_the_totals_an_official_gets_no_count() -> None:
    """``for_audience`` fails closed: alerts shaped for an official without the published totals (``parts``)
    lose every count; with no totals published (an empty frame) nothing can be differenced."""
    from scn.privacy.disclosure import alert_totals, for_audience

    alerts = _alerts()
    bare = alert_facts(for_audience("alerts", alerts, "official"))
    assert bare["this_week"].isna().all() and bare["posts"].isna().all() and bare["score"].isna().all()
    nothing = alert_facts(for_audience("alerts", alerts, "official", parts=alert_totals(lambda name: pd.DataFrame())))
    assert nothing["this_week"].notna().sum() == 8
    assert nothing["posts"].notna().sum() == 0  # the cluster's own counts: 40 posts - 36 hateful = 4 (below)


@pytest.mark.parametrize(("hateful", "shares", "shown"), [(36, 0, False), (30, 0, True), (30, 38, False),
                                                          (30, 35, True), (40, 0, True)])
def test_an_alerts_own_counts_do_not_difference_each_other(hateful: int, shares: int, shown: bool) -> None:
    """A cluster's hateful posts and shares are parts of its posts: posts - part shown beside it is the count of
    the rest (posts not hateful, posts not shares), which must not be small (1..k-1); 0 is no one's count."""
    from scn.privacy.disclosure import alert_totals, for_audience

    alerts = _alerts().iloc[[-1]].copy()
    ev = json.loads(alerts["evidence"].iloc[0]) | {"hateful_posts": hateful, "shares": shares}
    alerts["evidence"] = [json.dumps(ev)]
    facts = alert_facts(for_audience("alerts", alerts, "official", parts=alert_totals(lambda name: pd.DataFrame())))
    assert facts["posts"].notna().tolist() == [shown]
    assert (json.loads(facts["evidence"].iloc[0]).get("hateful_posts") is not None) == shown


def test_the_published_cells_are_totals_too() -> None:
    """A city shown by its cells only: the month's cells (all shown) minus the alert's week is the rest."""
    from scn.privacy.disclosure import alert_totals, for_audience

    cells = pd.DataFrame({"city_id": "c", "cell": ["8828308281fffff", "8828308283fffff"], "resolution": 8,
                          "period": "2025-03", "flagged_posts": [8, 6], "posts": [40, 40]})
    alerts = _alerts().iloc[[0]]
    def published(frame: pd.DataFrame):
        return alert_totals(lambda name: frame if name == "cell_month" else pd.DataFrame())

    shown = alert_facts(for_audience("alerts", alerts, "official", parts=published(cells)))
    assert shown["this_week"].isna().all()  # 14 - 12 = 2
    cells["flagged_posts"] = [12, 8]
    assert alert_facts(for_audience("alerts", alerts, "official", parts=published(cells)))["this_week"].tolist() == [12]


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_the_page_words_a_withheld_alert_without_fewer_than_k(world: Path, lang: str) -> None:
    from scn.words.alerts import alert_sentence, evidence, t

    facts = _official("export", world).set_index("period")
    burst, cluster = facts.loc["2025-W10"].to_dict(), facts.loc["2025-W24"].to_dict()
    fewer = t("fewer_than", lang, k=K)
    for row in (burst, cluster):
        sentence, text = alert_sentence(row, lang, "Cadiz"), evidence(row["evidence"], lang)
        assert fewer not in sentence and fewer not in text and t("counts_withheld", lang) in text
    assert t("alert_rise_withheld", lang, area="A") == alert_sentence(burst, lang, "Cadiz")
    assert "3f9a1c0b7e" in evidence(cluster["evidence"], lang)


def _existence_world(total: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """City ``e``: area G's March total ``total``, two bursts of 3 flagged posts in 2025-W10 and 2025-W12 (both
    wholly in March); area H holds 40 more, so the city's month is not itself the leak."""
    alerts = pd.DataFrame([_burst("e", "G", "2025-W10", 3), _burst("e", "G", "2025-W12", 3)])
    area_month = pd.DataFrame([{"city_id": "e", "area_code": a, "period": "2025-03", "flagged_posts": v,
                                "posts": v + 30} for a, v in (("G", total), ("H", 40))])
    city = pd.DataFrame([{"city_id": "e", "period": "2025-03", "flagged_posts": total + 40, "posts": total + 100}])
    return alerts, alert_totals_of({"area_month": area_month, "city_month": city})


def alert_totals_of(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    from scn.privacy.disclosure import alert_totals

    return alert_totals(lambda name: tables.get(name, pd.DataFrame()))


@pytest.mark.parametrize(("total", "kept"), [(6, 0), (7, 2), (9, 2)])
def test_an_alerts_existence_gives_no_small_count_back(total: int, kept: int) -> None:
    """Two bursts of an area in one month, their counts (3 and 3) hidden as small: a burst means 3 or more
    flagged posts, so a month total of 6 says both were 3 (k = 5) though no count is shown. The official gets
    neither alert (staff keep both); with 7 the counts are 3 + 4 or 4 + 3 (each two values): both kept."""
    from scn.privacy.disclosure import for_audience

    alerts, totals = _existence_world(total)
    official = alert_facts(for_audience("alerts", alerts, "official", parts=totals))
    assert len(official) == kept
    assert official["this_week"].isna().all()
    assert len(alert_facts(for_audience("alerts", alerts, "staff"))) == 2


def test_the_floor_is_the_burst_rule_and_the_clusters() -> None:
    """The floors officials can read off an alert's existence are the rules' own minimums."""
    from geo.warning import MIN_POSTS
    from scn.analysis.coordination import MIN_ACCOUNTS, coordinated_posting
    from scn.privacy.disclosure import ALERT_FLOORS

    assert ALERT_FLOORS == {"flagged_posts": MIN_POSTS, "posts": MIN_ACCOUNTS}
    import inspect

    assert inspect.signature(coordinated_posting).parameters["min_accounts"].default == MIN_ACCOUNTS


def test_with_k_4_a_burst_shown_as_fewer_than_k_is_withheld_and_a_month_of_3_drops_it() -> None:
    """k = 4: a burst's count "fewer than 4" is 3 (its floor): withheld; an area whose month holds only that
    burst's 3 posts (hidden: 3 < 4) is pinned by the alert's existence: not shown to officials at all."""
    from scn.privacy.disclosure import for_audience

    alerts = pd.DataFrame([_burst("e", "G", "2025-W10", 3)])
    for total, kept in ((3, 0), (4, 1), (8, 1)):
        tables = {"area_month": pd.DataFrame([{"city_id": "e", "area_code": "G", "period": "2025-03",
                                               "flagged_posts": total, "posts": total + 30},
                                              {"city_id": "e", "area_code": "H", "period": "2025-03",
                                               "flagged_posts": 40, "posts": 70}])}
        with settings.override(suppress_below=4):
            facts = alert_facts(for_audience("alerts", alerts, "official", parts=alert_totals_of(tables)))
        assert len(facts) == kept, total
        if kept:
            ev = json.loads(facts["evidence"].iloc[0])
            assert ev.get("counts_withheld") is True and ev.get("flagged_posts") is None, total


def _cluster(posts: int, day: str) -> dict:
    ev = {"code": "near_duplicates", "posts": posts, "accounts": 5, "shares": 0, "content_share": 0.9,
          "hateful_posts": posts, "hostile_calls": 0, "first_seen": f"{day}T12:00Z", "last_seen": f"{day}T15:00Z",
          "fingerprint": "0a1b2c3d4e"}
    return {"city_id": "e", "alert_type": "coordinated", "area_code": None, "period": "2025-W09", "score": 6.0,
            "evidence": json.dumps(ev), "first_seen": pd.Timestamp(f"{day} 12:00", tz="UTC"),
            "last_seen": pd.Timestamp(f"{day} 15:00", tz="UTC")}


def test_an_alert_an_official_does_not_get_shifts_no_other_alerts_id() -> None:
    """k = 6: two coordinated clusters of one city in one week (2025-W09: 24 February - 2 March) share a name
    (ids ``a-...`` and ``a-...-2``). The first, on 25 February, has 5 posts (from at least 5 accounts, so "fewer
    than 6" is 5) and the city's February holds 5 posts: its existence pins them, the official does not get it.
    The second (1 March, 40 posts of a March of 100) is shown and keeps its own id (staff's ``-2``), so an
    official's acknowledgement never lands on another alert."""
    from scn.alerts.catalog import alert_ids, shaped

    alerts = pd.DataFrame([_cluster(5, "2025-02-25"), _cluster(40, "2025-03-01")])
    city = pd.DataFrame({"city_id": "e", "period": ["2025-02", "2025-03"], "posts": [5, 100]})
    with settings.override(suppress_below=6):
        official = alert_facts(shaped(alerts, "official", lambda name: city if name == "city_month"
                                      else pd.DataFrame()))
    ids = alert_ids(alerts)
    assert ids.iloc[1].endswith("-2")
    assert official["alert_id"].tolist() == [ids.iloc[1]] and official["posts"].tolist() == [40]


@pytest.mark.parametrize(("volume", "shown"), [(2.0, False), (1.0, True)])
def test_the_baseline_window_sum_divides_out_the_collection_volume(volume: float, shown: bool) -> None:
    """The usual weekly count is the baseline weeks' mean x the season x the collection volume (geo.warning): an
    official reads the window's sum as usual x weeks / (seasonal x volume). Area B, May-July = 23 flagged posts, an
    alert of 15 in 2025-W30 whose usual 1.5 over the 8 weeks W22-W29 came with the city collecting twice its usual
    volume: the window held 6, and 23 - 15 - 6 = 2. With a volume of 1 the window held 12: nothing small follows."""
    from scn.privacy.disclosure import for_audience

    alert = _burst("c", "B", "2025-W30", 15, 1.5, "2025-W22", "2025-W29")
    alert["evidence"] = json.dumps(json.loads(alert["evidence"]) | {"volume": volume})
    months = {"2025-05": 3, "2025-06": 5, "2025-07": 15}
    area_month = pd.DataFrame([{"city_id": "c", "area_code": "B", "period": m, "flagged_posts": v, "posts": v + 30}
                               for m, v in months.items()])
    facts = alert_facts(for_audience("alerts", pd.DataFrame([alert]), "official",
                                     parts=alert_totals_of({"area_month": area_month})))
    assert facts["this_week"].notna().tolist() == [shown]
