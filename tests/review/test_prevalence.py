"""Prevalence corrected for the classifier's errors (adjusted classify-and-count) on a demo-like city where the
labelled random sample says the classifier over-flags: the adjusted prevalence moves toward the planted truth
and its interval covers it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scn.review.prevalence import adjusted, adjusted_prevalence, rates

TPR, FPR = 0.70, 0.15  # the classifier misses 30% of hateful posts and flags 15% of the others


def _city(seed: int = 3) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """12 areas x 12 months of posts with a planted true prevalence per area (4% to 15%), classifier flags drawn
    with TPR/FPR, and a labelled random sample of 600 posts of the city."""
    rng = np.random.default_rng(seed)
    areas, months = [f"A{i:02d}" for i in range(12)], [f"2026-{m:02d}" for m in range(1, 13)]
    grid = pd.DataFrame([(a, m) for a in areas for m in months], columns=["area_code", "month"])
    grid["truth"] = np.repeat(np.linspace(0.04, 0.15, len(areas)), len(months))
    grid["posts"] = rng.integers(300, 900, len(grid))
    hateful = rng.binomial(grid["posts"], grid["truth"])
    grid["flagged"] = rng.binomial(hateful, TPR) + rng.binomial(grid["posts"] - hateful, FPR)
    city_truth = float((grid["truth"] * grid["posts"]).sum() / grid["posts"].sum())
    true_flag = rng.random(600) < city_truth
    pred_flag = np.where(true_flag, rng.random(600) < TPR, rng.random(600) < FPR)
    return grid, true_flag, pred_flag


def test_formula_and_rates() -> None:
    assert np.isclose(adjusted(0.255, 0.7, 0.15), (0.255 - 0.15) / 0.55)
    assert adjusted(0.10, 0.7, 0.15) == 0.0 and adjusted(0.9, 0.7, 0.15) == 1.0  # clipped to [0, 1]
    assert np.isnan(adjusted(0.3, 0.2, 0.2))  # no better than chance: nothing to correct with
    tpr, fpr = rates(np.array([1, 1, 1, 1, 0, 0, 0, 0, 0, 0]), np.array([1, 1, 1, 0, 1, 0, 0, 0, 0, 0]))
    assert (tpr, fpr) == (0.75, 1 / 6)


def test_adjusted_prevalence_moves_toward_the_planted_truth_and_covers_it() -> None:
    grid, true_flag, pred_flag = _city()
    out = adjusted_prevalence(grid[["area_code", "month", "posts", "flagged"]], true_flag, pred_flag, seed=1)
    truth = grid["truth"].to_numpy()
    raw_err = np.abs(out["raw_prevalence"] - truth)
    adj_err = np.abs(out["adjusted_prevalence"] - truth)
    assert (out["raw_prevalence"] > truth).mean() > 0.95  # the classifier over-flags everywhere
    assert adj_err.mean() < 0.5 * raw_err.mean()  # the adjustment moves the figures toward the truth
    covered = (out["ci_low"] <= truth) & (truth <= out["ci_high"])
    assert covered.mean() >= 0.9, covered.mean()
    assert ((out["ci_low"] <= out["adjusted_prevalence"]) & (out["adjusted_prevalence"] <= out["ci_high"])).all()
    assert np.allclose(out["adjusted_flagged"], out["adjusted_prevalence"] * out["posts"])
    # the city as a whole (one row): adjusted close to the planted share, raw far off, interval covers it
    city = grid.assign(city="c").groupby("city", as_index=False)[["posts", "flagged"]].sum()
    whole = adjusted_prevalence(city, true_flag, pred_flag, seed=1).iloc[0]
    planted = float((grid["truth"] * grid["posts"]).sum() / grid["posts"].sum())
    assert whole["ci_low"] <= planted <= whole["ci_high"]
    assert abs(whole["adjusted_prevalence"] - planted) < 0.3 * abs(whole["raw_prevalence"] - planted)
    assert whole["n_labelled"] == 600
