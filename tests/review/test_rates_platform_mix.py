"""A city's platform mix moves after its review sample was drawn: sampled when its posts were 85% X / 15% Telegram,
counted now 40% / 60% (tests/support/platform_mix). The classifier over-flags X and misses Telegram's slang, so
rates pooled over the sample describe the sample's mix: corrected with them, the city's count was about half the
truth (200 worlds: bias -52%, the 95% interval covering the truth in 23% of them; docs/review.md). Now the reviewed
rates are per stratum (language, and platform where the posts' keys tell it), each platform's posts corrected with
its own stratum's rates: the correction is re-weighted to the mix of the posts corrected (post-stratification),
each stratum's rates drawn apart (a small stratum widens the interval), and a stratum with too few hateful or other
reviewed posts corrects nothing (it is not borrowed from the pooled sample)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scn.nlp.evaluation import evaluation_table
from scn.review import published
from scn.review.metrics import accuracy_report, mix_report, mix_text, shares
from scn.review.prevalence import MIN_CLASS, adjusted_counts
from scn.settings import settings
from tests.support.dash_client import said_near
from tests.support.platform_mix import (
    COUNT_MIX,
    KEYS,
    World,
    platforms_of,
    pooled_rates,
    population_accuracy,
    stub_review,
    world,
)


def _rates(monkeypatch: pytest.MonkeyPatch, w: World) -> pd.DataFrame:
    stub_review(monkeypatch, w.reviewed)
    return published.rates_table(w.grid[["city_id", "lang", "platform"]].drop_duplicates(), evaluation_table())


def test_reviewed_rates_are_one_row_per_sampled_platform(monkeypatch: pytest.MonkeyPatch) -> None:
    w = world(seed=11)
    rates = _rates(monkeypatch, w).set_index("platform")
    assert set(rates.index) == {"x", "telegram"} and set(rates["rates_source"]) == {"review"}
    for p in ("x", "telegram"):
        mine = w.reviewed[w.reviewed["post_key"].str.startswith(f"{p}:")]
        t, f = mine["truth"].eq("hate"), mine["label"].eq("hate")
        assert rates.loc[p, "positives"] == t.sum() and rates.loc[p, "true_positives"] == (t & f).sum()
        assert rates.loc[p, "negatives"] == (~t).sum() and rates.loc[p, "false_positives"] == (~t & f).sum()
        assert rates.loc[p, "platforms"] == p and rates.loc[p, "n"] == len(mine)
    assert rates["n"].sum() == len(w.reviewed)  # every reviewed post counted once


def test_a_city_whose_mix_moved_is_corrected_per_platform(monkeypatch: pytest.MonkeyPatch) -> None:
    w = world(seed=12)
    city = adjusted_counts(w.grid, _rates(monkeypatch, w), KEYS, seed=1).iloc[0]
    assert city["city_rates_source"] == "review" and city["city_uncorrected_posts"] == 0
    assert city["city_adjusted_low"] <= w.truth <= city["city_adjusted_high"], (city, w.truth)
    assert abs(city["city_adjusted_flagged_posts"] / w.truth - 1) < 0.2
    # what the pooled rates gave in the same world: about half the truth, the interval well below it
    pooled = adjusted_counts(w.grid, pooled_rates(w.reviewed), KEYS, seed=1).iloc[0]
    assert pooled["city_adjusted_high"] < w.truth and pooled["city_adjusted_flagged_posts"] < 0.7 * w.truth


def test_over_many_worlds_the_correction_is_unbiased_and_covers(monkeypatch: pytest.MonkeyPatch) -> None:
    """30 worlds with a stratum of 1,000 reviewed posts (~150 of Telegram; 200 such worlds in docs/review.md):
    mean relative bias within 10% of the truth, the 95% interval covering it in at least 85% of the worlds (pooled:
    -53%, 0%). With 300 reviewed posts (~45 of Telegram, ~9 hateful) the intervals still cover (97%) but are wide
    and the plug-in point leans high (+26% on average, +11% median): the ratio of a rate measured on 9 posts."""
    rel, covered = [], []
    for seed in range(30):
        w = world(seed=100 + seed, sample=1000)
        city = adjusted_counts(w.grid, _rates(monkeypatch, w), KEYS, seed=seed, draws=500).iloc[0]
        assert city["city_rates_source"] == "review"
        rel.append(city["city_adjusted_flagged_posts"] / w.truth - 1)
        covered.append(city["city_adjusted_low"] <= w.truth <= city["city_adjusted_high"])
    assert abs(np.mean(rel)) < 0.10, np.mean(rel)
    assert np.mean(covered) >= 0.85, np.mean(covered)


def test_a_small_stratum_widens_the_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same posts corrected with the same rates measured on a Telegram stratum four times smaller: the city's
    interval is wider (each stratum's rates drawn from its own counts)."""
    w = world(seed=13)
    rates = _rates(monkeypatch, w)
    tg = rates["platform"].eq("telegram")
    big = rates.copy()
    cols = ["true_positives", "positives", "false_positives", "negatives"]
    big.loc[tg, cols] = big.loc[tg, cols] * 4
    width = lambda r: r["city_adjusted_high"] - r["city_adjusted_low"]  # noqa: E731
    small_city = adjusted_counts(w.grid, rates, KEYS, seed=1).iloc[0]
    big_city = adjusted_counts(w.grid, big, KEYS, seed=1).iloc[0]
    assert np.isclose(small_city["city_adjusted_flagged_posts"], big_city["city_adjusted_flagged_posts"])
    assert width(small_city) > 1.3 * width(big_city), (width(small_city), width(big_city))


