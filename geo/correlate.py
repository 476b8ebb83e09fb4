"""Speech x crime analyses per city, each with effect size, uncertainty and n (see docs/geo.md).

Superseded: the ``correlations`` table now comes from the engine (``scn.analysis.engine``: within-place models,
direction, verdict). Cell-total Spearman and bivariate Moran measure co-location and "found" links on independent
spatially smooth fields; kept only for scripts/effect_recovery.py (``nb_rate_ratio`` on demo worlds) and for
reading snapshots published before the engine.

Correlation is reported as correlation: these figures say where and when online hate and offline hate crime
move together, not that one causes the other.

``detail`` is a JSON object of numbers and codes only (no sentences; the dashboards render codes through
i18n): ``method`` (``METHOD_CODES``), ``caveat``, ``note`` (why an estimate is missing, ``NOTE_CODES``) with its
threshold (``min_cells``, ``min_periods``, ``min_hate_crimes``), ``effects``, ``offset``, ``se``, ``alpha``,
``n_cells``, ``n_periods``, ``hh_cells_fdr``, ``islands``.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from threadpoolctl import threadpool_limits

from geo.panel import full_panel
from geo.spatial import bivariate_local_clusters, bivariate_moran, weights_from_cells

OUTPUT_COLUMNS = ["city_id", "analysis", "estimate", "ci_low", "ci_high", "p_value", "n", "lag", "detail"]
MAX_FE_CELLS = 600  # above this, cell dummies make the GLM too slow: area effects instead
MIN_CELLS = 5
MIN_HATE_CRIMES = 10
MIN_NB_CELLS = 3
MIN_PERIODS = 5
METHOD_CODES = {"spearman": "spearman_cell_totals", "moran_bv": "moran_bv_h3_edge",
                "xcorr": "pearson_city_monthly", "nb_irr": "nb2_glm_lag1"}
CAVEAT_CODES = {"spearman": "colocation_only", "xcorr": "serial_correlation"}
NOTE_CODES = ("too_few_cells", "too_few_periods", "too_few_hate_crimes", "too_few_neighbours", "no_variation",
              "not_converged", "spatial_failed")

__all__ = ["city_correlations", "full_panel", "nb_rate_ratio", "spearman_permutation", "lagged_xcorr"]


def _row(city: str, analysis: str, estimate: float = np.nan, lo: float = np.nan, hi: float = np.nan,
         p: float = np.nan, n: int = 0, lag: int = 0, **detail: object) -> dict:
    """One output row; ``detail`` (codes and numbers, None dropped) as JSON."""
    return {"city_id": city, "analysis": analysis, "estimate": float(estimate), "ci_low": float(lo),
            "ci_high": float(hi), "p_value": float(p), "n": int(n), "lag": int(lag),
            "detail": json.dumps({k: v for k, v in detail.items() if v is not None}, default=str)}


def _fisher_ci(r: float, n: int, se_scale: float = 1.0) -> tuple[float, float]:
    """95% CI of a correlation r on n pairs through Fisher's z (SE scaled by ``se_scale``)."""
    se = se_scale / np.sqrt(max(n - 3, 1))
    z = np.arctanh(np.clip(r, -0.999999, 0.999999))
    return float(np.tanh(z - 1.96 * se)), float(np.tanh(z + 1.96 * se))


def spearman_permutation(x: np.ndarray, y: np.ndarray, permutations: int,
                         rng: np.random.Generator) -> tuple[float, float, float, float]:
    """Spearman's rho, a Fisher-z 95% CI (Bonett-Wright SE) and a two-sided permutation p-value."""
    rx, ry = stats.rankdata(x), stats.rankdata(y)
    rho = float(np.corrcoef(rx, ry)[0, 1])
    ryp = ry[np.argsort(rng.random((permutations, len(ry))), axis=1)]  # all permutations at once
    rxc, rypc = rx - rx.mean(), ryp - ryp.mean(axis=1, keepdims=True)
    null = (rypc @ rxc) / (np.sqrt((rypc ** 2).sum(axis=1)) * np.sqrt((rxc ** 2).sum()))
    p = (1 + np.sum(np.abs(null) >= abs(rho) - 1e-12)) / (permutations + 1)
    lo, hi = _fisher_ci(rho, len(x), np.sqrt(1 + rho ** 2 / 2))
    return rho, lo, hi, float(p)


def lagged_xcorr(flagged: pd.Series, hate: pd.Series, lag: int) -> dict:
    """Pearson correlation of hate crimes(t) with flagged posts(t - lag) over one city's periods, Fisher-z CI:
    r, lo, hi, p, n; or n, ``note`` (``too_few_periods`` below ``MIN_PERIODS``, ``no_variation``) and
    ``min_periods``."""
    xs, ys = flagged.shift(lag), hate
    ok = xs.notna()
    n = int(ok.sum())
    if n < MIN_PERIODS:
        return {"n": n, "note": "too_few_periods", "min_periods": MIN_PERIODS}
    if xs[ok].std() == 0 or ys[ok].std() == 0:
        return {"n": n, "note": "no_variation"}
    r, p = stats.pearsonr(xs[ok], ys[ok])
    lo, hi = _fisher_ci(float(r), n)
    return {"r": float(r), "lo": lo, "hi": hi, "p": float(p), "n": n}


