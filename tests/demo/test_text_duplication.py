"""The bench worlds' texts repeat as real feeds do, not as a pool of a few thousand texts would: deduplicating
identical texts (the labeller, the MinHash signatures) must not be flattered by the world it is measured on."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scn.demo.spec import size_spec, text_pool
from scn.demo.world import iter_cities


def _first_city(size: str) -> pd.DataFrame:
    return next(iter_cities(11, size)).posts


def test_medium_and_large_posts_mostly_carry_texts_of_their_own() -> None:
    assert size_spec("large").own_text_share == size_spec("medium").own_text_share == 0.6
    posts = _first_city("medium")
    ordinary = posts[posts["campaign"].isna()]
    distinct = ordinary["text"].nunique() / len(ordinary)
    assert 0.55 < distinct < 0.7, distinct  # own texts (60%) and a few distinct pool texts among the repeats
    repeated = ~ordinary["text"].isin(set(text_pool()["text"]))
    assert 0.57 < repeated.mean() < 0.63, repeated.mean()  # own texts are no pool text
    campaign = posts[posts["campaign"].notna()]
    assert len(campaign) and not campaign["text"].str.contains(r" #\d+$").any()  # campaigns keep their variants


def test_the_small_world_keeps_its_pool_texts() -> None:
    posts = _first_city("small")
    ordinary = posts[posts["campaign"].isna()]
    assert ordinary["text"].isin(set(text_pool()["text"])).all()
    assert np.isclose(size_spec("small").own_text_share, 0.0)