def test_a_stratum_too_small_to_measure_borrows_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Telegram stratum with fewer than ``MIN_CLASS`` hateful reviewed posts: its posts are not corrected with
    the pooled sample's rates (nor X's); the held-out Telegram rates would be taken, and there are none, so they
    are left uncorrected and counted as such."""
    w = world(seed=14, sample=300, sample_mix={"x": 0.97, "telegram": 0.03})
    reviewed = w.reviewed
    tg = reviewed["post_key"].str.startswith("telegram:")
    assert reviewed.loc[tg, "truth"].eq("hate").sum() < MIN_CLASS
    rates = _rates(monkeypatch, w).set_index("platform")
    assert rates.loc["x", "rates_source"] == "review"
    assert rates.loc["telegram", "rates_source"] == "none" and pd.isna(rates.loc["telegram", "tpr"])
    city = adjusted_counts(w.grid, rates.reset_index(), KEYS, seed=1).iloc[0]
    telegram_posts = w.grid.loc[w.grid["platform"] == "telegram", "posts"].sum()
    assert city["city_uncorrected_posts"] == telegram_posts and city["city_rates_source"] == "mixed"


def test_posts_without_keys_keep_one_pooled_row(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reviewed posts whose platform cannot be told (no post keys): one row of platform ``*``, as before."""
    w = world(seed=15)
    stub_review(monkeypatch, w.reviewed.drop(columns="post_key"))
    rates = published.rates_table(w.grid[["city_id", "lang", "platform"]].drop_duplicates(), evaluation_table())
    assert rates["platform"].tolist() == ["*"] and rates["n"].iloc[0] == len(w.reviewed)


