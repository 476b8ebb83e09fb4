"""A model's text vectorizers run once per batch, compiled (scn.nlp.ngrams), and pipelines fed from them.

A language's model (scn.nlp.ensemble.SourceMixture) holds a gate, experts with two members each and the evidence
rules: seven vectorizers for English, most cutting texts the same way. ``features(model, texts)`` runs them all
once for the batch with ``scn.nlp.ngrams.BatchVectorizers`` (compiled on first use, kept while the model lives);
``predict_proba(pipe, texts, features)`` then runs the pipeline's classifier on those matrices, which are the
values the pipeline's own vectorizer would give, so probabilities and labels are the reference path's.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline

from scn.nlp.ngrams import BatchVectorizers

_COMPILED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # model -> BatchVectorizers
_LOCK = threading.Lock()  # one compilation per model when threads label parts of a batch


class Features:
    """The batch's matrix per vectorizer (``id(vec)``), optionally restricted to some rows of the batch."""

    def __init__(self, matrices: dict[int, sp.csr_matrix], rows: np.ndarray | None = None) -> None:
        self.matrices = matrices
        self._rows = rows

    def get(self, vec: object) -> sp.csr_matrix | None:
        x = self.matrices.get(id(vec))
        return x if x is None or self._rows is None else x[self._rows]

    def rows(self, rows: np.ndarray) -> Features:
        """The same features for a subset of the rows (positions in this view)."""
        rows = np.asarray(rows)
        return Features(self.matrices, rows if self._rows is None else self._rows[rows])


def pipeline_vectorizers(pipe: object) -> list[CountVectorizer]:
    """The vectorizers a two-step pipeline starts with (one, or a plain FeatureUnion of them); [] otherwise."""
    if not isinstance(pipe, Pipeline) or len(pipe.steps) != 2:
        return []
    head = pipe.steps[0][1]
    if isinstance(head, CountVectorizer):
        return [head]
    if isinstance(head, FeatureUnion) and head.transformer_weights is None \
            and all(isinstance(t, CountVectorizer) for _, t in head.transformer_list):
        return [t for _, t in head.transformer_list]
    return []


def predict_proba(pipe: object, texts: Sequence, features: Features | None = None) -> np.ndarray:
    """``pipe.predict_proba(texts)``, from ``features`` when they hold every vectorizer the pipeline starts with."""
    vecs = pipeline_vectorizers(pipe) if features is not None else []
    mats = [features.get(v) for v in vecs] if vecs else []
    if mats and all(m is not None for m in mats):
        x = mats[0] if len(mats) == 1 else sp.hstack(mats, format="csr")
        return pipe.steps[-1][1].predict_proba(x)
    return pipe.predict_proba(list(texts))


def features(model: object, texts: Sequence[str]) -> Features | None:
    """Every vectorizer of ``model`` (its ``vectorizers()``) run once on ``texts``; None for a model without."""
    with _LOCK:
        batch = _COMPILED.get(model)
        if batch is None:
            vecs = model.vectorizers() if hasattr(model, "vectorizers") else []
            if not vecs:
                return None
            batch = _COMPILED[model] = BatchVectorizers(vecs)
    return Features(batch.transform(texts))
