"""Disclosure of a table whose rows split a published total (``target_month``: target groups of a city-month's
flagged posts): an official sees no small count, and no hidden count follows from the total minus the shown rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scn.privacy.disclosure import for_audience, recoverable
from scn.settings import suppress_below


def test_a_single_hidden_target_hides_the_next_smallest() -> None:
    frame = pd.DataFrame({"city_id": "c", "period": ["m1"] * 4 + ["m2"] * 3 + ["m3"] * 2,
                          "target": ["origin", "religion", "gender", "unspecified", "origin", "religion",
                                     "unspecified", "origin", "unspecified"],
                          "flagged_posts": [2, 10, 12, 30, 3, 4, 20, 0, 40]})
    out = for_audience("target_month", frame, "official", k=5, min_group=10)["flagged_posts"]
    assert out.isna().tolist() == [True, True, False, False, True, True, False, False, False]
    assert for_audience("target_month", frame, "staff",
                        k=5, min_group=10)["flagged_posts"].tolist() == frame["flagged_posts"].tolist()


def test_no_city_month_gives_a_hidden_count_back() -> None:
    k = suppress_below()
    rng = np.random.default_rng(4)
    for i in range(300):
        parts = rng.integers(0, 3 * k, rng.integers(1, 6))
        frame = pd.DataFrame({"city_id": "c", "period": f"m{i}", "target": [f"t{j}" for j in range(len(parts))],
                              "flagged_posts": parts})
        shown = for_audience("target_month", frame, "official", k=5, min_group=10)["flagged_posts"]
        hidden = shown.isna().to_numpy()
        assert not ((parts > 0) & (parts < k) & ~hidden).any()  # primary suppression
        if hidden.any() and (~hidden & (parts > 0)).any():  # the total minus the shown rows pins nothing
            assert not recoverable(np.array([hidden.sum()]), np.array([parts[hidden].sum()]), k)[0], parts