def _effects(data: pd.DataFrame, areas_of_cells: pd.DataFrame | None, has_pop: bool) -> tuple[str, pd.Series | None]:
    """Which spatial effects the NB model carries: area effects when population gives the cell offset (or the
    city has too many cells for dummies), cell effects when population is unknown, none without areas."""
    area = None
    if areas_of_cells is not None and len(areas_of_cells):
        lookup = areas_of_cells.drop_duplicates("cell").set_index("cell")["area_code"]
        area = data["cell"].map(lookup).astype("object").fillna("(outside_areas)")  # sorts first
    n_cells = data["cell"].nunique()
    if area is not None and area.nunique() >= 2 and (has_pop or n_cells > MAX_FE_CELLS):
        return "area", area
    if not has_pop and n_cells <= MAX_FE_CELLS:
        return "cell", data["cell"]
    return "none", None


def nb_rate_ratio(panel: pd.DataFrame, areas_of_cells: pd.DataFrame | None = None) -> dict:
    """Negative binomial GLM (NB2) of hate crimes(c, m) on flagged posts(c, m-1) with month effects, spatial
    effects (area or cell) and a log-population offset when every cell's population is known (else log
    exposure = the cell's mean monthly posts, when cells are too many for dummies). SE = the larger of the
    model-based and the cell-clustered sandwich SE. Returns irr (exp beta per flagged post), lo, hi (95%),
    p, n and the specification used as codes (``effects``, ``offset``, ``se``); when no estimate, ``note``
    (``too_few_cells``, ``too_few_hate_crimes``, ``no_variation``, ``not_converged``) and its threshold."""
    data = panel.dropna(subset=["flagged_lag1"])
    has_pop = bool(data["population"].notna().all() and data["population"].gt(0).all()) if len(data) else False
    effects, groups = _effects(data, areas_of_cells, has_pop)
    if effects == "cell":  # cells that never see a hate crime carry no information under cell effects
        data = data[data.groupby("cell")["hate_crimes"].transform("sum") > 0]
        groups = data["cell"]
    base = {"n": int(len(data)), "effects": effects}
    if data["cell"].nunique() < MIN_NB_CELLS:
        return {**base, "note": "too_few_cells", "min_cells": MIN_NB_CELLS}
    if data["hate_crimes"].sum() < MIN_HATE_CRIMES:
        return {**base, "note": "too_few_hate_crimes", "min_hate_crimes": MIN_HATE_CRIMES}
    if data["flagged_lag1"].std() == 0:
        return {**base, "note": "no_variation"}
    cols = [data[["flagged_lag1"]].astype(float)]
    if groups is not None:
        cols.append(pd.get_dummies(groups, drop_first=True, dtype=float, prefix="fe"))
    cols.append(pd.get_dummies(data["period"], drop_first=True, dtype=float, prefix="m"))
    x = sm.add_constant(pd.concat(cols, axis=1), has_constant="add")
    y = data["hate_crimes"].astype(float)
    if has_pop and effects != "cell":
        offset, offset_kind = np.log(data["population"].astype(float)), "log_population"
    elif effects != "cell":
        exposure = data.groupby("cell")["posts"].transform("mean") + 0.5
        offset, offset_kind = np.log(exposure.astype(float)), "log_exposure_mean_posts"
    else:
        offset, offset_kind = None, "none_cell_effects"
    with warnings.catch_warnings(), threadpool_limits(1, user_api="blas"):  # small dense fits: threads only contend
        warnings.simplefilter("ignore")
        poisson = sm.GLM(y, x, family=sm.families.Poisson(), offset=offset).fit()
        mu = poisson.mu
        aux = ((y - mu) ** 2 - y) / mu  # Cameron-Trivedi auxiliary regression (through the origin) for NB2 alpha
        alpha = max(float(np.sum(aux * mu) / np.sum(mu ** 2)), 1e-6)
        model = sm.GLM(y, x, family=sm.families.NegativeBinomial(alpha=alpha), offset=offset)
        fit = model.fit()
        clustered = model.fit(start_params=fit.params, cov_type="cluster",
                              cov_kwds={"groups": pd.factorize(data["cell"])[0]})
    beta = float(fit.params["flagged_lag1"])
    se_model, se_cluster = float(fit.bse["flagged_lag1"]), float(clustered.bse["flagged_lag1"])
    se = max(se_model, se_cluster)  # the sandwich alone is anti-conservative when few cells carry flagged posts
    if not np.isfinite(beta) or not np.isfinite(se):
        return {**base, "note": "not_converged"}
    return {**base, "irr": float(np.exp(beta)), "lo": float(np.exp(beta - 1.96 * se)),
            "hi": float(np.exp(beta + 1.96 * se)), "p": float(2 * stats.norm.sf(abs(beta) / se)), "alpha": alpha,
            "se": "cluster_robust" if se_cluster > se_model else "model_based",
            "offset": offset_kind, "cells": int(data["cell"].nunique()), "periods": int(data["period"].nunique())}


