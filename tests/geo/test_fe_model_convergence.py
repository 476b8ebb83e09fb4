"""Newton's stopping rule in the FE Poisson: with large counts (|log-likelihood| ~ 1e6) the likelihood's rounding
noise passes an absolute slack, full steps near the optimum were rejected and halved, and the fit stopped short
of the optimum where summation order put it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.fe_model import fe_poisson


def _large_counts(seed: int = 3, cells: int = 150, periods: int = 120, mean: float = 20.0) -> tuple:
    """A long panel of many places with ~20 events per place-period (log-likelihood ~ -3.5e6)."""
    rng = np.random.default_rng(seed)
    place, period = np.repeat(np.arange(cells), periods), np.tile(np.arange(periods), cells)
    alpha, gamma = rng.normal(0, 1, cells), rng.normal(0, 0.3, periods)
    x = pd.DataFrame({f"x{j}": rng.normal(size=len(place)) + 0.3 * alpha[place] for j in range(3)})
    mu = mean * np.exp(0.2 * x["x0"].to_numpy() - 0.1 * x["x2"].to_numpy() + alpha[place] + gamma[period])
    return rng.poisson(mu).astype(float), x, place, period


def test_large_count_fit_lands_on_the_optimum_whatever_the_summation_order() -> None:
    y, x, place, period = _large_counts()
    fit = fe_poisson(y, x, place, period, vcov_type="cr1")
    order = np.random.default_rng(0).permutation(len(y))  # the same panel, its rows summed in another order
    again = fe_poisson(y[order], x.iloc[order].reset_index(drop=True), place[order], period[order], vcov_type="cr1")
    assert fit.converged and again.converged
    # one optimum: the two fits differ by rounding only (was 9.9e-12: each stopped 7/8 of a Newton step short)
    assert np.max(np.abs(fit.coef - again.coef)) < 1e-13
    assert np.allclose(fit.vcov, again.vcov, rtol=1e-9, atol=0)

