"""The speech x crime engine: one code path for ``scn analyse`` and the ``correlations`` analysis asset.

Per city: the complete cell x month panel (``geo.panel.full_panel``), the within-place models both ways with
placebo and negative control (``geo.direction``), the honest secondary statistics (``geo.secondary``, BH-adjusted
across analyses, lags and cities) and a verdict with its evidence (``geo.verdict``). Optional classifier error
rates widen the intervals (``geo.misclass``). See docs/geo.md.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from geo.direction import within_place
from geo.h3index import neighbour_pairs
from geo.misclass import adjust_panel, rate_corners
from geo.panel import full_panel
from geo.secondary import bh_adjust, prewhitened_xcorr, rank_within
from geo.verdict import verdict

PANEL_COLUMNS = ("city_id", "cell", "period", "posts", "flagged_posts", "crimes", "hate_crimes")
COUNT_COLUMNS = ("posts", "flagged_posts", "crimes", "hate_crimes")
JSON_FIELDS = ("city_id", "analysis", "lag", "estimate", "ci_low", "ci_high", "p_value", "n", "unit")
TABLE_COLUMNS = ["city_id", "analysis", "estimate", "ci_low", "ci_high", "p_value", "n", "lag", "detail", "unit",
                 "verdict"]
SECONDARY = ("xcorr_prewhitened", "rank_within")
METHOD = {"secondary": "descriptive_bh_adjusted", "model": "fe_quasi_poisson_cell_month"}
MAX_LAG = 3
MIN_AREA_CLUSTERS = 20  # cluster by area (spatially correlated errors within areas) when a city has this many


class PanelError(ValueError):
    """A panel or areas file that cannot be analysed; the message names the file, the row and the field."""


def _read(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise PanelError(f"{path}: no such file")
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            return pd.read_parquet(path)
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is a user error with its name
        raise PanelError(f"{path}: row 0, field (file): cannot be read as CSV or Parquet ({type(exc).__name__})") \
            from exc


def _fail(path: Path, bad: pd.Series, field: str, reason: str) -> None:
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0]) + 1
        raise PanelError(f"{path}: row {row}, field {field}: {reason}")


def read_panel(path: Path) -> pd.DataFrame:
    """The PANEL of ``scn analyse`` (CSV or Parquet), validated: rows are numbered from 1 (the first data row)."""
    raw = _read(path)
    missing = [c for c in PANEL_COLUMNS if c not in raw.columns]
    if missing:
        raise PanelError(f"{path}: row 0 (header), field {missing[0]}: required column missing "
                         f"(need {', '.join(PANEL_COLUMNS)})")
    out = pd.DataFrame({c: raw[c].astype("string").str.strip() for c in ("city_id", "cell", "period")})
    for col in ("city_id", "cell"):
        _fail(path, out[col].isna() | out[col].eq(""), col, "empty")
    _fail(path, ~out["period"].fillna("").str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])"), "period", "not a month YYYY-MM")
    for col in COUNT_COLUMNS:
        num = pd.to_numeric(raw[col], errors="coerce")
        bad = num.isna() | (num < 0) | (num != np.floor(num))
        if not pd.api.types.is_numeric_dtype(raw[col]):  # text (CSV): digits only, so "1e3" or "12.0" is refused
            bad |= ~raw[col].astype("string").str.strip().str.fullmatch(r"\d+").fillna(False)
        _fail(path, bad, col, "not a count (integer >= 0)")
        out[col] = num.astype("int64")
    _fail(path, out["flagged_posts"] > out["posts"], "flagged_posts", "more flagged posts than posts")
    _fail(path, out["hate_crimes"] > out["crimes"], "hate_crimes", "more hate crimes than crimes")
    _fail(path, out.duplicated(["city_id", "cell", "period"]), "period", "second row for the same city, cell and month")
    if "population" in raw.columns:
        text = raw["population"].astype("string").str.strip().replace("", pd.NA)
        pop = pd.to_numeric(text, errors="coerce")
        _fail(path, (text.notna() & pop.isna()) | (pop < 0), "population", "not a number >= 0")
        out["population"] = pop.astype("float64")
    if "area_code" in raw.columns:
        out["area_code"] = raw["area_code"].astype("string").str.strip().replace("", pd.NA)
    return out


def read_areas(path: Path) -> pd.DataFrame:
    """AREAS of ``scn analyse``: ``cell, area_code``."""
    raw = _read(path)
    for col in ("cell", "area_code"):
        if col not in raw.columns:
            raise PanelError(f"{path}: row 0 (header), field {col}: required column missing (need cell, area_code)")
        _fail(path, raw[col].astype("string").fillna("").str.strip().eq(""), col, "empty")
    return raw[["cell", "area_code"]].astype(str)


def _pairs(cells: np.ndarray) -> pd.DataFrame:
    """H3 edge neighbours among the cells; none when the cells are not H3 (no spillover analysis then)."""
    if not pd.Series(cells, dtype="string").str.fullmatch(r"[0-9a-f]{15}").fillna(False).all():
        return pd.DataFrame(columns=["focal", "neighbor"])
    try:
        return neighbour_pairs(list(cells))
    except Exception:  # noqa: BLE001 - malformed cell ids: the analyses run without neighbours
        return pd.DataFrame(columns=["focal", "neighbor"])


def _widen(runs: list[list[dict]]) -> list[dict]:
    """Point estimate of the first run, the union of every run's interval and the largest p-value."""
    out = []
    for i, row in enumerate(runs[0]):
        alt = [r[i] for r in runs]
        out.append({**row, "ci_low": float(np.nanmin([r["ci_low"] for r in alt])),
                    "ci_high": float(np.nanmax([r["ci_high"] for r in alt])),
                    "p_value": float(np.nanmax([r["p_value"] for r in alt]))})
    return out


