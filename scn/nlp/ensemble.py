"""Per-source experts behind one language's classifier, and char n-gram adapters (importable for unpickling).

An ``Expert`` averages the probabilities of its member pipelines (e.g. a word + char_wb model and the char
2-5-gram logistic regression of the baseline), calibrates them (multinomial logistic regression on the
log-probabilities, fitted on out-of-fold predictions: vector scaling) and decides labels with a per-class
log-probability bias tuned for macro-F1 on the same out-of-fold predictions. A ``SourceMixture`` joins the experts
of several sources of one language with a gate (char n-gram logistic regression that recognises the source a
text resembles): P(y|x) = sum_s P(s|x) P_s(y|x), and optional evidence rules (scn.nlp.rules) after the
decision. ``train_adapter`` builds a one-source expert from any
(texts, labels), e.g. a city's reviewed posts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline

from scn.nlp import compiled
from scn.nlp.labels import CLASSES

EPS = 1e-9


def proba_in_order(pipe, texts: Sequence[str], features: compiled.Features | None = None) -> np.ndarray:
    """``pipe.predict_proba`` with columns in CLASSES order (0 for a class the pipeline never saw).

    ``features``: the batch's vectorizer outputs (scn.nlp.compiled), used instead of ``pipe``'s own
    vectorizer when they hold it (same values, computed once for the batch)."""
    p = compiled.predict_proba(pipe, texts, features)
    classes = [str(c) for c in pipe.classes_]
    out = np.zeros((p.shape[0], len(CLASSES)))
    for j, c in enumerate(CLASSES):
        if c in classes:
            out[:, j] = p[:, classes.index(c)]
    return out


def char_lr(class_weight: str | None = "balanced") -> Pipeline:
    """Char 2-5-gram TF-IDF + logistic regression: the baseline's features (class-weighted by default)."""
    return Pipeline([("features", TfidfVectorizer(analyzer="char", ngram_range=(2, 5), min_df=2, sublinear_tf=True,
                                                  dtype=np.float32)),
                     ("clf", LogisticRegression(max_iter=2000, class_weight=class_weight))])


def baseline_pipeline() -> Pipeline:
    """The acceptance baseline (issue 17): char 2-5-gram TF-IDF + logistic regression with default settings."""
    from scn.nlp.features import char_baseline_features

    return Pipeline([("features", char_baseline_features()), ("clf", LogisticRegression(max_iter=2000))])


def tune_bias(proba: np.ndarray, y_true: np.ndarray, grid: np.ndarray | None = None) -> np.ndarray:
    """Per-class additive bias on log-probabilities (hate, offensive; none fixed at 0) maximising macro-F1."""
    from sklearn.metrics import f1_score

    grid = np.linspace(-2, 2, 21) if grid is None else grid
    logp = np.log(proba + EPS)
    labels = np.array(CLASSES)
    best, best_f1 = np.zeros(3), -1.0
    for bh in grid:
        for bo in grid:
            bias = np.array([bh, bo, 0.0])
            f1 = f1_score(y_true, labels[np.argmax(logp + bias, axis=1)], labels=list(CLASSES), average="macro",
                          zero_division=0)
            if f1 > best_f1 + 1e-9:
                best, best_f1 = bias, f1
    return best


class Expert:
    """Averaged member pipelines + calibrator + decision bias, for the texts of one source (or one city)."""

    def __init__(self, members: list, calibrator: LogisticRegression | None, bias: np.ndarray) -> None:
        self.members = members
        self.calibrator = calibrator
        self.bias = np.asarray(bias, dtype=float)
        self.classes_ = np.asarray(CLASSES)

    def raw_proba(self, texts: Sequence[str], features: compiled.Features | None = None) -> np.ndarray:
        return np.mean([proba_in_order(m, texts, features) for m in self.members], axis=0)

    def calibrate(self, raw: np.ndarray) -> np.ndarray:
        return raw if self.calibrator is None else proba_in_order(_LogCalibrator(self.calibrator), raw)

    def predict_proba(self, texts: Sequence[str], features: compiled.Features | None = None) -> np.ndarray:
        """Calibrated probabilities in CLASSES order."""
        return self.calibrate(self.raw_proba(texts, features))

    def decide(self, proba: np.ndarray) -> np.ndarray:
        """Probabilities reweighted by the decision bias (their argmax is the label)."""
        d = proba * np.exp(self.bias)
        return d / d.sum(axis=1, keepdims=True)


