"""Alert rows as the analysis writes them (a burst, a coordinated cluster) and the published totals the alert rule
is given, for the tests of the alert disclosure rule (tests/privacy)."""

from __future__ import annotations

import json

import pandas as pd

BURST = {"code": "speech_burst", "baseline_weeks": 8, "p_value": 1e-6, "upper": 6, "seasonal": 1.0}


def burst(city: str, area: str, week: str, n: int, baseline: float = 0.5, start: str = "", end: str = "") -> dict:
    ev = {**BURST, "flagged_posts": n, "week": week, "baseline": baseline}
    if start:
        ev |= {"baseline_from": start, "baseline_to": end}
    return {"city_id": city, "alert_type": "burst", "area_code": area, "period": week, "score": 6.0,
            "evidence": json.dumps(ev), "first_seen": pd.NaT, "last_seen": pd.NaT}


def cluster(posts: int, day: str) -> dict:
    ev = {"code": "near_duplicates", "posts": posts, "accounts": 5, "shares": 0, "content_share": 0.9,
          "hateful_posts": posts, "hostile_calls": 0, "first_seen": f"{day}T12:00Z", "last_seen": f"{day}T15:00Z",
          "fingerprint": "0a1b2c3d4e"}
    return {"city_id": "e", "alert_type": "coordinated", "area_code": None, "period": "2025-W09", "score": 6.0,
            "evidence": json.dumps(ev), "first_seen": pd.Timestamp(f"{day} 12:00", tz="UTC"),
            "last_seen": pd.Timestamp(f"{day} 15:00", tz="UTC")}


def alert_totals_of(tables: dict[str, pd.DataFrame], k: int = 5) -> pd.DataFrame:
    """The published totals of ``tables`` alert counts are set against, under threshold ``k`` (the tests' default
    5: a pure test helper)."""
    from scn.privacy.disclosure import alert_totals

    return alert_totals(lambda name: tables.get(name, pd.DataFrame()), k=k)
