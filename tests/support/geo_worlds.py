"""Synthetic cell x month panels with a planted rate ratio, for tests/geo and scripts/effect_recovery.py
(test support, not product code: moved out of ``geo/``)."""

from __future__ import annotations

import h3
import numpy as np
import pandas as pd


def synthetic_panel(seed: int, rate_ratio: float = 1.15, n_cells: int = 120, n_months: int = 24,
                    city_id: str = "synthville", hate_per_month: float = 60.0,
                    cells_per_area: int = 8) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(cell_month, areas_of_cells) of one city where hate_crimes(c, m) ~ Poisson(base x pop_share(c) x
    rate_ratio ** flagged_posts(c, m-1)); flagged posts grow with population (a confounder the offset handles).

    cell_month has the cell_month columns; areas_of_cells maps cells to pseudo areas of ``cells_per_area``."""
    rng = np.random.default_rng(seed)
    hexes = np.array(sorted(h3.grid_disk(h3.latlng_to_cell(51.5, -0.1, 8), 12)))[:n_cells]
    months = pd.period_range("2025-01", periods=n_months + 1, freq="M").strftime("%Y-%m")
    pop = rng.lognormal(8.5, 0.6, n_cells).round()
    pop_share = pop / pop.sum()
    propensity = 0.25 * (pop / pop.mean()) ** 0.5 * rng.gamma(2.0, 0.5, n_cells)
    shock = rng.gamma(4.0, 0.25, n_months + 1)
    flagged = rng.poisson(np.outer(propensity, shock))  # burn-in month first
    lam = hate_per_month * pop_share[:, None] * rate_ratio ** flagged[:, :-1]
    hate = rng.poisson(lam)
    posts = flagged[:, 1:] + rng.poisson(np.outer(pop / pop.mean(), np.full(n_months, 3.0)))
    crimes = hate + rng.poisson(4 * hate_per_month * pop_share[:, None], hate.shape)
    cell_month = pd.DataFrame({
        "city_id": city_id, "cell": np.repeat(hexes, n_months), "resolution": 8,
        "period": np.tile(months[1:], n_cells), "posts": posts.ravel(), "flagged_posts": flagged[:, 1:].ravel(),
        "crimes": crimes.ravel(), "hate_crimes": hate.ravel(), "population": np.repeat(pop, n_months).astype("int64"),
    })
    areas = pd.DataFrame({"city_id": city_id, "cell": hexes,
                          "area_code": [f"A{i // cells_per_area:03d}" for i in range(n_cells)]})
    return cell_month, areas
