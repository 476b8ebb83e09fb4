"""A model's pipelines run once per batch, compiled, and their classifiers fed from the results.

A language's model (scn.nlp.ensemble.SourceMixture) holds a gate, experts with two members each and the evidence
rules: seven vectorizers for English, most cutting texts the same way. ``features(model, texts)`` runs them all
once for the batch, compiled on first use and kept while the model lives: ``scn.nlp.fused.FusedModel`` gives each
pipeline's linear scores ``X @ coef_.T`` straight from the texts (the default model), else
``scn.nlp.ngrams.BatchVectorizers`` gives each vectorizer's matrix. ``predict_proba(pipe, texts, features)`` then
finishes with the classifier's own operations, so probabilities and labels are the reference path's (bitwise).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline

from scn.nlp.estimators import GroupedLogisticRegression, NBLogisticRegression, lr_proba_from_scores
from scn.nlp.fused import FusedModel
from scn.nlp.ngrams import BatchVectorizers

_COMPILED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # model -> BatchVectorizers
_LOCK = threading.Lock()  # one compilation per model when threads label parts of a batch
FUSED = True  # False: the batch vectorizers of scn.nlp.ngrams even where the fused kernels apply (timing)


class Features:
    """The batch's matrix per vectorizer (``id(vec)``; the cue words' as counts, n x 1) and linear scores per
    pipeline (``id(pipe)``, scn.nlp.fused), optionally restricted to some rows of the batch."""

    def __init__(self, matrices: dict[int, sp.csr_matrix | np.ndarray], rows: np.ndarray | None = None,
                 scores: dict[int, np.ndarray] | None = None) -> None:
        self.matrices = matrices
        self.scores = scores or {}
        self._rows = rows

    def get(self, vec: object) -> sp.csr_matrix | np.ndarray | None:
        x = self.matrices.get(id(vec))
        return x if x is None or self._rows is None else x[self._rows]

    def score(self, pipe: object) -> np.ndarray | None:
        """``X @ coef_.T`` of the pipeline's classifier, when computed for the batch."""
        x = self.scores.get(id(pipe))
        return x if x is None or self._rows is None else x[self._rows]

    def rows(self, rows: np.ndarray) -> Features:
        """The same features for a subset of the rows (positions in this view)."""
        rows = np.asarray(rows)
        return Features(self.matrices, rows if self._rows is None else self._rows[rows], self.scores)


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
    """``pipe.predict_proba(texts)``, from ``features`` when they hold the pipeline's scores or every vectorizer
    it starts with."""
    scores = features.score(pipe) if features is not None else None
    if scores is not None:
        return proba_from_scores(pipe.steps[-1][1], scores)
    vecs = pipeline_vectorizers(pipe) if features is not None else []
    mats = [features.get(v) for v in vecs] if vecs else []
    if mats and all(m is not None for m in mats):
        x = mats[0] if len(mats) == 1 else sp.hstack(mats, format="csr")
        return pipe.steps[-1][1].predict_proba(x)
    numbers = isinstance(texts, np.ndarray) and texts.dtype != object  # a calibrator's inputs: as they are
    return pipe.predict_proba(texts if numbers else list(texts))


def proba_from_scores(clf: object, scores: np.ndarray) -> np.ndarray:
    """``clf.predict_proba(X)`` from ``X @ coef_.T`` (the classifiers scn.nlp.fused compiles)."""
    if isinstance(clf, NBLogisticRegression | GroupedLogisticRegression):
        return clf.proba_from_scores(scores)
    return lr_proba_from_scores(clf, scores)


class _Compiled:
    """A model's compiled forms: the fused kernels when they cover it, the batch vectorizers otherwise."""

    def __init__(self, model: object, fused: FusedModel | None | bool = True) -> None:
        """``fused``: the model's fused form compiled before (``compile_fused``; None: it has none), or True: compile
        it now."""
        self.model = weakref.ref(model)
        self.fused = compile_fused(model) if fused is True else fused
        self._batch: BatchVectorizers | None = None

    def batch(self) -> BatchVectorizers | None:
        with _LOCK:
            model = self.model()
            if self._batch is None and model is not None:
                vecs = model.vectorizers() if hasattr(model, "vectorizers") else []
                self._batch = BatchVectorizers(vecs) if vecs else None
            return self._batch


def _parts(model: object) -> tuple[list, object | None]:
    """The pipelines of ``model`` and the cue words of its rules (None: none)."""
    pipes = model.pipelines() if hasattr(model, "pipelines") else []
    rules = getattr(model, "rules", None)
    return pipes, rules.cues if rules is not None else None


def compile_fused(model: object) -> FusedModel | None:
    """The fused form of ``model`` (scn.nlp.fused), None when the kernels do not cover it. It holds the model's
    pipelines and cue words themselves: pickled together with the model, it is its compiled form in another
    process (``adopt``)."""
    pipes, cues = _parts(model)
    return FusedModel.compile(pipes, cues) if pipes else None


def adopt(model: object, fused: FusedModel | None) -> bool:
    """Use ``fused`` (``compile_fused(model)`` in some process, unpickled with the model) as the model's compiled
    form, unless the model was compiled already; False (nothing done) when it is not a FusedModel of this very
    model's pipelines and cue words (objects, not equal copies) or None for a model with pipelines."""
    pipes, cues = _parts(model)
    if fused is None:
        ok = True
    else:
        ok = (type(fused) is FusedModel and len(fused.pipes) == len(pipes)
              and all(p is q for (p, _, _), q in zip(fused.pipes, pipes, strict=True))
              and fused.cues is cues)
    if not ok:
        return False
    with _LOCK:
        if model not in _COMPILED:
            _COMPILED[model] = _Compiled(model, fused)
    return True


def features(model: object, texts: Sequence[str]) -> Features | None:
    """Every pipeline and vectorizer of ``model`` run once on ``texts``; None for a model without."""
    with _LOCK:
        entry = _COMPILED.get(model)
        if entry is None:
            entry = _COMPILED[model] = _Compiled(model)
    if FUSED and entry.fused is not None:
        got = entry.fused.run(texts)
        if got is not None:
            return Features(got[1], scores=got[0])
    batch = entry.batch()
    return None if batch is None else Features(batch.transform(texts))
