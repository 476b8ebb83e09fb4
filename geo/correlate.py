"""Speech x crime analyses per city, each with effect size, uncertainty and n (see docs/geo.md).

Correlation is reported as correlation: these figures say where and when online hate and offline hate crime
move together, not that one causes the other.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from geo.spatial import bivariate_moran, weights_from_cells

OUTPUT_COLUMNS = ["city_id", "analysis", "estimate", "ci_low", "ci_high", "p_value", "n", "lag", "detail"]
MAX_FE_CELLS = 600


def full_panel(cell_month: pd.DataFrame) -> pd.DataFrame:
    """Every cell x every period of one city (zeros where the mart has no row)."""
    cm = cell_month.groupby(["cell", "period"], as_index=False)[["posts", "flagged_posts", "crimes",
                                                                   "hate_crimes"]].sum()
    grid = pd.MultiIndex.from_product([cm["cell"].unique(), sorted(cm["period"].unique())],
                                      names=["cell", "period"]).to_frame(index=False)
    panel = grid.merge(cm, on=["cell", "period"], how="left").fillna(0)
    panel = panel.sort_values(["cell", "period"], ignore_index=True)
    panel["flagged_lag1"] = panel.groupby("cell")["flagged_posts"].shift(1)
    return panel


def _row(city: str, analysis: str, estimate=np.nan, lo=np.nan, hi=np.nan, p=np.nan, n=0, lag=0, **detail):
    return {"city_id": city, "analysis": analysis, "estimate": float(estimate), "ci_low": float(lo),
            "ci_high": float(hi), "p_value": float(p), "n": int(n), "lag": int(lag),
            "detail": json.dumps(detail, default=str)}


def spearman_permutation(x: np.ndarray, y: np.ndarray, permutations: int, rng: np.random.Generator):
    """Spearman's rho, a permutation p-value (two-sided) and a Fisher-z 95% CI."""
    rx, ry = stats.rankdata(x), stats.rankdata(y)
    rho = float(np.corrcoef(rx, ry)[0, 1])
    perms = np.argsort(rng.random((permutations, len(ry))), axis=1)
    ryp = ry[perms]
    rxc, rypc = rx - rx.mean(), ryp - ryp.mean(axis=1, keepdims=True)
    null = (rypc @ rxc) / (np.sqrt((rypc ** 2).sum(axis=1)) * np.sqrt((rxc ** 2).sum()))
    p = (1 + np.sum(np.abs(null) >= abs(rho))) / (permutations + 1)
    se = 1.06 / np.sqrt(max(len(x) - 3, 1))
    z = np.arctanh(np.clip(rho, -0.999999, 0.999999))
    return rho, float(np.tanh(z - 1.96 * se)), float(np.tanh(z + 1.96 * se)), float(p)


def nb_rate_ratio(panel: pd.DataFrame, areas_of_cells: pd.DataFrame | None = None) -> dict:
    """Negative binomial GLM of hate crimes on flagged posts a month earlier with cell (or area) effects,
    log-population offset when known, cluster-robust SEs by cell. Returns irr, CI, p, n and the method."""
    data = panel.dropna(subset=["flagged_lag1"])
    keep = data.groupby("cell")["hate_crimes"].transform("sum") > 0  # cells without events carry no information
    data = data[keep]
    if data["cell"].nunique() < 3 or data["hate_crimes"].sum() < 10 or data["flagged_lag1"].std() == 0:
        return {"note": "too few cells or events to estimate", "n": int(len(data))}
    effects = "cell"
    groups = data["cell"]
    if data["cell"].nunique() > MAX_FE_CELLS and areas_of_cells is not None:
        effects = "area"
        groups = data["cell"].map(areas_of_cells.drop_duplicates("cell").set_index("cell")["area_code"]).fillna("none")
    dummies = pd.get_dummies(groups, drop_first=True, dtype=float)
    period = pd.get_dummies(data["period"], drop_first=True, dtype=float, prefix="m")
    x = pd.concat([data[["flagged_lag1"]].astype(float), dummies, period], axis=1)
    x = sm.add_constant(x, has_constant="add")
    y = data["hate_crimes"].astype(float)
    offset = np.log(data["population"].astype(float)) if "population" in data and data["population"].gt(0).all() \
        else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        poisson = sm.GLM(y, x, family=sm.families.Poisson(), offset=offset).fit()
        mu = poisson.mu
        aux = ((y - mu) ** 2 - y) / mu  # Cameron-Trivedi auxiliary regression for the NB2 dispersion
        alpha = max(float(np.sum(aux * mu) / np.sum(mu ** 2)), 1e-6)
        fit = sm.GLM(y, x, family=sm.families.NegativeBinomial(alpha=alpha), offset=offset).fit(
            cov_type="cluster", cov_kwds={"groups": pd.factorize(data["cell"])[0]})
    beta, se = float(fit.params["flagged_lag1"]), float(fit.bse["flagged_lag1"])
    return {"irr": np.exp(beta), "lo": np.exp(beta - 1.96 * se), "hi": np.exp(beta + 1.96 * se),
            "p": float(fit.pvalues["flagged_lag1"]), "n": int(len(data)), "alpha": alpha, "effects": effects,
            "cells": int(data["cell"].nunique()), "periods": int(data["period"].nunique())}


