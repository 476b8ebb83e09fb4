"""The shipped default model, per language x source, against the in-source char n-gram baseline recomputed here
from the shipped split (scn/data/labelled_splits.csv.gz), its card, and what it says about plain sentences."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scn.nlp.corpora import SOURCES, load_splits, platform_of
from scn.nlp.ensemble import baseline_pipeline, train_adapter
from scn.nlp.evaluation import bootstrap_macro_f1, macro_f1, model_card
from scn.nlp.labels import CLASSES
from scn.nlp.model import Classifier, classify, load_default, predict_proba

BASELINE_MAX = 4000


@pytest.fixture(scope="module")
def splits() -> pd.DataFrame:
    return load_splits()


def test_split_is_fixed_stratified_and_holds_every_source(splits: pd.DataFrame) -> None:
    assert set(splits["split"]) == {"train", "test"} and set(splits["label"]) == set(CLASSES)
    pairs = {(lang, s) for s, meta in SOURCES.items() for lang in meta["langs"]}
    assert set(map(tuple, splits[["lang", "source"]].drop_duplicates().to_numpy())) == pairs
    share = splits.groupby(["lang", "source", "label"])["split"].apply(lambda s: s.eq("test").mean())
    assert share.between(0.17, 0.23).all(), share
    assert not splits["text"].str.contains(r"@(?!user\b)\w", regex=True).any()  # no user handles shipped


def test_default_model_never_loses_to_the_in_source_baseline(splits: pd.DataFrame) -> None:
    """For every language x source: held-out macro-F1 of the shipped model >= a char 2-5-gram TF-IDF + logistic
    regression trained here on that source's training rows only, scored on the same test rows.

    Sources with more than BASELINE_MAX training rows (Davidson, 19.6k) train the baseline here on a fixed
    stratified subsample of that size (seconds instead of a minute); the model must also beat the full-data
    baseline of the card, and the recomputed full-data baselines (MLMA) must equal the card's."""
    card = {(r["lang"], r["source"]): r for r in model_card()["evaluation"]}
    clf = load_default()
    results = {}
    for (lang, source), test in splits[splits["split"] == "test"].groupby(["lang", "source"]):
        train = splits[(splits["split"] == "train") & (splits["lang"] == lang) & (splits["source"] == source)]
        full = len(train) <= BASELINE_MAX
        if not full:
            train = train.groupby("label", group_keys=False).sample(frac=BASELINE_MAX / len(train), random_state=13)
        y = test["label"].to_numpy()
        base = baseline_pipeline().fit(train["text"].tolist(), train["label"]).predict(test["text"].tolist())
        model = clf.predict(test["text"].tolist(), lang)[0]
        results[(lang, source)] = (macro_f1(y, model), macro_f1(y, base))
        assert card[(lang, source)]["n"] == len(test)
        assert card[(lang, source)]["macro_f1"] == pytest.approx(results[(lang, source)][0], abs=1e-3)
        assert card[(lang, source)]["macro_f1"] >= card[(lang, source)]["baseline_macro_f1"]
        if full:
            assert card[(lang, source)]["baseline_macro_f1"] == pytest.approx(results[(lang, source)][1], abs=0.01)
    assert set(results) == set(card)
    losing = {k: v for k, v in results.items() if v[0] < v[1]}
    assert not losing, f"model below its in-source baseline (model, baseline): {losing}"


def test_card_has_per_source_figures_with_intervals_and_reliability_per_language() -> None:
    card = model_card()
    for r in card["evaluation"]:
        assert r["platform"] == platform_of(r["source"]) and r["n"] > 0 and r["n_train"] > r["n"]
        assert r["margin"] == pytest.approx(r["macro_f1"] - r["baseline_macro_f1"], abs=1e-3)
        assert r["ci95"][0] <= r["macro_f1"] <= r["ci95"][1] and r["margin_ci95"][0] <= r["margin_ci95"][1]
        assert r["validation"]["chosen"] in r["validation"]["oof_macro_f1"]
    for lang, m in card["languages"].items():
        assert sum(b["n"] for b in m["calibration"]) == m["n"], lang
        assert m["worst_source_margin"] == min(r["margin"] for r in card["evaluation"] if r["lang"] == lang)


