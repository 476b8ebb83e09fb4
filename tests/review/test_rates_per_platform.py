"""Error rates correct posts of the platform (and language) they were measured on only: the held-out evaluation's
rates (``card_rates``) are per language x platform, ``classifier_rates`` gives a city's Telegram or Reddit posts
none when only X posts were measured (never another platform's), ``adjusted_counts`` leaves those posts
uncorrected and says how many posts were corrected and how many could not be; a city's own reviewed rates of posts
whose platform cannot be told (no keys: one row ``*``) correct all its platforms with one draw of the rates
(reviewed posts with keys: one row per platform, tests/review/test_rates_platform_mix.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scn.nlp.evaluation import evaluation_table
from scn.review import published
from scn.review.prevalence import CITY_COLUMNS, COUNT_COLUMNS, adjusted, adjusted_counts
from tests.support.dash_client import said_near

KEYS = ["city_id", "area_code", "period"]


def _partner(ev: pd.DataFrame, platform: str | None, macro_f1: float) -> pd.DataFrame:
    """English rows of a partner's held-out set of 240 posts on ``platform``."""
    en = ev[(ev["lang"] == "en") & (ev["dataset"] == "mlma2019")]
    return en.assign(dataset=f"partner-{platform}", platform=platform, macro_f1=macro_f1,
                     support=[40, 100, 100][: len(en)])


def test_card_rates_are_per_language_and_platform() -> None:
    ev = evaluation_table()  # the shipped card: X/Twitter sets only
    tg = _partner(ev, "telegram", 0.9)
    rates = published.card_rates(pd.concat([ev, tg, _partner(ev, None, 0.01)], ignore_index=True))
    assert {"lang", "platform"} <= set(rates.columns)
    by = rates.set_index(["lang", "platform"])
    assert not by.index.duplicated().any()
    assert by.loc[("en", "x"), "dataset"] == "mlma2019"  # the weakest X set, not the stronger Telegram one
    assert by.loc[("en", "telegram"), "dataset"] == "partner-telegram"
    assert by.loc[("en", "telegram"), "positives"] == 40  # Telegram's own counts (hate support 40)
    assert set(rates["platform"]) == {"x", "telegram"}  # a set of no known platform corrects nothing
    assert set(rates.loc[rates["platform"] == "x", "lang"]) == {"en", "fr", "ar"}


def test_rates_table_never_borrows_another_platforms_rates(monkeypatch: pytest.MonkeyPatch) -> None:
    from scn.review import store

    monkeypatch.setattr(store, "samples", lambda *a, **k: pd.DataFrame(columns=["city_id", "lang", "post_key",
                                                                                "stratum"]))
    pairs = pd.DataFrame({"city_id": "saida", "lang": ["en", "en", "en", "ar", "fr"],
                          "platform": ["x", "telegram", "reddit", "mastodon", "twitter"]})
    out = published.rates_table(pairs, evaluation_table()).set_index(["lang", "platform"])
    assert out.loc[("en", "x"), "rates_source"] == "model_card"
    for key in [("en", "telegram"), ("en", "reddit"), ("ar", "mastodon")]:
        assert out.loc[key, "rates_source"] == "none" and pd.isna(out.loc[key, "tpr"]), key
        assert pd.isna(out.loc[key, "positives"]) and pd.isna(out.loc[key, "dataset"]), key
    assert out.loc[("fr", "x"), "rates_source"] == "model_card"  # "twitter" is X
    assert len(out) == 5


def test_review_rates_are_one_row_for_all_the_citys_platforms(monkeypatch: pytest.MonkeyPatch) -> None:
    """A city's reviewed random stratum of posts without keys (their platforms cannot be told): its rates are one
    row (platform ``*``), counted once by the engine, and the language's per-platform rows are gone."""
    from scn.analysis.engine import measured_rates
    from scn.review import loop, store

    truth = ["hate"] * 12 + ["none"] * 48
    monkeypatch.setattr(loop, "measured", lambda c, lang: pd.DataFrame({"truth": truth, "label": truth}))
    monkeypatch.setattr(store, "samples", lambda *a, **k: pd.DataFrame({"city_id": ["london"], "lang": ["en"]}))
    pairs = pd.DataFrame({"city_id": "london", "lang": ["en", "en", "fr"], "platform": ["x", "telegram", "x"]})
    out = published.rates_table(pairs, evaluation_table())
    en = out[out["lang"] == "en"]
    assert len(en) == 1 and en["platform"].iloc[0] == "*" and en["rates_source"].iloc[0] == "review"
    assert en["positives"].iloc[0] == 12 and en["n"].iloc[0] == 60
    assert out.set_index(["lang", "platform"]).loc[("fr", "x"), "rates_source"] == "model_card"
    assert measured_rates(out)["n"].tolist() == [60]


def _city(seed: int = 0) -> pd.DataFrame:
    """8 areas x 6 months of English posts on X and on Telegram, over-flagged (TPR 0.7, FPR 0.15)."""
    rng = np.random.default_rng(seed)
    grid = pd.MultiIndex.from_product([["c"], [f"A{a}" for a in range(8)], [f"2026-{m:02d}" for m in range(1, 7)],
                                       ["en"], ["x", "telegram"]],
                                      names=[*KEYS, "lang", "platform"]).to_frame(index=False)
    grid["posts"] = rng.integers(200, 600, len(grid))
    hateful = rng.binomial(grid["posts"], 0.06)
    grid["flagged_posts"] = rng.binomial(hateful, 0.7) + rng.binomial(grid["posts"] - hateful, 0.15)
    return grid


