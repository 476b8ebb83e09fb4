"""Adjusted counts over the tiny dbt world: ``int_area_month_lang`` counts the events ``area_month`` counts, split by
language; the review domain's ``adjusted_counts`` sums the languages back (raw counts equal to area_month's),
corrects each with its rates (``classifier_rates``), and an official sees neither a small raw count nor the
adjusted figures computed from it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from scn.privacy.disclosure import for_audience
from scn.review import tables
from scn.review.prevalence import adjusted, adjusted_counts

KEYS = ["city_id", "area_code", "period"]


def _rows(frame: pd.DataFrame) -> list[tuple]:
    """(city, area, period, posts, flagged posts) per row, in key order."""
    cols = [*KEYS, "posts", "flagged_posts"]
    return sorted((str(a), str(b), str(c), int(d), int(e)) for a, b, c, d, e in frame[cols].itertuples(index=False))


def test_adjusted_counts_sum_languages_back_to_area_month(in_world: Path, wh: duckdb.DuckDBPyConnection) -> None:
    by_lang = wh.execute("select * from int_area_month_lang order by all").df()
    area = wh.execute("select city_id, area_code, period, posts, flagged_posts from area_month "
                      "where posts > 0 order by all").df()
    summed = by_lang.groupby(KEYS, as_index=False)[["posts", "flagged_posts"]].sum()
    assert _rows(summed) == _rows(area) and len(area) == 2
    out = tables.adjusted_counts()  # no classifier_rates in the world's lake: nothing to correct with
    assert _rows(out) == _rows(area)
    assert (out["adjusted_flagged_posts"] == out["flagged_posts"]).all() and set(out["rates_source"]) == {"none"}

    rates = pd.DataFrame({"city_id": ["london"], "lang": ["en"], "true_positives": [80], "positives": [100],
                          "false_positives": [20], "negatives": [400], "rates_source": ["review"]})
    corrected = adjusted_counts(by_lang, rates, KEYS).set_index(KEYS)
    e01 = corrected.loc[("london", "E01", "2024-01")]
    assert np.isclose(e01["adjusted_flagged_posts"], adjusted(3 / 5, 0.8, 0.05) * 5)
    assert e01["adjusted_low"] <= e01["adjusted_flagged_posts"] <= e01["adjusted_high"]
    assert e01["rates_source"] == "review"

    official = for_audience("adjusted_counts", corrected.reset_index(), "official",
                            k=5, min_group=10).set_index(KEYS)
    small = official.loc[("london", "E01", "2024-01")]  # 3 flagged posts: hidden, and what it gives back too
    assert pd.isna(small["flagged_posts"]) and pd.isna(small["adjusted_flagged_posts"])
    assert pd.isna(small["adjusted_low"]) and pd.isna(small["adjusted_high"])
    zero = official.loc[("london", "E02", "2024-02")]
    assert zero["flagged_posts"] == 0 and zero["adjusted_flagged_posts"] == corrected.loc[
        ("london", "E02", "2024-02"), "adjusted_flagged_posts"]
