"""A city's reviewed posts per platform are parts of the reviewed total the city page shows before them
(``prevalence_line``): each part suppressed alone let the total less the shown parts give a hidden platform's count
back where exactly one was hidden (possible once k > 10: a platform's rates need 10 reviewed posts). Shaped as
``review_platforms``, a partition of the city's total (``disclosure.PARTITIONS``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scn.privacy.disclosure import for_audience


def _shaped(counts: dict[str, int], k: int) -> pd.DataFrame:
    frame = pd.DataFrame({"platform": list(counts), "n": list(counts.values())}).assign(city_id="tyre")
    return for_audience("review_platforms", frame, "official", k=k, min_group=None)


def test_one_hidden_platform_does_not_follow_from_the_total() -> None:
    shown = _shaped({"x": 40, "telegram": 10}, k=11)
    assert shown["n"].isna().all(), shown  # 50 - 40 would give telegram's 10
    assert _shaped({"x": 40, "telegram": 12}, k=11)["n"].tolist() == [40, 12]  # nothing small: all shown


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_no_hidden_platform_count_can_be_worked_out(seed: int) -> None:
    """Random cities of 2-5 platforms, k 5..20: the total less the shown parts is never one hidden part, nor
    hidden parts that could only be 1 each."""
    rng = np.random.default_rng(seed)
    leaks = hidden_any = 0
    for _ in range(300):
        k = int(rng.integers(5, 21))
        counts = {f"p{i}": int(v) for i, v in enumerate(rng.integers(1, 60, size=int(rng.integers(2, 6))))}
        shown = _shaped(counts, k)
        hidden = shown["n"].isna().to_numpy()
        rest = sum(counts.values()) - shown["n"].fillna(0).sum()
        hidden_any += bool(hidden.any())
        leaks += (hidden.sum() == 1) or (hidden.sum() > 1 and rest == hidden.sum())
        assert not ((~hidden) & (shown["n"].fillna(0).to_numpy() < k) & (shown["n"].fillna(0).to_numpy() > 0)).any()
    assert leaks == 0
    assert hidden_any > 50  # the worlds do hide platforms


def test_the_city_page_sentence_hides_the_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboards.components.city import _per_platform
    from scn.settings import override

    review = pd.DataFrame({"city_id": "tyre", "platform": ["x", "telegram"], "n": [40, 10],
                           "rates_source": "review"})
    with override(suppress_below=11):
        official = _per_platform("tyre", review, "en", "official")
        staff = _per_platform("tyre", review, "en", "staff")
    assert "40" in staff and "10" in staff
    assert "40" not in official and "10" not in official, official
