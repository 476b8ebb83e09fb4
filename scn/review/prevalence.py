"""Prevalence of flagged posts corrected for the classifier's errors: adjusted classify-and-count (Forman 2008),
p = (p_obs - fpr) / (tpr - fpr) clipped to [0, 1], with tpr and fpr measured on a labelled random sample.

The interval is a percentile bootstrap: the labelled sample is resampled (tpr, fpr) and each group's observed
share redrawn binomially, so it carries both the measurement error and the group's own sampling noise.
Arrays and frames in, numbers out; no I/O."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from scn.review.metrics import bootstrap_weights

DRAWS = 2000


def adjusted(p_obs: np.ndarray | float, tpr: np.ndarray | float, fpr: np.ndarray | float) -> np.ndarray:
    """Adjusted classify-and-count: (p_obs - fpr) / (tpr - fpr) clipped to [0, 1]; nan where tpr <= fpr (the
    classifier does no better than chance on the sample, so nothing can be corrected)."""
    p_obs, tpr, fpr = (np.asarray(v, dtype="float64") for v in (p_obs, tpr, fpr))
    gap = tpr - fpr
    out = np.subtract(p_obs, fpr, out=np.empty(np.broadcast(p_obs, tpr, fpr).shape))  # one array, worked in place
    usable = gap > 0
    np.divide(out, gap, out=out, where=usable)
    np.copyto(out, np.nan, where=~usable)
    np.clip(out, 0.0, 1.0, out=out)
    return out if out.ndim else out[()]


def percentiles(draws: np.ndarray, qs: Sequence[float]) -> list[np.ndarray]:
    """``np.nanpercentile(draws, q, axis=0)`` for each ``q`` of ``qs``, equal to it value for value: each column
    sorted once (nan last) and numpy's 'linear' method applied to its valid draws, for every column at once
    (nanpercentile goes column by column in Python: ~65 us a column and a percentile)."""
    ordered = np.sort(draws.T, axis=1)  # a column's draws in a row, nan last
    n = draws.shape[0] - np.isnan(ordered).sum(axis=1)  # valid draws per column
    rows = np.arange(len(ordered))
    out = []
    for q in qs:
        virtual = (n - 1) * np.true_divide(q, 100.0)  # numpy's virtual index, (n - 1) x quantile
        previous = np.floor(virtual)
        top, below = virtual >= n - 1, virtual < 0
        previous[top] = -1  # as numpy: the last valid draw on both sides
        after = np.where(top, -1, previous + 1)
        previous[below] = after[below] = 0
        gamma = virtual - previous
        previous = np.where(previous < 0, n + previous, previous).astype(np.intp)
        after = np.where(after < 0, n + after, after).astype(np.intp)
        a, b = ordered[rows, previous], ordered[rows, after]
        diff = b - a  # numpy's _lerp, operation for operation
        value = a + diff * gamma
        np.subtract(b, diff * (1 - gamma), out=value, where=gamma >= 0.5)
        out.append(value)
    return out


def rates(true_flag: np.ndarray, pred_flag: np.ndarray, weights: np.ndarray | None = None
          ) -> tuple[np.ndarray, np.ndarray]:
    """(tpr, fpr) of flagged predictions; with ``weights`` (draws x n resampling counts), one pair per draw."""
    t, p = np.asarray(true_flag, dtype=float), np.asarray(pred_flag, dtype=float)
    w = np.ones((1, len(t))) if weights is None else weights
    pos, neg = w @ t, w @ (1 - t)
    tpr = np.divide(w @ (t * p), pos, out=np.full(len(w), np.nan), where=pos > 0)
    fpr = np.divide(w @ ((1 - t) * p), neg, out=np.full(len(w), np.nan), where=neg > 0)
    return (tpr[0], fpr[0]) if weights is None else (tpr, fpr)


def adjusted_prevalence(counts: pd.DataFrame, true_flag: np.ndarray, pred_flag: np.ndarray,
                        level: float = 0.95, draws: int = DRAWS, seed: int = 0) -> pd.DataFrame:
    """Per row of ``counts`` (any group columns, e.g. area_code and month, plus ``posts`` and ``flagged``): the
    raw share ``raw_prevalence`` = flagged / posts, the ``adjusted_prevalence`` and its interval
    (``ci_low``, ``ci_high``), and the adjusted count of flagged posts with its interval (``adjusted_flagged``,
    ``adjusted_flagged_low``, ``adjusted_flagged_high``). ``true_flag``/``pred_flag``: reviewers' and the
    classifier's flags on the labelled random sample; ``tpr``, ``fpr`` and ``n_labelled`` are added too."""
    posts = counts["posts"].to_numpy(dtype="float64")
    raw = np.divide(counts["flagged"].to_numpy(dtype="float64"), posts, out=np.full(len(posts), np.nan),
                    where=posts > 0)
    tpr, fpr = rates(true_flag, pred_flag)
    point = adjusted(raw, tpr, fpr)
    n = len(true_flag)
    if n:
        tprs, fprs = rates(true_flag, pred_flag, bootstrap_weights(n, draws, seed))
    else:
        tprs = fprs = np.full(draws, np.nan)
    rng = np.random.default_rng(seed + 1)
    safe = np.where(posts > 0, posts, 1).astype("int64")
    p_obs = rng.binomial(safe[None, :], np.nan_to_num(raw)[None, :], size=(draws, len(posts))) / safe[None, :]
    boot = adjusted(p_obs, tprs[:, None], fprs[:, None])
    lo, hi = 100 * (1 - level) / 2, 100 * (1 + level) / 2
    valid = ~np.isnan(boot).all(axis=0)
    low, high = np.full(len(posts), np.nan), np.full(len(posts), np.nan)
    if valid.any():
        low[valid], high[valid] = percentiles(boot[:, valid], (lo, hi))
    out = counts.copy()
    out["raw_prevalence"], out["adjusted_prevalence"], out["ci_low"], out["ci_high"] = raw, point, low, high
    out["adjusted_flagged"] = point * posts
    out["adjusted_flagged_low"], out["adjusted_flagged_high"] = low * posts, high * posts
    out["tpr"], out["fpr"], out["n_labelled"] = tpr, fpr, n
    return out


