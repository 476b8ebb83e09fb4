"""Columns a table publishes for staff only: ``city_month``'s ``not_assessed_posts`` (the city's posts in a
language the classifier does not cover, a count of posts shown on no page) came through an official's copy as it
was, 1..k-1 included, and beside the month's posts (its rest: the posts assessed). An official's copy has none of
``disclosure.STAFF_ONLY``; staff keep them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scn.privacy.disclosure import for_audience
from tests.support.snapshots import make_tables

K = 5


def test_an_officials_city_months_carry_no_staff_only_count() -> None:
    tables = make_tables(0)
    months, cells = tables["city_month"], tables["cell_month"]
    city = months["city_id"].iloc[0]
    months = months[months["city_id"] == city].copy()
    months["not_assessed_posts"] = np.arange(len(months)) % K  # 0..4: small counts among them
    official = for_audience("city_month", months, "official", parts=cells[cells["city_id"] == city], k=K,
                            min_group=None)
    staff = for_audience("city_month", months, "staff", k=K, min_group=None)
    assert "not_assessed_posts" not in official.columns
    numbers = pd.concat([pd.to_numeric(official[c], errors="coerce") for c in official.columns
                         if c not in ("population",)]).dropna()
    assert not ((numbers >= 1) & (numbers <= K - 1)).any()
    assert staff["not_assessed_posts"].tolist() == months["not_assessed_posts"].tolist()
