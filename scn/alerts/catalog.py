"""The published ``alerts`` table as inbox entries: a stable id per alert and its plain facts as codes and numbers
(this week's count, the usual weekly count, the area, the day it was raised and its age in days; whether its
counts are withheld from the audience, ``counts_withheld``).

The id is derived from what names an alert (city, type, area, period), so the same alert keeps its id across
re-publishes; two alerts with the same name (two coordinated clusters of one city in one week) get ``-2``, ``-3``
by their first appearance. The facts are taken from the frame as given: shape it for the audience first
(``scn.privacy.disclosure.for_audience``, through ``shaped``, which names the alerts before an official's copy
loses those whose existence would give a small count back), and a suppressed count stays missing here."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd

from scn.privacy.disclosure import alert_totals, for_audience

STATES = ("new", "acknowledged", "closed")
ACTIONS = {"acknowledge": "acknowledged", "close": "closed", "reopen": "new"}
FACT_COLUMNS = ["alert_id", "city_id", "alert_type", "area_code", "area_name", "area_name_local", "period",
                "raised_on", "age_days", "this_week", "usual", "posts", "accounts", "counts_withheld", "score",
                "evidence"]


def shaped(alerts: pd.DataFrame, audience: str, table: Callable[[str], pd.DataFrame], *, k: int) -> pd.DataFrame:
    """The published ``alerts`` shaped for ``audience`` (``for_audience``): for an official, set against the
    published totals of their cities (``table(name)``: a published table's rows, empty when not published;
    ``scn.privacy.disclosure.alert_totals``; ``k``: the audience's threshold, from the caller's settings). The inbox,
    the city page and the notifier shape alerts here."""
    parts = None if audience == "staff" else alert_totals(table, k)
    if "alert_id" not in alerts.columns:  # named before shaping: an alert an official does not get shifts no id
        alerts = alerts.assign(alert_id=alert_ids(alerts))
    return for_audience("alerts", alerts, audience, parts=parts, k=k, min_group=None)


def alert_ids(alerts: pd.DataFrame) -> pd.Series:
    """``a-<16 hex>``: SHA-256 of ``city|type|area|period``; repeated names get ``-2``, ``-3`` in row order."""
    parts = [alerts[c].astype(object).where(alerts[c].notna(), "").astype(str) if c in alerts.columns
             else pd.Series("", index=alerts.index) for c in ("city_id", "alert_type", "area_code", "period")]
    names = parts[0] + "|" + parts[1] + "|" + parts[2] + "|" + parts[3]
    base = pd.Series(["a-" + hashlib.sha256(n.encode()).hexdigest()[:16] for n in names], index=alerts.index)
    rank = base.groupby(base).cumcount()
    return base.where(rank == 0, base + "-" + (rank + 1).astype(str))


def _number(ev: dict, key: str) -> float:
    v = ev.get(key)
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else np.nan


def raised_on(alerts: pd.DataFrame) -> pd.Series:
    """The day an alert was raised: the last day of its ISO week (a burst), the last post seen (coordinated)."""
    period = alerts["period"].astype("string") if "period" in alerts.columns else pd.Series(pd.NA, index=alerts.index)
    week_end = pd.to_datetime(period + "-7", format="%G-W%V-%u", errors="coerce")
    last = pd.to_datetime(alerts["last_seen"], utc=True, errors="coerce").dt.tz_localize(None) \
        if "last_seen" in alerts.columns else pd.Series(pd.NaT, index=alerts.index)
    return last.fillna(week_end).dt.normalize()


def alert_facts(alerts: pd.DataFrame, areas: pd.DataFrame | None = None, today: date | None = None) -> pd.DataFrame:
    """One row per alert (newest first): id, city, type, area code and names, period, the day raised and the age
    in days, this week's flagged posts and the usual weekly count (bursts), posts and accounts (coordinated),
    whether those counts are withheld (``counts_withheld``: set against the published totals they would give a
    small count back), score and the evidence JSON as given. Missing numbers are suppressed or absent."""
    if alerts is None or alerts.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in FACT_COLUMNS})
    today = today or date.today()
    ev = [json.loads(e) if isinstance(e, str) and e.startswith("{") else {} for e in alerts.get(
        "evidence", pd.Series(None, index=alerts.index))]  # one small JSON per alert (not per post)
    out = pd.DataFrame({
        "alert_id": (alerts["alert_id"] if "alert_id" in alerts.columns else alert_ids(alerts)).to_numpy(), "city_id": alerts["city_id"].to_numpy(),
        "alert_type": alerts["alert_type"].to_numpy(),
        "area_code": alerts["area_code"].to_numpy() if "area_code" in alerts.columns else None,
        "period": alerts["period"].to_numpy(),
        "raised_on": raised_on(alerts).to_numpy(),
        "this_week": [_number(e, "flagged_posts") for e in ev], "usual": [_number(e, "baseline") for e in ev],
        "posts": [_number(e, "posts") for e in ev], "accounts": [_number(e, "accounts") for e in ev],
        "counts_withheld": [e.get("counts_withheld") is True for e in ev],
        "score": pd.to_numeric(alerts["score"], errors="coerce").to_numpy() if "score" in alerts.columns else np.nan,
        "evidence": alerts["evidence"].to_numpy() if "evidence" in alerts.columns else None})
    out["age_days"] = (pd.Timestamp(today) - pd.to_datetime(out["raised_on"])).dt.days.clip(lower=0).astype("Int64")
    names = pd.DataFrame(columns=["city_id", "area_code", "area_name", "area_name_local"])
    if areas is not None and len(areas) and {"city_id", "area_code", "area_name"} <= set(areas.columns):
        names = areas.reindex(columns=names.columns).drop_duplicates(["city_id", "area_code"], keep="last")
    out = out.merge(names, on=["city_id", "area_code"], how="left")
    return out[FACT_COLUMNS].sort_values(["raised_on", "alert_id"], ascending=[False, True], ignore_index=True)
