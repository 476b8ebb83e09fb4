"""A source a city never sent (null on every row of the marts, transforms/macros/speech_crime_counts.sql) is said
as such: the verdict's note is ``no_crime_data`` / ``no_social_data`` (never too few cells or posts), the risk
profile has no signal for it (not a 0), and the city page words it in every language."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboards import i18n
from geo.risk import risk_profile
from geo.verdict import MIN_CELLS, data_note, missing_sources, verdict

FACTS = {"n_cells_with_hate": 0, "n_periods": 12, "hate_crimes": 0, "flagged_posts": 0}


def _rows(posts: object, crimes: object) -> pd.DataFrame:
    n = 6
    return pd.DataFrame({"city_id": "x", "cell": [f"c{i % 3}" for i in range(n)], "period": "2024-01",
                         "posts": pd.array([posts] * n, dtype="Int64"), "flagged_posts": pd.array([posts] * n, "Int64"),
                         "crimes": pd.array([crimes] * n, dtype="Int64"),
                         "hate_crimes": pd.array([crimes] * n, dtype="Int64")})


def test_a_source_never_sent_is_missing_and_a_zero_is_a_measurement() -> None:
    assert missing_sources(_rows(3, None)) == ("crimes",)
    assert missing_sources(_rows(None, 2)) == ("posts",)
    assert missing_sources(_rows(0, 0)) == ()  # sent, quiet: measured zeros


@pytest.mark.parametrize(("missing", "note"), [(("crimes",), "no_crime_data"), (("posts",), "no_social_data"),
                                               (("crimes", "posts"), "no_crime_data")])
def test_the_verdict_says_the_source_is_missing_not_too_few(missing: tuple, note: str) -> None:
    assert data_note(0, 12, 0, 0) == "too_few_cells"  # the same counts, sent: too few
    assert data_note(0, 12, 0, 0, missing=missing) == note
    code, evidence = verdict([], {**FACTS, "missing_sources": missing})
    assert code == "insufficient_data" and evidence["note"] == note
    # enough cells and posts do not hide a missing source either
    full = {"n_cells_with_hate": MIN_CELLS, "n_periods": 12, "hate_crimes": 100, "flagged_posts": 100}
    assert verdict([], {**full, "missing_sources": missing})[1]["note"] == note


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_the_city_page_words_a_missing_source(lang: str) -> None:
    for key in ("insufficient_no_crime_data", "insufficient_no_social_data", "prev_no_social"):
        assert i18n.TEXT[key][lang].strip()
        assert i18n.t(key, lang) != i18n.t("insufficient_too_few_cells", lang)


def test_risk_has_no_signal_for_a_source_never_sent() -> None:
    rows = []
    for city, posts, crimes in (("postsonly", 4, None), ("crimesonly", None, 5), ("both", 0, 3)):
        for area in ("A1", "A2", "A3"):
            for month in ("2024-01", "2024-02"):
                rows.append({"city_id": city, "area_code": area, "period": month, "posts": posts,
                             "flagged_posts": None if posts is None else 1 if posts else 0, "crimes": crimes,
                             "hate_crimes": None if crimes is None else 1, "population": 1000.0})
    frame = pd.DataFrame(rows)
    for c in ("posts", "flagged_posts", "crimes", "hate_crimes"):
        frame[c] = frame[c].astype("Int64").astype("float64")
    out = risk_profile(frame).set_index("city_id")
    assert out.loc["crimesonly", "speech_recent"].isna().all()  # never sent posts: no speech signal, not 0
    assert out.loc["crimesonly", "speech_exceedance"].isna().all()
    assert out.loc["postsonly", "crime_recent"].isna().all()
    assert (out.loc["both", "speech_recent"] == 0).all()  # sent, none flagged: a measured 0
    assert np.isfinite(out.loc["both", "score"]).all()
