"""The review loop's published tables: review_accuracy (figures only on enough reviewed posts) reaches the city page
through the serving snapshot (not the review store); classifier_rates takes the city's measured rates when it has
enough reviewed posts, else the held-out evaluation's; adjusted_counts sums languages each corrected with its own
rates and moves an over-flagging city toward its planted truth."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scn import lake
from scn.access.users import add_user
from scn.nlp.evaluation import evaluation_table, model_card
from scn.nlp.labels import FLAGGED_LABELS
from scn.publish import serving
from scn.review import loop, published, store, tables
from scn.review.prevalence import adjusted_counts
from scn.settings import override, suppress_below
from tests.support.dash_client import said_near
from tests.support.review_world import enriched, label_file, review_home


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    """London's posts (planted truth) labelled by the classifier, 60 sampled and all labelled by a reviewer;
    a second city with 3 reviewed posts only."""
    home = tmp_path_factory.mktemp("scn-review-published")
    posts = pd.concat([review_home(home, n=240), review_home(home, "saida", n=40, seed=1)], ignore_index=True)
    with override(home=home):
        loop.sample("london", "en", n=60, seed=2)
        loop.sample("saida", "en", n=6, seed=2)
        keys = pd.concat([store.samples("london")["post_key"], store.samples("saida")["post_key"].head(3)])
        add_user("rhea", "staff", None, "rhea-pass-12345")  # labels London's and Saida's posts
        loop.import_csv(label_file(home / "labels.csv", posts, keys, "rhea"))
        lake.replace_table("posts_enriched", enriched(posts))
        lake.replace_table("classifier_eval", evaluation_table())  # the analysis domain's table
    return home, posts


def test_card_rates_are_the_weakest_sources_confusion_counts() -> None:
    rates = published.card_rates(evaluation_table()).set_index("lang")
    card = model_card()["evaluation"]
    for lang in ("en", "fr", "ar"):
        weakest = min((r for r in card if r["lang"] == lang), key=lambda r: r["macro_f1"])
        m = np.array(weakest["confusion_matrix"]["matrix"])
        flag = np.isin(weakest["confusion_matrix"]["labels"], FLAGGED_LABELS)
        row = rates.loc[lang]
        assert row["dataset"] == weakest["source"]
        assert row["true_positives"] == m[np.ix_(flag, flag)].sum() and row["positives"] == m[flag].sum()
        assert row["false_positives"] == m[np.ix_(~flag, flag)].sum() and row["negatives"] == m[~flag].sum()


def test_review_accuracy_reaches_the_city_page_through_the_snapshot(world: tuple[Path, pd.DataFrame]) -> None:
    from dashboards.components import review as review_view

    home, _ = world
    with override(home=home):
        acc = tables.review_accuracy()
        rates = tables.classifier_rates()
        serving.publish({"review_accuracy": acc, "classifier_rates": rates}, run_id="test-review-published")
        (store.root() / "accuracy.parquet").unlink(missing_ok=True)  # the page must not need the review store
        london = review_view.published("london", "official")
        saida = review_view.published("saida", "official")
        line = review_view.city_line(london, "en")
        measured = loop.measured("london", "en")
    row = acc.set_index("city_id").loc["london"]
    assert row["n"] == 30 == len(measured) and row["shown"] and row["macro_f1_low"] <= row["macro_f1"]
    # the official's copy: the reviewed count carries the consistent perturbation (docs/security.md row 57)
    assert line and said_near("en: measured on 30 of this city's posts", line) and f"F1 {row['f1']:.2f} (" in line
    assert abs(london["n"].iloc[0] - 30) <= 2
    # 3 reviewed posts: below the disclosure threshold, no figure is published and the page says nothing
    few = acc.set_index("city_id").loc["saida"]
    assert few["n"] < suppress_below() and not few["shown"] and np.isnan(few["macro_f1"])
    assert review_view.city_line(saida, "en") is None and pd.isna(saida["n"].iloc[0])  # n suppressed too

    # rates: London's own (enough reviewed posts), Saida's from the held-out evaluation of English
    by_city = rates.set_index("city_id")
    truth, label = measured["truth"].isin(FLAGGED_LABELS), measured["label"].isin(FLAGGED_LABELS)
    assert by_city.loc["london", "rates_source"] == "review" and by_city.loc["london", "n"] == 30
    assert np.isclose(by_city.loc["london", "tpr"], (truth & label).sum() / truth.sum())
    assert np.isclose(by_city.loc["london", "fpr"], (~truth & label).sum() / (~truth).sum())
    assert by_city.loc["saida", "rates_source"] == "model_card" and by_city.loc["saida", "dataset"] == "mlma2019"


def _over_flagging_city(seed: int = 0) -> pd.DataFrame:
    """10 areas x 12 months x 3 languages of X posts; true hateful shares planted, flags drawn with TPR 0.7 and
    FPR 0.15."""
    rng = np.random.default_rng(seed)
    grid = pd.MultiIndex.from_product([["c"], [f"A{a}" for a in range(10)], [f"2026-{m:02d}" for m in range(1, 13)],
                                       ["en", "fr", "sq"]], names=["city_id", "area_code", "period", "lang"])
    c = grid.to_frame(index=False).assign(platform="x")
    c["posts"] = rng.integers(200, 600, len(c))
    share = 0.04 + 0.01 * c["area_code"].str[1:].astype(int)
    c["hateful"] = rng.binomial(c["posts"], share)
    c["flagged_posts"] = rng.binomial(c["hateful"], 0.7) + rng.binomial(c["posts"] - c["hateful"], 0.15)
    c.loc[c["lang"] == "sq", "flagged_posts"] = c["hateful"]  # a language without rates: left unadjusted
    return c


def test_adjusted_counts_move_toward_the_planted_truth_per_language_rates() -> None:
    c = _over_flagging_city()
    rates = pd.DataFrame({"city_id": "c", "lang": ["en", "fr"], "true_positives": [70, 140],
                          "positives": [100, 200], "false_positives": [75, 150], "negatives": [500, 1000],
                          "rates_source": ["review", "model_card"], "platform": ["*", "x"]})
    keys = ["city_id", "area_code", "period"]
    out = adjusted_counts(c.drop(columns="hateful"), rates, keys, seed=1)
    truth = c.groupby(keys)["hateful"].sum()
    out = out.set_index(keys).loc[truth.index]
    assert len(out) == 120 and (out["flagged_posts"] == c.groupby(keys)["flagged_posts"].sum()).all()
    raw_err = (out["flagged_posts"] - truth).abs().mean()
    adj_err = (out["adjusted_flagged_posts"] - truth).abs().mean()
    assert adj_err < 0.3 * raw_err, (raw_err, adj_err)
    covered = (out["adjusted_low"] <= truth) & (truth <= out["adjusted_high"])
    assert covered.mean() >= 0.9, covered.mean()
    assert set(out["rates_source"]) == {"mixed"}
    only_en = adjusted_counts(c[c["lang"] == "en"].drop(columns="hateful"), rates, keys)
    assert set(only_en["rates_source"]) == {"review"}
    only_sq = adjusted_counts(c[c["lang"] == "sq"].drop(columns="hateful"), rates, keys)
    assert set(only_sq["rates_source"]) == {"none"}
    assert (only_sq["adjusted_flagged_posts"] == only_sq["flagged_posts"]).all()
    assert (only_sq["adjusted_low"] == only_sq["flagged_posts"]).all()


def test_card_rates_skip_a_dataset_too_small_to_show() -> None:
    """A partner's 12 held-out French posts scoring below every shipped source: the dashboards withhold that figure
    (``MIN_HELD_OUT``), and its rates correct no city's counts either (they were the weakest, so they were taken)."""
    from scn.nlp.accuracy import MIN_HELD_OUT

    ev = evaluation_table()
    fr = ev[ev["lang"] == "fr"]
    tiny = fr[fr["dataset"] == fr["dataset"].iloc[0]].assign(
        dataset="partner.csv", macro_f1=0.05, support=(fr["support"] * 0 + 4).astype(int))
    assert tiny["support"].sum() < MIN_HELD_OUT
    rates = published.card_rates(pd.concat([ev, tiny], ignore_index=True)).set_index("lang")
    assert rates.loc["fr", "dataset"] != "partner.csv"
    assert rates.loc["fr", "dataset"] == published.card_rates(ev).set_index("lang").loc["fr", "dataset"]
