"""The bootstrap's array kernels equal the plain numpy they replace, value for value (nan where it gives nan):
``adjusted`` (worked in one array) and ``percentiles`` (numpy's vectorised percentile on columns without a nan),
on draws built with holes: nan rates (no positives), tpr <= fpr, columns partly and wholly nan, shares at 0 and 1."""

from __future__ import annotations

import numpy as np
import pytest

from scn.review.prevalence import adjusted, percentiles


def _reference_adjusted(p_obs, tpr, fpr) -> np.ndarray:
    p_obs, tpr, fpr = (np.asarray(v, dtype="float64") for v in (p_obs, tpr, fpr))
    gap = tpr - fpr
    out = np.divide(p_obs - fpr, gap, out=np.full(np.broadcast(p_obs, gap).shape, np.nan), where=gap > 0)
    return np.clip(out, 0.0, 1.0)


def _draws(rng: np.random.Generator, draws: int, cols: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    p = rng.random((draws, cols))
    p[:, ::7] = 0.0
    p[:, 3::11] = 1.0
    tpr, fpr = 0.6 + 0.4 * rng.random((draws, cols)), 0.3 * rng.random((draws, cols))
    tpr[:, ::5] = np.nan  # a language without positives in the sample
    tpr[(rng.random((draws, cols)) < 0.02) & (np.arange(cols) % 3 == 1)] = np.nan  # draws without positives
    fpr[:, 2::9] = tpr[:, 2::9]  # tpr == fpr: nothing to correct
    fpr[:, 4::13] = 0.9  # tpr < fpr
    return p, tpr, fpr


@pytest.mark.parametrize("shape", [(1000, 400), (3, 2), (1, 1), (50, 0)])
def test_adjusted_equals_the_plain_expression(shape: tuple[int, int]) -> None:
    p, tpr, fpr = _draws(np.random.default_rng(shape[1]), *shape)
    np.testing.assert_array_equal(adjusted(p, tpr, fpr), _reference_adjusted(p, tpr, fpr))
    np.testing.assert_array_equal(adjusted(p, tpr[:1], fpr[:1]), _reference_adjusted(p, tpr[:1], fpr[:1]))
    for args in ((0.3, 0.8, 0.1), (0.3, 0.1, 0.1), (0.95, 0.9, 0.2), (np.nan, 0.8, 0.1)):
        got, want = adjusted(*args), _reference_adjusted(*args)
        assert type(got) is type(want) and (got == want or (np.isnan(got) and np.isnan(want))), (args, got, want)


@pytest.mark.parametrize("q", [2.5, 50.0, 97.5, 0.0, 100.0])
def test_percentiles_equal_nanpercentile(q: float) -> None:
    p, tpr, fpr = _draws(np.random.default_rng(7), 1000, 300)
    boot = adjusted(p, tpr, fpr) * 250.0
    boot[:, 10] = np.nan  # a column nan in every draw
    boot[1:, 20] = np.nan  # one valid draw
    boot[2:, 21] = np.nan  # two
    boot[:, 22] = 5.0  # every draw the same
    boot[::2, 23] = np.inf  # infinite draws
    valid = ~np.isnan(boot).all(axis=0)
    assert np.isnan(boot[:, valid]).any(axis=0).sum() > 50 and (~np.isnan(boot).any(axis=0)).sum() > 50
    got = percentiles(boot[:, valid], (q, 100.0 - q))
    for value, quantile in zip(got, (q, 100.0 - q), strict=True):
        np.testing.assert_array_equal(value, np.nanpercentile(boot[:, valid], quantile, axis=0))
