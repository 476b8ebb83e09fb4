"""Metrics of the speech classifier: per class, macro-F1, confusion matrix, calibration, per language."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from scn.nlp.accuracy import CARD_SOURCE, MIN_HELD_OUT
from scn.nlp.ensemble import tune_bias  # noqa: F401  (re-exported: the training script's name for it)
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


def macro_f1(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return float(f1_score(y_true, y_pred, labels=list(CLASSES), average="macro", zero_division=0))


def bootstrap_macro_f1(y_true: np.ndarray, pred: np.ndarray, baseline: np.ndarray | None = None, n_boot: int = 1000,
                       seed: int = 13) -> dict:
    """95 % percentile bootstrap intervals of macro-F1 (and of the paired margin over ``baseline``): the same
    resampled texts score both, so the margin's interval reflects the paired comparison."""
    k = len(CLASSES)
    y = pd.Categorical(np.asarray(y_true), categories=list(CLASSES)).codes
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(y), size=(n_boot, len(y)))

    def scores(p: np.ndarray) -> np.ndarray:
        codes = pd.Categorical(np.asarray(p), categories=list(CLASSES)).codes
        cells = (y[idx] * k + codes[idx]) + (np.arange(n_boot) * k * k)[:, None]
        cm = np.bincount(cells.ravel(), minlength=n_boot * k * k).reshape(n_boot, k, k).astype(float)
        tp = np.einsum("bii->bi", cm)
        denom = cm.sum(axis=1) + cm.sum(axis=2)  # predicted + true per class
        f1 = np.divide(2 * tp, denom, out=np.zeros_like(tp), where=denom > 0)
        return f1.mean(axis=1)

    model = scores(pred)
    out = {"ci95": [round(float(v), 4) for v in np.percentile(model, [2.5, 97.5])], "n_boot": n_boot}
    if baseline is not None:
        out["margin_ci95"] = [round(float(v), 4) for v in np.percentile(model - scores(baseline), [2.5, 97.5])]
    return out


def cv_baseline(texts: list[str], labels: np.ndarray, folds: int = 5, seed: int = 13) -> np.ndarray | None:
    """Out-of-fold predictions of the in-source baseline (char 2-5 TF-IDF + default logistic regression) over
    ``texts``; None when a class has fewer than ``folds`` examples or only one class is present."""
    from sklearn.model_selection import cross_val_predict

    from scn.nlp.ensemble import baseline_pipeline

    counts = pd.Series(labels).value_counts()
    if len(counts) < 2 or counts.min() < folds:
        return None
    from sklearn.model_selection import StratifiedKFold

    return cross_val_predict(baseline_pipeline(), texts, labels,
                             cv=StratifiedKFold(folds, shuffle=True, random_state=seed))


NOT_ASSESSED = "macro-F1 not measured: the classifier does not cover these rows (not assessed)"


def withhold(rep: dict, y_true: np.ndarray) -> dict:
    """``rep`` with its macro-F1 (its interval, baseline and margin) withheld, and ``withheld`` saying why, when
    ``y_true`` lacks an example of a class: macro-F1 averages all of CLASSES, and a class without examples scores
    0 (or, never predicted, is ill-defined), so the figure would describe the labels, not the model."""
    missing = [c for c in CLASSES if not (np.asarray(y_true) == c).any()]
    if missing:
        rep.update({k: None for k in ("macro_f1", "ci95", "baseline_macro_f1", "margin", "margin_ci95") if k in rep})
        rep["withheld"] = f"macro-F1 not measured: no example of {', '.join(missing)} in the labels"
    return rep


def _source_report(lang: str, dataset: str, platform: str | None, texts: list[str], y: np.ndarray,
                   pred: np.ndarray, base: np.ndarray | None, how: str) -> dict:
    rep = {"lang": lang, "source": dataset, "platform": platform, "n": len(y), "macro_f1": macro_f1(y, pred),
           "baseline_macro_f1": None if base is None else macro_f1(y, base), "baseline": how if base is not None
           else "not computed (a class has fewer than 5 examples)"}
    rep["margin"] = None if base is None else rep["macro_f1"] - rep["baseline_macro_f1"]
    rep.update(bootstrap_macro_f1(y, pred, base) if len(y) else {})
    rep["per_class"] = metrics_report(y, pred)["per_class"]
    if len(y) < MIN_HELD_OUT:
        rep["note"] = f"n = {len(y)} < {MIN_HELD_OUT}: too few posts; the dashboards show no figure for this source"
    return withhold(rep, y)


