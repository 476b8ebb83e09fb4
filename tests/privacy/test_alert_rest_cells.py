"""A cell whose posts are hidden for their rest (16 posts, 12 flagged: 4 not flagged) says its posts are 13..16
(its flagged posts shown, plus 1..k-1). ``alert_totals`` counted that cell's posts as shown, so an alert's posts
that equal the cells' posts at their highest (a cluster of 36 beside a shown cell of 20) looked like a rest of
0, though they pin the hidden cell's posts at 16 and its posts not flagged at 4."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from scn.privacy.disclosure import alert_totals, for_audience
from tests.support.alert_rows import cluster as _cluster

CELLS = ["8828308281fffff", "8828308283fffff"]


def _cells() -> pd.DataFrame:
    """March 2025 of city d: a cell of 16 posts, 12 flagged (posts hidden for their rest of 4), one of 20, all
    flagged (shown)."""
    return pd.DataFrame({"city_id": "d", "cell": CELLS, "resolution": 8, "period": "2025-03",
                         "posts": [16, 20], "flagged_posts": [12, 20]})


@pytest.mark.parametrize(("posts", "shown"), [(36, False), (30, True)])
def test_a_cell_hidden_for_its_rest_is_a_hidden_part_of_the_alerts_totals(posts: int, shown: bool) -> None:
    """A cluster of 36 posts: the cells' posts are 20 + 13..16, at least 36, so the first cell's are 16 (4 not
    flagged); its counts are withheld. A cluster of 30 leaves 3..6: shown."""
    cluster = _cluster(posts, "2025-03-05") | {"city_id": "d"}
    cluster["evidence"] = json.dumps(json.loads(cluster["evidence"]) | {"hateful_posts": 0})
    totals = alert_totals(lambda name: _cells() if name == "cell_month" else pd.DataFrame(), k=5)
    official = for_audience("alerts", pd.DataFrame([cluster]), "official", parts=totals, k=5, min_group=10)
    assert (json.loads(official["evidence"].iloc[0])["posts"] is not None) == shown
    cells = totals[(totals["place"] == "cells") & (totals["metric"] == "posts")]
    # the hidden part of the cells' posts: one cell, its unknown the rest (4), beside its known flagged posts
    assert cells[["total", "hidden", "hidden_total"]].values.tolist() == [[36, 1, 4]]
