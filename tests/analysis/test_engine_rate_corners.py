"""The engine refits a city at every corner of its measured rates' ranges: each corner corrects the counts as
counted (a corner applied to the counts already corrected with the point rates corrected them twice)."""

from __future__ import annotations

import pandas as pd
import pytest

import scn.analysis.engine as engine
from tests.support.geo_worlds import engine_world


def test_every_corner_corrects_the_counts_as_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    panel = engine_world("clean_effect", 3, rings=3, months=12, city_id="a")
    rates = engine.measured_rates(pd.DataFrame({
        "city_id": ["a"], "lang": ["en"], "rates_source": ["review"], "true_positives": [30], "positives": [40],
        "false_positives": [8], "negatives": [160]}))
    seen, adjust = [], engine.adjust_panel

    def spy(cm: pd.DataFrame, rates: pd.DataFrame) -> pd.DataFrame:
        seen.append(int(cm["flagged_posts"].sum()))
        return adjust(cm, rates)

    monkeypatch.setattr(engine, "adjust_panel", spy)
    engine.analyse(panel, rates=rates)
    assert len(seen) == 5  # the point rates and the four corners
    assert set(seen) == {int(panel["flagged_posts"].sum())}, seen
