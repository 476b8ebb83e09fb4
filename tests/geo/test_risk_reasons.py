"""The risk profile's survey reason: an area's resilience is a reason only when the survey's own intervals say it
is below the rest of its city (a test at 5%), never by ranking point means of equal areas."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from geo.risk import REASON_CODES, risk_profile

CODES = [f"A{i:02d}" for i in range(40)]
Z = 1.959963984540054


def _world(seed: int) -> tuple[pd.DataFrame, np.ndarray, np.random.Generator]:
    rng = np.random.default_rng(seed)
    pop = np.exp(rng.uniform(np.log(2000), np.log(20000), len(CODES)))
    am = pd.concat([pd.DataFrame({"city_id": "c", "area_code": CODES, "period": p, "posts": 500, "crimes": 50,
                                  "flagged_posts": rng.poisson(pop / 1000), "hate_crimes": rng.poisson(pop / 4000),
                                  "population": pop}) for p in ("2026-07", "2026-08", "2026-09")])
    return am, pop, rng


def _survey(mean: np.ndarray, se: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"city_id": "c", "area_code": CODES, "construct": "resilience", "mean": mean,
                         "ci_low": mean - Z * se, "ci_high": mean + Z * se})


def _survey_codes(out: pd.DataFrame) -> pd.Series:
    return out["reasons"].map(lambda r: [c for c in json.loads(r)["codes"] if c.startswith("resilience")])


def test_equal_areas_seldom_get_a_resilience_reason() -> None:
    # every area has the same true resilience, surveyed with se 3-8: bottom-fifth ranking gave ~20% of areas the
    # reason; the test against the rest of the city gives about 2.5% (one side of a 5% test)
    given, areas = 0, 0
    for seed in range(10):
        am, _, rng = _world(seed)
        se = rng.uniform(3, 8, len(CODES))
        out = risk_profile(am, _survey(60 + rng.normal(0, se), se), seed=seed, draws=200)
        given += int(_survey_codes(out).map(bool).sum())
        areas += len(out)
    assert given / areas <= 0.06, given / areas


def test_a_clearly_lower_area_gets_the_reason_and_point_means_alone_give_none() -> None:
    am, _, rng = _world(1)
    se = np.full(len(CODES), 3.0)
    mean = 60 + rng.normal(0, se)
    mean[7] = 35.0  # 25 points (about 6 se) below the others
    out = risk_profile(am, _survey(mean, se), draws=200).set_index("area_code")
    codes = _survey_codes(out)
    assert codes["A07"] == ["resilience_below_city"] and "resilience_below_city" in REASON_CODES
    assert out.loc["A07", "resilience"] == 35.0
    # without the survey's bounds nothing says how sure the means are: no survey reason at all, resilience shown
    bare = risk_profile(am, _survey(mean, se).drop(columns=["ci_low", "ci_high"]), draws=200).set_index("area_code")
    assert not _survey_codes(bare).map(bool).any() and bare.loc["A07", "resilience"] == 35.0


def test_the_survey_se_is_read_back_from_logit_bounds() -> None:
    """survey_indices' bounds are on the logit scale (asymmetric near 100): the se behind them is recovered
    exactly (with 1.96 as the multiplier), where the larger half-width would overstate it; clipped symmetric bounds
    still give the unclipped side."""
    import numpy as np
    import pandas as pd

    from geo.risk import Z_SURVEY, _survey_se

    mean, se = pd.Series([92.0, 50.0, 97.0]), pd.Series([2.5, 4.0, 1.0])
    p = mean / 100
    h = Z_SURVEY * se / (100 * p * (1 - p))
    inv = lambda x: 100 / (1 + np.exp(-x))  # noqa: E731
    low, high = inv(np.log(p / (1 - p)) - h), inv(np.log(p / (1 - p)) + h)
    assert np.allclose(_survey_se(mean, low, high), se)
    assert (np.fmax(mean - low, high - mean) / Z_SURVEY > se * 1.01)[[0, 2]].all()  # the old reading: too wide
    clipped = _survey_se(pd.Series([98.0]), pd.Series([94.0]), pd.Series([100.0]))
    assert np.isclose(clipped.iloc[0], 4 / Z_SURVEY)
