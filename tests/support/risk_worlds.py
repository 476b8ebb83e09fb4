"""Synthetic area x month worlds for the risk-ranking tests: area populations spread over two orders of
magnitude, speech and hate crime proportional to population (a null world), optionally one planted area."""

from __future__ import annotations

import numpy as np
import pandas as pd


def area_month_world(seed: int, n_areas: int = 40, hot: int | None = None, rate_ratio: float = 3.0,
                     hot_population: float | None = None, city_id: str = "riskville"
                     ) -> tuple[pd.DataFrame, pd.Series]:
    """(area_month, population by area_code): three months of Poisson counts, flagged posts 0.002 and hate
    crimes 0.0003 per resident a month (x ``rate_ratio`` in area number ``hot``); all posts and crimes also
    per resident, posting activity varying between areas. Populations log-uniform 200..20,000 (the hot
    area's set to ``hot_population`` when given)."""
    rng = np.random.default_rng(seed)
    pop = np.exp(rng.uniform(np.log(200), np.log(20_000), n_areas)).round()
    rel = np.ones(n_areas)
    if hot is not None:
        rel[hot] = rate_ratio
        if hot_population is not None:
            pop[hot] = hot_population
    codes = np.array([f"A{i:02d}" for i in range(n_areas)])
    activity = rng.gamma(4, 0.25, n_areas)
    periods = ["2026-01", "2026-02", "2026-03"]
    shape = (len(periods), n_areas)
    frame = pd.DataFrame({
        "city_id": city_id, "area_code": np.tile(codes, len(periods)), "period": np.repeat(periods, n_areas),
        "posts": rng.poisson(pop * 0.05 * activity, shape).ravel(),
        "flagged_posts": rng.poisson(pop * 0.002 * rel, shape).ravel(),
        "crimes": rng.poisson(pop * 0.004, shape).ravel(),
        "hate_crimes": rng.poisson(pop * 0.0003 * rel, shape).ravel(),
        "population": np.tile(pop, len(periods))})
    return frame, pd.Series(pop, index=codes)