class _LogCalibrator:
    """Adapter: the calibrator takes log-probabilities as features."""

    def __init__(self, lr: LogisticRegression) -> None:
        self.lr, self.classes_ = lr, lr.classes_

    def predict_proba(self, raw) -> np.ndarray:
        return self.lr.predict_proba(np.log(np.asarray(raw) + EPS))


class SourceMixture:
    """Experts per source joined by a gate; with one expert, that expert alone."""

    def __init__(self, experts: dict[str, Expert], gate: Pipeline | None = None) -> None:
        self.experts = experts
        self.gate = gate
        self.classes_ = np.asarray(CLASSES)

    def source_weights(self, texts: Sequence[str], features: compiled.Features | None = None) -> np.ndarray:
        """P(source | text), columns in ``experts`` order."""
        names = list(self.experts)
        if self.gate is None or len(names) == 1:
            return np.ones((len(texts), 1))
        p = compiled.predict_proba(self.gate, texts, features)
        gate_classes = [str(c) for c in self.gate.classes_]
        return p[:, [gate_classes.index(s) for s in names]]

    def label_and_proba(self, texts: Sequence[str], reference: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Labels and calibrated probabilities (CLASSES order). An expert runs only on texts it weighs >= 1 %.

        The vectorizers of the gate, the experts and the rules run once for the batch, compiled
        (scn.nlp.compiled: same values); ``reference=True`` runs each pipeline's own ``transform`` instead."""
        texts = list(texts)
        rules = getattr(self, "rules", None)  # scn.nlp.rules.EvidenceRules, set by the training script
        features = None if reference else compiled.features(self, texts)
        dec, cal = self._scores(texts, features)
        labels = np.asarray(CLASSES, dtype=object)[np.argmax(dec, axis=1)]
        if rules is None:
            return labels, cal
        return rules.apply(texts, labels, cal, features, prior=self.prior_proba(reference),
                           rescore=lambda other: self._scores(other, None if reference else
                                                              compiled.features(self, other))[1]), cal

    def __getstate__(self) -> dict:
        """Pickled without the cached ``prior_proba`` (recomputed from the models when used)."""
        return {k: v for k, v in self.__dict__.items() if k != "_prior"}

    def prior_proba(self, reference: bool = False) -> np.ndarray:
        """The calibrated probabilities (CLASSES order) of an empty text: the model's answer without evidence
        (its intercepts; close to its training prior), which the no-evidence rule measures evidence against.
        Computed once per model."""
        cache = self.__dict__.setdefault("_prior", {})
        if reference not in cache:
            features = None if reference else compiled.features(self, [""])
            cache[reference] = self._scores([""], features)[1][0]
        return cache[reference]

    def _scores(self, texts: list[str], features: compiled.Features | None) -> tuple[np.ndarray, np.ndarray]:
        """Decision scores (probabilities reweighted by the experts' biases) and calibrated probabilities."""
        w = self.source_weights(texts, features)
        cal = np.zeros((len(texts), len(CLASSES)))
        dec = np.zeros_like(cal)
        arr = np.asarray(texts, dtype=object)
        for j, expert in enumerate(self.experts.values()):
            rows = np.flatnonzero(w[:, j] >= 0.01) if w.shape[1] > 1 else np.arange(len(texts))
            if len(rows) == 0:
                continue
            p = expert.predict_proba(arr[rows].tolist(), None if features is None else features.rows(rows))
            cal[rows] += w[rows, j, None] * p
            dec[rows] += w[rows, j, None] * expert.decide(p)
        cal /= np.clip(cal.sum(axis=1, keepdims=True), EPS, None)
        return dec, cal

    def pipelines(self) -> list:
        """The gate's and the experts' members' pipelines, for scn.nlp.compiled."""
        return ([self.gate] if self.gate is not None else []) + [m for e in self.experts.values() for m in e.members]

    def vectorizers(self) -> list:
        """Every text vectorizer the model runs (gate, experts' members, rules), for scn.nlp.compiled."""
        pipes = self.pipelines()
        rules = getattr(self, "rules", None)
        return [v for p in pipes for v in compiled.pipeline_vectorizers(p)] + ([rules.cues] if rules else [])

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return self.label_and_proba(texts)[1]

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        return self.label_and_proba(texts)[0]


def out_of_fold(make: Callable[[], Pipeline], texts: np.ndarray, fit_labels: np.ndarray, strata: np.ndarray,
                folds: int = 4, seed: int = 13, n_jobs: int = 1) -> np.ndarray:
    """Out-of-fold probabilities (CLASSES order) of ``make()`` fitted on ``fit_labels``, folds stratified by
    ``strata``."""
    from joblib import Parallel, delayed

    def one(fit_idx: np.ndarray, pred_idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        pipe = make().fit(texts[fit_idx].tolist(), fit_labels[fit_idx])
        return pred_idx, proba_in_order(pipe, texts[pred_idx])

    oof = np.zeros((len(texts), len(CLASSES)))
    split = StratifiedKFold(folds, shuffle=True, random_state=seed).split(texts, strata)
    for idx, p in Parallel(n_jobs=n_jobs)(delayed(one)(a, b) for a, b in split):
        oof[idx] = p
    return oof


def fit_calibrator(raw: np.ndarray, y: np.ndarray) -> LogisticRegression:
    """Multinomial logistic regression on log-probabilities (vector scaling), fitted on out-of-fold ones."""
    return LogisticRegression(C=100.0, max_iter=2000).fit(np.log(raw + EPS), y)


def fit_expert(makers: dict[str, Callable[[], Pipeline]], texts: Sequence[str], labels: Sequence[str],
               fit_labels: dict[str, Sequence[str]] | None = None, folds: int = 4, seed: int = 13,
               n_jobs: int = 1, choose: bool = True) -> tuple[Expert, dict]:
    """An expert from member makers: out-of-fold probabilities per member (validation folds inside ``texts``);
    with ``choose``, the member subset (each alone, or all averaged) with the best calibrated, bias-tuned
    out-of-fold macro-F1; then the calibrator and bias on those predictions, and the members refitted on all.

    Returns the expert and its validation record (out-of-fold macro-F1 per candidate, the choice)."""
    from sklearn.metrics import f1_score

    x = np.asarray(list(texts), dtype=object)
    y = np.asarray(list(labels)).astype(str)
    fit_labels = {k: np.asarray(list(v)).astype(str) for k, v in (fit_labels or {}).items()}
    oof = {name: out_of_fold(mk, x, fit_labels.get(name, y), y, folds, seed, n_jobs) for name, mk in makers.items()}
    candidates = {"+".join(makers): list(makers)}
    if choose and len(makers) > 1:
        candidates.update({name: [name] for name in makers})
    scores, fitted = {}, {}
    for cand, names in candidates.items():
        raw = np.mean([oof[n] for n in names], axis=0)
        cal = fit_calibrator(raw, y)
        p = proba_in_order(_LogCalibrator(cal), raw)
        bias = tune_bias(p, y)
        pred = np.asarray(CLASSES)[np.argmax(np.log(p + EPS) + bias, axis=1)]
        scores[cand] = float(f1_score(y, pred, labels=list(CLASSES), average="macro", zero_division=0))
        fitted[cand] = (names, cal, bias)
    best = max(scores, key=lambda c: (scores[c], len(candidates[c])))
    names, cal, bias = fitted[best]
    members = [makers[n]().fit(x.tolist(), fit_labels.get(n, y)) for n in names]
    return Expert(members, cal, bias), {"oof_macro_f1": {k: round(v, 4) for k, v in scores.items()},
                                        "chosen": best, "bias": [round(float(b), 4) for b in bias]}


def train_adapter(texts: Sequence[str], labels: Sequence[str], folds: int = 4, seed: int = 13) -> SourceMixture:
    """A char 2-5-gram TF-IDF + class-weighted logistic regression from (texts, labels) - e.g. a city's reviewed
    posts - with calibrated probabilities and a macro-F1 decision bias from ``folds``-fold out-of-fold
    predictions when every class has at least ``folds`` examples (else uncalibrated, no bias).

    The result plugs into ``scn.nlp.model.Classifier`` as a language's model (it has ``label_and_proba``).
    Raises ValueError with fewer than two classes or labels outside hate / offensive / none."""
    y = np.asarray(list(labels)).astype(str)
    if len(set(y)) < 2 or not set(y) <= set(CLASSES):
        raise ValueError(f"an adapter needs labels among {', '.join(CLASSES)}, at least two of them")
    counts = {c: int((y == c).sum()) for c in CLASSES}
    if min(counts.values()) >= folds:
        expert, _ = fit_expert({"char": char_lr}, texts, y, folds=folds, seed=seed)
    else:
        expert = Expert([char_lr().fit(list(texts), y)], None, np.zeros(len(CLASSES)))
    return SourceMixture({"local": expert})
