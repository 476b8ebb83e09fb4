"""Prevalence of flagged posts corrected for the classifier's errors: adjusted classify-and-count (Forman 2008),
p = (p_obs - fpr) / (tpr - fpr) clipped to [0, 1], with tpr and fpr measured on a labelled random sample.

The interval is a percentile bootstrap: the labelled sample is resampled (tpr, fpr) and each group's observed
share redrawn binomially, so it carries both the measurement error and the group's own sampling noise.
Arrays and frames in, numbers out; no I/O."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scn.review.metrics import bootstrap_weights

DRAWS = 2000


def adjusted(p_obs: np.ndarray | float, tpr: np.ndarray | float, fpr: np.ndarray | float) -> np.ndarray:
    """Adjusted classify-and-count: (p_obs - fpr) / (tpr - fpr) clipped to [0, 1]; nan where tpr <= fpr (the
    classifier does no better than chance on the sample, so nothing can be corrected)."""
    p_obs, tpr, fpr = (np.asarray(v, dtype="float64") for v in (p_obs, tpr, fpr))
    gap = tpr - fpr
    out = np.divide(p_obs - fpr, gap, out=np.full(np.broadcast(p_obs, gap).shape, np.nan), where=gap > 0)
    return np.clip(out, 0.0, 1.0)


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
        low[valid] = np.nanpercentile(boot[:, valid], lo, axis=0)
        high[valid] = np.nanpercentile(boot[:, valid], hi, axis=0)
    out = counts.copy()
    out["raw_prevalence"], out["adjusted_prevalence"], out["ci_low"], out["ci_high"] = raw, point, low, high
    out["adjusted_flagged"] = point * posts
    out["adjusted_flagged_low"], out["adjusted_flagged_high"] = low * posts, high * posts
    out["tpr"], out["fpr"], out["n_labelled"] = tpr, fpr, n
    return out
