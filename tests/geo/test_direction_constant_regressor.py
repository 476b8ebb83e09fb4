"""A regressor with one value on every row (a control constant up to rounding: its standard deviation rounds to
4e-16) is left out of the within-place fits, not kept to make every estimate of the city missing."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.direction import within_place
from geo.panel import full_panel
from scn.analysis.engine import _pairs
from tests.support.geo_worlds import engine_world


def test_a_constant_control_leaves_every_estimate_as_it_was() -> None:
    panel = full_panel(engine_world("clean_effect", 1))
    panel["other_crimes"] = (panel["crimes"] - panel["hate_crimes"]).clip(lower=0)
    pairs = _pairs(panel["cell"].unique())
    constant = pd.DataFrame({"k": np.full(len(panel), np.log2(3.0))})
    assert constant["k"].std() > 0  # rounding: the old per-column std test kept it
    plain = pd.DataFrame(within_place(panel, 2, pairs, None))
    with_constant = pd.DataFrame(within_place(panel, 2, pairs, None, controls=constant))
    assert plain["estimate"].notna().all()
    assert all(d == {"k": "constant"} for d in with_constant["dropped"])  # left out, and said why
    pd.testing.assert_frame_equal(with_constant.drop(columns="dropped"), plain.drop(columns="dropped"))