def evaluate_file(path: Path, classifier: Classifier | None = None) -> dict:
    """Classify a labelled CSV/JSONL (text, label[, lang, source, platform, split]) and report metrics overall,
    per language and per language x source, each source with its in-source baseline beside it.

    ``default``: the shipped split (``scn/data/labelled_splits.csv.gz``, the model card's figures). With a
    ``split`` column (train/test) only test rows are scored and
    the baseline is trained on the source's train rows; otherwise the baseline's figure comes from 5-fold
    cross-validation inside the source's rows. Without a ``source`` column the file is one source; its rows are
    measured apart per ``platform`` when that column is given (else the source's known platform, or none).
    Labels other than hate|offensive|none are refused (ValueError); a macro-F1 whose labels lack a class is
    withheld (``withheld``). Rows the classifier does not cover (not assessed: no prediction) are counted in
    ``not_assessed`` at every level and scored nowhere; a group of such rows only has no macro-F1.
    """
    from scn.nlp.accuracy import canonical_platform
    from scn.nlp.corpora import platform_of, split_path
    from scn.nlp.ensemble import baseline_pipeline

    clf = classifier or load_classifier()
    path = split_path() if str(path) == "default" and not Path(path).exists() else Path(path)
    full = read_labelled(path)
    full["source"] = full["source"].astype(str) if "source" in full.columns else Path(path).name
    given = canonical_platform(full["platform"]).replace("", "unknown") if "platform" in full.columns else None
    full["platform"] = given if given is not None else canonical_platform(full["source"].map(platform_of))
    has_split = "split" in full.columns
    df = full[full["split"].eq("test")].reset_index(drop=True) if has_split else full
    out = classify(df["text"].tolist(), df["lang"].tolist() if "lang" in df else None, classifier=clf)
    y_true, y_pred = df["label"].to_numpy(), out["label"].to_numpy()
    score = out["score_hate"].to_numpy(dtype=float)
    assessed = out["assessed"].to_numpy(dtype=bool)  # a row the classifier does not cover has no prediction

    def scored(pos: np.ndarray) -> dict:
        """Metrics over the assessed rows of ``pos`` (withheld when none or a class lacks an example)."""
        a = pos[assessed[pos]]
        rep = (withhold(metrics_report(y_true[a], y_pred[a], score[a]), y_true[a]) if len(a) else
               {"n": 0, "macro_f1": None, "withheld": NOT_ASSESSED})
        return {**rep, "not_assessed": int(len(pos) - len(a))}

    report = {"file": str(path), "model_version": clf.version, **scored(np.arange(len(df))),
              "per_language": {}, "per_source": []}
    for lang, idx in out.groupby(out["lang"].fillna("unknown")).groups.items():
        report["per_language"][lang] = scored(out.index.get_indexer(idx))
    keys = pd.DataFrame({"lang": out["lang"].fillna("unknown"), "source": df["source"], "platform": df["platform"]})
    for (lang, dataset, platform), idx in keys.groupby(["lang", "source", "platform"]).groups.items():
        every = df.index.get_indexer(idx)
        pos = every[assessed[every]]
        platform = None if platform == "unknown" else str(platform)
        if not len(pos):
            report["per_source"].append({"lang": lang, "source": str(dataset), "platform": platform, "n": 0,
                                         "not_assessed": len(every), "macro_f1": None, "baseline_macro_f1": None,
                                         "margin": None, "withheld": NOT_ASSESSED})
            continue
        texts = df["text"].iloc[pos].tolist()
        if has_split:
            train = full[full["split"].eq("train") & full["source"].eq(dataset)
                         & full["platform"].eq(platform or "unknown")
                         & (full["lang"].eq(lang) if "lang" in full.columns else True)]
            ok = train["label"].nunique() > 1
            base = baseline_pipeline().fit(train["text"].tolist(), train["label"]).predict(texts) if ok else None
            how = f"trained on the source's {len(train)} train rows"
        else:
            base, how = cv_baseline(texts, y_true[pos]), "5-fold cross-validation inside the source's rows"
        rep = _source_report(lang, str(dataset), platform, texts, y_true[pos], y_pred[pos], base, how)
        report["per_source"].append({**rep, "not_assessed": int(len(every) - len(pos))})
    return report


