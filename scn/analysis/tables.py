"""Analysis tables computed after the marts: correlations, early-warning alerts, risk profiles and the
classifier's evaluation. Pure functions over the warehouse (read-only) and the lake; the Dagster assets in
assets/analysis/ call them and store the results as lake tables that the serving snapshot publishes.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from geo.h3index import area_cells
from geo.risk import RISK_COLUMNS, risk_profile
from geo.warning import speech_bursts
from scn import lake
from scn.analysis.coordination import coordinated_posting
from scn.enrich.tables import current_areas
from scn.nlp.evaluation import evaluation_table
from scn.privacy.disclosure import for_audience
from scn.privacy.pseudonyms import pseudonym_key
from scn.scratch import sql_string
from scn.settings import h3_resolution, paths, settings

ALERT_COLUMNS = ["city_id", "alert_type", "area_code", "period", "score", "evidence", "first_seen", "last_seen"]
ALERT_ORDER = ["city_id", "alert_type", "period", "area_code"]
RISK_ORDER = ["city_id", "rank"]
ALERT_THREADS = 2  # cities whose near-duplicates are searched at once (two cores)
# per-city tables: recomputed for the changed cities only, the other cities' rows kept (name -> stable sort order)
PER_CITY = {"alerts": ALERT_ORDER, "risk": RISK_ORDER}


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


def city_filter(cities: list[str] | None) -> str:
    """A SQL ``where`` keeping the rows of ``cities`` (every row when None)."""
    if cities is None:
        return ""
    quoted = ", ".join(map(sql_string, cities))
    return f" where city_id in ({quoted})" if cities else " where false"


def correlation_rows(max_lag: int = 3, cities: list[str] | None = None) -> pd.DataFrame:
    """The per-city part of ``correlations`` (``scn.analysis.engine.analyse_rows``): every analysis of ``cities``
    (None: every city), each computed from its own rows only, secondary p-values not yet adjusted."""
    from scn.analysis.engine import (
        AREA_PANEL_COLUMNS,
        analyse_rows,
        empty_table,
        finest_cells,
        measured_rates,
    )

    tables, where = warehouse_tables(), city_filter(cities)
    cell_month = read_warehouse(f"select * from cell_month{where}") if "cell_month" in tables else pd.DataFrame()
    area_panel = read_warehouse(f"select {', '.join(AREA_PANEL_COLUMNS)}, population from area_period{where} "
                                "order by all") if "area_period" in tables else None
    attributes = read_warehouse(f"select * from area_attribute_year{where}") \
        if "area_attribute_year" in tables else None
    if cell_month.empty and (area_panel is None or area_panel.empty):
        return empty_table()
    areas = current_areas(cities)  # each city's newest boundaries (stg_areas' rule), not every row ever sent
    areas_of_cells = area_cells(areas, h3_resolution()) if len(areas) and len(cell_month) else None
    rates = measured_rates(lake.read_table("classifier_rates") if lake.has_table("classifier_rates") else None,
                           platform_mix(cities))
    return analyse_rows(finest_cells(cell_month), areas_of_cells, max_lag=max_lag,
                        rates=rates if len(rates) else None, area_panel=area_panel, attributes=attributes)


def correlations(max_lag: int = 3, cities: list[str] | None = None,
                 previous_rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per-city speech x crime engine on ``cell_month`` (``scn.analysis.engine``, the code path of
    ``scn analyse``): within-place effects both ways, placebo, negative control, secondary statistics and a
    verdict per city; see docs/geo.md. A city with published hate-crime counts is analysed on ``area_period``
    (areas x the period of its counts, population as exposure, ``area_attribute_year`` as controls); every row
    says its ``level`` and ``period``.

    ``cities``: recompute these cities only and take every other city's rows from ``previous_rows`` (the
    ``correlation_rows`` of the last run); the network-wide Benjamini-Hochberg step always runs over all."""
    from scn.analysis.engine import adjust

    rows = correlation_rows(max_lag, cities)
    if cities is not None:
        rows = merge_cities(previous_rows, rows, cities, ["city_id"]).to_pandas()
    return adjust(rows)