def analyse_city(cm: pd.DataFrame, area_of_cell: pd.Series | None = None, max_lag: int = MAX_LAG,
                 rates: pd.DataFrame | None = None) -> tuple[list[dict], str, dict]:
    """(rows, verdict, evidence) of one city's cell x month counts."""
    if rates is not None and len(rates):
        cm = adjust_panel(cm, rates)
    panel = full_panel(cm)
    panel["other_crimes"] = (panel["crimes"] - panel["hate_crimes"]).clip(lower=0)
    hate_by_cell = panel.groupby("cell")["hate_crimes"].sum()
    facts = {"n_cells": int(panel["cell"].nunique()), "n_cells_with_hate": int((hate_by_cell > 0).sum()),
             "n_periods": int(panel["period"].nunique()), "hate_crimes": int(panel["hate_crimes"].sum()),
             "flagged_posts": int(panel["flagged_posts"].sum())}
    cluster, cluster_kind = None, "cell"
    if area_of_cell is not None:
        areas = panel["cell"].map(area_of_cell)
        if areas.notna().all() and areas.nunique() >= MIN_AREA_CLUSTERS:
            cluster, cluster_kind = areas.to_numpy(), "area"
    pairs = _pairs(panel["cell"].unique())
    runs = [within_place(panel, max_lag, pairs, cluster)]
    if rates is not None and len(rates) and any(c.endswith("_low") for c in rates.columns):
        for corner in rate_corners(rates)[1:]:  # refit at every corner of the rates' ranges
            alt = full_panel(adjust_panel(cm, corner))
            alt["other_crimes"] = (alt["crimes"] - alt["hate_crimes"]).clip(lower=0)
            runs.append(within_place(alt, max_lag, pairs, cluster))
    rows = _widen(runs) if len(runs) > 1 else runs[0]
    code, evidence = verdict(rows, facts)
    evidence = {**evidence, "n_cells": facts["n_cells"], "cluster": cluster_kind, "max_lag": max_lag,
                "classifier_adjusted": bool(rates is not None and len(rates)), "spillover": bool(len(pairs))}
    monthly = panel.groupby("period")[["flagged_posts", "hate_crimes"]].sum()
    rows = rows + prewhitened_xcorr(monthly["flagged_posts"].to_numpy(), monthly["hate_crimes"].to_numpy(),
                                    max_lag) + [rank_within(panel)]
    return rows, code, evidence


def measured_rates(rates: pd.DataFrame) -> pd.DataFrame:
    """Per city, the rates the engine adjusts with: only a city's *own* measured rates (``rates_source`` ``review``,
    the reviewed random stratum of scn.review), pooled over its languages by counts, with 95% Wilson intervals
    (``tpr_low`` ... ``fpr_high``: the engine refits at their corners). Rates measured elsewhere (a model card on
    research data) are not applied: adjusting a city's counts with another corpus's false-positive rate can erase
    or invent its hateful posts. Columns: city_id, lang (``*``), tpr, fpr and the bounds, n."""
    from statsmodels.stats.proportion import proportion_confint

    cols = ["city_id", "lang", "tpr", "fpr", "tpr_low", "tpr_high", "fpr_low", "fpr_high", "n"]
    need = {"city_id", "rates_source", "true_positives", "positives", "false_positives", "negatives"}
    if rates is None or rates.empty or not need <= set(rates.columns):
        return pd.DataFrame(columns=cols)
    own = rates[rates["rates_source"] == "review"]
    counts = own.groupby("city_id")[["true_positives", "positives", "false_positives", "negatives"]].sum()
    counts = counts[(counts["positives"] > 0) & (counts["negatives"] > 0)]
    if counts.empty:
        return pd.DataFrame(columns=cols)
    tp, pos, fp, neg = (counts[c].to_numpy(float) for c in ("true_positives", "positives", "false_positives",
                                                             "negatives"))
    t_lo, t_hi = proportion_confint(tp, pos, method="wilson")
    f_lo, f_hi = proportion_confint(fp, neg, method="wilson")
    return pd.DataFrame({"city_id": counts.index.astype(str), "lang": "*", "tpr": tp / pos, "fpr": fp / neg,
                         "tpr_low": t_lo, "tpr_high": t_hi, "fpr_low": f_lo, "fpr_high": f_hi,
                         "n": (pos + neg).astype("int64")})


