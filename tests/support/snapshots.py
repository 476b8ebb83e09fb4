"""A realistic synthetic serving snapshot (every table the dashboards read), published with scn.publish.serving.publish.

Two cities with data (london: 217 res-8 cells, saida: 61), three members without, 12 months, counts small
enough that suppression matters, one failed check, quarantined rows, alerts and risk per area.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import h3
import numpy as np
import pandas as pd

from scn.publish import serving
from scn.settings import override

PERIODS = [f"{2025 + (m + 10) // 12}-{(m + 10) % 12 + 1:02d}" for m in range(12)]  # 2025-11 .. 2026-10
CITIES = pd.DataFrame({
    "city_id": ["london", "saida", "aarhus", "melbourne", "mombasa"],
    "name": ["London", "Saida", "Aarhus", "Melbourne", "Mombasa"],
    "country": ["United Kingdom", "Lebanon", "Denmark", "Australia", "Kenya"],
    "country_code": ["GB", "LB", "DK", "AU", "KE"],
    "region": ["Europe", "MENA", "Europe", "Asia-Pacific", "Sub-Saharan Africa"],
    "continent": ["Europe", "Asia", "Europe", "Oceania", "Africa"],
    "lat": [51.5074, 33.5571, 56.1629, -37.8136, -4.0435],
    "lon": [-0.1278, 35.3729, 10.2039, 144.9631, 39.6682],
    "population": [8_900_000, 266_000, 360_000, 5_000_000, 1_200_000],
    "steering_committee": [True, False, True, True, False],
    "joined_year": pd.array([2015, 2017, 2015, 2015, 2016], dtype="Int32"),
    "themes": ["summit;local_action_planning", "local_prevention_network", "summit", "summit", "young_cities"],
})
RINGS = {"london": 8, "saida": 4}
LANGS = ("en", "fr", "ar")


def _areas(city_id: str, lat: float, lon: float, side: int = 4, step: float = 0.02) -> pd.DataFrame:
    rows = []
    for i in range(side):
        for j in range(side):
            la, lo = lat - step * side / 2 + i * step, lon - step * side / 2 * 1.6 + j * step * 1.6
            ring = [(lo, la), (lo + step * 1.6, la), (lo + step * 1.6, la + step), (lo, la + step), (lo, la)]
            wkt = "POLYGON ((" + ", ".join(f"{x:.6f} {y:.6f}" for x, y in ring) + "))"
            rows.append({"city_id": city_id, "area_code": f"{city_id[:3].upper()}-{i * side + j + 1:03d}",
                         "area_name": f"{city_id.title()} {i * side + j + 1}", "area_name_local": None,
                         "population": 10_000 + 1000 * (i + j), "geometry_wkt": wkt,
                         "centroid_lat": la + step / 2, "centroid_lon": lo + step * 0.8})
    return pd.DataFrame(rows)


def make_tables(seed: int = 0, rings: dict[str, int] | None = None) -> dict[str, pd.DataFrame]:
    """Every serving table, shaped as docs/CONTRACTS.md says."""
    rng = np.random.default_rng(seed)
    rings = rings or RINGS
    cells, areas = [], []
    for city_id, ring in rings.items():
        c = CITIES.set_index("city_id").loc[city_id]
        hexes = sorted(h3.grid_disk(h3.latlng_to_cell(c["lat"], c["lon"], 8), ring))
        a = _areas(city_id, c["lat"], c["lon"])
        areas.append(a)
        n = len(hexes) * len(PERIODS)
        flagged = rng.poisson(1.5, n)
        frame = pd.DataFrame({"city_id": city_id, "cell": np.repeat(hexes, len(PERIODS)), "resolution": 8,
                              "period": np.tile(PERIODS, len(hexes)), "posts": flagged + rng.poisson(6, n),
                              "flagged_posts": flagged, "crimes": rng.poisson(3, n),
                              "hate_crimes": rng.poisson(0.5 + 0.3 * flagged), "population": np.nan})
        frame["area_code"] = np.repeat(a["area_code"].to_numpy()[np.arange(len(hexes)) % len(a)], len(PERIODS))
        cells.append(frame)
    cm = pd.concat(cells, ignore_index=True)
    counts = ["posts", "flagged_posts", "crimes", "hate_crimes"]
    areas_df = pd.concat(areas, ignore_index=True)
    area_month = cm.groupby(["city_id", "area_code", "period"], as_index=False)[counts].sum().merge(
        areas_df[["area_code", "population"]], on="area_code")
    city_month = cm.groupby(["city_id", "period"], as_index=False)[counts].sum()
    city_month.insert(4, "not_assessed_posts", (city_month["posts"] * 0.05).astype("int64"))
    city_month["population"] = city_month["city_id"].map(CITIES.set_index("city_id")["population"])
    cm = cm.drop(columns="area_code")

    corr = []
    for city_id, ring in rings.items():
        n_cells = 3 * ring * (ring + 1) + 1
        base = {"city_id": city_id}
        n_obs = n_cells * (len(PERIODS) - 1)
        method = {"method": "fe_quasi_poisson_cell_month", "n_cells": n_cells, "n_periods": len(PERIODS)}
        # the engine's rows (scn/analysis/engine.py): within-place rate ratios per doubling both ways, checks, and
        # one verdict row per city whose detail is the evidence (geo/verdict.py)
        corr += [{**base, "analysis": a, "estimate": e, "ci_low": lo, "ci_high": hi, "p_value": p, "n": n_obs,
                  "lag": lag, "unit": unit, "detail": json.dumps(method)}
                 for a, lag, e, lo, hi, p, unit in (
                     ("speech_to_crime", 1, 1.31, 1.12, 1.53, 0.001, "rate_ratio_per_doubling_flagged_posts"),
                     ("speech_to_crime", 2, 1.05, 0.91, 1.21, 0.5, "rate_ratio_per_doubling_flagged_posts"),
                     ("crime_to_speech", 1, 1.02, 0.95, 1.10, 0.6, "rate_ratio_per_doubling_hate_crimes"),
                     ("crime_to_speech", 2, 0.99, 0.92, 1.07, 0.8, "rate_ratio_per_doubling_hate_crimes"),
                     ("spillover", 1, 1.04, 0.90, 1.20, 0.58, "rate_ratio_per_doubling_neighbours_flagged_posts"),
                     ("placebo_lead", -1, 1.01, 0.95, 1.08, 0.7, "rate_ratio_per_doubling_future_flagged_posts"),
                     ("negative_control", 1, 1.0, 0.97, 1.03, 0.9,
                      "rate_ratio_per_doubling_flagged_posts_on_other_crimes"))]
        evidence = {"alpha": 0.05, "n_cells_with_hate": n_cells, "n_periods": len(PERIODS), "n_cells": n_cells,
                    "forward_analysis": "speech_to_crime", "forward_lag": 1, "forward_estimate": 1.31,
                    "forward_p": 0.002, "reverse_lag": 1, "reverse_estimate": 1.02, "reverse_p": 0.6,
                    "placebo_failed": False, "negative_control_failed": False, "common_cause_likely": False,
                    "cluster": "cell", "max_lag": 3, "classifier_adjusted": False}
        corr += [{**base, "analysis": "verdict", "estimate": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                  "p_value": np.nan, "n": n_obs, "lag": 0, "unit": "verdict", "detail": json.dumps(evidence)}]
    corr = [{**r, "verdict": "speech_leads"} for r in corr]

    waves, constructs = ("baseline", "endline"), ("social_cohesion", "trust_local_institutions", "resilience")
    survey = pd.DataFrame([{"survey_id": f"resilience-{2025 + w}", "city_id": c, "wave": wave, "construct": k,
                            "group_type": g, "group_value": gv, "n": n, "mean": m, "ci_low": m - 2.5,
                            "ci_high": m + 2.5, "suppressed": n < 10}
                           for c in rings for w, wave in enumerate(waves) for k in constructs
                           for g, gv, n in (("all", "all", 240), ("gender", "female", 118), ("gender", "other", 4))
                           for m in [float(45 + 5 * w + rng.normal(0, 2))]])
    prepost = pd.DataFrame([{"city_id": c, "programme_id": f"young-cities-{c}", "construct": k,
                             "baseline_survey_id": "resilience-2025", "endline_survey_id": "resilience-2026",
                             "baseline_mean": 45.0, "endline_mean": 50.5, "diff": 5.5, "ci_low": 2.1,
                             "ci_high": 8.9, "effect_size": 0.31, "n_baseline": 240, "n_endline": 3,
                             "suppressed": False} for c in rings for k in constructs])
    lines = ("local_action_planning", "training", "summit", "young_cities")
    programme = pd.DataFrame([{"programme_line": ln, "city_id": c.city_id, "country": c.country,
                               "region": c.region, "role": role, "year": y, "activities": 1 + i % 3,
                               "people": [2, 12, 40][(i + j) % 3]}
                              for i, c in enumerate(CITIES.itertuples()) for j, ln in enumerate(lines)
                              for role in ("mayor", "practitioner") for y in (2024, 2025)])
    now = pd.Timestamp("2026-11-01 06:00", tz="UTC")
    return {
        "cell_month": cm, "area_month": area_month, "city_month": city_month, "cities": CITIES,
        "areas": areas_df, "correlations": pd.DataFrame(corr),
        "network_kpis": pd.DataFrame({
            "kpi": ["member_cities", "officials_trained", "people_reached", "summits", "lpn_members"],
            "value": [5.0, 518.0, 2288.0, 2.0, 3.0], "unit": ["cities", "people", "people", "summits", "people"],
            "statement": ["5 member cities in 5 countries", "Trained 518 city officials in 4 cities",
                          "Reached 2288 people from 5 cities", "2 Global Summits",
                          "3 Local Prevention Network members"]}),
        "summit_metrics": pd.DataFrame({"summit": ["SCN Global Summit 2017", "SCN Global Summit 2018"],
                                        "year": [2017, 2018], "city": ["Aarhus", "Melbourne"],
                                        "country": ["Denmark", "Australia"], "delegates": [476, 216],
                                        "cities": [170, 94], "countries": [47, 32]}),
        "programme_metrics": programme, "programme_years": programme_years_of(programme), "survey_indices": survey, "survey_prepost": prepost,
        "alerts": pd.DataFrame({
            "city_id": ["london", "saida"], "alert_type": ["burst", "coordinated"],
            "area_code": ["LON-006", None], "period": ["2026-W40", "2026-W41"], "score": [4.8, 5.0],
            "evidence": [json.dumps({"code": "speech_burst", "flagged_posts": 6, "week": "2026-W40", "baseline": 0.5,
                                     "baseline_weeks": 8, "p_value": 1.2e-05}),
                         json.dumps({"code": "near_duplicates", "posts": 9, "accounts": 5,
                                     "first_seen": "2026-10-08T12:21Z", "last_seen": "2026-10-08T13:39Z",
                                     "fingerprint": "3f9a1c0b7e"})],
            "first_seen": pd.to_datetime([None, "2026-10-08 12:21"], utc=True),
            "last_seen": pd.to_datetime([None, "2026-10-08 13:39"], utc=True)}),
        "risk": areas_df[["city_id", "area_code"]].assign(
            rank=lambda d: d.groupby("city_id").cumcount() + 1,
            score=lambda d: np.round(1 - 0.05 * (d.groupby("city_id").cumcount()), 3),
            speech_recent=4, crime_recent=12, resilience=48.5,
            reasons=json.dumps({"codes": ["speech_high", "crime_high"], "recent_months": 3})),
        "classifier_eval": pd.DataFrame([{"lang": lg, "class": k, "precision": 0.6, "recall": 0.55, "f1": 0.57,
                                          "support": 100, "macro_f1": f1, "baseline_macro_f1": f1 - 0.07, "n": 300,
                                          "dataset": "mlma2019", "platform": "x"}
                                         for lg, f1 in zip(LANGS, (0.67, 0.42, 0.54), strict=True)
                                         for k in ("hate", "offensive", "none")]),
        "target_month": pd.DataFrame([{"city_id": c, "period": p, "target": g, "flagged_posts": 3 + 4 * j + i % 3}
                                      for c in rings for i, p in enumerate(PERIODS)
                                      for j, g in enumerate(("origin", "religion", "unspecified"))]),
        "classifier_coverage": pd.DataFrame([{"city_id": c, "lang": lg, "platform": "x", "posts": 1000,
                                              "assessed": 1000 - 40 * i, "not_assessed": 40 * i}
                                             for c in rings for i, lg in enumerate(LANGS)]),
        "asset_health": pd.DataFrame({"asset_key": ["lake/posts", "lake/crimes", "analysis/correlations"],
                                      "group": ["ingest", "ingest", "analysis"],
                                      "last_materialized_at": [now, now, now - pd.Timedelta(hours=2)],
                                      "last_run_id": ["run-1", "run-1", "run-0"], "last_run_status": "SUCCESS",
                                      "rows": pd.array([120_000, 40_000, 14], dtype="Int64")}),
        "check_results": pd.DataFrame({
            "asset_key": ["lake/posts", "lake/crimes", "warehouse/mart_cell_month"],
            "check_name": ["freshness_check", "not_null_city_id", "cells_are_res8"],
            "status": ["SUCCEEDED", "SUCCEEDED", "FAILED"], "passed": pd.array([True, True, False]),
            "severity": ["WARN", "ERROR", "ERROR"], "evaluated_at": [now] * 3,
            "description": ["fresh", "no missing city ids", "12 cells at resolution 9"]}),
        "quarantine_summary": pd.DataFrame({"kind": ["social", "crime"], "field": ["created_at", "lat"],
                                            "reason": ["unparseable timestamp", "latitude and longitude swapped"],
                                            "rows": [17, 3], "files": [2, 1]}),
    }


def quiet_city(tables: dict[str, pd.DataFrame], city_id: str = "saida", **first: int) -> dict[str, pd.DataFrame]:
    """``tables`` (changed in place) with no flagged post and no hate crime in ``city_id``, in its cells, areas
    and months, but the ``first`` counts on its first row of each (``flagged_posts=2``: one small event)."""
    for name in ("cell_month", "area_month", "city_month"):
        frame = tables[name]
        mine = frame["city_id"] == city_id
        frame.loc[mine, ["flagged_posts", "hate_crimes"]] = 0
        for column, value in first.items():
            frame.loc[frame.index[mine][0], column] = value
    return tables


def publish_snapshot(home: Path, omit: Iterable[str] = (), seed: int = 0,
                     rings: dict[str, int] | None = None) -> Path:
    """Publish the synthetic snapshot (without the ``omit`` tables) into ``home``; returns the snapshot folder."""
    return publish_tables(home, {k: v for k, v in make_tables(seed, rings).items() if k not in set(omit)})


def publish_tables(home: Path, tables: dict[str, pd.DataFrame]) -> Path:
    """Publish ``tables`` as the serving snapshot of ``home`` (settings overridden, the environment untouched)."""
    with override(home=Path(home)):
        return serving.publish(tables, run_id="factory-run", data_date=PERIODS[-1])


def programme_years_of(programme_metrics: pd.DataFrame) -> pd.DataFrame:
    """The ``programme_years`` table of a synthetic ``programme_metrics`` (people summed over roles, an activity
    counted once: the most any role saw), as the dbt mart would give for these records."""
    return (programme_metrics.groupby(["programme_line", "city_id", "year"], as_index=False)
            .agg(activities=("activities", "max"), people=("people", "sum")))
