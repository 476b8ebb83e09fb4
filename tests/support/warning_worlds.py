"""Synthetic area x week worlds for the early-warning tests and scripts/validate_warning.py: overdispersed
(negative-binomial) weekly counts with area sizes spread over two orders of magnitude, an annual season and a
slowly drifting city-wide level; optionally one planted burst per area, a ``posts`` column (all posts of the
area-week), a change of collection (a step or steady growth of flagged and other posts alike) and a city-wide
surge of hateful posts only."""

from __future__ import annotations

import numpy as np
import pandas as pd


def area_week_world(seed: int, n_areas: int = 30, n_weeks: int = 104, burst: float | None = None,
                    dispersion: tuple[float, float] = (0.2, 1.0), city_id: str = "nullville",
                    posts_ratio: float | None = None, posts_dispersion: float | None = None,
                    step: tuple[int, float] | None = None, growth: float = 0.0,
                    surge: tuple[int, float] | None = None, sizes: tuple[float, float] = (0.3, 30.0),
                    level_sd: float = 0.05) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(area_week, planted): weekly flagged posts per area ~ NB(mean, alpha) with alpha drawn per world from
    ``dispersion``; mean = area size (log-uniform over ``sizes``, 0.3..30 a week) x season (amplitude 0.3) x a
    city level that drifts (AR(1) on the log scale, shocks of sd ``level_sd``). With ``burst``, every area gets one week (after week 30) whose mean is
    multiplied by ``burst``; ``planted`` lists those (area_code, week). Rows with zero posts are dropped, as
    the area_week mart has no row for a week without posts.

    With ``posts_ratio``, a ``posts`` column: flagged posts + other posts, the other posts of an area-week ~
    NB(``posts_ratio`` x the area's flagged mean that week (before any burst or surge), ``posts_dispersion``,
    default alpha), drawn independently of the flagged posts (so the city's other posts are a noisy measure of
    its collection). Collection changes multiply the means of flagged AND other posts: ``step`` = (week, factor)
    from that week on; ``growth`` = a steady rise of that share a week (0.02: 2% a week, compounding from week
    0). ``surge`` = (week, factor): a real city-wide surge of hateful posts only, every area's flagged mean x
    factor that week, other posts unchanged. The flagged counts of a world without these options are the same
    with or without ``posts_ratio`` (the other posts are drawn after them)."""
    rng = np.random.default_rng(seed)
    alpha = rng.uniform(*dispersion)
    size = np.exp(rng.uniform(np.log(sizes[0]), np.log(sizes[1]), n_areas))
    t = np.arange(n_weeks)
    season = 1 + 0.3 * np.sin(2 * np.pi * (t + rng.uniform(0, 52)) / 52.18)
    level = np.zeros(n_weeks)
    shocks = rng.normal(0, level_sd, n_weeks)
    for i in range(1, n_weeks):  # a 104-step AR(1), not a loop over rows
        level[i] = 0.9 * level[i - 1] + shocks[i]
    collection = (1 + growth) ** t
    if step is not None:
        collection = collection * np.where(t >= step[0], step[1], 1.0)
    mean = size[:, None] * (season * np.exp(level) * collection)[None, :]
    other_mean = mean.copy()  # before bursts and surges: those are hateful posts only
    planted_week = rng.integers(30, n_weeks, n_areas)
    if burst is not None:
        mean[np.arange(n_areas), planted_week] *= burst
    if surge is not None:
        mean[:, surge[0]] *= surge[1]
    gamma = rng.gamma(1 / alpha, alpha, mean.shape)
    counts = rng.poisson(mean * gamma)
    weeks = pd.date_range("2024-01-01", periods=n_weeks, freq="7D").strftime("%G-W%V")
    areas = np.array([f"A{i:03d}" for i in range(n_areas)])
    frame = pd.DataFrame({"city_id": city_id, "area_code": np.repeat(areas, n_weeks),
                          "week": np.tile(weeks, n_areas), "flagged_posts": counts.ravel()})
    planted = pd.DataFrame({"area_code": areas, "week": weeks[planted_week]}) if burst is not None \
        else pd.DataFrame(columns=["area_code", "week"])
    if posts_ratio is None:
        return frame[frame["flagged_posts"] > 0].reset_index(drop=True), planted
    alpha_other = alpha if posts_dispersion is None else posts_dispersion
    other = rng.poisson(posts_ratio * other_mean * rng.gamma(1 / alpha_other, alpha_other, mean.shape))
    frame["posts"] = frame["flagged_posts"] + other.ravel()
    return frame[frame["posts"] > 0].reset_index(drop=True), planted


def false_alerts_per_area_year(alerts: pd.DataFrame, n_areas: int, n_weeks: int) -> float:
    """Alerts per area-year of a null world."""
    return len(alerts) / (n_areas * n_weeks / 52.18)


def planted_found(alerts: pd.DataFrame, planted: pd.DataFrame) -> float:
    """Share of planted bursts alerted in their week and area."""
    hit = planted.merge(alerts[["area_code", "week"]], on=["area_code", "week"], how="left", indicator=True)
    return float((hit["_merge"] == "both").mean()) if len(planted) else float("nan")
