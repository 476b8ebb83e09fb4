"""Accuracy of the labelling measured on reviewed posts: precision, recall and F1 of the flagged (hate) class,
macro-F1 over all the label classes (hate / offensive / none) and accuracy, each with a 95% interval (Wilson for
proportions; for the F1 scores, equal-tailed quantiles of draws from the Dirichlet posterior of the confusion
matrix), and n. Arrays in, a dict of numbers out.

F1 intervals are given only where they were measured to cover (simulation in docs/review.md, "Accuracy
intervals"): from ``MIN_REVIEWED`` reviewed posts, the flagged-class F1 with ``MIN_POSITIVES`` reviewed flagged
posts, macro-F1 when every class has at least ``MIN_CLASS_POSTS`` reviewed posts; below, the bounds are null and ``f1_interval_note`` /
``macro_f1_interval_note`` say why (``INTERVAL_NOTES``)."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

from scn.nlp.labels import CLASSES, FLAGGED_LABELS

BOOTSTRAP = 2000  # posterior draws of the confusion matrix (the name kept from the bootstrap it replaced)
PRIOR = 0.1  # Dirichlet prior count per confusion-matrix cell (9 cells: about one prior post in all)
MIN_REVIEWED = 30  # reviewed posts below which neither F1 score has an interval
MIN_POSITIVES = 5  # reviewed flagged posts below which the flagged-class F1 has no interval
MIN_CLASS_POSTS = 5  # reviewed posts of every class below which macro-F1 has no interval
INTERVAL_NOTES = ("too_few_reviewed", "too_few_positives", "too_few_per_class", "class_not_reviewed", "no_posts")


def wilson(k: float, n: float, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion k / n ((nan, nan) for n = 0)."""
    if n <= 0:
        return float("nan"), float("nan")
    z = NormalDist().inv_cdf(0.5 + level / 2)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def _one_hot(labels: np.ndarray) -> np.ndarray:
    return (np.asarray(labels, dtype=object)[:, None] == np.asarray(CLASSES, dtype=object)[None, :]).astype(float)


def _f1(tp: np.ndarray, true: np.ndarray, pred: np.ndarray) -> np.ndarray:
    """Per-class F1 from true positives and class supports (0 where a class is absent from both)."""
    denom = true + pred
    return np.divide(2 * tp, denom, out=np.zeros_like(tp, dtype=float), where=denom > 0)