def test_calibrated_hate_score_is_reliable_per_language() -> None:
    """Reliability curve: in bins holding >= 50 held-out texts, the observed hate rate is within 0.15 of the
    mean calibrated score (an uncalibrated margin-based score is off by far more in the top bins)."""
    for lang, m in model_card()["languages"].items():
        big = [b for b in m["calibration"] if b["n"] >= 50]
        assert big and all(abs(b["hate_rate"] - b["mean_score"]) < 0.15 for b in big), (lang, big)


def test_bootstrap_interval_brackets_the_figure_and_is_paired() -> None:
    rng = np.random.default_rng(0)
    y = rng.choice(CLASSES, 400)
    good = np.where(rng.random(400) < 0.8, y, rng.choice(CLASSES, 400))
    ci = bootstrap_macro_f1(y, good, y, n_boot=300)
    assert ci["ci95"][0] < macro_f1(y, good) < ci["ci95"][1] and ci["margin_ci95"][1] < 0  # the oracle wins
    assert bootstrap_macro_f1(y, y, n_boot=50)["ci95"] == [1.0, 1.0]


@pytest.mark.parametrize(("text", "lang", "label"), [
    ("Refugees are vermin and should be thrown out of our city", "en", "hate"),
    ("Immigrants are rats and parasites, get them out of our country", "en", "hate"),
    ("I love my neighbours", "en", "none"),
    ("We had a lovely picnic in the park with our friends today", "en", "none"),
    ("اللاجئون حشرات يجب طردهم", "ar", "hate"),
    ("أحب جيراني", "ar", "none"),
    ("Les migrants sont des parasites, dehors !", "fr", "hate"),
])
def test_plain_sentences(text: str, lang: str, label: str) -> None:
    """Dehumanising language toward a group is hate; ordinary friendly sentences are none."""
    assert classify([text], [lang])["label"].iloc[0] == label


def test_predict_proba_api_is_calibrated_probabilities() -> None:
    p = predict_proba(["I love my neighbours", "you are a stupid bitch"], "en")
    assert p.shape == (2, 3) and np.allclose(p.sum(axis=1), 1) and p[1, 1] > p[0, 1]
    with pytest.raises(ValueError, match="does not cover"):
        predict_proba(["x"], "ja")


def test_train_adapter_plugs_into_the_classifier(splits: pd.DataFrame) -> None:
    part = splits[(splits["lang"] == "fr") & (splits["split"] == "train")].head(300)
    adapter = train_adapter(part["text"].tolist(), part["label"].tolist())
    clf = Classifier("adapter-test", {"fr": adapter})
    out = classify(part["text"].head(50).tolist(), ["fr"] * 50, classifier=clf, lexicon=False)
    assert out["method"].eq("model").all() and set(out["label"]) <= set(CLASSES)
    p = predict_proba(part["text"].head(50).tolist(), "fr", classifier=clf)
    assert np.allclose(p.sum(axis=1), 1) and np.allclose(out["score_hate"], p[:, 0])
    assert macro_f1(part["label"].to_numpy(), adapter.predict(part["text"].tolist())) > 0.5  # fits its data
    with pytest.raises(ValueError, match="at least two"):
        train_adapter(["a text", "another"], ["none", "none"])


def test_eval_file_reports_per_source_with_in_source_baseline(splits: pd.DataFrame, tmp_path) -> None:
    from scn.nlp.evaluation import evaluate_file

    fr = splits[splits["lang"] == "fr"]
    part = pd.concat([fr[fr["split"] == "train"].head(300), fr[fr["split"] == "test"].head(100)])
    f = tmp_path / "fr.csv"
    part.to_csv(f, index=False)
    report = evaluate_file(f)
    (row,) = report["per_source"]
    test, train = part[part["split"] == "test"], part[part["split"] == "train"]
    base = baseline_pipeline().fit(train["text"].tolist(), train["label"]).predict(test["text"].tolist())
    assert (row["lang"], row["source"], row["platform"], row["n"]) == ("fr", "mlma2019", "x", len(test))
    assert row["baseline_macro_f1"] == pytest.approx(macro_f1(test["label"].to_numpy(), base))
    assert row["margin"] == pytest.approx(row["macro_f1"] - row["baseline_macro_f1"]) and report["n"] == len(test)
    # without a split column: the baseline by cross-validation inside the file, every row scored
    part.drop(columns="split").to_csv(f, index=False)
    (row,) = evaluate_file(f)["per_source"]
    assert row["n"] == len(part) and row["baseline"].startswith("5-fold") and row["baseline_macro_f1"] is not None
