"""A count the city never sent (null on every row of its marts) gets the reason no_data for officials, never a view of 0."""

from __future__ import annotations

import pandas as pd

from scn.privacy.published_levels import levels_table
from tests.support.dbt_world import C1


def test_a_source_never_sent_has_no_official_view():
    cm = pd.DataFrame({"city_id": ["crimesonly"] * 2 + ["both"] * 2, "cell": [C1] * 4, "resolution": [8] * 4,
                       "period": ["2024-01", "2024-02"] * 2, "posts": [None, None, 9.0, 0.0],
                       "flagged_posts": [None, None, 9.0, 0.0], "crimes": [12.0, 15.0, 0.0, 12.0],
                       "hate_crimes": [11.0, 10.0, 0.0, 14.0]})
    city = cm.drop(columns=["cell", "resolution"])
    out = levels_table({"cell_month": cm, "city_month": city}, k=5).set_index(["city_id", "metric"])["reason"]
    assert out[("crimesonly", "flagged_posts")] == "no_data"
    assert out[("both", "flagged_posts")] != "no_data" and out[("crimesonly", "hate_crimes")] != "no_data"
