"""Classifier error propagated into the flagged counts (see docs/geo.md).

A classifier with true-positive rate ``tpr`` (recall on hateful posts) and false-positive rate ``fpr`` (share of
other posts it flags) turns T truly hateful posts among N into E[flagged] = tpr T + fpr (N - T), so the adjusted
classify-and-count estimate is T = (flagged - fpr N) / (tpr - fpr), clipped to [0, N] (Forman 2008). Rates are
per language; a noisy classifier should widen intervals, not create links, so the engine refits at the corners
of the rates' ranges and reports the union of the intervals (``scn.analysis.engine``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

RATE_COLUMNS = ("lang", "tpr", "fpr")


def adjusted_counts(flagged: np.ndarray, posts: np.ndarray, tpr: np.ndarray | float,
                    fpr: np.ndarray | float) -> np.ndarray:
    """Adjusted classify-and-count of truly hateful posts, clipped to [0, posts] (rounded to counts).

    Where tpr <= fpr the classifier tells nothing: the flagged count is kept as it is."""
    flagged, posts = np.asarray(flagged, float), np.asarray(posts, float)
    tpr, fpr = np.broadcast_to(np.asarray(tpr, float), flagged.shape), np.broadcast_to(np.asarray(fpr, float),
                                                                                       flagged.shape)
    informative = tpr - fpr > 0.05
    with np.errstate(divide="ignore", invalid="ignore"):
        est = np.where(informative, (flagged - fpr * posts) / (tpr - fpr), flagged)
    return np.round(np.clip(est, 0, posts)).astype("int64")


def rate_corners(rates: pd.DataFrame) -> list[pd.DataFrame]:
    """The rate tables to refit with: the point rates, then (when ``tpr_low``/``tpr_high``/``fpr_low``/
    ``fpr_high`` are given) the four corners of the ranges; a ``period`` column is kept."""
    keep = [*RATE_COLUMNS, *(["period"] if "period" in rates.columns else [])]
    out = [rates[keep]]
    bounds = {"tpr_low", "tpr_high", "fpr_low", "fpr_high"}
    if bounds <= set(rates.columns):
        for t in ("tpr_low", "tpr_high"):
            for f in ("fpr_low", "fpr_high"):
                out.append(rates[keep].assign(tpr=rates[t], fpr=rates[f]))
    return out


def adjust_panel(panel: pd.DataFrame, rates: pd.DataFrame) -> pd.DataFrame:
    """``panel`` with ``flagged_posts`` adjusted. Rows carry a ``lang`` column (rows of each language, summed
    later) or not (then the row of ``rates`` with lang ``*`` applies); rows of a language without rates keep
    their counts. Rates with a ``period`` (the posts' mix of that period) apply to the panel's rows of that
    period, those without one (null) to every other row."""
    lang = panel["lang"] if "lang" in panel.columns else pd.Series("*", index=panel.index)
    dated = rates["period"].notna() if "period" in rates.columns else pd.Series(False, index=rates.index)
    table = rates[~dated].drop_duplicates("lang").set_index("lang")
    tpr = lang.map(table["tpr"]).fillna(table["tpr"].get("*", np.nan))
    fpr = lang.map(table["fpr"]).fillna(table["fpr"].get("*", np.nan))
    if dated.any() and "period" in panel.columns:
        by = rates[dated].assign(period=rates.loc[dated, "period"].astype(str)).drop_duplicates(["lang", "period"])
        by = by.set_index(["lang", "period"])
        period = panel["period"].astype(str).to_numpy()
        for key in ("*", None):  # the row's language first, then ``*``
            at = pd.MultiIndex.from_arrays([lang.to_numpy() if key is None else np.full(len(panel), key), period])
            tpr = pd.Series(by["tpr"].reindex(at).to_numpy(), index=panel.index).fillna(tpr)
            fpr = pd.Series(by["fpr"].reindex(at).to_numpy(), index=panel.index).fillna(fpr)
    known = tpr.notna() & fpr.notna()
    out = panel.copy()
    adj = adjusted_counts(panel.loc[known, "flagged_posts"], panel.loc[known, "posts"], tpr[known], fpr[known])
    out.loc[known, "flagged_posts"] = adj
    return out
