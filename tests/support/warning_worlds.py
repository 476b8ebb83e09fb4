"""Synthetic area x week worlds for the early-warning tests and scripts/validate_warning.py: overdispersed
(negative-binomial) weekly counts with area sizes spread over two orders of magnitude, an annual season and a
slowly drifting city-wide level; optionally one planted burst per area."""

from __future__ import annotations

import numpy as np
import pandas as pd


def area_week_world(seed: int, n_areas: int = 30, n_weeks: int = 104, burst: float | None = None,
                    dispersion: tuple[float, float] = (0.2, 1.0), city_id: str = "nullville"
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(area_week, planted): weekly flagged posts per area ~ NB(mean, alpha) with alpha drawn per world from
    ``dispersion``; mean = area size (log-uniform 0.3..30 a week) x season (amplitude 0.3) x a city level that
    drifts (AR(1) on the log scale). With ``burst``, every area gets one week (after week 30) whose mean is
    multiplied by ``burst``; ``planted`` lists those (area_code, week). Rows with zero posts are dropped, as
    the area_week mart has no row for a week without posts."""
    rng = np.random.default_rng(seed)
    alpha = rng.uniform(*dispersion)
    size = np.exp(rng.uniform(np.log(0.3), np.log(30), n_areas))
    t = np.arange(n_weeks)
    season = 1 + 0.3 * np.sin(2 * np.pi * (t + rng.uniform(0, 52)) / 52.18)
    level = np.zeros(n_weeks)
    shocks = rng.normal(0, 0.05, n_weeks)
    for i in range(1, n_weeks):  # a 104-step AR(1), not a loop over rows
        level[i] = 0.9 * level[i - 1] + shocks[i]
    mean = size[:, None] * (season * np.exp(level))[None, :]
    planted_week = rng.integers(30, n_weeks, n_areas)
    if burst is not None:
        mean[np.arange(n_areas), planted_week] *= burst
    gamma = rng.gamma(1 / alpha, alpha, mean.shape)
    counts = rng.poisson(mean * gamma)
    weeks = pd.date_range("2024-01-01", periods=n_weeks, freq="7D").strftime("%G-W%V")
    areas = np.array([f"A{i:03d}" for i in range(n_areas)])
    frame = pd.DataFrame({"city_id": city_id, "area_code": np.repeat(areas, n_weeks),
                          "week": np.tile(weeks, n_areas), "flagged_posts": counts.ravel()})
    planted = pd.DataFrame({"area_code": areas, "week": weeks[planted_week]}) if burst is not None \
        else pd.DataFrame(columns=["area_code", "week"])
    return frame[frame["flagged_posts"] > 0].reset_index(drop=True), planted


def false_alerts_per_area_year(alerts: pd.DataFrame, n_areas: int, n_weeks: int) -> float:
    """Alerts per area-year of a null world."""
    return len(alerts) / (n_areas * n_weeks / 52.18)


def planted_found(alerts: pd.DataFrame, planted: pd.DataFrame) -> float:
    """Share of planted bursts alerted in their week and area."""
    hit = planted.merge(alerts[["area_code", "week"]], on=["area_code", "week"], how="left", indicator=True)
    return float((hit["_merge"] == "both").mean()) if len(planted) else float("nan")
