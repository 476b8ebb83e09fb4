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


def _rates(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision and recall of the flagged class and accuracy of joint (truth, prediction) probabilities or counts
    ``cells`` (..., k, k); nan where undefined."""
    flag = np.isin(np.asarray(CLASSES, dtype=object), FLAGGED_LABELS)
    tp = cells[..., flag, :][..., :, flag].sum(axis=(-2, -1))
    t, p = cells[..., flag, :].sum(axis=(-2, -1)), cells[..., :, flag].sum(axis=(-2, -1))
    total = cells.sum(axis=(-2, -1))
    div = lambda a, b: np.divide(a, b, out=np.full(np.shape(a), np.nan), where=b > 0)  # noqa: E731
    return div(tp, p), div(tp, t), div(np.trace(cells, axis1=-2, axis2=-1), total)


def mix_text(shares: dict[str, float]) -> str:
    """A mix of platforms as published: ``telegram:0.60,x:0.40`` (names sorted, shares to 2 decimals)."""
    return ",".join(f"{k}:{v:.2f}" for k, v in sorted(shares.items()))


def post_stratified(cells: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Strata's confusion matrices (``cells``: strata x k x k counts, each stratum with reviewed posts) mixed by
    ``weights`` (strata, or any leading axes x strata; each row normalised): each stratum's matrix as shares of its
    reviewed posts, so the mix describes posts of the weights' mix of strata (the posts' platforms now), not the
    mix the sample was drawn under (post-stratification). The accuracy line (``reweighted_report``) and the
    engine's corrected counts (``scn.analysis.engine.measured_rates``) both mix with it."""
    cells = np.asarray(cells, dtype="float64")
    w = np.asarray(weights, dtype="float64")
    w = w / w.sum(axis=-1, keepdims=True)
    return np.einsum("...s,sij->...ij", w, cells / cells.sum(axis=(1, 2))[:, None, None])


def reweighted_report(y_true: np.ndarray, y_pred: np.ndarray, strata: np.ndarray, weights: dict[str, float],
                      level: float = 0.95, seed: int = 0, prior: float = PRIOR, draws: int = BOOTSTRAP) -> dict:
    """``accuracy_report``'s figures re-weighted to another mix of the strata (post-stratification): each stratum's
    (platform's) confusion matrix as shares of its reviewed posts, mixed by ``weights`` (the shares of the posts the
    figures should describe; normalised over the strata named) instead of by the sample's own mix. Every interval
    (precision, recall and accuracy too: a weighted share is no binomial count) is the equal-tailed quantiles of
    draws of that mix of the strata's Dirichlet(counts + ``prior``) posteriors, drawn apart: a stratum of few
    reviewed posts varies widely and widens every figure as far as its weight carries it. Keys: those of
    ``accuracy_report`` (``n`` and ``positives`` of the reviewed posts of the strata weighed) and ``mix`` (the
    weights, ``mix_text``). Every stratum weighed needs reviewed posts (a stratum without any cannot be weighed:
    ``ValueError``)."""
    y_true, y_pred = np.asarray(y_true, dtype=object), np.asarray(y_pred, dtype=object)
    strata = np.asarray(strata, dtype=object)
    names = sorted(weights)
    w = np.array([weights[s] for s in names], dtype="float64")
    w = w / w.sum()
    cells = np.stack([confusion(y_true[strata == s], y_pred[strata == s]) for s in names])  # strata x k x k
    size = cells.sum(axis=(1, 2))
    if (size == 0).any():
        raise ValueError(f"no reviewed posts of {[s for s, n in zip(names, size, strict=True) if n == 0]}")
    joint = post_stratified(cells, w)
    picked = np.isin(strata, names)
    out = accuracy_report(y_true[picked], y_pred[picked], level, seed)  # its notes (counts) and n
    rng = np.random.default_rng(seed)
    k = cells.shape[1]
    g = rng.gamma(cells.reshape(len(names), -1) + prior, size=(draws, len(names), k * k))
    mixed = np.einsum("s,dsc->dc", w, g / g.sum(axis=2, keepdims=True)).reshape(draws, k, k)
    q = [(1 - level) / 2, (1 + level) / 2]
    f1, macro = _scores(joint)
    f1_b, macro_b = _scores(mixed)
    for name, point, values in zip(("precision", "recall", "accuracy", "f1", "macro_f1"),
                                   (*_rates(joint), f1, macro), (*_rates(mixed), f1_b, macro_b), strict=True):
        out[name] = float(point)
        keep = name not in ("f1", "macro_f1") or out[f"{name}_interval_note"] is None
        ok = values[~np.isnan(values)]
        low, high = (np.quantile(ok, q) if keep and len(ok) else (np.nan, np.nan))
        out[f"{name}_low"], out[f"{name}_high"] = float(low), float(high)
    out["mix"] = mix_text(dict(zip(names, w, strict=True)))
    return out


def shares(values: np.ndarray | list) -> dict[str, float]:
    """Each value's share of ``values``."""
    names, counts = np.unique(np.asarray(values, dtype=object).astype(str), return_counts=True)
    return {str(k): float(c / counts.sum()) for k, c in zip(names, counts, strict=True)}


def mix_report(y_true: np.ndarray, y_pred: np.ndarray, platforms: np.ndarray | None,
               posts_mix: dict[str, float] | None, level: float = 0.95, seed: int = 0) -> dict:
    """The accuracy of the labelling on the posts of ``posts_mix`` (each platform's share of the posts now), from the
    reviewed random stratum (``platforms``: each reviewed post's): re-weighted to that mix (``reweighted_report``)
    when every platform of it has at least ``MIN_POSITIVES`` reviewed flagged posts and as many others (a stratum
    of fewer gives rates of 0 or 1), else the sample's own figures (``accuracy_report``). A sample of the one
    platform the posts are on needs no weights. Adds ``sample_mix`` (the reviewed posts' platforms, ``mix_text``),
    ``posts_mix`` and ``weighted`` (whether the figures describe ``posts_mix``; false: they describe
    ``sample_mix``), and the sample's unweighted ``true_positives`` and ``predicted`` (posts flagged), which the
    figures rest on (the disclosure rule reads them: ``scn.privacy.disclosure.REVIEW_COUNTS``)."""
    known = platforms is not None and posts_mix
    sample = shares(platforms) if platforms is not None and len(platforms) else {}
    flagged = np.isin(np.asarray(y_true, dtype=object), FLAGGED_LABELS), \
        np.isin(np.asarray(y_pred, dtype=object), FLAGGED_LABELS)
    extra = {"sample_mix": mix_text(sample) if sample else None,
             "posts_mix": mix_text(posts_mix) if posts_mix else None, "weighted": False,
             "true_positives": int((flagged[0] & flagged[1]).sum()), "predicted": int(flagged[1].sum())}
    if known:
        t = np.isin(np.asarray(y_true, dtype=object), FLAGGED_LABELS)
        strata = np.asarray(platforms, dtype=object).astype(str)
        wanted = [p for p, s in posts_mix.items() if s > 0]
        enough = all(((strata == p) & t).sum() >= MIN_POSITIVES and ((strata == p) & ~t).sum() >= MIN_POSITIVES
                     for p in wanted)
        one = len(wanted) == 1 and set(sample) == set(wanted)  # one platform, sampled alone: its figures as they are
        if enough and wanted and not one:
            report = reweighted_report(y_true, y_pred, strata, {p: posts_mix[p] for p in wanted}, level, seed)
            report.pop("mix")
            return {**report, **extra, "weighted": True}
    return {**accuracy_report(y_true, y_pred, level, seed), **extra}