def test_the_accuracy_shown_is_reweighted_to_the_posts_mix() -> None:
    """The sample's own recall (its 85/15 mix) is well above the recall on the posts now (40/60): its interval
    misses it. Re-weighted per platform to the posts' mix, the figures' intervals hold the posts' precision, recall
    and F1, and the row says which mix they describe."""
    w = world(seed=16, sample=1000)
    truth, label = w.reviewed["truth"].to_numpy(), w.reviewed["label"].to_numpy()
    pop = population_accuracy()
    pooled = accuracy_report(truth, label)
    assert pooled["recall_low"] > pop["recall"] + 0.05, (pooled["recall_low"], pop["recall"])
    out = mix_report(truth, label, platforms_of(w.reviewed), COUNT_MIX)
    assert out["weighted"] and out["posts_mix"] == "telegram:0.60,x:0.40"
    assert out["sample_mix"] == mix_text(shares(platforms_of(w.reviewed)))
    for m in ("precision", "recall", "f1"):
        assert out[f"{m}_low"] <= pop[m] <= out[f"{m}_high"], (m, out[f"{m}_low"], pop[m], out[f"{m}_high"])
        assert out[f"{m}_low"] <= out[m] <= out[f"{m}_high"]
    assert out["n"] == len(w.reviewed)


def test_the_reweighted_accuracy_covers_over_many_worlds() -> None:
    """60 worlds of 300 reviewed posts (~45 of Telegram): the re-weighted recall's and precision's intervals cover
    the posts' figures in at least 88% of them (the sample's own: 67% and 35%; 200 worlds in docs/review.md)."""
    pop = population_accuracy()
    cover, pooled = [], []
    for seed in range(60):
        w = world(seed=300 + seed)
        truth, label = w.reviewed["truth"].to_numpy(), w.reviewed["label"].to_numpy()
        out = mix_report(truth, label, platforms_of(w.reviewed), COUNT_MIX, seed=seed)
        if not out["weighted"]:
            continue
        cover.append([out[f"{m}_low"] <= pop[m] <= out[f"{m}_high"] for m in ("recall", "precision")])
        own = accuracy_report(truth, label, seed=seed)
        pooled.append([own[f"{m}_low"] <= pop[m] <= own[f"{m}_high"] for m in ("recall", "precision")])
    assert len(cover) >= 40
    assert (np.mean(cover, axis=0) >= 0.88).all(), np.mean(cover, axis=0)
    assert (np.mean(pooled, axis=0) < 0.75).all(), np.mean(pooled, axis=0)  # the sample's own: 0.67, 0.35