def confusion(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """Counts of (truth, prediction) over ``CLASSES`` x ``CLASSES`` (labels outside the classes are left out)."""
    return _one_hot(np.asarray(y_true, dtype=object)).T @ _one_hot(np.asarray(y_pred, dtype=object))


def _scores(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flagged-class F1 and macro-F1 over all ``CLASSES`` of confusion matrices or joint probabilities
    ``cells`` (..., k, k); a class absent from both truth and prediction makes macro-F1 nan (not estimable),
    no flagged truth nor prediction makes F1 nan."""
    flag = np.isin(np.asarray(CLASSES, dtype=object), FLAGGED_LABELS)
    tp = cells[..., flag, :][..., :, flag].sum(axis=(-2, -1))
    t, p = cells[..., flag, :].sum(axis=(-2, -1)), cells[..., :, flag].sum(axis=(-2, -1))
    f1 = np.divide(2 * tp, t + p, out=np.full(np.shape(tp), np.nan), where=(t + p) > 0)
    diag = np.diagonal(cells, axis1=-2, axis2=-1)
    denom = cells.sum(axis=-1) + cells.sum(axis=-2)
    per = np.divide(2 * diag, denom, out=np.full(np.shape(diag), np.nan), where=denom > 0)
    return f1, per.mean(axis=-1)  # nan where a class is absent from both


def f1_posterior(counts: np.ndarray, draws: int = BOOTSTRAP, seed: int = 0, prior: float = PRIOR) -> \
        tuple[np.ndarray, np.ndarray]:
    """Draws of the population flagged-class F1 and macro-F1 from the Dirichlet(counts + ``prior``) posterior of
    the joint (truth, prediction) distribution; with ``prior`` > 0 every class has mass in every draw."""
    rng = np.random.default_rng(seed)
    g = rng.gamma(np.asarray(counts, float).ravel() + prior, size=(draws, np.size(counts)))
    joint = (g / g.sum(axis=1, keepdims=True)).reshape(draws, *np.shape(counts))
    return _scores(joint)


def accuracy_report(y_true: np.ndarray, y_pred: np.ndarray, level: float = 0.95, seed: int = 0) -> dict:
    """Metrics of ``y_pred`` against the reviewers' ``y_true`` (labels hate / offensive / none) with intervals.

    Keys: n, positives (reviewed as flagged), precision, recall, f1 (flagged class), macro_f1 (mean of the F1 of
    every class of ``CLASSES``), accuracy, each metric with ``_low`` and ``_high``; ``f1_interval_note`` and
    ``macro_f1_interval_note`` (None when the interval is given, else a code of ``INTERVAL_NOTES``). A metric
    without data (no post predicted flagged: precision) is nan; macro_f1 is nan when a class is absent from both
    the reviewers' and the predicted labels (its F1 is not measured), and then has no interval either. The F1
    intervals are equal-tailed posterior intervals (``f1_posterior``); they are null below ``MIN_REVIEWED``
    reviewed posts, ``MIN_POSITIVES`` reviewed flagged posts (f1) or ``MIN_CLASS_POSTS`` reviewed posts of some
    class (macro_f1), where they were measured to cover less than their level. The plug-in point may fall
    outside its interval when the sample is extreme (every post right: F1 1, the interval below 1)."""
    y_true, y_pred = np.asarray(y_true, dtype=object), np.asarray(y_pred, dtype=object)
    n = len(y_true)
    out: dict = {"n": n, "positives": int(np.isin(y_true, FLAGGED_LABELS).sum())}
    if n == 0:
        for m in ("precision", "recall", "f1", "macro_f1", "accuracy"):
            out.update({m: float("nan"), f"{m}_low": float("nan"), f"{m}_high": float("nan")})
        out.update(f1_interval_note="no_posts", macro_f1_interval_note="no_posts")
        return out
    t, p = np.isin(y_true, FLAGGED_LABELS), np.isin(y_pred, FLAGGED_LABELS)
    tp = float((t & p).sum())
    out["precision"] = tp / p.sum() if p.sum() else float("nan")
    out["precision_low"], out["precision_high"] = wilson(tp, float(p.sum()), level)
    out["recall"] = tp / t.sum() if t.sum() else float("nan")
    out["recall_low"], out["recall_high"] = wilson(tp, float(t.sum()), level)
    correct = float((y_true == y_pred).sum())
    out["accuracy"] = correct / n
    out["accuracy_low"], out["accuracy_high"] = wilson(correct, n, level)
    # F1 scores: the sample's (plug-in) values; intervals from the posterior of the confusion matrix
    counts = confusion(y_true, y_pred)
    f1, macro = _scores(counts)
    out["f1"], out["macro_f1"] = float(f1), float(macro)
    support = counts.sum(axis=1)
    notes = {"f1": "too_few_reviewed" if n < MIN_REVIEWED
             else "too_few_positives" if out["positives"] < MIN_POSITIVES else None,
             "macro_f1": "class_not_reviewed" if np.isnan(macro) else "too_few_reviewed" if n < MIN_REVIEWED
             else "too_few_per_class" if support.min() < MIN_CLASS_POSTS else None}
    draws = f1_posterior(counts, seed=seed) if not all(notes.values()) else None
    q = [(1 - level) / 2, (1 + level) / 2]
    for name, values in (("f1", None if draws is None else draws[0]), ("macro_f1", None if draws is None else draws[1])):
        out[f"{name}_interval_note"] = notes[name]
        if notes[name] is None:
            out[f"{name}_low"], out[f"{name}_high"] = (float(v) for v in np.quantile(values, q))
        else:
            out[f"{name}_low"], out[f"{name}_high"] = float("nan"), float("nan")
    return out


def macro_f1(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Macro-F1 over the classes present in either array: the score ``scn.review.loop.train`` compares the
    adapter and the current labelling with on the same held-out posts. It equals ``accuracy_report``'s macro_f1
    when every class is present; the report averages over all ``CLASSES`` (nan when one is absent from both)."""
    truth, guess = _one_hot(np.asarray(y_true, dtype=object)), _one_hot(np.asarray(y_pred, dtype=object))
    true_c, pred_c = truth.sum(axis=0), guess.sum(axis=0)
    present = (true_c + pred_c) > 0
    return float(_f1((truth * guess).sum(axis=0), true_c, pred_c)[present].mean()) if present.any() else float("nan")
