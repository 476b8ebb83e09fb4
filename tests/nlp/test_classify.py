"""The speech classifier through its public functions and the `scn classify` CLI."""

from __future__ import annotations

import json
from pathlib import Path

import joblib
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.pipeline import make_pipeline

from scn.nlp.evaluation import evaluate_file, evaluation_table, model_card
from scn.nlp.io import read_classify_input
from scn.nlp.model import _default_path, classify, load_classifier
from tests.support.cli import scn

TEXTS = ["I love my neighbours and this city", "you are a stupid bitch", "ces gens sont des animaux",
         "الله يحفظ أهل المدينة"]


def run_scn(*args: str, home: Path) -> list[dict]:
    proc = scn("classify", *args, home=home)
    return [json.loads(line) for line in proc.stdout.splitlines()]


def test_cli_file_lines_json_in_input_order(tmp_path: Path) -> None:
    f = tmp_path / "posts.txt"
    f.write_text("\n".join(TEXTS) + "\n", encoding="utf-8")
    rows = run_scn("--file", str(f), "--json", home=tmp_path)
    assert [r["index"] for r in rows] == list(range(len(TEXTS)))
    assert all({"index", "label", "score_hate", "lang"} <= set(r) for r in rows)
    assert [r["lang"] for r in rows][0] == "en" and rows[3]["lang"] == "ar"
    direct = classify(TEXTS)
    assert [r["label"] for r in rows] == direct["label"].tolist()


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_read_table_input_with_text_column(tmp_path: Path, fmt: str) -> None:
    frame = pd.DataFrame({"id": range(3), "text": TEXTS[:3]})
    f = tmp_path / f"in.{fmt}"
    frame.to_csv(f, index=False) if fmt == "csv" else frame.to_json(f, orient="records", lines=True)
    assert read_classify_input(f) == TEXTS[:3]


def test_uncovered_language_is_flagged_not_assessed() -> None:
    out = classify(["これはテストです", "you are a stupid bitch"], ["ja", None])
    assert out.loc[0, ["label", "assessed", "method", "lang"]].tolist() == ["none", False, "not_assessed", "ja"]
    assert out.loc[1, "assessed"] and out.loc[1, "method"] == "model" and out.loc[1, "lang"] == "en"
    assert "ja" not in load_classifier().languages


def test_scores_in_unit_interval_and_columns() -> None:
    pool = pd.read_csv("scn/data/demo_texts.csv.gz").sample(300, random_state=1)
    out = classify(pool["text"].tolist(), pool["lang"].tolist())
    assert list(out.columns) == ["label", "score_hate", "target", "assessed", "method", "lang", "model_version"]
    assert out["score_hate"].between(0, 1).all() and set(out["label"]) <= {"hate", "offensive", "none"}
    assert out["assessed"].all()
    assert (out["label"] == pool["label"].to_numpy()).mean() > 0.5


def test_version_stable_and_changes_with_artefact(tmp_path: Path) -> None:
    v = load_classifier().version
    assert load_classifier().version == v == load_classifier(str(_default_path())).version
    texts, labels = ["kill them all", "you idiot", "nice day", "hate them", "stupid", "lovely"], \
        ["hate", "offensive", "none"] * 2
    pipe = make_pipeline(TfidfVectorizer(), LogisticRegression()).fit(texts, labels)
    other = tmp_path / "partner.joblib"
    joblib.dump(pipe, other)
    partner = load_classifier(str(other))
    assert partner.version != v and partner.version == load_classifier(str(other)).version
    assert classify(["これはテストです"], ["ja"], classifier=partner)["assessed"].all()


def test_evaluate_file_consistent_with_sklearn(tmp_path: Path) -> None:
    pool = pd.read_csv("scn/data/demo_texts.csv.gz").groupby("lang").sample(40, random_state=3)
    f = tmp_path / "labelled.csv"
    pool[["text", "label", "lang"]].to_csv(f, index=False)
    report = evaluate_file(f)
    pred = classify(pool["text"].tolist(), pool["lang"].tolist())["label"]
    assert report["macro_f1"] == pytest.approx(f1_score(pool["label"], pred, average="macro"))
    assert set(report["per_language"]) == {"en", "fr", "ar"}
    assert sum(map(sum, report["confusion_matrix"]["matrix"])) == len(pool)
    assert sum(b["n"] for b in report["calibration"]) == len(pool)


def test_model_card_has_en_fr_ar_per_source_and_beats_baseline() -> None:
    card = model_card()
    table = evaluation_table()
    assert {"en", "fr", "ar"} <= set(card["languages"]) and set(table["lang"]) >= {"en", "fr", "ar"}
    assert table["f1"].between(0, 1).all() and len(table) == 3 * len(card["evaluation"])
    assert set(zip(table["lang"], table["dataset"], strict=True)) == {(r["lang"], r["source"])
                                                                      for r in card["evaluation"]}
    for m in card["evaluation"]:
        assert m["macro_f1"] >= m["baseline_macro_f1"]


def test_model_card_records_timing() -> None:
    """scripts/time_classify.py's record: the default path against the reference path in the same run."""
    timing = model_card()["timing"]
    assert timing["posts"] >= 100_000 and 0.3 <= timing["unique_share"] < 1
    assert timing["same_labels_as_reference"] and timing["posts_per_s"] > 3 * timing["reference_posts_per_s"]
    assert timing["model"].startswith(load_classifier().version)
