"""``review_accuracy``'s ``sample_mix`` (each platform's share of a city's reviewed posts, to 2 decimals) beside
its ``n`` (the reviewed posts): a share times n is a platform's count of reviewed posts. An official must not
get one of 1..k-1 back: the shares are hidden where any platform's count could be that small
(``scn.privacy.disclosure._mixes``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scn.privacy.disclosure import for_audience
from scn.review.metrics import mix_text, shares


def _rows(platforms: list[list[str]]) -> pd.DataFrame:
    """review_accuracy rows of one city and language each, from each row's reviewed posts' platforms."""
    return pd.DataFrame({"city_id": [f"c{i}" for i in range(len(platforms))], "lang": "en",
                         "n": [len(p) for p in platforms],
                         "sample_mix": [mix_text(shares(p)) for p in platforms]})


def _recovered(mix: str, n: float) -> dict[str, int]:
    """What an official reads off a mix and n: each platform's count, its share times n (rounded)."""
    return {name: round(float(share) * n) for name, share in (item.rsplit(":", 1) for item in mix.split(","))}


@pytest.mark.parametrize("k", [5, 7])
def test_a_platform_of_few_reviewed_posts_is_not_given_back(k: int) -> None:
    """40 reviewed posts, 2 of them Bluesky: ``bluesky:0.05,telegram:0.95`` gives 2 back (staff's copy); an
    official gets no mix. 20 and 20 (or, at k = 5, 6 and 34): the mix is shown and gives k or more each."""
    rows = _rows([["bluesky"] * 2 + ["telegram"] * 38, ["bluesky"] * 20 + ["x"] * 20, ["x"] * 6 + ["telegram"] * 34])
    assert _recovered(rows["sample_mix"].iloc[0], 40)["bluesky"] == 2  # what the leak was
    staff = for_audience("review_accuracy", rows, "staff", k=k, min_group=10)
    assert staff["sample_mix"].equals(rows["sample_mix"])
    official = for_audience("review_accuracy", rows, "official", k=k, min_group=10)
    assert pd.isna(official["sample_mix"].iloc[0]) and official["sample_mix"].iloc[1] == "bluesky:0.50,x:0.50"
    assert pd.isna(official["sample_mix"].iloc[2]) == (k > 6)


def test_no_official_mix_gives_a_small_count_back() -> None:
    """Random samples (5..400 reviewed posts over 1..4 platforms, some of them rare): every mix an official gets
    tells each platform's count to within the rounding, and the least count it allows is k or more, the true
    counts too; most mixes of samples without a small platform are still shown."""
    rng = np.random.default_rng(54)
    k, platforms = 5, np.array(["bluesky", "telegram", "x", "youtube"])
    samples = []
    for _ in range(400):
        weights = rng.dirichlet(rng.choice([0.2, 1.0, 5.0], len(platforms)))
        samples.append(list(rng.choice(platforms, int(rng.integers(5, 400)), p=weights)))
    rows = _rows(samples)
    official = for_audience("review_accuracy", rows, "official", k=k, min_group=10)
    small = [any(1 <= s.count(p) < k for p in platforms) for s in samples]
    shown = official["sample_mix"].notna().to_numpy()
    for i in np.flatnonzero(shown):
        assert not small[i], (samples[i], official["sample_mix"].iloc[i])
        n = len(samples[i])
        least = {name: (float(share) - 0.005) * n for name, share in
                 (item.rsplit(":", 1) for item in official["sample_mix"].iloc[i].split(","))}
        assert min(least.values()) >= k, least
    assert sum(small) > 20 and shown[~np.array(small)].mean() > 0.5, (sum(small), shown.mean())