COUNT_COLUMNS = ["posts", "flagged_posts", "adjusted_flagged_posts", "adjusted_low", "adjusted_high", "rates_source"]


def adjusted_counts(counts: pd.DataFrame, rates_by_lang: pd.DataFrame, keys: list[str], level: float = 0.95,
                    draws: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Flagged posts per group of ``keys`` (e.g. city_id, area_code, period), raw and adjusted, summed over the
    languages of ``counts`` (``keys`` + lang, posts, flagged_posts), each language corrected with its own rates.

    ``rates_by_lang``: city_id, lang, true_positives, positives, false_positives, negatives, rates_source (the
    table ``classifier_rates``). A language without usable rates (none, or tpr <= fpr) is counted as flagged,
    unadjusted. The interval is a parametric bootstrap: each city x language's rates redrawn binomially from
    their counts (one draw shared by all its areas and months), each row's flagged share redrawn binomially.
    Output: ``keys`` + ``COUNT_COLUMNS``; ``rates_source`` review | model_card | none | mixed (languages differ)."""
    join = [k for k in ("city_id", "lang") if k in counts.columns and k in rates_by_lang.columns]
    cols = ["true_positives", "positives", "false_positives", "negatives", "rates_source"]
    m = counts.merge(rates_by_lang[[*join, *cols]].drop_duplicates(join), on=join, how="left")
    if m.empty:
        return pd.DataFrame(columns=[*keys, *COUNT_COLUMNS])
    posts = m["posts"].to_numpy(dtype="float64")
    flagged = m["flagged_posts"].to_numpy(dtype="float64")
    pos, neg = (m[c].fillna(0).to_numpy(dtype="float64") for c in ("positives", "negatives"))
    tpr = np.divide(m["true_positives"].fillna(0).to_numpy(dtype="float64"), pos, out=np.full(len(m), np.nan),
                    where=pos > 0)
    fpr = np.divide(m["false_positives"].fillna(0).to_numpy(dtype="float64"), neg, out=np.full(len(m), np.nan),
                    where=neg > 0)
    usable = (pos > 0) & (neg > 0) & (tpr > fpr)
    raw = np.divide(flagged, posts, out=np.zeros(len(m)), where=posts > 0)
    point = np.where(usable, adjusted(raw, tpr, fpr) * posts, flagged)
    # rates redrawn once per city x language (rate_code), shared by its rows
    rate_code = m.groupby(join, sort=False, dropna=False).ngroup().to_numpy()
    rng = np.random.default_rng(seed)
    k = rate_code.max() + 1
    first = np.unique(rate_code, return_index=True)[1]
    kp, kn = pos[first].astype("int64"), neg[first].astype("int64")
    ktpr, kfpr = np.nan_to_num(tpr[first]), np.nan_to_num(fpr[first])
    tpr_b = np.divide(rng.binomial(kp, ktpr, size=(draws, k)), kp, out=np.full((draws, k), np.nan), where=kp > 0)
    fpr_b = np.divide(rng.binomial(kn, kfpr, size=(draws, k)), kn, out=np.full((draws, k), np.nan), where=kn > 0)
    safe = np.where(posts > 0, posts, 1).astype("int64")
    p_b = rng.binomial(safe, raw, size=(draws, len(m))) / safe
    adj_b = adjusted(p_b, tpr_b[:, rate_code], fpr_b[:, rate_code]) * posts
    adj_b = np.where(usable, adj_b, flagged)
    group = m.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    order = np.argsort(group, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(group[order]) != 0])
    sums = np.add.reduceat(adj_b[:, order], starts, axis=1)
    lo, hi = 100 * (1 - level) / 2, 100 * (1 + level) / 2
    ok = ~np.isnan(sums).all(axis=0)
    low, high = np.full(sums.shape[1], np.nan), np.full(sums.shape[1], np.nan)
    if ok.any():
        low[ok], high[ok] = percentiles(sums[:, ok], (lo, hi))
    source = pd.Series(np.where(usable, m["rates_source"].fillna("none").astype(str), "none"))
    agg = pd.DataFrame({"g": group, "posts": posts, "flagged_posts": flagged, "adjusted_flagged_posts": point,
                        "source": source}).groupby("g", sort=True)
    out = m[keys].iloc[order[starts]].reset_index(drop=True)
    out["posts"] = agg["posts"].sum().to_numpy().astype("int64")
    out["flagged_posts"] = agg["flagged_posts"].sum().to_numpy().astype("int64")
    out["adjusted_flagged_posts"] = agg["adjusted_flagged_posts"].sum().to_numpy()
    out["adjusted_low"], out["adjusted_high"] = np.minimum(low, out["adjusted_flagged_posts"]), \
        np.maximum(high, out["adjusted_flagged_posts"])
    n_src, first_src = agg["source"].nunique(), agg["source"].first()
    out["rates_source"] = np.where(n_src.to_numpy() == 1, first_src.to_numpy(dtype=object), "mixed")
    return out[[*keys, *COUNT_COLUMNS]]
