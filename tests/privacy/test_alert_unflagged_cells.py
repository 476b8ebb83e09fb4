"""The posts not flagged of a place with hidden cells (``alert_totals``' ``unflagged_posts`` of the ``cells`` and
``area_cells`` places): a cell whose flagged posts are hidden (1..k-1) beside its shown posts still says its
posts not flagged lie within k - 1 values (its posts less 1..k-1), and a cluster's posts less its hateful posts
are parts of that total. The rule took the posts not flagged only where both totals were exact, so a hidden cell
dropped the whole place's: the cluster's posts not hateful were set against nothing."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from scn.privacy.disclosure import alert_totals, for_audience
from tests.support.alert_rows import cluster as _cluster

CELLS = ["8828308281fffff", "8828308283fffff"]


def _cells(posts: int) -> pd.DataFrame:
    """March 2025 of city d: a cell of ``posts`` posts, 20 flagged, and one of 7 posts, 3 flagged (hidden, k=5)."""
    return pd.DataFrame({"city_id": "d", "cell": CELLS, "resolution": 8, "period": "2025-03",
                         "posts": [posts, 7], "flagged_posts": [20, 3]})


@pytest.mark.parametrize(("posts", "shown"), [(100, False), (110, True)])
def test_a_clusters_posts_not_hateful_are_set_against_the_cells_with_a_hidden_one(posts: int, shown: bool) -> None:
    """A cluster of 90 posts, 8 hateful (5 March), in a city shown by its cells only: the cells' posts not flagged
    are the first cell's 80 and the second's 7 less 1..4 (3..6): 83..86, less the cluster's 82 leaves 1..4, small
    throughout (posts: 107 - 90 = 17; flagged: 20 + 1..4 - 8, 13..16: both fine). With 110 posts: 11..14."""
    cluster = _cluster(90, "2025-03-05") | {"city_id": "d"}
    cluster["evidence"] = json.dumps(json.loads(cluster["evidence"]) | {"hateful_posts": 8})
    totals = alert_totals(lambda name: _cells(posts) if name == "cell_month" else pd.DataFrame(), k=5)
    official = for_audience("alerts", pd.DataFrame([cluster]), "official", parts=totals, k=5, min_group=10)
    ev = json.loads(official["evidence"].iloc[0])
    assert (ev["posts"] is not None and ev["hateful_posts"] is not None) == shown
    # the total: the true posts not flagged (posts - 20 + 4), one hidden part of 7 - 3 - (7 - 5) = 2 (1..4)
    unflagged = totals[(totals["place"] == "cells") & (totals["metric"] == "unflagged_posts")]
    assert unflagged[["total", "hidden", "hidden_total"]].values.tolist() == [[posts - 20 + 4, 1, 2]]
