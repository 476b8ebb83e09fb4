"""Accuracy of the labelling measured on reviewed posts: precision, recall and F1 of the flagged (hate) class,
macro-F1 over hate / offensive / none and accuracy, each with a 95% interval (Wilson for proportions, a
percentile bootstrap for F1 scores), and n. Arrays in, a dict of numbers out."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

from scn.nlp.labels import CLASSES, FLAGGED_LABELS

BOOTSTRAP = 2000


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


def bootstrap_weights(n: int, draws: int = BOOTSTRAP, seed: int = 0) -> np.ndarray:
    """(draws x n) resampling counts of a sample of n (each row a bootstrap resample)."""
    rng = np.random.default_rng(seed)
    return rng.multinomial(n, np.full(n, 1.0 / n), size=draws).astype(float)


def accuracy_report(y_true: np.ndarray, y_pred: np.ndarray, level: float = 0.95, seed: int = 0) -> dict:
    """Metrics of ``y_pred`` against the reviewers' ``y_true`` (labels hate / offensive / none) with intervals.

    Keys: n, positives (reviewed as flagged), precision, recall, f1 (flagged class), macro_f1, accuracy, each
    metric with ``_low`` and ``_high``. A metric without data (no post predicted flagged: precision) is nan."""
    y_true, y_pred = np.asarray(y_true, dtype=object), np.asarray(y_pred, dtype=object)
    n = len(y_true)
    out: dict = {"n": n, "positives": int(np.isin(y_true, FLAGGED_LABELS).sum())}
    if n == 0:
        for m in ("precision", "recall", "f1", "macro_f1", "accuracy"):
            out.update({m: float("nan"), f"{m}_low": float("nan"), f"{m}_high": float("nan")})
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
    # F1 scores: percentile bootstrap over posts (resampling weights, no loop over posts)
    truth, guess = _one_hot(y_true), _one_hot(y_pred)
    w = np.vstack([np.ones(n), bootstrap_weights(n, seed=seed)])
    tp_c, true_c, pred_c = w @ (truth * guess), w @ truth, w @ guess
    per_class = _f1(tp_c, true_c, pred_c)
    present = (true_c + pred_c) > 0
    macro = np.divide((per_class * present).sum(axis=1), present.sum(axis=1), out=np.full(len(w), np.nan),
                      where=present.sum(axis=1) > 0)
    flag = np.isin(np.asarray(CLASSES, dtype=object), FLAGGED_LABELS)
    flag_tp, flag_t, flag_p = tp_c[:, flag].sum(axis=1), true_c[:, flag].sum(axis=1), pred_c[:, flag].sum(axis=1)
    f1 = np.divide(2 * flag_tp, flag_t + flag_p, out=np.full(len(w), np.nan), where=(flag_t + flag_p) > 0)
    lo, hi = 100 * (1 - level) / 2, 100 * (1 + level) / 2
    for name, values in (("f1", f1), ("macro_f1", macro)):
        out[name] = float(values[0])
        boot = values[1:][~np.isnan(values[1:])]
        out[f"{name}_low"], out[f"{name}_high"] = (float(np.percentile(boot, lo)), float(np.percentile(boot, hi))) \
            if len(boot) else (float("nan"), float("nan"))
    return out


def macro_f1(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Macro-F1 over the classes present in either array (the point estimate of ``accuracy_report``)."""
    truth, guess = _one_hot(np.asarray(y_true, dtype=object)), _one_hot(np.asarray(y_pred, dtype=object))
    true_c, pred_c = truth.sum(axis=0), guess.sum(axis=0)
    present = (true_c + pred_c) > 0
    return float(_f1((truth * guess).sum(axis=0), true_c, pred_c)[present].mean()) if present.any() else float("nan")
