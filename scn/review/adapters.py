"""Per city and language adapters: hashed char 2-5-grams, TF-IDF weighted, + logistic regression trained on the
city's reviewed posts, adopted only when it beats the current labelling on the held-out part of the random stratum.

An adapter keeps no piece of text: the n-grams are hashed (``HashingVectorizer``, no vocabulary), so the
retention job's erasure of a post's text is not undone by the models trained on it (a ``TfidfVectorizer`` kept
every 2-5-character piece of every training post in its vocabulary). ``holds_text`` tells an adapter saved in
that older form; the retention job removes such adapters (``drop_text_bearing``).

Adopted adapters live in ``<home>/review/adapters/<city_id>/<lang>.joblib`` with ``index.json`` (version, scores,
sizes, training post keys). The enrichment step (``scn.enrich.tables.classify_new_posts``) runs ``apply`` after
the classifier, and ``version_suffix`` joins the labelling version, so adopting an adapter re-labels the posts.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import joblib
import numpy as np
import pandas as pd

from scn.nlp.labels import CLASSES
from scn.nlp.targets import detect_targets
from scn.review import store

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline  # imported when training (sklearn loads slowly)


def folder() -> Path:
    out = store.root() / "adapters"
    out.mkdir(mode=0o700, exist_ok=True)
    return out


def index() -> dict[str, dict]:
    """Adopted adapters by ``city_id/lang``."""
    f = store.location() / "adapters" / "index.json"
    return json.loads(f.read_text()) if f.exists() else {}


def holdout(post_keys: pd.Series) -> np.ndarray:
    """Whether each post belongs to the held-out half of the random stratum (a stable hash of its key): held-out
    posts are never trained on, so scores measured on them stay honest after an adapter is adopted."""
    hashed = pd.util.hash_pandas_object(pd.Series(post_keys, dtype=object).astype(str), index=False)
    return (hashed.to_numpy() % 2 == 0).astype(bool)


HASHED_FEATURES = 2**18  # hashed n-gram buckets: macro-F1 as a vocabulary's on the shipped corpora, ~8 MB in memory


def fit(texts: list[str], labels: list[str]) -> Pipeline | None:
    """Hashed char 2-5-grams with sublinear TF-IDF + logistic regression (balanced classes); None with fewer than
    two classes. Stores no vocabulary, only bucket weights. Buckets no training text filled get no weight (as a
    vocabulary ignores unknown n-grams), so a new post's unseen pieces do not dilute the ones learnt."""
    from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    if len(set(labels)) < 2:
        return None
    hashing = HashingVectorizer(analyzer="char", ngram_range=(2, 5), n_features=HASHED_FEATURES,
                                alternate_sign=False, norm=None)
    counts = hashing.transform(texts)
    weights = TfidfTransformer(sublinear_tf=True).fit(counts)
    weights.idf_ = np.where(np.bincount(counts.indices, minlength=HASHED_FEATURES) > 0, weights.idf_, 0.0)
    model = LogisticRegression(max_iter=2000, class_weight="balanced").fit(weights.transform(counts), labels)
    return Pipeline([("hashing", hashing), ("tfidf", weights), ("model", model)])


def holds_text(pipe: object) -> bool:
    """Whether a saved adapter keeps pieces of its training texts (a fitted vocabulary in any step)."""
    steps = [s for _, s in getattr(pipe, "steps", [])] or [pipe]
    return any(getattr(s, "vocabulary_", None) or getattr(s, "stop_words_", None) for s in steps)