def analyse(panel: pd.DataFrame, areas: pd.DataFrame | None = None, max_lag: int = MAX_LAG,
            rates: pd.DataFrame | None = None) -> pd.DataFrame:
    """The engine's table (``TABLE_COLUMNS``): every analysis of every city, then one ``verdict`` row per city
    (its evidence as JSON in ``detail``); every row carries its city's verdict. Secondary p-values are
    Benjamini-Hochberg adjusted across analyses, lags and cities (the raw value is in ``detail``). ``rates``:
    classifier error rates (``geo.misclass``), for every city or, with a ``city_id`` column, per city."""
    area_of_cell = None
    if areas is not None and len(areas):
        area_of_cell = areas.drop_duplicates("cell").set_index("cell")["area_code"]
    elif "area_code" in panel.columns and panel["area_code"].notna().any():
        area_of_cell = panel.dropna(subset=["area_code"]).drop_duplicates("cell").set_index("cell")["area_code"]
    out = []
    for city, cm in panel.dropna(subset=["cell"]).groupby("city_id", sort=True):  # per city
        city_rates = rates
        if rates is not None and "city_id" in rates.columns:
            city_rates = rates[rates["city_id"].astype(str) == str(city)].drop(columns="city_id")
        rows, code, evidence = analyse_city(cm, area_of_cell, max_lag, city_rates)
        for r in rows:
            kind = "secondary" if r["analysis"] in SECONDARY else "model"
            out.append({"city_id": str(city), **r, "verdict": code, "detail": {
                "method": METHOD[kind], "n_cells": evidence["n_cells"], "n_periods": evidence["n_periods"]}})
        out.append({"city_id": str(city), "analysis": "verdict", "lag": 0, "estimate": np.nan, "ci_low": np.nan,
                    "ci_high": np.nan, "p_value": np.nan, "n": evidence["n_cells"] * evidence["n_periods"],
                    "unit": "verdict", "verdict": code, "detail": evidence})
    if not out:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c in ("estimate", "ci_low", "ci_high", "p_value")
                                          else "int64" if c in ("n", "lag") else "object") for c in TABLE_COLUMNS})
    table = pd.DataFrame(out)
    secondary = table["analysis"].isin(SECONDARY)
    raw_p = table.loc[secondary, "p_value"]
    table.loc[secondary, "p_value"] = bh_adjust(raw_p)
    table.loc[secondary, "detail"] = [{**d, "p_raw": None if pd.isna(p) else round(float(p), 6)}
                                      for d, p in zip(table.loc[secondary, "detail"], raw_p, strict=True)]
    table["detail"] = [json.dumps(d, default=str) for d in table["detail"]]
    table["n"], table["lag"] = table["n"].astype("int64"), table["lag"].astype("int64")
    return table[TABLE_COLUMNS]


def _clean(v: object) -> object:
    if isinstance(v, float | np.floating):
        return None if not math.isfinite(float(v)) else float(v)
    if isinstance(v, np.integer):
        return int(v)
    return v


def json_lines(table: pd.DataFrame) -> Iterator[str]:
    """``scn analyse --json``: one object per analysis row (``JSON_FIELDS``), one verdict object per city."""
    for rec in table.to_dict("records"):
        if rec["analysis"] == "verdict":
            yield json.dumps({"city_id": rec["city_id"], "analysis": "verdict", "verdict": rec["verdict"],
                              "evidence": json.loads(rec["detail"])}, ensure_ascii=False)
        else:
            yield json.dumps({k: _clean(rec[k]) for k in JSON_FIELDS}, ensure_ascii=False)


def finest_cells(cell_month: pd.DataFrame) -> pd.DataFrame:
    """The rows of each city's finest H3 resolution (``cell_month`` may also hold coarser roll-ups)."""
    if "resolution" not in cell_month.columns or cell_month.empty:
        return cell_month
    finest = cell_month.groupby("city_id")["resolution"].transform("max")
    return cell_month[cell_month["resolution"] == finest]
