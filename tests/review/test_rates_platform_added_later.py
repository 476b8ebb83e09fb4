"""A platform a city adds after its review sample was drawn: the sample (its random stratum) was drawn from the
posts of the platforms the city had then, so the error rates measured on it describe those platforms only. Before,
``classifier_rates`` published one row of platform ``*`` for all the city's platforms and ``adjusted_counts``
corrected the new platform's posts with it, as if they had been sampled (and counted them as corrected). Now the
reviewed rates are one row per platform its reviewed posts come from (``platforms``; tests/review/
test_rates_platform_mix.py); a platform without (enough) reviewed posts
takes its own language x platform rates (the held-out evaluation's, else none) and, when none, is left uncorrected
and counted in the page's "could not be corrected"."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scn.nlp.evaluation import evaluation_table
from scn.review import published
from scn.review.prevalence import adjusted, adjusted_counts

KEYS = ["city_id", "area_code", "period"]
# the classifier on each platform: X posts over-flagged, Telegram's (its slang unseen) under-flagged
BEHAVIOUR = {"x": (0.7, 0.15), "telegram": (0.3, 0.02)}


def _world(seed: int = 0, sampled: str = "x") -> tuple[pd.DataFrame, pd.Series, pd.DataFrame]:
    """A city's English posts on X and Telegram (8 areas x 6 months, 6% hateful), the true hateful posts per row,
    and its reviewed random stratum: 80 posts of ``sampled`` only, drawn before the other platform was added."""
    rng = np.random.default_rng(seed)
    grid = pd.MultiIndex.from_product([["tyre"], [f"A{a}" for a in range(8)], [f"2026-{m:02d}" for m in range(1, 7)],
                                       ["en"], ["x", "telegram"]],
                                      names=[*KEYS, "lang", "platform"]).to_frame(index=False)
    grid["posts"] = rng.integers(200, 600, len(grid))
    hate = pd.Series(rng.binomial(grid["posts"], 0.06), index=grid.index)
    tpr, fpr = (grid["platform"].map({p: b[i] for p, b in BEHAVIOUR.items()}).to_numpy() for i in (0, 1))
    grid["flagged_posts"] = rng.binomial(hate, tpr) + rng.binomial(grid["posts"] - hate, fpr)
    truth = np.r_[np.ones(16, bool), np.zeros(64, bool)]
    s_tpr, s_fpr = BEHAVIOUR[sampled]
    label = np.where(truth, rng.random(80) < s_tpr, rng.random(80) < s_fpr)
    reviewed = pd.DataFrame({"post_key": [f"{sampled}:{i}" for i in range(80)],
                             "truth": np.where(truth, "hate", "none"), "label": np.where(label, "hate", "none")})
    return grid, hate, reviewed


def _rates(monkeypatch: pytest.MonkeyPatch, grid: pd.DataFrame, reviewed: pd.DataFrame) -> pd.DataFrame:
    """``classifier_rates`` of the world (the city's review store stubbed with its reviewed stratum)."""
    from scn.review import loop, store

    monkeypatch.setattr(loop, "measured", lambda c, lang: reviewed.copy())
    monkeypatch.setattr(store, "samples", lambda *a, **k: pd.DataFrame(
        {"city_id": "tyre", "lang": "en", "post_key": reviewed["post_key"], "stratum": "random"}))
    return published.rates_table(grid[["city_id", "lang", "platform"]].drop_duplicates(), evaluation_table())


def test_a_platform_added_after_the_sample_is_not_corrected_with_the_citys_reviewed_rates(
        monkeypatch: pytest.MonkeyPatch) -> None:
    grid, hate, reviewed = _world()
    rates = _rates(monkeypatch, grid, reviewed)
    by = rates.set_index("platform")
    review = by.loc["x"]  # the city's reviewed rates, of the one platform its sample holds
    out = adjusted_counts(grid, rates, KEYS, seed=1).set_index(KEYS)
    x, tg = (grid[grid["platform"] == p].set_index(KEYS) for p in ("x", "telegram"))
    fixed = adjusted(x["flagged_posts"] / x["posts"], review["tpr"], review["fpr"]) * x["posts"]
    assert np.allclose(out.loc[x.index, "adjusted_flagged_posts"], fixed + tg["flagged_posts"])  # Telegram as counted
    assert (out["uncorrected_posts"] == tg["posts"].loc[out.index]).all()
    assert (out["city_uncorrected_posts"] == tg["posts"].sum()).all()
    assert (out["city_corrected_posts"] == x["posts"].sum()).all()
    assert set(out["city_rates_source"]) == {"mixed"}
    assert review["rates_source"] == "review" and review["platforms"] == "x"
    assert by.loc["telegram", "rates_source"] == "none" and pd.isna(by.loc["telegram", "tpr"])  # no held-out set
    assert list(by.index).count("x") == 1  # X's card row gives way to the city's own rates
    # what the old correction did: X's rates turn Telegram's 2%-flagged posts into ~0 hateful ones (truth: ~6%)
    as_if = adjusted(tg["flagged_posts"].sum() / tg["posts"].sum(), review["tpr"], review["fpr"])
    assert as_if < 0.5 * hate[grid["platform"] == "telegram"].sum() / tg["posts"].sum()


def test_a_platform_added_later_takes_its_own_held_out_rates_never_the_reviewed_ones(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Sampled when the city posted on Telegram only, X added since: X's posts take the held-out evaluation's X
    rates (``model_card``), Telegram's the city's reviewed ones."""
    grid, _, reviewed = _world(seed=2, sampled="telegram")
    rates = _rates(monkeypatch, grid, reviewed)
    by = rates.set_index("platform")
    assert by.loc["telegram", "platforms"] == "telegram" and by.loc["telegram", "rates_source"] == "review"
    assert by.loc["x", "rates_source"] == "model_card"
    out = adjusted_counts(grid, rates, KEYS, seed=1)
    assert set(out["city_rates_source"]) == {"mixed"} and (out["city_uncorrected_posts"] == 0).all()
    only_x = adjusted_counts(grid[grid["platform"] == "x"], rates, KEYS, seed=1)
    assert set(only_x["rates_source"]) == {"model_card"}
    only_tg = adjusted_counts(grid[grid["platform"] == "telegram"], rates, KEYS, seed=1)
    assert set(only_tg["rates_source"]) == {"review"}


def test_every_sampled_platform_gets_its_own_reviewed_row(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stratum drawn from X and Telegram: one reviewed row per platform, each measured on that platform's reviewed
    posts (tests/review/test_rates_platform_mix.py: a pooled row describes the sample's mix), all the posts
    corrected with them, none left out."""
    grid, _, reviewed = _world(seed=3)
    reviewed = reviewed.assign(post_key=[f"{'telegram' if i % 2 else 'x'}:{i}" for i in range(len(reviewed))])
    rates = _rates(monkeypatch, grid, reviewed)
    assert rates["platform"].tolist() == ["telegram", "x"] and rates["platforms"].tolist() == ["telegram", "x"]
    assert rates["n"].tolist() == [40, 40] and set(rates["rates_source"]) == {"review"}
    out = adjusted_counts(grid, rates, KEYS, seed=1)
    assert set(out["city_rates_source"]) == {"review"} and (out["city_uncorrected_posts"] == 0).all()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_page_counts_the_added_platforms_posts_as_not_corrected(monkeypatch: pytest.MonkeyPatch,
                                                                    lang: str) -> None:
    from dashboards import data
    from dashboards.components.city import prevalence_line
    from dashboards.i18n import count, t
    from scn.review.prevalence import MIN_CLASS

    grid, _, reviewed = _world(seed=4)
    rates = _rates(monkeypatch, grid, reviewed)
    adj = adjusted_counts(grid, rates, KEYS, seed=1)
    tables = {"classifier_rates": rates, "adjusted_counts": adj}
    monkeypatch.setattr(data, "table", lambda name, city_id=None: tables.get(name, pd.DataFrame()).copy())
    telegram = float(grid.loc[grid["platform"] == "telegram", "posts"].sum())
    text = prevalence_line("tyre", lang, "staff")
    assert text.endswith(t("prev_not_corrected", lang, k=MIN_CLASS)) and "%" not in text, text
    said = t("prev_uncorrected_posts", lang, uncorrected=count(telegram, lang, k=5),
             posts=count(float(grid["posts"].sum()), lang, k=5))
    assert said in text, text
