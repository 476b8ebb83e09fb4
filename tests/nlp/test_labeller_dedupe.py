"""The fast labelling path: identical texts are labelled once, labels equal those of each text labelled alone,
and the compiled n-gram features give the reference path's output exactly (scn.nlp.ngrams, scn.nlp.compiled)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from scn.nlp import model as model_module
from scn.nlp.corpora import load_splits
from scn.nlp.features import WORD_TOKENS, normalise
from scn.nlp.model import Classifier, classify, distinct, load_default
from scn.nlp.ngrams import BatchVectorizers
from tests.support.counting_model import CountingModel

EDGE_TEXTS = ["", "   ", "a", "Hello  World\n\nagain", "x\x00y", "ΣΟΦΟΣ ΟΔΟΣ İstanbul", "👉 #share @user http://t.co/x",
              "Refugees are vermin and should be thrown out of our city", "I love my neighbours", "RT @user: stupid"]


@pytest.fixture(scope="module")
def default():
    return load_default()


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    """Held-out texts of every language and source, plus edge cases (English)."""
    test = load_splits().query("split == 'test'")
    rows = test.groupby(["lang", "source"]).sample(150, random_state=3)
    edge = pd.DataFrame({"text": EDGE_TEXTS, "lang": "en"})
    return pd.concat([rows[["text", "lang"]], edge], ignore_index=True)


def test_identical_texts_are_labelled_once_and_as_if_alone(default) -> None:
    base = ["Refugees are vermin and should be thrown out of our city", "I love my neighbours",
            "go back where you came from you idiots", "what a lovely day in the park", "stupid b*tch"]
    texts = [base[i] for i in [0, 1, 0, 2, 3, 0, 4, 1, 3, 3, 0]]
    spy = CountingModel(default.models["en"])
    clf = Classifier(default.version, {**default.models, "en": spy})
    out = classify(texts, ["en"] * len(texts), classifier=clf, lexicon=False)
    assert sorted(spy.seen) == sorted(base)  # each distinct text once
    alone = pd.concat([classify([t], ["en"], classifier=default, lexicon=False) for t in base], ignore_index=True)
    expected = alone.iloc[[base.index(t) for t in texts]].reset_index(drop=True)
    pd.testing.assert_frame_equal(out, expected)


def test_same_text_in_two_languages_is_two_labellings(default) -> None:
    first, inverse = distinct(["salut", "salut", "salut", None], ["fr", "en", "fr", None])
    assert len(first) == 3 and list(inverse) == [0, 1, 0, 2] and list(first) == [0, 1, 3]
    spy = CountingModel(default.models["fr"])
    clf = Classifier(default.version, {**default.models, "fr": spy})
    out = classify(["bande de cons", "bande de cons", "bande de cons"], ["fr", "en", "fr"], classifier=clf)
    assert spy.seen == ["bande de cons"] and list(out["lang"]) == ["fr", "en", "fr"]


def test_fast_path_equals_reference_path(default, sample: pd.DataFrame) -> None:
    texts, langs = sample["text"].tolist(), sample["lang"].tolist()
    fast = classify(texts, langs, classifier=default)
    reference = classify(texts, langs, classifier=default, reference=True)
    pd.testing.assert_frame_equal(fast, reference)  # labels, scores (bitwise), targets, methods
    for lang in ("en", "fr", "ar"):
        part = sample[sample["lang"] == lang]["text"].tolist()
        a_lab, a_p = default.models[lang].label_and_proba(part)
        b_lab, b_p = default.models[lang].label_and_proba(part, reference=True)
        assert (a_lab == b_lab).all() and np.array_equal(a_p, b_p)


def test_two_threads_give_one_threads_output(default, sample: pd.DataFrame, monkeypatch) -> None:
    texts, langs = sample["text"].tolist(), sample["lang"].tolist()
    monkeypatch.setattr(model_module, "THREAD_MIN", 50)
    monkeypatch.setattr(model_module, "THREADS", 2)
    two = classify(texts, langs, classifier=default)
    monkeypatch.setattr(model_module, "THREADS", 1)
    pd.testing.assert_frame_equal(two, classify(texts, langs, classifier=default))


def _corpus(n: int = 300, seed: int = 0) -> list[str]:
    rng = np.random.default_rng(seed)
    words = np.array(["the", "City", "café", "naïve", "STOP", "go", "x", "ΣΟΦΟΣ", "مسلم", "👉", "#tag", "@user",
                      "http://t.co/a", "l'été", "a-b", "__", "42", "é"])
    seps = np.array([" ", "  ", "\n", "\t ", ", ", "!"])
    return ["".join(w + s for w, s in zip(rng.choice(words, k), rng.choice(seps, k), strict=True))
            for k in rng.integers(0, 14, n)] + EDGE_TEXTS


@pytest.mark.parametrize("make", [
    lambda: TfidfVectorizer(analyzer="char", ngram_range=(1, 5), sublinear_tf=True, min_df=2),
    lambda: TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), preprocessor=normalise, dtype=np.float32),
    lambda: TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), lowercase=False, norm="l1"),
    lambda: TfidfVectorizer(ngram_range=(1, 2), preprocessor=normalise, token_pattern=WORD_TOKENS, max_features=60),
    lambda: CountVectorizer(ngram_range=(1, 3), binary=True),
    lambda: CountVectorizer(token_pattern=r"(?u)\b\w\w+\b", vocabulary=["the", "city", "stop", "zzz"]),
    lambda: CountVectorizer(stop_words=["the"]),  # not compiled: the vectorizer's own transform
])
def test_batch_vectorizers_equal_scikit_learn_transform(make) -> None:
    fit_texts = [t for t in _corpus(seed=1) if "\x00" not in t]  # a NUL in a vocabulary is not compiled
    texts = _corpus(seed=2)
    vec = make().fit(fit_texts)
    other = TfidfVectorizer(analyzer="char", ngram_range=(2, 3)).fit(fit_texts)  # shares a family with some
    batch = BatchVectorizers([vec, other])
    got = batch.transform(texts)
    for v in (vec, other):
        want = v.transform(texts)
        assert got[id(v)].dtype == want.dtype and got[id(v)].shape == want.shape
        assert (got[id(v)] != want).nnz == 0
    assert (vec in batch.fallback) == (vec.stop_words is not None)
