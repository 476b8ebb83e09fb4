"""Train the default speech classifier (scn/models/default.joblib) and write its card (scn/models/model_card.json).

Development-time only. ``--build-splits`` first rebuilds scn/data/labelled_splits.csv.gz from the MIT-licensed
labelled sets (Davidson et al. 2017; MLMA, Ousidhoum et al. 2019) in the shared data folder: handles and links
scrubbed, deduplicated, a fixed train/test split per language (20 % test, stratified by source and label, seed 13).
Training and evaluation read only that file, as the tests do.

Per language and source, an expert (scn.nlp.ensemble): a word 1-2 + char_wb 2-5 TF-IDF model (NB-LR on Davidson,
logistic regression over MLMA's offensive sub-labels on MLMA) and a class-weighted char 2-5-gram logistic
regression (the baseline's features), each alone or averaged - chosen on 4-fold out-of-fold predictions inside
the source's training split (the validation folds), which also fit the calibrator and the macro-F1 decision bias.
English has two sources: a gate (char n-gram logistic regression, trained to tell the sources apart) weighs the
experts. The test rows are used only for the card: per language x source, model and in-source baseline (char 2-5
TF-IDF + default logistic regression trained on that source's training rows only), margin, n, bootstrap 95 % CIs;
a reliability curve of the calibrated hate score per language. The artefact is written in the compact format of
scn/nlp/artefact.py (exact term lists and idf, float16 wide weights, xz; < 4 MB) and the card evaluates that
file as loaded (``--evaluate-only``: re-evaluate the existing file, no training).

    .venv/bin/python scripts/train_classifier.py [--build-splits] [--jobs 2]
    .venv/bin/python scripts/train_classifier.py --evaluate-only
    .venv/bin/python scripts/time_classify.py --detect --out t.json
    .venv/bin/python scripts/train_classifier.py --record-timing t.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from scn.nlp import artefact as artefact_format
from scn.nlp import corpora
from scn.nlp.ensemble import SourceMixture, baseline_pipeline, char_lr, fit_expert
from scn.nlp.estimators import GroupedLogisticRegression, NBLogisticRegression
from scn.nlp.evaluation import bootstrap_macro_f1, calibration_bins, metrics_report
from scn.nlp.features import normalise, normalise_ar, word_char_features
from scn.nlp.labels import CLASSES
from scn.nlp.rules import EvidenceRules

LANGS = ("en", "fr", "ar")
FOLDS = 4


def word_char_model(lang: str, source: str):
    """The word + char_wb member of an expert and whether it is fitted on fine labels."""
    if source == "davidson2017":
        return (lambda: Pipeline([("features", word_char_features(30_000, 60_000)),
                                  ("clf", NBLogisticRegression(C=1.0))])), False
    prep = normalise_ar if lang == "ar" else normalise
    return (lambda: Pipeline([("features", word_char_features(15_000, 30_000, prep)),
                              ("clf", GroupedLogisticRegression(C=1.0))])), True


def char_member() -> Pipeline:
    """The char 2-5-gram member (class-weighted; 100k n-grams keep the artefact small)."""
    pipe = char_lr()
    pipe.named_steps["features"].set_params(max_features=100_000)
    return pipe


def gate_pipeline() -> Pipeline:
    """Which source a text resembles (char_wb 2-4-grams, logistic regression)."""
    return Pipeline([("features", TfidfVectorizer(preprocessor=normalise, analyzer="char_wb", ngram_range=(2, 4),
                                                  min_df=2, sublinear_tf=True, max_features=30_000,
                                                  dtype=np.float32)),
                     ("clf", LogisticRegression(max_iter=2000, class_weight="balanced"))])


def slim(obj) -> None:
    """Drop what prediction does not need (pruned-term lists) and keep weights in float32, recursively (the
    compact file format of scn.nlp.artefact then stores vocabularies, idf and wide weights in small form)."""
    if isinstance(obj, dict | list | tuple):
        for v in obj.values() if isinstance(obj, dict) else obj:
            slim(v)
    elif isinstance(obj, TfidfVectorizer):
        obj.stop_words_ = None
    elif hasattr(obj, "__dict__") and type(obj).__module__.startswith(("sklearn", "scn")):
        if isinstance(obj, LogisticRegression) and obj.coef_.shape[1] > 10:
            obj.coef_ = obj.coef_.astype(np.float32)
        for v in vars(obj).values():
            slim(v)


def save_models(models: dict[str, SourceMixture], path: Path) -> None:
    """Slim the per-language models and write them as the shipped artefact (scn.nlp.artefact's compact format:
    term lists, distinct idf values, float16 wide weights, xz), the form ``scn.nlp.model`` loads."""
    for model in models.values():
        slim(model)
    path.parent.mkdir(parents=True, exist_ok=True)
    artefact_format.save({"kind": "scn-per-language", "classes": list(CLASSES), "models": models, "bias": {}},
                         path)


def train_language(lang: str, train: pd.DataFrame, jobs: int) -> tuple[SourceMixture, dict]:
    experts, validation = {}, {}
    for source, part in train.groupby("source"):
        make, fine = word_char_model(lang, source)
        expert, val = fit_expert({"wordchar": make, "char": char_member}, part["text"], part["label"],
                                 {"wordchar": part["fine"]} if fine else None, folds=FOLDS, n_jobs=jobs)
        experts[source], validation[source] = expert, val
        print(lang, source, val, flush=True)
    gate = gate_pipeline().fit(train["text"].tolist(), train["source"]) if len(experts) > 1 else None
    model = SourceMixture(experts, gate)
    model.rules = EvidenceRules.learn(lang, train["text"].tolist(), train["label"].to_numpy())
    model.validation_ = validation
    return model, validation


def evaluate_language(lang: str, model: SourceMixture, train: pd.DataFrame, test: pd.DataFrame) -> tuple[list, dict]:
    """Per-source rows (model, in-source baseline, margin, CIs) and the language's pooled figures + reliability."""
    labels, proba = model.label_and_proba(test["text"].tolist())
    rows = []
    for source, part in test.groupby("source"):
        pos = test.index.get_indexer(part.index)
        own = train[train["source"] == source]
        base = baseline_pipeline().fit(own["text"].tolist(), own["label"]).predict(part["text"].tolist())
        y = part["label"].to_numpy()
        rep = metrics_report(y, labels[pos], proba[pos, 0])
        base_rep = metrics_report(y, base)
        gate = model.source_weights(part["text"].tolist())
        rows.append({"lang": lang, "source": source, "platform": corpora.platform_of(source), "n": len(part),
                     "n_train": len(own), "macro_f1": round(rep["macro_f1"], 4),
                     "baseline_macro_f1": round(base_rep["macro_f1"], 4),
                     "margin": round(rep["macro_f1"] - base_rep["macro_f1"], 4),
                     **bootstrap_macro_f1(y, labels[pos], base),
                     "per_class": rep["per_class"], "baseline_per_class": base_rep["per_class"],
                     "confusion_matrix": rep["confusion_matrix"], "calibration": rep["calibration"],
                     "gate_weight_own_source": round(float(gate[:, list(model.experts).index(source)].mean()), 4)})
        print(lang, source, {k: rows[-1][k] for k in ("n", "macro_f1", "baseline_macro_f1", "margin", "ci95",
                                                       "margin_ci95")}, flush=True)
    y = test["label"].to_numpy()
    pooled = metrics_report(y, labels, proba[:, 0])
    pooled["calibration"] = calibration_bins(y == "hate", proba[:, 0])
    pooled["brier_hate"] = round(float(np.mean(((y == "hate") - proba[:, 0]) ** 2)), 4)
    pooled["worst_source_margin"] = min(r["margin"] for r in rows)
    return rows, pooled


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--src", type=Path, default=Path("/work/shared/data/labelled"))
    ap.add_argument("--build-splits", action="store_true", help="rebuild scn/data/labelled_splits.csv.gz from --src")
    ap.add_argument("--out", type=Path, default=Path("scn/models"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--demo-pool", type=Path, default=Path("scn/data/demo_texts.csv.gz"))
    ap.add_argument("--timing", type=Path, default=None, help="JSON from scripts/time_classify.py to record")
    ap.add_argument("--evaluate-only", action="store_true", help="re-evaluate the artefact in --out (no training)")
    ap.add_argument("--record-timing", type=Path, default=None, metavar="JSON",
                    help="only record scripts/time_classify.py output in the existing card (no training)")
    args = ap.parse_args()
    if args.record_timing:
        card_path = args.out / "model_card.json"
        card = json.loads(card_path.read_text())
        card["timing"] = {k: v for k, v in json.loads(args.record_timing.read_text()).items() if k != "labels"}
        card_path.write_text(json.dumps(card, indent=1, ensure_ascii=False))
        return
    t0 = time.time()
    if args.build_splits:
        raw = corpora.read_sources(args.src)
        raw.insert(2, "split", corpora.assign_split(raw))
        raw.to_csv(corpora.split_path(), index=False, compression={"method": "gzip", "mtime": 0})
        print(corpora.split_path(), raw.groupby(["lang", "source", "split"]).size().to_dict(), flush=True)
    data = corpora.load_splits()
    demo_keys = set(pd.read_csv(args.demo_pool)["text"].map(normalise))
    artefact = args.out / "default.joblib"
    if not args.evaluate_only:
        trained = {}
        for lang in LANGS:
            train = data[(data["lang"] == lang) & (data["split"] == "train")].reset_index(drop=True)
            trained[lang], _ = train_language(lang, train, args.jobs)
        save_models(trained, artefact)
    models = artefact_format.load(artefact)["models"]  # the card describes the shipped file, as loaded
    evaluation, languages = [], {}
    for lang in LANGS:
        sub = data[data["lang"] == lang]
        train = sub[sub["split"] == "train"].reset_index(drop=True)
        test = sub[sub["split"] == "test"].reset_index(drop=True)
        model = models[lang]
        rows, pooled = evaluate_language(lang, model, train, test)
        for r in rows:
            r["validation"] = model.validation_[r["source"]]
        evaluation += rows
        languages[lang] = {**pooled, "sources": [r["source"] for r in rows],
                           "split": {"train": len(train), "test": len(test),
                                     "test_in_demo_pool": int(test["text"].map(normalise).isin(demo_keys).sum())}}
        print(lang, "pooled", round(pooled["macro_f1"], 4), f"({time.time() - t0:.0f}s)", flush=True)
    card = {"name": "scn-default", "sha256": hashlib.sha256(artefact.read_bytes()).hexdigest(),
            "split": {"file": f"scn/data/{corpora.SPLIT_FILE}", "seed": corpora.SPLIT_SEED,
                      "test_share": corpora.TEST_SHARE, "stratified_by": ["source", "label"],
                      "validation": f"{FOLDS}-fold out-of-fold predictions inside each source's training rows"},
            "classes": list(CLASSES), "evaluation": evaluation, "languages": languages,
            "training_data": [s["title"] for s in corpora.SOURCES.values()],
            "model": "per language x source expert: average of word 1-2 + char_wb 2-5 TF-IDF model (NB-LR on "
                     "Davidson, logistic regression over offensive sub-labels on MLMA) and class-weighted char "
                     "2-5 TF-IDF logistic regression (or one of them, chosen on validation folds), calibrated "
                     "(multinomial logistic regression on out-of-fold log-probabilities), per-class decision bias "
                     "tuned for macro-F1 on the same folds; English: experts weighed by a source gate; then the "
                     "evidence rules of scn/nlp/rules.py (dehumanising language toward a group -> hate; no cue "
                     "word, no group named with a slur or a word of hostility (a group's name alone is no "
                     "evidence) and P(none) >= 0.4 (fr 0.3) or evidence for a flag under the deployment "
                     "prior (at most 1 in 3 such posts flagged) below log 2 over the model's answer to an empty "
                     "text -> none; closed-class words (NOT_CUES: the vocative ya, pronouns, English stop words) "
                     "and group names are no cue word, a text whose only cue words were closed-class is weighed "
                     "without them, hyphenated compounds are one word for the cue words)",
            "baseline": "char 2-5 TF-IDF + logistic regression (default settings), trained on the same source's "
                        "training rows only",
            "lexicon_method": "languages without a model but with a HurtLex 1.2 list (scn/data/hurtlex): labels "
                              "from term matches, method 'lexicon'; no measured accuracy (docs/classifier.md)",
            "command": ".venv/bin/python scripts/train_classifier.py --build-splits",
            "train_seconds": round(time.time() - t0)}
    if args.evaluate_only:  # the artefact was trained earlier: keep that run's training time and speed
        previous = args.out / "model_card.json"
        before = json.loads(previous.read_text()) if previous.exists() else {}
        card["train_seconds"] = before.get("train_seconds")
        if "timing" in before and before.get("sha256") == card["sha256"]:
            card["timing"] = before["timing"]
    if args.timing and args.timing.exists():
        card["timing"] = {k: v for k, v in json.loads(args.timing.read_text()).items() if k != "labels"}
    (args.out / "model_card.json").write_text(json.dumps(card, indent=1, ensure_ascii=False))
    print(artefact, artefact.stat().st_size, f"({time.time() - t0:.0f}s)")
    worst = min(evaluation, key=lambda r: r["margin"])
    print("worst margin:", worst["lang"], worst["source"], worst["margin"])


if __name__ == "__main__":
    main()
