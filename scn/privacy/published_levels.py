"""The level of detail an official sees (``scn.privacy.levels``), chosen when the snapshot is published.

Choosing means trying the levels finest first, each against the differencing rule over the published cells:
about a second per count in a city of 10,000 cells, too slow for a page load. ``publish`` (called by
``scn.publish.serving.publish`` on the snapshot's files) writes the official's choice for every city and count
as the ``levels`` table: ``city_id``, ``metric``, ``level``, ``reason``, ``finer``, ``hidden_share`` and ``rule``
(the threshold and declared small-count columns it was chosen under, JSON). A reader builds only the chosen
level's counts (``published_choice``); a snapshot without the table, or chosen under another rule, is chosen
again (``views`` and ``levels.choose``), as before.

The views are built from the published tables (``cell_month``, ``area_month``, ``city_month``, ``areas``): the
dashboards build them the same way from their cached copies (``dashboards.detail``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from geo.h3index import parents
from scn.privacy.cell_areas import area_shapes, cells_in_areas
from scn.privacy.disclosure import RESTS
from scn.privacy.levels import (
    LEVELS,
    Choice,
    View,
    as_choice,
    choose,
    grain_of,
    hidden_units,
    parts_at,
    period_at,
    place_of,
    resolution_of,
    rule_key,
)

AUDIENCE = "official"  # staff see the published cells (the first level): nothing to choose
METRICS = ("flagged_posts", "crimes", "hate_crimes")  # the counts of the city page (map, series); others: chosen on use
COLUMNS = ["city_id", "metric", "level", "reason", "finer", "hidden_share", "rule"]
TABLE = "levels"
Table = Callable[[str], pd.DataFrame]  # one city's rows of a published table (empty when not published)


def rule_text(k: int) -> str:
    """The rule a choice is made under (``levels.rule_key``, threshold ``k``) as JSON: a choice made under another
    is stale."""
    return json.dumps(rule_key(k))


def leaves_of(cell_month: pd.DataFrame) -> pd.DataFrame:
    """The published cells a level is checked against: the finest resolution of ``cell_month``."""
    if cell_month.empty:
        return cell_month
    if "resolution" in cell_month.columns and cell_month["resolution"].nunique() > 1:
        cell_month = cell_month[cell_month["resolution"] == cell_month["resolution"].max()]
    return cell_month.reset_index(drop=True)


def _sum(frame: pd.DataFrame, unit: np.ndarray, metric: str, grain: str) -> pd.DataFrame:
    """``metric`` per unit and period of ``grain``; with the other count of its pair (``RESTS``: its part, or the
    count it is part of) where ``frame`` has it, so that the level is checked for the rest (``hidden_units``)."""
    cols = [metric, *(c for r in RESTS if metric in r[:2] for c in r[:2] if c != metric and c in frame.columns)]
    out = pd.DataFrame({"unit": unit, "period": period_at(frame["period"], grain),
                        **{c: pd.to_numeric(frame[c], errors="coerce").fillna(0).to_numpy() for c in cols}})
    return out.groupby(["unit", "period"], as_index=False, sort=True)[cols].sum()


def views(city_id: str, metric: str, leaves: pd.DataFrame, table: Table,
          cell_area: Callable[[np.ndarray], np.ndarray | None], levels: Iterable[str] = LEVELS) -> Iterator[View]:
    """The city's ``levels`` of ``metric``, finest first, each built only when asked for (``LEVELS``): ``table``
    gives the city's ``area_month`` and ``city_month``; ``cell_area(cells)`` the area of each cell (None when the
    city has no area outlines)."""
    cells = leaves["cell"].to_numpy(dtype=object) if len(leaves) else np.array([], dtype=object)
    for level in levels:
        place, grain = place_of(level), grain_of(level)
        if place == "cell":
            if leaves.empty or metric not in leaves.columns or leaves[metric].isna().all():
                continue  # a source the city never sent is null on every row: no view, never 0
            res = resolution_of(level) or 8
            native = int(leaves["resolution"].max()) if "resolution" in leaves.columns else 8
            unit = cells if res >= native else parents(cells, res)
            yield View(level, _sum(leaves, unit, metric, grain), None if res >= native else unit)
        elif place == "area":
            am = table("area_month")
            if am.empty or metric not in am.columns or "area_code" not in am.columns or am[metric].isna().all():
                continue
            linked = cell_area(cells) if len(cells) else None
            yield View(level, _sum(am, am["area_code"].astype(str).to_numpy(), metric, grain), linked)
        else:
            cm = table("city_month")
            if cm.empty or metric not in cm.columns or cm[metric].isna().all():
                continue
            yield View(level, _sum(cm, np.full(len(cm), city_id, dtype=object), metric, grain),
                       np.full(len(cells), city_id, dtype=object) if len(cells) else None)


def published_choice(levels: pd.DataFrame, metric: str, leaves: pd.DataFrame,
                     built: Callable[[str], View | None], k: int) -> Choice | None:
    """The official's choice of ``metric`` from one city's ``levels`` rows, with only the chosen level built
    (``built(level)``); None when the table has no row for it made under the rule of threshold ``k`` (choose
    again)."""
    if levels.empty or not set(COLUMNS) <= set(levels.columns):
        return None
    rows = levels[(levels["metric"] == metric) & (levels["rule"] == rule_text(k))]
    if rows.empty:
        return None
    row = rows.iloc[0]
    if row["reason"] == "no_data":
        return Choice(level=LEVELS[-1], reason="no_data", frame=pd.DataFrame(columns=["unit", "period", metric]))
    view = built(str(row["level"]))
    if view is None or view.units.empty:
        return None
    hidden = hidden_units(view, leaves, metric, k) if row["reason"] == "coarsest_hidden" else \
        np.zeros(len(view.units), dtype=bool)
    finer = row["finer"] if isinstance(row["finer"], str) else None
    return as_choice(view, hidden, metric, str(row["reason"]), finer, float(row["hidden_share"]), k=k)


def official_parts(name: str, rows: pd.DataFrame, city_id: str, metric: str, table: Table, k: int,
                   key: bytes | None = None) -> pd.DataFrame:
    """The city's rows of ``name`` that split its monthly totals of ``metric`` (``target_month``) as its official
    may see them, read from the published tables (``table``: one city's rows of a published table, the ``levels``
    table among them): at the level chosen for that count (published, else chosen now), never finer
    (``scn.privacy.levels.parts_at``; ``key``: perturbed). For exports; the dashboards go through their cached
    choice."""
    leaves = leaves_of(table("cell_month"))
    codes, geoms = area_shapes(table("areas"))

    def cell_area(cells: np.ndarray) -> np.ndarray | None:
        return cells_in_areas(cells, codes, geoms) if len(geoms) else None

    def level_view(level: str) -> View | None:
        return next(views(city_id, metric, leaves, table, cell_area, (level,)), None)
    chosen = published_choice(table(TABLE), metric, leaves, level_view, k) or \
        choose(views(city_id, metric, leaves, table, cell_area), leaves, metric, AUDIENCE, k)
    return parts_at(name, rows, metric, chosen, None if chosen.reason == "no_data" else level_view(chosen.level),
                    leaves, k, key)


def _city_table(frame: pd.DataFrame, city_id: str) -> pd.DataFrame:
    if frame.empty or "city_id" not in frame.columns:
        return pd.DataFrame()
    return frame[frame["city_id"] == city_id].reset_index(drop=True)


def levels_table(tables: dict[str, pd.DataFrame], k: int) -> pd.DataFrame:
    """The official's choice for every city and count (``COLUMNS``) from the published tables (``cell_month``,
    ``area_month``, ``city_month``, ``areas``; each may be missing), under threshold ``k``."""
    frames = {n: tables.get(n, pd.DataFrame()) for n in ("cell_month", "area_month", "city_month", "areas")}
    present = [f for n, f in frames.items() if n != "areas" and "city_id" in f.columns]
    metrics = [m for m in METRICS if any(m in f.columns for f in present)]
    cities = sorted(set().union(*(set(f["city_id"].dropna().astype(str)) for f in present))) if present else []
    rule, rows = rule_text(k), []
    for city_id in cities:  # a few cities, a few counts each
        leaves = leaves_of(_city_table(frames["cell_month"], city_id))
        codes, geoms = area_shapes(_city_table(frames["areas"], city_id))
        linked: dict[str, np.ndarray | None] = {}

        def cell_area(cells: np.ndarray, codes: np.ndarray = codes, geoms: np.ndarray = geoms,
                      linked: dict = linked) -> np.ndarray | None:
            if not len(geoms):
                return None
            if "cells" not in linked:  # the same cells for every count: located once
                linked["cells"] = cells_in_areas(cells, codes, geoms)
            return linked["cells"]

        def table(name: str, city_id: str = city_id) -> pd.DataFrame:
            return _city_table(frames[name], city_id)

        for metric in metrics:
            c = choose(views(city_id, metric, leaves, table, cell_area), leaves, metric, AUDIENCE, k)
            rows.append({"city_id": city_id, "metric": metric, "level": c.level, "reason": c.reason,
                         "finer": c.finer, "hidden_share": float(c.hidden_share), "rule": rule})
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.astype({"city_id": "string", "metric": "string", "level": "string", "reason": "string",
                       "finer": "string", "hidden_share": "float64", "rule": "string"})


def publish(snapshot: Path, k: int) -> dict[str, int]:
    """Write ``levels.parquet`` into the snapshot folder being published, from its tables (threshold ``k``); its row count."""
    tables = {n: pq.read_table(snapshot / f"{n}.parquet").to_pandas()
              for n in ("cell_month", "area_month", "city_month", "areas") if (snapshot / f"{n}.parquet").exists()}
    frame = levels_table(tables, k)
    frame.to_parquet(snapshot / f"{TABLE}.parquet", index=False, compression="zstd")
    return {TABLE: len(frame)}