def predict(pipe: Pipeline, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Labels and hate probabilities (0 when the adapter never saw a hateful post)."""
    proba = pipe.predict_proba(texts)
    classes = [str(c) for c in pipe.classes_]
    labels = np.asarray(classes, dtype=object)[np.argmax(proba, axis=1)]
    hate = proba[:, classes.index(CLASSES[0])] if CLASSES[0] in classes else np.zeros(len(texts))
    return labels, hate


def adopt(city_id: str, lang: str, pipe: Pipeline, meta: dict, train_keys: list[str]) -> str:
    """Save an adapter for ``city_id``/``lang`` (replacing any earlier one) and return its version."""
    with store.locked():
        where = folder() / city_id
        where.mkdir(mode=0o700, exist_ok=True)
        path = where / f"{lang}.joblib"
        tmp = where / f".{lang}.joblib.tmp"
        joblib.dump(pipe, tmp, compress=3)  # the hashed weights are mostly zeros
        tmp.chmod(0o600)
        tmp.replace(path)
        version = f"review-{city_id}-{lang}-{hashlib.sha256(path.read_bytes()).hexdigest()[:12]}"
        entries = index()
        entries[f"{city_id}/{lang}"] = {**meta, "version": version, "file": f"{city_id}/{lang}.joblib",
                                        "train_keys": sorted(train_keys)}
        _write_index(entries)
    return version


def _write_index(entries: dict[str, dict]) -> None:
    """Replace ``index.json`` atomically (owner-only); the caller holds the store's lock."""
    target = folder() / "index.json"
    tmp_index = folder() / ".index.json.tmp"
    tmp_index.write_text(json.dumps(entries, indent=1, sort_keys=True))
    tmp_index.chmod(0o600)
    tmp_index.replace(target)


def drop_text_bearing(erased_keys: set[str]) -> list[str]:
    """Remove the adopted adapters that keep pieces of their training texts (saved before adapters were hashed)
    and were trained on a post in ``erased_keys`` (posts whose text the retention job erased): such an adapter
    would keep what the lake no longer holds. Their cities and languages are labelled by the classifier alone
    until an adapter is trained again. Returns the ``city_id/lang`` keys removed."""
    if not erased_keys or not index():
        return []
    removed = []
    with store.locked():
        entries = index()
        for key, entry in sorted(entries.items()):
            path = folder() / entry["file"]
            if not erased_keys.intersection(entry.get("train_keys", [])):
                continue
            if path.exists() and not holds_text(joblib.load(path)):
                continue
            path.unlink(missing_ok=True)
            del entries[key]
            removed.append(key)
        if removed:
            _write_index(entries)
    return removed


@cache
def _load(path: str, stamp: tuple) -> Pipeline:
    return joblib.load(path)


def load(city_id: str, lang: str) -> tuple[Pipeline, dict] | None:
    """The adopted adapter of a city and language and its index entry, or None."""
    entry = index().get(f"{city_id}/{lang}")
    if entry is None:
        return None
    path = folder() / entry["file"]
    st = path.stat()
    return _load(str(path), (st.st_size, st.st_mtime_ns)), entry


def version_suffix() -> str:
    """What the adopted adapters add to the labelling version ('' when none is adopted)."""
    versions = sorted(e["version"] for e in index().values())
    return "+review-" + hashlib.sha1(";".join(versions).encode()).hexdigest()[:10] if versions else ""


def apply(labels: pd.DataFrame, city_ids: pd.Series, texts: pd.Series) -> pd.DataFrame:
    """``labels`` (the output of ``scn.nlp.model.classify``, same order as ``city_ids`` and ``texts``) with the
    posts of every city and language that has an adopted adapter re-labelled by it (method ``model``, the
    adapter's version)."""
    entries = index()
    if not entries:
        return labels
    out = labels.reset_index(drop=True).copy()
    cities = pd.Series(np.asarray(city_ids, dtype=object))
    text = pd.Series(np.asarray(texts, dtype=object)).fillna("").astype(str)
    for key in entries:
        city_id, lang = key.split("/", 1)
        mask = (cities == city_id).to_numpy() & (out["lang"] == lang).to_numpy()
        if not mask.any():
            continue
        loaded = load(city_id, lang)
        if loaded is None:
            continue
        pipe, entry = loaded
        label, hate = predict(pipe, text[mask].tolist())
        out.loc[mask, "label"], out.loc[mask, "score_hate"] = label, hate
        out.loc[mask, ["assessed", "method", "model_version"]] = [True, "model", entry["version"]]
        flagged = mask & (out["label"] != "none").to_numpy()
        out.loc[mask, "target"] = None
        if flagged.any():
            out.loc[flagged, "target"] = detect_targets(text[flagged]).to_numpy()
    out["assessed"] = out["assessed"].astype(bool)
    return out
