"""The FE Poisson with one-hot period effects handled structurally equals the dense-dummy implementation it replaced
(tests/support/fe_model_reference.py) to 1e-10 on coefficients, variances and p-values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo.fe_model import fe_poisson
from tests.support import fe_model_reference as ref


def _world(seed: int, cells: int, periods: int, *, drop: float = 0.0, zero_cells: int = 0, offset: bool = False,
           nan_rows: int = 0, str_periods: bool = False, regressors: int = 3, scale: float = 1.0) -> dict:
    """A place x period panel with a few regressors, optionally unbalanced, with all-zero places, an offset,
    missing regressor values and string period labels."""
    rng = np.random.default_rng(seed)
    place, period = np.repeat(np.arange(cells), periods), np.tile(np.arange(periods), cells)
    alpha, gamma = rng.normal(0, 1, cells), rng.normal(0, 0.3, periods)
    x = pd.DataFrame({f"x{j}": rng.normal(size=len(place)) + 0.3 * alpha[place] for j in range(regressors)})
    off = rng.normal(0, 0.2, cells)[place] + rng.normal(0, 0.05, len(place)) if offset else np.zeros(len(place))
    mu = np.exp(0.2 * x["x0"].to_numpy() - 0.1 * x.iloc[:, -1].to_numpy() + alpha[place] + gamma[period] + off
               + np.log(scale))
    y = rng.poisson(mu).astype(float)
    y[place < zero_cells] = 0  # places that never see the outcome drop out
    if nan_rows:
        x.iloc[rng.choice(len(place), nan_rows, replace=False), 0] = np.nan
    keep = rng.random(len(place)) >= drop
    labels = np.array([f"2024-{t:03d}" for t in range(periods)])[period] if str_periods else period
    return {"y": y[keep], "x": x[keep].reset_index(drop=True), "place": place[keep], "period": labels[keep],
            "offset": off[keep] if offset else None, "cluster": None}


# Large counts too (|log-likelihood| ~ 1e5-1e6): the line search's slack is relative to the likelihood, so both
# implementations take the last full Newton step and land on the optimum whatever their summation order.
WORLDS = {
    "many_periods": dict(seed=1, cells=40, periods=60),
    "few_periods": dict(seed=2, cells=80, periods=3),
    "two_periods": dict(seed=3, cells=60, periods=2, regressors=1),
    "unbalanced": dict(seed=4, cells=70, periods=24, drop=0.3),
    "zeros": dict(seed=5, cells=50, periods=24, zero_cells=12, scale=0.1),
    "offset": dict(seed=6, cells=55, periods=18, offset=True, drop=0.1),
    "missing_and_labels": dict(seed=7, cells=45, periods=12, nan_rows=40, str_periods=True),
    "few_cells": dict(seed=8, cells=6, periods=30, regressors=2),
    "city": dict(seed=9, cells=169, periods=24, regressors=8, offset=True, scale=0.1),  # few crimes per cell-month
    "large_counts": dict(seed=12, cells=60, periods=48, scale=30.0),
    "large_counts_offset": dict(seed=13, cells=90, periods=36, regressors=5, offset=True, scale=50.0, drop=0.1),
}


def _fits(world: dict, vcov_type: str) -> tuple:
    args = (world["y"], world["x"], world["place"], world["period"])
    kw = {"cluster": world["cluster"], "vcov_type": vcov_type, "offset": world["offset"]}
    return fe_poisson(*args, **kw), ref.fe_poisson(*args, **kw)


def _close(a: np.ndarray | None, b: np.ndarray | None, rtol: float = 1e-10) -> bool:
    """Equal to ``rtol`` relative to the largest entry (entries near zero are compared on that scale)."""
    if a is None or b is None:
        return a is None and b is None
    a, b = np.asarray(a, float), np.asarray(b, float)
    scale = np.nanmax(np.abs(b)) if np.isfinite(b).any() else 1.0
    return a.shape == b.shape and bool(np.all((np.isnan(a) == np.isnan(b))
                                              & ((np.abs(a - b) <= rtol * scale) | np.isnan(b))))


@pytest.mark.parametrize("vcov_type", ["cr1", "cr3", "auto"])
@pytest.mark.parametrize("name", list(WORLDS))
def test_structured_period_effects_equal_dense_dummies(name: str, vcov_type: str) -> None:
    world = _world(**WORLDS[name])
    if name == "few_periods":  # places nested in coarser clusters
        world["cluster"] = world["place"] // 4
    new, old = _fits(world, vcov_type)
    assert old.converged and new.converged == old.converged
    assert (new.names, new.n, new.places, new.clusters, new.periods, new.vcov_type) == \
        (old.names, old.n, old.places, old.clusters, old.periods, old.vcov_type)
    assert _close(new.coef, old.coef) and _close(new.vcov, old.vcov) and _close(new.vcov_two_way, old.vcov_two_way)
    for term in old.names:
        for spatial in (False, True):
            a, b = new.term(term, spatial=spatial), old.term(term, spatial=spatial)
            for key in ("beta", "se", "p_value", "ci_low", "ci_high"):
                va, vb = a[key], b[key]
                if key == "p_value" and vb < 1e-12:  # a far tail: d log p / d log t ~ t^2 turns a 1e-12
                    va, vb = np.log(va), np.log(vb)  # change of the SE into 1e-9 of p; compare log p
                assert abs(va - vb) <= 1e-10 * max(abs(vb), 1e-300), (term, key, va, vb)


def test_degenerate_panels_fail_the_same_way() -> None:
    world = _world(seed=10, cells=20, periods=6)
    one_period = _world(seed=11, cells=30, periods=1)  # no period effects at all
    for args in [(one_period["y"], one_period["x"], one_period["place"], one_period["period"]),
                 (world["y"][:0], world["x"][:0], world["place"][:0], world["period"][:0])]:
        new, old = fe_poisson(*args), ref.fe_poisson(*args)
        assert new.converged == old.converged and new.n == old.n and new.places == old.places
        assert _close(new.coef, old.coef) and _close(new.vcov, old.vcov)


def test_a_collinear_regressor_is_dropped_where_the_reference_gave_no_estimate() -> None:
    """A regressor twice another: the reference (and this fit until 2026-12-07) gave no estimate at all; the
    duplicate is now left out and the others are the reference's fit without it."""
    world = _world(seed=10, cells=20, periods=6)
    x = world["x"].assign(dup=world["x"]["x0"] * 2.0)
    old = ref.fe_poisson(world["y"], x, world["place"], world["period"])
    assert not old.converged and np.isnan(old.coef).all()
    new = fe_poisson(world["y"], x, world["place"], world["period"])
    without = ref.fe_poisson(world["y"], world["x"], world["place"], world["period"])
    assert new.dropped == {"dup": "collinear_with_regressors"} and new.converged
    assert _close(new.coef[:3], without.coef) and _close(new.vcov[:3, :3], without.vcov)