def _spatial_rows(city: str, totals: pd.DataFrame, permutations: int, seed: int, base: dict) -> list[dict]:
    """The bivariate Moran row of one city's cell totals (NaN estimate with a note code when degenerate)."""
    x, y = totals["flagged_posts"].to_numpy(float), totals["hate_crimes"].to_numpy(float)
    try:
        w = weights_from_cells(totals.index.tolist())
        if len(w.islands) > len(totals) - MIN_CELLS:
            return [_row(city, "moran_bv", n=len(totals), method=METHOD_CODES["moran_bv"], note="too_few_neighbours",
                         min_cells=MIN_CELLS, islands=len(w.islands), **base)]
        i, p = bivariate_moran(x, y, w, permutations=permutations, seed=seed)
        local = bivariate_local_clusters(totals.index.tolist(), x, y, permutations=permutations,
                                         seed=seed)
        hh = int((local["lisa_q"] == "HH").sum())
        return [_row(city, "moran_bv", i, p=p, n=len(totals), method=METHOD_CODES["moran_bv"], hh_cells_fdr=hh,
                     islands=len(w.islands), **base)]
    except Exception as exc:  # noqa: BLE001 - degenerate weights: report, do not fail
        return [_row(city, "moran_bv", n=len(totals), method=METHOD_CODES["moran_bv"], note="spatial_failed",
                     error=type(exc).__name__, **base)]


def _city_rows(city: str, cm: pd.DataFrame, areas_of_cells: pd.DataFrame | None, max_lag: int,
               permutations: int, seed: int) -> list[dict]:
    """All rows of one city (see ``city_correlations``)."""
    panel = full_panel(cm)
    base = {"n_cells": int(panel["cell"].nunique()), "n_periods": int(panel["period"].nunique())}
    rows = []
    totals = panel.groupby("cell")[["flagged_posts", "hate_crimes"]].sum()
    if len(totals) >= MIN_CELLS and totals.std().gt(0).all():
        rho, lo, hi, p = spearman_permutation(totals["flagged_posts"].to_numpy(), totals["hate_crimes"].to_numpy(),
                                              permutations, np.random.default_rng(seed))
        rows.append(_row(city, "spearman", rho, lo, hi, p, len(totals), method=METHOD_CODES["spearman"],
                         caveat=CAVEAT_CODES["spearman"], **base))
        rows += _spatial_rows(city, totals, permutations, seed, base)
    else:
        note = {"note": "too_few_cells", "min_cells": MIN_CELLS} if len(totals) < MIN_CELLS else \
            {"note": "no_variation"}
        rows += [_row(city, a, n=len(totals), method=METHOD_CODES[a], **note, **base) for a in ("spearman", "moran_bv")]
    series = panel.groupby("period")[["flagged_posts", "hate_crimes"]].sum()
    for lag in range(max_lag + 1):  # a handful of lags
        xc = lagged_xcorr(series["flagged_posts"], series["hate_crimes"], lag)
        rows.append(_row(city, "xcorr", xc.get("r", np.nan), xc.get("lo", np.nan), xc.get("hi", np.nan),
                         xc.get("p", np.nan), xc["n"], lag, method=METHOD_CODES["xcorr"],
                         caveat=CAVEAT_CODES["xcorr"], note=xc.get("note"), min_periods=xc.get("min_periods"),
                         **base))
    nb = nb_rate_ratio(panel, areas_of_cells)
    extra = {k: nb[k] for k in ("effects", "offset", "alpha", "se", "note", "min_cells", "min_hate_crimes")
             if k in nb}
    rows.append(_row(city, "nb_irr", nb.get("irr", np.nan), nb.get("lo", np.nan), nb.get("hi", np.nan),
                     nb.get("p", np.nan), nb["n"], 1, method=METHOD_CODES["nb_irr"], **extra, **base))
    return rows


def city_correlations(cell_month: pd.DataFrame, areas_of_cells: pd.DataFrame | None = None, max_lag: int = 3,
                      permutations: int = 999, seed: int = 0) -> pd.DataFrame:
    """One row per city x analysis: spearman, xcorr (lags 0..max_lag), nb_irr (lag 1), moran_bv.

    Degenerate cities (no hate crimes, too few cells) get rows with NaN estimates and a ``note`` code in
    ``detail`` (JSON of codes and numbers, see the module docstring)."""
    rows = []
    for city, cm in cell_month.dropna(subset=["cell"]).groupby("city_id", sort=True):  # per city
        rows += _city_rows(str(city), cm, areas_of_cells, max_lag, permutations, seed)
    return pd.DataFrame(rows, columns=OUTPUT_COLUMNS)
