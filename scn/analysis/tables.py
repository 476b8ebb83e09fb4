"""Analysis tables computed after the marts: correlations, early-warning alerts, risk profiles and the
classifier's evaluation. Pure functions over the warehouse (read-only) and the lake; the Dagster assets in
assets/analysis/ call them and store the results as lake tables that the serving snapshot publishes.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from geo.h3index import area_cells
from geo.risk import RISK_COLUMNS, risk_profile
from geo.warning import speech_bursts
from scn import lake
from scn.analysis.coordination import coordinated_posting
from scn.nlp.evaluation import evaluation_table
from scn.settings import h3_resolution, paths


def read_warehouse(sql: str) -> pd.DataFrame:
    """Run a query on the warehouse through a read-only connection (empty frame when it does not exist)."""
    if not paths().warehouse.exists():
        return pd.DataFrame()
    with duckdb.connect(str(paths().warehouse), read_only=True) as con:
        return con.execute(sql).df()


def warehouse_tables() -> set[str]:
    """Names of the tables and views in the warehouse."""
    frame = read_warehouse("select table_name from information_schema.tables")
    return set(frame["table_name"]) if len(frame) else set()


def correlations(max_lag: int = 3) -> pd.DataFrame:
    """Per-city speech x crime engine on ``cell_month`` (``scn.analysis.engine``, the code path of
    ``scn analyse``): within-place effects both ways, placebo, negative control, secondary statistics and a
    verdict per city; see docs/geo.md. A city with published hate-crime counts is analysed on ``area_period``
    (areas x the period of its counts, population as exposure, ``area_attribute_year`` as controls); every row
    says its ``level`` and ``period``."""
    from scn.analysis.engine import AREA_PANEL_COLUMNS, analyse, finest_cells, measured_rates

    tables = warehouse_tables()
    cell_month = read_warehouse("select * from cell_month") if "cell_month" in tables else pd.DataFrame()
    area_panel = read_warehouse(f"select {', '.join(AREA_PANEL_COLUMNS)}, population from area_period "
                                "order by all") if "area_period" in tables else None
    attributes = read_warehouse("select * from area_attribute_year") if "area_attribute_year" in tables else None
    if cell_month.empty and (area_panel is None or area_panel.empty):
        return analyse(cell_month)
    areas = lake.read_table("areas")
    areas_of_cells = area_cells(areas, h3_resolution()) if len(areas) and len(cell_month) else None
    rates = measured_rates(lake.read_table("classifier_rates") if lake.has_table("classifier_rates") else None)
    return analyse(finest_cells(cell_month), areas_of_cells, max_lag=max_lag, rates=rates if len(rates) else None,
                   area_panel=area_panel, attributes=attributes)


def alerts() -> pd.DataFrame:
    """Early warning: weekly bursts of flagged speech per area (``area_week`` mart, a seasonal negative-binomial
    baseline, at most ``false_alarms_per_year`` false alerts per area-year; geo.warning) and coordinated posting
    campaigns (independent near-duplicates with hateful content; scn.analysis.coordination).

    Coordinated posting reads post text and pseudonyms inside the pipeline; the result carries neither.
    """
    frames = []
    counts = pd.DataFrame()
    if "area_week" in warehouse_tables():  # the weekly counts dbt computes (weeks with posts in the area)
        counts = read_warehouse("select city_id, area_code, period as week, flagged_posts from area_week "
                                "where posts > 0 order by all")
    if len(counts):
        bursts = speech_bursts(counts)
        if len(bursts):
            frames.append(pd.DataFrame({
                "city_id": bursts["city_id"], "alert_type": "burst", "area_code": bursts["area_code"],
                "period": bursts["week"], "score": bursts["score"].astype(float),
                "evidence": bursts["evidence"].astype(str), "first_seen": pd.NaT, "last_seen": pd.NaT}))
    if lake.has_table("posts"):
        # one city at a time (clusters never cross cities): peak memory is one city's texts, not the network's
        per_city = []
        for city in sorted(lake.value_counts("posts", "city_id")):
            posts = lake.read_table("posts", ["post_key", "city_id", "created_at", "text", "author_pseudo"],
                                    where="city_id = ?", params=[city])
            labels = lake.read_table("posts_enriched", ["post_key", "label"], where="city_id = ?", params=[city])
            # the classifier's labels: only hateful (or mobilising) near-duplicates can be a campaign
            posts = posts.merge(labels.drop_duplicates("post_key"), on="post_key", how="left") if len(labels) \
                else posts.assign(label=None)
            found = coordinated_posting(posts)
            del posts
            if len(found):
                per_city.append(found)
        coordinated = pd.concat(per_city, ignore_index=True) if per_city else pd.DataFrame()
        if len(coordinated):
            frames.append(pd.DataFrame({
                "city_id": coordinated["city_id"], "alert_type": "coordinated", "area_code": None,
                "period": pd.to_datetime(coordinated["first_seen"], utc=True).dt.strftime("%G-W%V"),
                "score": coordinated["accounts"].astype(float), "evidence": coordinated["evidence"].astype(str),
                "first_seen": pd.to_datetime(coordinated["first_seen"], utc=True),
                "last_seen": pd.to_datetime(coordinated["last_seen"], utc=True)}))
    columns = ["city_id", "alert_type", "area_code", "period", "score", "evidence", "first_seen", "last_seen"]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c == "score" else "string") for c in columns})
    out = pd.concat(frames, ignore_index=True)[columns]
    out["first_seen"] = pd.to_datetime(out["first_seen"], utc=True)
    out["last_seen"] = pd.to_datetime(out["last_seen"], utc=True)
    return out.sort_values(["city_id", "alert_type", "period", "area_code"], kind="stable", ignore_index=True)


def risk() -> pd.DataFrame:
    """Areas ranked by empirical-Bayes smoothed rates of recent speech and hate crime per population, with
    exceedance probabilities, rank intervals and reasons (geo.risk)."""
    tables = warehouse_tables()
    area_month = read_warehouse("select * from area_month") if "area_month" in tables else None
    if area_month is None or area_month.empty:
        return pd.DataFrame(columns=RISK_COLUMNS)
    survey = None
    if "survey_indices" in tables:
        survey = read_warehouse("select city_id, group_value as area_code, construct, mean "
                                "from survey_indices where group_type = 'area' and not suppressed")
    return risk_profile(area_month, survey)


def classifier_evaluation() -> pd.DataFrame:
    """Accuracy of the classifier that labels posts, per language and class (``scn.nlp.evaluation_table``)."""
    return evaluation_table()