@cache
def _card_text() -> str:
    return resources.files("scn.models").joinpath("model_card.json").read_text(encoding="utf-8")


def model_card() -> dict:
    """The shipped default model's card (held-out metrics per language x source and per language, baseline)."""
    return json.loads(_card_text())


EVAL_COLUMNS = ["lang", "class", "precision", "recall", "f1", "support", "macro_f1", "baseline_macro_f1", "n",
                "source", "model_version", "dataset", "platform", "margin", "ci_low", "ci_high", "margin_ci_low",
                "margin_ci_high", "withheld"]


def _class_rows(lang: str, m: dict | None, source: str, version: str) -> list[dict]:
    """One row per class; metrics left empty when ``m`` is None (accuracy not measured). ``m``: a per-source
    record (lang, source, platform, n, macro_f1, baseline_macro_f1, margin, ci95, margin_ci95 - the paired
    interval of the margin over the baseline -, per_class, withheld)."""
    empty = dict.fromkeys(("precision", "recall", "f1", "support"))
    m = m or {}
    ci = m.get("ci95") or [None, None]
    margin_ci = m.get("margin_ci95") or [None, None]
    return [{"lang": lang, "class": c, **m.get("per_class", {}).get(c, empty),
             "macro_f1": m.get("macro_f1"), "baseline_macro_f1": m.get("baseline_macro_f1"), "n": m.get("n", 0),
             "source": source, "model_version": version, "dataset": m.get("source"), "platform": m.get("platform"),
             "margin": m.get("margin"), "ci_low": ci[0], "ci_high": ci[1], "margin_ci_low": margin_ci[0],
             "margin_ci_high": margin_ci[1], "withheld": m.get("withheld")} for c in CLASSES]


def evaluation_table(classifier: Classifier | None = None, eval_file: str | Path | None = None) -> pd.DataFrame:
    """Accuracy of the classifier that labels posts, one row per language x dataset x class.

    Languages labelled by the shipped model: its held-out figures per source (model card: dataset, platform,
    in-source baseline, margin, 95 % CI). Languages labelled by another model ($SCN_CLASSIFIER): measured on
    ``eval_file`` or ``$SCN_CLASSIFIER_EVAL`` (a labelled CSV/JSONL: text, label, lang, optionally source and
    platform) when given, else rows with source ``not measured`` and no figures - a plugged-in model is never
    shown with the shipped model's accuracy. ``scn.nlp.accuracy.shown_accuracy`` picks a city's figure from it.
    """

    clf = classifier or load_classifier()
    default = load_classifier(DEFAULT)
    card = model_card()
    per_source = card.get("evaluation", [])
    shipped = {lang for lang in clf.languages
               if clf.models[lang] is default.models.get(lang) and any(r["lang"] == lang for r in per_source)}
    others = sorted(clf.languages - shipped)
    eval_file = eval_file or settings().classifier_eval
    report = evaluate_file(Path(eval_file), clf) if others and eval_file else None
    rows = []
    for lang in sorted(shipped):
        for m in (r for r in per_source if r["lang"] == lang):
            rows += _class_rows(lang, m, CARD_SOURCE, default.version)
    measured = report["per_source"] if report else []
    for lang in others:
        langs = sorted({m["lang"] for m in measured} - shipped) if lang == "*" else [lang]
        for code in langs or [lang]:
            found = [m for m in measured if m["lang"] == code]
            for m in found or [None]:
                rows += _class_rows(code, m, Path(eval_file).name if m else "not measured", clf.version_of(lang))
    return pd.DataFrame(rows, columns=EVAL_COLUMNS)