def test_adjusted_counts_correct_only_the_platform_the_rates_were_measured_on() -> None:
    c = _city()
    rates = pd.DataFrame({"city_id": "c", "lang": ["en"], "platform": ["x"], "true_positives": [70],
                          "positives": [100], "false_positives": [75], "negatives": [500],
                          "rates_source": ["model_card"]})
    out = adjusted_counts(c, rates, KEYS, seed=1).set_index(KEYS)
    assert {"corrected_posts", "uncorrected_posts"} <= set(COUNT_COLUMNS) & set(out.columns)
    assert {"city_corrected_posts", "city_uncorrected_posts"} <= set(CITY_COLUMNS) & set(out.columns)
    x = c[c["platform"] == "x"].set_index(KEYS)
    tg = c[c["platform"] == "telegram"].set_index(KEYS)
    expected = adjusted(x["flagged_posts"] / x["posts"], 0.7, 0.15) * x["posts"] + tg["flagged_posts"]
    assert np.allclose(out.loc[expected.index, "adjusted_flagged_posts"], expected)  # Telegram's kept as counted
    assert (out["corrected_posts"] == x["posts"].loc[out.index]).all()
    assert (out["uncorrected_posts"] == tg["posts"].loc[out.index]).all()
    assert (out["city_corrected_posts"] == x["posts"].sum()).all()
    assert (out["city_uncorrected_posts"] == tg["posts"].sum()).all()
    assert set(out["rates_source"]) == {"mixed"} and set(out["city_rates_source"]) == {"mixed"}
    assert (out["adjusted_low"] <= out["adjusted_flagged_posts"]).all()
    assert (out["adjusted_flagged_posts"] <= out["adjusted_high"]).all()
    # rates of no platform (a table published before rates had one) correct nothing either, unless reviewed
    legacy = adjusted_counts(c, rates.drop(columns="platform"), KEYS, seed=1)
    assert (legacy["adjusted_flagged_posts"] == legacy["flagged_posts"]).all()
    assert (legacy["corrected_posts"] == 0).all() and set(legacy["rates_source"]) == {"none"}


def test_one_city_rate_draw_covers_all_its_platforms() -> None:
    """Review rates (platform ``*``) correct X and Telegram posts with one draw of the rates: the city's interval
    is as wide as for its posts counted without a platform (independent draws per platform would narrow it)."""
    c = _city(seed=3)
    rates = pd.DataFrame({"city_id": "c", "lang": ["en"], "platform": ["*"], "true_positives": [7],
                          "positives": [10], "false_positives": [6], "negatives": [40], "rates_source": ["review"]})
    split = adjusted_counts(c, rates, KEYS, seed=2)
    pooled = adjusted_counts(c.groupby([*KEYS, "lang"], as_index=False)[["posts", "flagged_posts"]].sum(),
                             rates.drop(columns="platform"), KEYS, seed=2)
    assert set(split["city_rates_source"]) == {"review"} and (split["uncorrected_posts"] == 0).all()
    assert (split["corrected_posts"] == split["posts"]).all()
    width = lambda f: f["city_adjusted_high"].iloc[0] - f["city_adjusted_low"].iloc[0]  # noqa: E731
    assert np.isclose(split["city_adjusted_flagged_posts"].iloc[0], pooled["city_adjusted_flagged_posts"].iloc[0],
                      rtol=0.02)
    assert abs(width(split) / width(pooled) - 1) < 0.1, (width(split), width(pooled))


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_the_page_says_how_many_posts_could_not_be_corrected(monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    """English posts corrected with the city's reviewed rates, its French Telegram posts with none (no French
    posts reviewed, no held-out Telegram set): the line shows no corrected share, says why, and says how many of
    the city's posts could not be corrected (its counts through the disclosure rules)."""
    from dashboards import data
    from dashboards.components.city import prevalence_line
    from dashboards.i18n import count, t
    from scn.review.prevalence import MIN_CLASS

    c = pd.concat([_city(seed=5), _city(seed=6).assign(lang="fr", platform="telegram")], ignore_index=True)
    rates = pd.DataFrame({"city_id": "c", "lang": ["en"], "platform": ["*"], "true_positives": [70],
                          "positives": [100], "false_positives": [30], "negatives": [500], "rates_source": ["review"],
                          "n": [600]})
    adj = adjusted_counts(c, rates, KEYS, seed=1)
    tables = {"classifier_rates": rates, "adjusted_counts": adj}
    monkeypatch.setattr(data, "table", lambda name, city_id=None: tables.get(name, pd.DataFrame()).copy())
    fr = c["lang"] == "fr"
    for audience in ("staff", "official"):
        text = prevalence_line("c", lang, audience)
        assert text.endswith(t("prev_not_corrected", lang, k=MIN_CLASS)) and "%" not in text, text
        said = t("prev_uncorrected_posts", lang, uncorrected=count(float(c.loc[fr, "posts"].sum()), lang, k=5),
                 posts=count(float(c["posts"].sum()), lang, k=5))
        # staff's counts exact; an official's carry the consistent perturbation (docs/security.md row 57): the
        # city's posts are its corrected and uncorrected posts, each perturbed, so off by up to 4
        assert said in text if audience == "staff" else said_near(said, text, tol=4), text
