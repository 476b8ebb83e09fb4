"""Metrics of the speech classifier: per class, macro-F1, confusion matrix, calibration, per language."""

from __future__ import annotations

import itertools
import json
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from scn.nlp.io import read_labelled
from scn.nlp.labels import CLASSES
from scn.nlp.model import DEFAULT, Classifier, classify, load_classifier
from scn.settings import settings


def calibration_bins(is_hate: np.ndarray, score: np.ndarray, n_bins: int = 10) -> list[dict]:
    """Reliability of score_hate: per equal-width bin, count, mean score and observed hate rate."""
    edges = np.linspace(0, 1, n_bins + 1)
    idx = np.clip(np.digitize(score, edges[1:-1]), 0, n_bins - 1)
    frame = pd.DataFrame({"bin": idx, "score": score, "hate": is_hate.astype(float)})
    agg = frame.groupby("bin").agg(n=("score", "size"), mean_score=("score", "mean"), hate_rate=("hate", "mean"))
    return [{"low": float(edges[b]), "high": float(edges[b + 1]), "n": int(r.n),
             "mean_score": round(float(r.mean_score), 4), "hate_rate": round(float(r.hate_rate), 4)}
            for b, r in agg.iterrows()]


def metrics_report(y_true: np.ndarray, y_pred: np.ndarray, score_hate: np.ndarray | None = None) -> dict:
    """Precision/recall/F1/support per class, macro-F1, confusion matrix (rows true, cols predicted)."""
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=list(CLASSES), zero_division=0)
    out = {"n": int(len(y_true)),
           "macro_f1": float(f1_score(y_true, y_pred, labels=list(CLASSES), average="macro", zero_division=0)),
           "per_class": {c: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]),
                             "support": int(s[i])} for i, c in enumerate(CLASSES)},
           "confusion_matrix": {"labels": list(CLASSES),
                                "matrix": confusion_matrix(y_true, y_pred, labels=list(CLASSES)).tolist()}}
    if score_hate is not None:
        out["calibration"] = calibration_bins(np.asarray(y_true) == "hate", np.asarray(score_hate, dtype=float))
    return out


def tune_bias(proba: np.ndarray, y_true: np.ndarray, grid: np.ndarray | None = None) -> np.ndarray:
    """Per-class additive bias on log-probabilities (hate, offensive; none fixed at 0) maximising macro-F1."""
    grid = np.linspace(-2, 2, 21) if grid is None else grid
    logp = np.log(proba + 1e-9)
    labels = np.array(CLASSES)
    best, best_f1 = np.zeros(3), -1.0
    for bh, bo in itertools.product(grid, grid):
        bias = np.array([bh, bo, 0.0])
        f1 = f1_score(y_true, labels[np.argmax(logp + bias, axis=1)], labels=list(CLASSES), average="macro",
                      zero_division=0)
        if f1 > best_f1 + 1e-9:
            best, best_f1 = bias, f1
    return best


def evaluate_file(path: Path, classifier: Classifier | None = None) -> dict:
    """Classify a labelled CSV/JSONL (text, label[, lang]) and report metrics overall and per language."""

    clf = classifier or load_classifier()
    df = read_labelled(Path(path))
    out = classify(df["text"].tolist(), df["lang"].tolist() if "lang" in df else None, classifier=clf)
    y_true, y_pred = df["label"].to_numpy(), out["label"].to_numpy()
    score = out["score_hate"].to_numpy(dtype=float)
    report = {"file": str(path), "model_version": clf.version,
              "not_assessed": int((~out["assessed"]).sum()), **metrics_report(y_true, y_pred, score),
              "per_language": {}}
    for lang, idx in out.groupby(out["lang"].fillna("unknown")).groups.items():
        pos = out.index.get_indexer(idx)
        report["per_language"][lang] = metrics_report(y_true[pos], y_pred[pos], score[pos])
    return report


@cache
def _card_text() -> str:
    return resources.files("scn.models").joinpath("model_card.json").read_text(encoding="utf-8")


def model_card() -> dict:
    """The shipped default model's card (held-out metrics per language and class, baseline, splits)."""
    return json.loads(_card_text())


EVAL_COLUMNS = ["lang", "class", "precision", "recall", "f1", "support", "macro_f1", "baseline_macro_f1", "n",
                "source", "model_version"]


def _class_rows(lang: str, m: dict | None, source: str, version: str) -> list[dict]:
    """One row per class; metrics left empty when ``m`` is None (accuracy not measured)."""
    empty = dict.fromkeys(("precision", "recall", "f1", "support"))
    return [{"lang": lang, "class": c, **(m["per_class"][c] if m else empty),
             "macro_f1": m["macro_f1"] if m else None, "baseline_macro_f1": m.get("baseline_macro_f1") if m else None,
             "n": m["n"] if m else 0, "source": source, "model_version": version} for c in CLASSES]


def evaluation_table(classifier: Classifier | None = None, eval_file: str | Path | None = None) -> pd.DataFrame:
    """Accuracy of the classifier that labels posts, one row per language x class.

    Languages labelled by the shipped model: its held-out figures (model card, with the baseline). Languages
    labelled by another model ($SCN_CLASSIFIER): measured on ``eval_file`` or ``$SCN_CLASSIFIER_EVAL`` (a labelled
    CSV/JSONL: text, label, lang) when given, else rows with source ``not measured`` and no figures - a plugged-in
    model is never shown with the shipped model's accuracy.
    """

    clf = classifier or load_classifier()
    default = load_classifier(DEFAULT)
    card = model_card()
    shipped = {lang for lang in clf.languages
               if clf.models[lang] is default.models.get(lang) and lang in card["languages"]}
    others = sorted(clf.languages - shipped)
    eval_file = eval_file or settings().classifier_eval
    report = evaluate_file(Path(eval_file), clf) if others and eval_file else None
    rows = []
    for lang in sorted(shipped):
        rows += _class_rows(lang, card["languages"][lang], "held-out split (model card)", default.version)
    measured = report["per_language"] if report else {}
    for lang in others:
        langs = [x for x in measured if x not in shipped] if lang == "*" else [lang]
        for code in langs or [lang]:
            m = measured.get(code)
            rows += _class_rows(code, m, Path(eval_file).name if m else "not measured", clf.version_of(lang))
    return pd.DataFrame(rows, columns=EVAL_COLUMNS)
