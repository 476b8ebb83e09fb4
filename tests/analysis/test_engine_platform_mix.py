"""The engine's corrected counts follow the posts' platform mix, not the review sample's: a city sampled when its
posts were 85% X / 15% Telegram and counted now 40% / 60% (tests/support/platform_mix: the classifier over-flags X
and misses Telegram's slang). ``measured_rates`` pooled the city's per-platform reviewed rows, so the engine
corrected its counts with the sample's mix (about half the truth); now the rows are re-weighted to the posts' mix
of the city and of each month (``scn.review.metrics.post_stratified``, the accuracy line's helper), and a platform
sampled too thinly keeps the sample's own pooled rates (``mix_report``'s rule)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from geo.misclass import adjust_panel, rate_corners
from scn.analysis.engine import measured_rates
from scn.nlp.evaluation import evaluation_table
from scn.review import published
from scn.settings import override, paths
from tests.support.platform_mix import KEYS, World, stub_review, world


def _rates(monkeypatch: pytest.MonkeyPatch, w: World) -> pd.DataFrame:
    """``classifier_rates`` as published for the world's city (one reviewed row per sampled platform)."""
    stub_review(monkeypatch, w.reviewed)
    return published.rates_table(w.grid[["city_id", "lang", "platform"]].drop_duplicates(), evaluation_table())


def _mix(grid: pd.DataFrame) -> pd.DataFrame:
    """The posts counted per city, month and platform (what the warehouse's ``int_area_month_lang`` sums to)."""
    return grid.groupby(["city_id", "period", "platform"], as_index=False)["posts"].sum()


def _corrected(grid: pd.DataFrame, table: pd.DataFrame) -> pd.Series:
    """The engine's corrected flagged posts per month: the city's place x month counts (no platform, as
    ``cell_month``) through ``adjust_panel`` with the city's measured rates."""
    panel = grid.groupby(KEYS, as_index=False)[["posts", "flagged_posts"]].sum()
    rates = table[table["city_id"] == "tyre"].drop(columns="city_id")
    return adjust_panel(panel, rates).groupby("period")["flagged_posts"].sum()


def test_the_engines_corrected_count_follows_the_posts_mix(monkeypatch: pytest.MonkeyPatch) -> None:
    """20 worlds of 1,000 reviewed posts: pooled over the sample the corrected count was about half the truth;
    re-weighted to the posts' mix its mean bias is within 10%."""
    pooled, weighted = [], []
    for seed in range(20):
        w = world(seed=200 + seed, sample=1000)
        rates = _rates(monkeypatch, w)
        pooled.append(_corrected(w.grid, measured_rates(rates)).sum() / w.truth - 1)
        table = measured_rates(rates, _mix(w.grid))
        assert table["weighted"].all() and table["period"].notna().sum() == w.grid["period"].nunique()
        weighted.append(_corrected(w.grid, table).sum() / w.truth - 1)
    assert np.mean(pooled) < -0.35, np.mean(pooled)
    assert abs(np.mean(weighted)) < 0.10, np.mean(weighted)


def test_each_month_is_corrected_with_its_own_mix(monkeypatch: pytest.MonkeyPatch) -> None:
    """The mix moves within the panel (X first, then Telegram): corrected with each month's mix, the months of both
    halves are off their truth by the same share (the sample's noise, common to all); with one mix for the whole
    panel the X months came out high and the Telegram months low (10 worlds)."""
    gaps, city_gaps = [], []
    for seed in range(10):
        early, late = world(seed=300 + seed, sample=1000, count_mix={"x": 0.9, "telegram": 0.1}), \
            world(seed=400 + seed, count_mix={"x": 0.1, "telegram": 0.9})
        first = (early.grid["period"] <= "2026-03").to_numpy()
        grid = pd.concat([early.grid[first], late.grid[~first]], ignore_index=True)
        hate = np.concatenate([early.hate[first], late.hate[~first]])
        truth = pd.Series(hate).groupby(grid["period"].to_numpy()).sum()
        table = measured_rates(_rates(monkeypatch, World(grid, hate, early.reviewed)), _mix(grid))
        monthly = _corrected(grid, table) / truth - 1
        city_wide = _corrected(grid, table[table["period"].isna()]) / truth - 1
        x_months = truth.index <= "2026-03"
        gaps.append(monthly[x_months].mean() - monthly[~x_months].mean())
        city_gaps.append(city_wide[x_months].mean() - city_wide[~x_months].mean())
    assert abs(np.mean(gaps)) < 0.10 and np.mean(city_gaps) > 0.3, (np.mean(gaps), np.mean(city_gaps))
    # the refits at the corners of the rates' ranges keep each month's own rates
    low = rate_corners(table)[1]
    assert low["period"].equals(table["period"]) and (low["tpr"] <= table["tpr"]).all()


def test_a_thinly_sampled_platform_keeps_the_samples_pooled_rates(monkeypatch: pytest.MonkeyPatch) -> None:
    """Telegram is 1% of the reviewed posts (too few hateful ones for a row of its own): its posts cannot be
    weighed, so the city keeps the rates pooled over its sample (the accuracy line's rule), as before."""
    w = world(seed=3, sample=300, sample_mix={"x": 0.99, "telegram": 0.01})
    rates = _rates(monkeypatch, w)
    assert set(rates.loc[rates["rates_source"] == "review", "platform"]) == {"x"}
    table = measured_rates(rates, _mix(w.grid))
    pd.testing.assert_frame_equal(table, measured_rates(rates))
    assert len(table) == 1 and not table["weighted"].iloc[0] and pd.isna(table["period"].iloc[0])


def test_the_posts_mix_is_read_from_the_warehouse_per_city_month_and_platform(tmp_path: Path) -> None:
    """``platform_mix`` sums the warehouse's posts over areas to city x month x language x platform: the mix
    ``correlation_rows`` and ``measured_rates_table`` re-weight the rates with."""
    from scn.analysis.tables import platform_mix

    w = world(seed=5)
    counts = pd.concat([w.grid, w.grid.assign(lang="fr", posts=1)], ignore_index=True)
    with override(home=tmp_path / "scn"):
        assert platform_mix(["tyre"]) is None  # no warehouse yet
        paths().warehouse.parent.mkdir(parents=True, exist_ok=True)
        with duckdb.connect(str(paths().warehouse)) as con:
            con.register("counts", counts)
            con.execute("create table int_area_month_lang as select * from counts")
        got = platform_mix(["tyre"])
        assert platform_mix(["elsewhere"]).empty
    keys = ["city_id", "period", "lang", "platform"]
    want = counts.groupby(keys, as_index=False)["posts"].sum()
    assert got[keys].astype(str).equals(want[keys])
    assert np.array_equal(got["posts"].to_numpy(float), want["posts"].to_numpy(float))