def city_correlations(cell_month: pd.DataFrame, areas_of_cells: pd.DataFrame | None = None, max_lag: int = 3,
                      permutations: int = 999, seed: int = 0) -> pd.DataFrame:
    """One row per city x analysis: spearman, xcorr (lags 0..max_lag), nb_irr, moran_bv."""
    rows = []
    rng = np.random.default_rng(seed)
    for city, cm in cell_month.groupby("city_id", sort=True):  # per city
        panel = full_panel(cm)
        n_cells, n_periods = panel["cell"].nunique(), panel["period"].nunique()
        base = {"n_cells": n_cells, "n_periods": n_periods}
        totals = panel.groupby("cell")[["flagged_posts", "hate_crimes"]].sum()
        if len(totals) >= 5 and totals.std().gt(0).all():
            rho, lo, hi, p = spearman_permutation(totals["flagged_posts"].to_numpy(),
                                                  totals["hate_crimes"].to_numpy(), permutations, rng)
            rows.append(_row(city, "spearman", rho, lo, hi, p, len(totals), 0, method="Spearman rank "
                             "correlation of cell totals, permutation p", **base))
            try:
                w = weights_from_cells(totals.index.tolist())
                i, p_bv = bivariate_moran(totals["flagged_posts"].to_numpy(), totals["hate_crimes"].to_numpy(), w,
                                          permutations=min(permutations, 199))
                rows.append(_row(city, "moran_bv", i, p=p_bv, n=len(totals), method="bivariate Moran's I, "
                                 "flagged posts vs neighbouring hate crimes, H3 edge contiguity", **base))
            except Exception as exc:  # noqa: BLE001 - islands or degenerate weights: report, do not fail
                rows.append(_row(city, "moran_bv", n=len(totals), note=str(exc)[:200], **base))
        else:
            rows.append(_row(city, "spearman", n=len(totals), note="fewer than 5 cells or no variation", **base))
        series = panel.groupby("period")[["flagged_posts", "hate_crimes"]].sum()
        for lag in range(max_lag + 1):
            xs, ys = series["flagged_posts"].shift(lag), series["hate_crimes"]
            ok = xs.notna()
            n = int(ok.sum())
            if n > 4 and xs[ok].std() > 0 and ys[ok].std() > 0:
                r, p = stats.pearsonr(xs[ok], ys[ok])
                se = 1 / np.sqrt(n - 3)
                z = np.arctanh(np.clip(r, -0.999999, 0.999999))
                rows.append(_row(city, "xcorr", r, np.tanh(z - 1.96 * se), np.tanh(z + 1.96 * se), p, n, lag,
                                 method="Pearson correlation of city monthly series, speech leading by lag",
                                 **base))
            else:
                rows.append(_row(city, "xcorr", n=n, lag=lag, note="too few periods or no variation", **base))
        nb = nb_rate_ratio(panel, areas_of_cells)
        if "irr" in nb:
            rows.append(_row(city, "nb_irr", nb["irr"], nb["lo"], nb["hi"], nb["p"], nb["n"], 1,
                             method="negative binomial GLM, hate crimes ~ flagged posts (t-1) + cell/area and month "
                                    "effects, cluster-robust by cell", alpha=nb["alpha"], effects=nb["effects"],
                             **base))
        else:
            rows.append(_row(city, "nb_irr", n=nb.get("n", 0), lag=1, note=nb.get("note"), **base))
    return pd.DataFrame(rows, columns=OUTPUT_COLUMNS)
