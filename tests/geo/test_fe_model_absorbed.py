"""What the place and period effects absorb in the FE Poisson (geo.fe_model):

- a month with no outcome anywhere: its effect's estimate is minus infinity, so Newton walked it down step by step
  (21 likelihood evaluations instead of 5 on 40 places x 12 months) and stopped on the score, with the month's rows counted in ``n`` and
  its code in the two-way variance's periods although they carry no information. The fit now leaves such a month
  out, exactly as a fit on the panel without it;
- a regressor constant within every place (or every period) is absorbed by the effects: it was kept, got a
  coefficient of -2e13 and moved the others; it is now left out with a reason code (``FeFit.dropped``), its term
  missing and the other terms those of the fit without it;
- a regressor absorbed by the place and period effects together (a(place) + b(period), constant within neither)
  slipped past both checks and the rank check returned an empty fit: now ``absorbed_by_fixed_effects``."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from geo.direction import within_place
from geo.fe_model import absorbed, fe_poisson
from geo.panel import full_panel
from scn.analysis.engine import _pairs
from tests.support.geo_worlds import engine_world


def _panel(seed: int = 1, places: int = 60, periods: int = 12, mean: float = 0.4) -> tuple:
    """Sparse counts (about 0.4 events per place-period) on one regressor with a rate ratio of exp(0.3)."""
    rng = np.random.default_rng(seed)
    place, period = np.repeat(np.arange(places), periods), np.tile(np.arange(periods), places)
    x = rng.normal(size=len(place))
    y = rng.poisson(mean * np.exp(0.3 * x + rng.normal(0, 0.5, places)[place])).astype(float)
    return y, x, place, period


def _same_fit(a: object, b: object) -> None:
    assert a.converged and b.converged
    assert (a.n, a.places, a.clusters, a.periods, a.vcov_type) == (b.n, b.places, b.clusters, b.periods, b.vcov_type)
    np.testing.assert_allclose(a.coef, b.coef, rtol=0, atol=1e-10)
    np.testing.assert_allclose(a.vcov, b.vcov, rtol=1e-8, atol=0)
    np.testing.assert_allclose(a.vcov_two_way, b.vcov_two_way, rtol=1e-8, atol=0)


@pytest.mark.parametrize("vcov_type", ["cr1", "cr3"])
def test_a_month_without_any_outcome_is_left_out_exactly(vcov_type: str) -> None:
    y, x, place, period = _panel()
    empty = np.isin(period, [0, 5, 11])  # the first (the reference), a middle and the last month
    y[empty] = 0
    fit = fe_poisson(y, pd.DataFrame({"x": x}), place, period, vcov_type=vcov_type)
    without = fe_poisson(y[~empty], pd.DataFrame({"x": x[~empty]}), place[~empty], period[~empty],
                         vcov_type=vcov_type)
    _same_fit(fit, without)
    assert fit.periods == 9 and fit.n == 9 * fit.places  # the places with an outcome, in the 9 months with one


def test_a_regressor_constant_within_every_place_is_dropped_with_its_reason() -> None:
    y, x, place, period = _panel(seed=2)
    level = np.random.default_rng(9).normal(size=place.max() + 1)[place]  # varies across places only
    fit = fe_poisson(y, pd.DataFrame({"x": x, "level": level}), place, period)
    alone = fe_poisson(y, pd.DataFrame({"x": x}), place, period)
    assert fit.dropped == {"level": "absorbed_by_place_effects"}
    assert fit.names == ["x", "level"] and np.isnan(fit.term("level")["estimate"])
    assert fit.term("x")["estimate"] == pytest.approx(alone.term("x")["estimate"], rel=1e-10)
    assert fit.term("x")["ci_high"] == pytest.approx(alone.term("x")["ci_high"], rel=1e-8)


def test_a_regressor_constant_within_every_period_is_dropped_not_the_whole_fit() -> None:
    y, x, place, period = _panel(seed=3)
    citywide = np.random.default_rng(4).normal(size=period.max() + 1)[period]  # one value per month
    fit = fe_poisson(y, pd.DataFrame({"x": x, "citywide": citywide}), place, period)
    alone = fe_poisson(y, pd.DataFrame({"x": x}), place, period)
    assert fit.dropped == {"citywide": "absorbed_by_period_effects"}
    assert fit.term("x")["estimate"] == pytest.approx(alone.term("x")["estimate"], rel=1e-10)


def test_the_engines_rows_name_the_regressor_the_cell_effects_absorbed() -> None:
    """A control that varies between cells but not over time (a cell's constant attribute): the estimates are
    those without it and each row's ``dropped`` says why it was left out."""
    panel = full_panel(engine_world("clean_effect", 1))
    panel["other_crimes"] = (panel["crimes"] - panel["hate_crimes"]).clip(lower=0)
    pairs = _pairs(panel["cell"].unique())
    codes = pd.factorize(panel["cell"])[0]
    attribute = pd.DataFrame({"k": np.random.default_rng(5).normal(size=codes.max() + 1)[codes]})
    plain = pd.DataFrame(within_place(panel, 1, pairs, None))
    with_k = pd.DataFrame(within_place(panel, 1, pairs, None, controls=attribute))
    assert plain["estimate"].notna().all()
    np.testing.assert_allclose(with_k["estimate"], plain["estimate"], rtol=1e-9)
    assert all(d == {"k": "absorbed_by_place_effects"} for d in with_k["dropped"])


@pytest.mark.parametrize("vcov_type", ["cr1", "cr3"])
def test_a_regressor_absorbed_by_place_and_month_effects_together_is_dropped(vcov_type: str) -> None:
    """x = a(place) + b(month): neither constant within a place nor within a month, so neither one-way check saw
    it, and the rank check returned an empty fit (every term NaN). It is now dropped with its reason, the other
    terms those of the fit without it."""
    y, x, place, period = _panel(seed=5)
    rng = np.random.default_rng(6)
    both = rng.normal(size=place.max() + 1)[place] + rng.normal(size=period.max() + 1)[period]
    fit = fe_poisson(y, pd.DataFrame({"x": x, "both": both}), place, period, vcov_type=vcov_type)
    alone = fe_poisson(y, pd.DataFrame({"x": x}), place, period, vcov_type=vcov_type)
    assert fit.dropped == {"both": "absorbed_by_fixed_effects"}
    assert np.isnan(fit.term("both")["estimate"])
    _same_fit(replace(fit, names=["x"], coef=fit.coef[:1], vcov=fit.vcov[:1, :1],
                      vcov_two_way=fit.vcov_two_way[:1, :1]), alone)


def test_a_regressor_with_a_small_interaction_is_kept() -> None:
    """a(place) + b(month) plus a little place x month variation is identified: kept, not dropped."""
    y, x, place, period = _panel(seed=7)
    rng = np.random.default_rng(8)
    near = rng.normal(size=place.max() + 1)[place] + rng.normal(size=period.max() + 1)[period] \
        + 0.05 * rng.normal(size=len(place))
    fit = fe_poisson(y, pd.DataFrame({"x": x, "near": near}), place, period)
    assert fit.dropped == {} and np.isfinite(fit.term("near")["estimate"])


def _chain(blocks: int) -> tuple:
    """A poorly connected panel: ``blocks`` pairs of cells, pair i observed in months i and i + 1 only, so each
    pair shares one month with the next (a chain; alternating demeaning converges at 1 - O(1 / blocks^2) a round)."""
    place = np.repeat(np.arange(2 * blocks), 2)
    return place, place // 2 + np.tile([0, 1], 2 * blocks)


@pytest.mark.parametrize("blocks", [20, 200])
def test_the_absorption_check_is_exact_on_a_chain_of_cells(blocks: int) -> None:
    """On the chain, 1,000 rounds of alternating demeaning left a(place) + b(month) far from absorbed: the check
    said nothing from 20 pairs of cells on. The residual is now an exact least-squares solve."""
    place, period = _chain(blocks)
    rng = np.random.default_rng(blocks)
    both = rng.normal(size=place.max() + 1)[place] + rng.normal(size=period.max() + 1)[period]
    noise = rng.normal(size=len(place))  # identified: 4 rows a pair for 3 new effects
    near = both + 0.05 * rng.normal(size=len(place))
    x = np.column_stack([noise, both, near])
    assert absorbed(x, place, period, ["noise", "both", "near"]) == {"both": "absorbed_by_fixed_effects"}


def test_a_chain_panels_fit_drops_what_the_effects_absorb() -> None:
    place, period = _chain(40)
    rng = np.random.default_rng(3)
    x = rng.normal(size=len(place))
    y = rng.poisson(2 * np.exp(0.3 * x)).astype(float)
    both = rng.normal(size=place.max() + 1)[place] + rng.normal(size=period.max() + 1)[period]
    fit = fe_poisson(y, pd.DataFrame({"x": x, "both": both}), place, period, vcov_type="cr1")
    alone = fe_poisson(y, pd.DataFrame({"x": x}), place, period, vcov_type="cr1")
    assert fit.dropped == {"both": "absorbed_by_fixed_effects"}
    assert fit.term("x")["estimate"] == pytest.approx(alone.term("x")["estimate"], rel=1e-9)


@pytest.mark.parametrize("vcov_type", ["cr1", "cr3"])
def test_regressors_collinear_with_each_other_drop_the_redundant_one(vcov_type: str) -> None:
    """x3 = x1 + x2, none absorbed by the effects: the rank check returned an empty fit (every term NaN). The
    later of the collinear regressors is left out (``collinear_with_regressors``), the others those of the fit
    without it."""
    y, x1, place, period = _panel(seed=11)
    x2 = np.random.default_rng(12).normal(size=len(x1))
    frame = pd.DataFrame({"x1": x1, "x2": x2, "x3": x1 + x2})
    fit = fe_poisson(y, frame, place, period, vcov_type=vcov_type)
    alone = fe_poisson(y, frame[["x1", "x2"]], place, period, vcov_type=vcov_type)
    assert fit.dropped == {"x3": "collinear_with_regressors"}
    assert np.isnan(fit.term("x3")["estimate"])
    _same_fit(replace(fit, names=["x1", "x2"], coef=fit.coef[:2], vcov=fit.vcov[:2, :2],
                      vcov_two_way=fit.vcov_two_way[:2, :2]), alone)


def test_collinear_only_once_the_effects_are_removed_is_dropped_too() -> None:
    """x3 = 2 x1 - x2 + a(place) + b(month): collinear with the others only within place and month."""
    y, x1, place, period = _panel(seed=13)
    rng = np.random.default_rng(14)
    x2 = rng.normal(size=len(x1))
    x3 = 2 * x1 - x2 + rng.normal(size=place.max() + 1)[place] + rng.normal(size=period.max() + 1)[period]
    fit = fe_poisson(y, pd.DataFrame({"x1": x1, "x2": x2, "x3": x3}), place, period)
    assert fit.dropped == {"x3": "collinear_with_regressors"}
    assert np.isfinite(fit.term("x1")["estimate"]) and np.isfinite(fit.term("x2")["estimate"])


def test_nearly_collinear_regressors_are_kept() -> None:
    y, x1, place, period = _panel(seed=15)
    rng = np.random.default_rng(16)
    x2 = rng.normal(size=len(x1))
    fit = fe_poisson(y, pd.DataFrame({"x1": x1, "x2": x2, "x3": x1 + x2 + 0.05 * rng.normal(size=len(x1))}),
                     place, period)
    assert fit.dropped == {} and np.isfinite(fit.term("x3")["estimate"])