def test_too_small_a_stratum_keeps_the_samples_figures_and_says_which_mix() -> None:
    """A Telegram stratum of fewer than ``MIN_POSITIVES`` hateful reviewed posts cannot be weighed: the figures are
    the sample's own, ``weighted`` false, and both mixes are given for the line to say so."""
    w = world(seed=14, sample=300, sample_mix={"x": 0.97, "telegram": 0.03})
    truth, label = w.reviewed["truth"].to_numpy(), w.reviewed["label"].to_numpy()
    out = mix_report(truth, label, platforms_of(w.reviewed), COUNT_MIX)
    assert not out["weighted"] and out["posts_mix"] == "telegram:0.60,x:0.40"
    assert out["recall"] == accuracy_report(truth, label)["recall"]
    assert out["sample_mix"].startswith("telegram:0.0")
    # one platform sampled and posted on: its figures as they are, no weights needed
    x = w.reviewed[platforms_of(w.reviewed) == "x"]
    one = mix_report(x["truth"].to_numpy(), x["label"].to_numpy(), platforms_of(x), {"x": 1.0})
    assert not one["weighted"] and one["recall"] == accuracy_report(x["truth"], x["label"])["recall"]


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_the_city_page_says_each_platform_is_corrected_with_its_own_rates(monkeypatch: pytest.MonkeyPatch,
                                                                          lang: str) -> None:
    from dashboards import data
    from dashboards.components.city import prevalence_line
    from dashboards.i18n import count, percent, platform, t

    w = world(seed=17, sample=1000)
    rates = _rates(monkeypatch, w)
    adj = adjusted_counts(w.grid, rates, KEYS, seed=1)
    tables = {"classifier_rates": rates, "adjusted_counts": adj}
    monkeypatch.setattr(data, "table", lambda name, city_id=None: tables.get(name, pd.DataFrame()).copy())
    n = rates.set_index("platform")["n"]
    for audience in ("staff", "official"):
        text = prevalence_line("tyre", lang, audience)
        assert percent(adj["city_adjusted_flagged_posts"].iloc[0] / w.grid["posts"].sum(), lang) in text, text
        parts = t("list_sep", lang).join(t("prev_platform_n", lang, platform=platform(p, lang), n=count(n[p], lang, k=settings().suppress_below))
                                         for p in ("telegram", "x"))
        said = " " + t("prev_per_platform", lang, parts=parts)
        # staff's counts exact; an official's carry the consistent perturbation (docs/security.md row 57)
        assert text.endswith(said) if audience == "staff" else said_near(said, text, end=True), text
    # rates of no known platform (one row ``*``): no such sentence
    tables["classifier_rates"] = pooled_rates(w.reviewed).assign(platform="*")
    assert t("prev_per_platform", lang, parts="")[:20] not in prevalence_line("tyre", lang, "staff")


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_the_accuracy_line_says_which_mix_it_describes(lang: str) -> None:
    from dashboards.components.review import accuracy_lines
    from dashboards.i18n import percent, platform, t

    def row(w: World) -> pd.DataFrame:
        truth, label = w.reviewed["truth"].to_numpy(), w.reviewed["label"].to_numpy()
        report = mix_report(truth, label, platforms_of(w.reviewed), COUNT_MIX)
        return published.shown_only(pd.DataFrame([{"city_id": "tyre", "lang": "en", **report, "kappa": None,
                                                   "kappa_posts": 0, "sampled": 1000, "labelled": 1000,
                                                   "lang_posts": int(w.grid["posts"].sum())}]),
                                          k=settings().suppress_below)

    weighted = row(world(seed=18, sample=1000))
    assert bool(weighted["weighted"].iloc[0])
    now = t("list_sep", lang).join(f"{platform(p, lang)} {percent(s, lang)}" for p, s in
                                   (("telegram", 0.6), ("x", 0.4)))
    text = " ".join(accuracy_lines(weighted, lang, details=False))
    assert f"{t('review_loop_mix_weighted', lang, posts=now, sample='')[:30]}" in text and now in text, text
    small = row(world(seed=14, sample=300, sample_mix={"x": 0.97, "telegram": 0.03}))
    assert not bool(small["weighted"].iloc[0])
    text = " ".join(accuracy_lines(small, lang, details=False))
    assert t("review_loop_mix_sample", lang, sample="S", posts=now).split("(S)")[-1] in text, text


def test_the_posts_mix_is_read_from_the_citys_enriched_posts(tmp_path: Path) -> None:
    """``loop.posts_mix``: each platform's share of the city's enriched posts in the language (the platform leading
    the post key, aliases folded: ``twitter`` is X); None for a language without posts."""
    import pyarrow as pa

    from scn import lake
    from scn.lake.schema import LAKE_SCHEMAS
    from scn.review import loop
    from scn.settings import override

    keys = [f"x:{i}" for i in range(30)] + [f"twitter:{i}" for i in range(10)] + [f"telegram:{i}" for i in range(60)]
    posts = pd.DataFrame({"post_key": keys + ["x:900"], "city_id": ["tyre"] * 100 + ["saida"],
                          "lang": ["en"] * 99 + ["fr", "en"]})
    posts = pa.Table.from_pandas(posts, preserve_index=False).select(["post_key", "city_id", "lang"])
    schema = LAKE_SCHEMAS["posts_enriched"]
    posts = pa.table({f.name: posts[f.name] if f.name in posts.column_names else pa.nulls(len(posts), f.type)
                      for f in schema}, schema=schema)  # the other columns empty
    with override(home=tmp_path):
        lake.replace_table("posts_enriched", posts)
        mix = loop.posts_mix("tyre", "en")
        assert loop.posts_mix("tyre", "ar") is None
    assert mix == pytest.approx({"x": 40 / 99, "telegram": 59 / 99})  # the last Telegram post is in French
