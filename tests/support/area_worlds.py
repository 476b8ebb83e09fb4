"""Area-level worlds built to break the engine's area analysis (tests/geo/test_area_level.py,
scripts/validate_engine.py ``area_yearly``): a city whose hate crime is published as yearly counts per area.

Population changes differently in every area over the years (some areas double, others shrink), and it drives
both posting and crime: totals grow together within an area without any link. Only the exposure (offset log
population of the year) separates that from an effect of speech. The rows have the ``area_period`` columns."""

from __future__ import annotations

import numpy as np
import pandas as pd


def area_yearly_world(seed: int, rate_ratio: float = 1.0, n_areas: int = 150, years: int = 10,
                      city_id: str = "yorkshire", population: bool = True, growth_sd: float = 0.12,
                      hate_per_1000: float = 2.5, flagged_per_1000: float = 4.0) -> pd.DataFrame:
    """``area_period`` rows (period_kind ``year``, hate_source ``counts``) of one city: hate_crimes(a, t) ~
    Poisson(pop(a, t) x rate x year shock x rate_ratio ** log2(1 + flagged(a, t - 1))); flagged posts ~ pop(a, t)
    x propensity, the other posts ~ footfall (not population). ``rate_ratio`` 1: no link (the null twin). ``population`` False drops the population
    column (what the engine does without exposure)."""
    rng = np.random.default_rng(seed)
    base = rng.lognormal(np.log(8000), 0.5, n_areas)
    growth = rng.normal(0.0, growth_sd, n_areas)  # log change per year, area by area
    t = np.arange(years + 1)
    pop = base[:, None] * np.exp(np.outer(growth, t) + rng.normal(0, 0.02, (n_areas, years + 1)))
    # hateful posting grows with residents; the other posts follow footfall (visitors, commuters), which does not
    # track the residents' growth: the activity controls cannot stand in for population here
    propensity = rng.gamma(4.0, 0.25, n_areas)[:, None] * rng.gamma(20.0, 0.05, years + 1)[None, :]
    flagged = rng.poisson(pop / 1000 * flagged_per_1000 * propensity)
    footfall = base[:, None] / 1000 * rng.lognormal(0.0, 0.3, n_areas)[:, None] * rng.gamma(20.0, 0.05, years + 1)
    posts = flagged + rng.poisson(30 * footfall)
    shock = rng.gamma(30.0, 1 / 30, years + 1)
    lam = pop / 1000 * hate_per_1000 * rng.gamma(3.0, 1 / 3, n_areas)[:, None] * shock[None, :]
    lam[:, 1:] *= rate_ratio ** np.log2(1 + flagged[:, :-1])
    hate = rng.poisson(lam)
    crimes = hate + rng.poisson(pop / 1000 * 40)
    sl = slice(1, None)  # the first year is burn-in (its speech drives the second year's crime)
    first = 2014
    out = pd.DataFrame({
        "city_id": city_id, "area_code": np.repeat([f"E{i:05d}" for i in range(n_areas)], years),
        "period_kind": "year", "period": np.tile([str(first + y) for y in range(years)], n_areas),
        "posts": posts[:, sl].ravel(), "flagged_posts": flagged[:, sl].ravel(), "crimes": crimes[:, sl].ravel(),
        "hate_crimes": hate[:, sl].ravel(), "hate_source": "counts", "population": pop[:, sl].ravel().round(),
    })
    return out if population else out.drop(columns="population")
