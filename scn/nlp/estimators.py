"""Classifiers of the default model (importable so pickled pipelines can find them)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression


class NBLogisticRegression(ClassifierMixin, BaseEstimator):
    """NB-LR (Wang & Manning 2012): per class, a one-vs-rest logistic regression on features scaled by the
    naive-Bayes log-count ratio of that class; probabilities are the normalised one-vs-rest probabilities.

    The ratios are folded into the fitted weights, so the stored model is one weight matrix like a plain
    logistic regression.
    """

    def __init__(self, C: float = 1.0, alpha: float = 1.0, class_weight: str | None = "balanced",
                 max_iter: int = 3000) -> None:
        self.C = C
        self.alpha = alpha
        self.class_weight = class_weight
        self.max_iter = max_iter

    def fit(self, X, y) -> NBLogisticRegression:
        X = sp.csr_matrix(X, dtype=np.float64)
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        present = (X > 0).astype(np.float64)
        coefs, intercepts = [], []
        for c in self.classes_:
            pos = y == c
            p = self.alpha + np.asarray(present[pos].sum(axis=0)).ravel()
            q = self.alpha + np.asarray(present[~pos].sum(axis=0)).ravel()
            r = np.log(p / p.sum()) - np.log(q / q.sum())
            lr = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=self.max_iter)
            lr.fit(X @ sp.diags(r), pos)
            coefs.append(lr.coef_.ravel() * r)
            intercepts.append(lr.intercept_[0])
        self.coef_ = np.vstack(coefs).astype(np.float32)
        self.intercept_ = np.asarray(intercepts, dtype=np.float64)
        return self

    def decision_function(self, X) -> np.ndarray:
        return np.asarray(sp.csr_matrix(X) @ self.coef_.T, dtype=np.float64) + self.intercept_

    def predict_proba(self, X) -> np.ndarray:
        return self.proba_from_scores(sp.csr_matrix(X) @ self.coef_.T)

    def proba_from_scores(self, scores: np.ndarray) -> np.ndarray:
        """``predict_proba`` from ``X @ coef_.T`` (scn.nlp.fused computes it without X)."""
        p = 1.0 / (1.0 + np.exp(-(np.asarray(scores, dtype=np.float64) + self.intercept_)))
        return p / p.sum(axis=1, keepdims=True)

    def predict(self, X) -> np.ndarray:
        return self.classes_[np.argmax(self.decision_function(X), axis=1)]


class GroupedLogisticRegression(ClassifierMixin, BaseEstimator):
    """Class-weighted logistic regression fitted on fine labels ``"<class>:<subclass>"`` (or a plain class) that
    predicts the coarse classes: the probabilities of a class's subclasses are summed.

    Used where one class is a mixture (MLMA's "offensive" joins offensive, abusive, disrespectful, fearful and
    partly-normal tweets): one linear boundary per subclass fits such a class better than one for the union.
    """

    def __init__(self, C: float = 1.0, class_weight: str | None = "balanced", max_iter: int = 3000,
                 sep: str = ":") -> None:
        self.C = C
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.sep = sep

    def fit(self, X, y) -> GroupedLogisticRegression:
        y = np.asarray(y).astype(str)
        self.lr_ = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=self.max_iter).fit(X, y)
        self.lr_.coef_ = self.lr_.coef_.astype(np.float32)  # half the stored size, same predictions to 1e-6
        coarse = np.array([str(f).split(self.sep)[0] for f in self.lr_.classes_])
        self.classes_ = np.unique(coarse)
        self.groups_ = (coarse[:, None] == self.classes_[None, :]).astype(np.float64)  # fine x coarse one-hot
        return self

    def predict_proba(self, X) -> np.ndarray:
        return self.lr_.predict_proba(X) @ self.groups_

    def proba_from_scores(self, scores: np.ndarray) -> np.ndarray:
        """``predict_proba`` from ``X @ lr_.coef_.T`` (scn.nlp.fused computes it without X)."""
        return lr_proba_from_scores(self.lr_, scores) @ self.groups_

    def predict(self, X) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


def lr_proba_from_scores(lr: LogisticRegression, scores: np.ndarray) -> np.ndarray:
    """``lr.predict_proba(X)`` from ``X @ lr.coef_.T``: the same operations as scikit-learn's (intercept added,
    then the logistic function and [1 - p, p] for two classes, else softmax)."""
    from scipy.special import expit
    from sklearn.utils.extmath import softmax

    d = scores + lr.intercept_
    if d.ndim > 1 and d.shape[1] == 1:
        d = d.reshape(-1)
    if np.size(lr.classes_) <= 2:
        prob = expit(d, out=d)
        return np.stack([1 - prob, prob], axis=1)
    return softmax(d, copy=False)