def merge_cities(previous: pd.DataFrame | pa.Table | None, fresh: pd.DataFrame | pa.Table, cities: list[str],
                 order: list[str]) -> pa.Table:
    """``fresh`` (the rows of ``cities``, just computed) with the rows of every other city in ``previous`` (the
    table of the last run, computed from the same inputs for them), sorted stably by ``order`` (``city_id``
    first): the table a recomputation of every city gives. Columns matched by name, types promoted as a
    concatenation of the cities' frames would be (a column empty in one part takes the other's type)."""
    table = fresh if isinstance(fresh, pa.Table) else pa.Table.from_pandas(fresh, preserve_index=False)
    if previous is not None and len(previous):
        old = previous if isinstance(previous, pa.Table) else pa.Table.from_pandas(previous, preserve_index=False)
        kept = pc.invert(pc.is_in(old["city_id"].cast(pa.string()), value_set=pa.array(cities, pa.string())))
        table = pa.concat_tables([old.filter(pc.fill_null(kept, True)), _like(table, old.schema)],
                                 promote_options="permissive")
    return table.take(pc.sort_indices(table, [(c, "ascending") for c in order])) if table.num_rows else table


def _like(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` with every column that ``schema`` types otherwise cast to that type where its values allow (a
    column with no value, e.g. no alert of that kind in the cities recomputed, takes the previous run's type)."""
    for i, field in enumerate(table.schema):
        j = schema.get_field_index(field.name)
        if j < 0 or schema.field(j).type == field.type:
            continue
        column = table.column(i)
        try:
            cast = column.cast(schema.field(j).type) if column.null_count < len(column) \
                else pa.nulls(len(column), schema.field(j).type)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
            continue  # values the old type cannot hold: promoted on concatenation, or refused there
        table = table.set_column(i, field.with_type(schema.field(j).type), cast)
    return table


def alerts(cities: list[str] | None = None) -> pd.DataFrame:
    """Early warning: weekly bursts of flagged speech per area (``area_week`` mart, a seasonal negative-binomial
    baseline, at most ``false_alarms_per_year`` false alerts per area-year; geo.warning) and coordinated posting
    campaigns (independent near-duplicates with hateful content; scn.analysis.coordination). Both are computed
    per city from the city's own rows: ``cities`` limits the table to these cities (None: every city).

    Coordinated posting reads post text and pseudonyms inside the pipeline; the result carries neither.
    """
    frames = []
    counts = pd.DataFrame()
    if "area_week" in warehouse_tables():  # the weekly counts dbt computes (weeks with posts in the area)
        where = city_filter(cities)
        counts = read_warehouse("select city_id, area_code, period as week, flagged_posts, posts from area_week "
                                + (f"{where} and posts > 0" if where else "where posts > 0") + " order by all")
    if len(counts):
        bursts = speech_bursts(counts)
        if len(bursts):
            frames.append(pd.DataFrame({
                "city_id": bursts["city_id"], "alert_type": "burst", "area_code": bursts["area_code"],
                "period": bursts["week"], "score": bursts["score"].astype(float),
                "evidence": bursts["evidence"].astype(str), "first_seen": pd.NaT, "last_seen": pd.NaT}))
    if lake.has_table("posts"):
        # city by city (clusters never cross cities), ALERT_THREADS cities at a time: peak memory is that many
        # cities' texts, not the network's; DuckDB, Arrow's regular expressions and numpy release the GIL
        wanted = None if cities is None else set(cities)
        todo = [c for c in sorted(lake.value_counts("posts", "city_id")) if wanted is None or c in wanted]
        with ThreadPoolExecutor(max(1, min(ALERT_THREADS, os.cpu_count() or 1))) as pool:
            per_city = [f for f in pool.map(_coordinated_in, todo) if len(f)]  # in city order, whatever finishes first
        coordinated = pd.concat(per_city, ignore_index=True) if per_city else pd.DataFrame()
        if len(coordinated):
            frames.append(pd.DataFrame({
                "city_id": coordinated["city_id"], "alert_type": "coordinated", "area_code": None,
                "period": pd.to_datetime(coordinated["first_seen"], utc=True).dt.strftime("%G-W%V"),
                "score": coordinated["accounts"].astype(float), "evidence": coordinated["evidence"].astype(str),
                "first_seen": pd.to_datetime(coordinated["first_seen"], utc=True),
                "last_seen": pd.to_datetime(coordinated["last_seen"], utc=True)}))
    columns = ALERT_COLUMNS
    if not frames:
        kinds = {"score": "float64", "first_seen": "datetime64[us, UTC]", "last_seen": "datetime64[us, UTC]"}
        return pd.DataFrame({c: pd.Series(dtype=kinds.get(c, "string")) for c in columns})
    out = pd.concat(frames, ignore_index=True)[columns]
    out["first_seen"] = pd.to_datetime(out["first_seen"], utc=True)
    out["last_seen"] = pd.to_datetime(out["last_seen"], utc=True)
    return out.sort_values(ALERT_ORDER, kind="stable", ignore_index=True)


def _coordinated_in(city: str) -> pd.DataFrame:
    """``coordinated_posting`` over one city's posts, with the classifier's labels (only hateful or mobilising
    near-duplicates can be a campaign)."""
    posts = lake.read_table("posts", ["post_key", "city_id", "created_at", "text", "author_pseudo"],
                            where="city_id = ?", params=[city])
    labels = lake.read_table("posts_enriched", ["post_key", "label"], where="city_id = ?", params=[city])
    posts = posts.merge(labels.drop_duplicates("post_key"), on="post_key", how="left") if len(labels) \
        else posts.assign(label=None)
    return coordinated_posting(posts, key=pseudonym_key())


def risk(cities: list[str] | None = None) -> pd.DataFrame:
    """Areas ranked by empirical-Bayes smoothed rates of recent speech and hate crime per population, with
    exceedance probabilities, rank intervals and reasons (geo.risk); each city smoothed and ranked on its own
    rows, so ``cities`` limits the table to these cities (None: every city)."""
    tables, where = warehouse_tables(), city_filter(cities)
    area_month = read_warehouse(f"select * from area_month{where}") if "area_month" in tables else None
    if area_month is None or area_month.empty:
        return pd.DataFrame(columns=RISK_COLUMNS)
    survey = None
    if "survey_indices" in tables:
        survey = survey_areas(read_warehouse(f"select * from survey_indices{where}"), k=settings().suppress_below,
                              min_group=settings().min_group)
    return risk_profile(area_month, survey)


def survey_areas(indices: pd.DataFrame, *, k: int, min_group: int) -> pd.DataFrame:
    """The areas' survey means the risk ranking reads: those officials see (``for_audience``: an area's mean hidden
    beside its city's, as the differencing of the two would give a small group's back, is never in ``resilience``,
    which every audience sees), as city_id, area_code, construct, mean, ci_low, ci_high."""
    shown = for_audience("survey_indices", indices, "official", k=k, min_group=min_group)
    shown = shown[shown["group_type"].astype(str).eq("area") & shown["mean"].notna()]
    return shown.rename(columns={"group_value": "area_code"})[
        ["city_id", "area_code", "construct", "mean", "ci_low", "ci_high"]].reset_index(drop=True)


def classifier_evaluation() -> pd.DataFrame:
    """Accuracy of the classifier that labels posts, per language and class (``scn.nlp.evaluation_table``)."""
    return evaluation_table()


def previous_table(name: str) -> pa.Table | None:
    """The lake table ``name`` as the last run left it (Arrow, row order kept); None when it does not exist."""
    parts = sorted(lake.table_dir(name).glob("part-*.parquet")) if lake.has_table(name) else []
    if not parts:
        return None
    return pa.concat_tables([pq.read_table(p) for p in parts], promote_options="permissive")


def measured_rates_table() -> pd.DataFrame:
    """The per-city classifier error rates ``correlations`` adjusts with (``engine.measured_rates``: re-weighted to
    each city's and month's posts' mix of languages and platforms, ``platform_mix``)."""
    from scn.analysis.engine import measured_rates

    return measured_rates(lake.read_table("classifier_rates") if lake.has_table("classifier_rates") else None,
                          platform_mix())


def platform_mix(cities: list[str] | None = None) -> pd.DataFrame | None:
    """The posts counted per city_id, period (month), lang and platform (``posts``), summed in the warehouse from
    ``int_area_month_lang`` (the posts located to a cell or an area; a dependency of ``correlations``); None
    without it."""
    if "int_area_month_lang" not in warehouse_tables():
        return None
    return read_warehouse("select city_id, period, lang, platform, sum(posts) as posts from int_area_month_lang"
                          f"{city_filter(cities)} group by all order by all")


def cities_differing(before: pd.DataFrame | pa.Table | None, after: pd.DataFrame) -> set[str]:
    """Cities whose rows differ between two versions of a small per-city table (every city of ``after`` when
    there is no ``before``, or its columns differ)."""
    if before is None:
        return set(after["city_id"].astype(str)) if "city_id" in after else set()
    before = before.to_pandas() if isinstance(before, pa.Table) else before
    if list(before.columns) != list(after.columns):
        return set(before["city_id"].astype(str)) | set(after["city_id"].astype(str))

    def rows(frame: pd.DataFrame) -> pd.Series:
        index = pd.MultiIndex.from_arrays([frame["city_id"].astype(str).to_numpy(),
                                           pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy()])
        return pd.Series(1, index=index).groupby(level=[0, 1]).sum()

    diff = rows(before).sub(rows(after), fill_value=0)
    return set(diff[diff != 0].index.get_level_values(0))
