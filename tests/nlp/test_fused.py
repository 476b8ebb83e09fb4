"""The fused labelling kernels (scn.nlp.fused) give, bitwise, the labels and probabilities of the reference path
(each pipeline's own scikit-learn vectorizers and classifiers) and of the batch-vectorizer path before them, on
held-out texts of every language and source and on adversarial texts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from scn.nlp import compiled, fused
from scn.nlp.corpora import load_splits
from scn.nlp.ensemble import Expert, SourceMixture, train_adapter
from scn.nlp.model import Classifier, classify, load_default

ADVERSARIAL = [
    "", " ", "\t\n \u00a0\u2003", "😀🔥👉🏽 #love", "\U0001F600" * 3,
    "اللّهُ أَكْبَرُ يا أيُّها الناسُ هههههههه ـــــ كلاب",  # RTL with diacritics, tatweel, repeats
    "مرحبا hello Bonjour ΣΟΦΟΣ ΟΔΟΣ İstanbul Straße ﬁ",  # mixed scripts, final sigma, dotted I (lowers to 2 chars)
    "x\x00y\x00", "&amp; &amp;amp; http://t.co/x @user1 @url https://a.b/c?d=e @", "word " * 2000, "ab" * 5000,
    "\x1f\x1e sep \u2029 \u2028 \x85 \u3000", "AAAA!!!!  ???  ...\r\n\r\n", "ⅻ ½ ² ٣ _ __init__ a_b 3.14",
    "\u0301\u0301 é e\u0301", "Refugees are vermin and should be thrown out", "bande de cons, ces étrangers",
]


@pytest.fixture(scope="module")
def default():
    return load_default()


@pytest.fixture(scope="module")
def heldout() -> pd.DataFrame:
    """Held-out texts of every language and source (a fixed sample of the shipped test split)."""
    test = load_splits().query("split == 'test'")
    return test.groupby(["lang", "source"]).sample(250, random_state=19)[["text", "lang", "source"]]


def _three_ways(model, texts: list[str]) -> tuple[tuple, tuple, tuple]:
    fast = model.label_and_proba(texts)
    reference = model.label_and_proba(texts, reference=True)
    compiled.FUSED = False
    try:
        batch = model.label_and_proba(texts)
    finally:
        compiled.FUSED = True
    return fast, reference, batch


def _assert_same(a: tuple, b: tuple) -> None:
    assert list(a[0]) == list(b[0])
    assert a[1].dtype == b[1].dtype and np.array_equal(a[1], b[1])  # bitwise


def test_the_default_model_is_fused(default) -> None:
    for lang in ("en", "fr", "ar"):
        model = default.models[lang]
        compiled.features(model, ["warm"])
        assert compiled._COMPILED[model].fused is not None


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_heldout_labels_and_scores_equal_reference_bitwise(default, heldout: pd.DataFrame, lang: str) -> None:
    texts = heldout.loc[heldout["lang"] == lang, "text"].tolist()
    fast, reference, batch = _three_ways(default.models[lang], texts)
    _assert_same(fast, reference)
    _assert_same(fast, batch)
    assert len(set(fast[0])) > 1  # the sample exercises more than one label


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_adversarial_texts_equal_reference_bitwise(default, lang: str) -> None:
    fast, reference, batch = _three_ways(default.models[lang], ADVERSARIAL)
    _assert_same(fast, reference)
    _assert_same(fast, batch)


def test_texts_holding_every_separator_fall_back_to_the_same_output(default) -> None:
    model = default.models["en"]
    texts = ["".join(fused._SEPS) + " you idiot", "hello there"]
    kernels = fused.FusedModel.compile(model.pipelines(), model.rules.cues)
    assert kernels.run(texts) is None and kernels.run(texts[1:]) is not None
    _assert_same(model.label_and_proba(texts), model.label_and_proba(texts, reference=True))


def test_lone_surrogates_and_whole_classify_output(default) -> None:
    texts = ADVERSARIAL + ["a\ud800b stupid \udfff", None]
    langs = (["en", "fr", "ar"] * len(texts))[:len(texts)]
    fast = classify(texts, langs, classifier=default)
    pd.testing.assert_frame_equal(fast, classify(texts, langs, classifier=default, reference=True))
    assert fast["assessed"].all()


def test_adapters_are_fused_and_other_models_keep_the_batch_path() -> None:
    texts = ["you are an idiot", "what a nice day", "idiot idiot", "lovely people", "stupid", "nice"] * 3
    labels = ["offensive", "none", "offensive", "none", "offensive", "none"] * 3
    adapter = train_adapter(texts, labels, folds=3)
    stop = Pipeline([("features", TfidfVectorizer(stop_words=["the"], dtype=np.float32)),
                     ("clf", LogisticRegression())]).fit(texts, labels)
    other = SourceMixture({"local": Expert([stop], None, np.zeros(3))})
    assert fused.FusedModel.compile(adapter.pipelines()) is not None
    assert fused.FusedModel.compile(other.pipelines()) is None  # stop words: not reproduced by the kernels
    probe = texts + ADVERSARIAL
    for model in (adapter, other):
        clf = Classifier("local", {"en": model})
        pd.testing.assert_frame_equal(classify(probe, ["en"] * len(probe), classifier=clf, lexicon=False),
                                      classify(probe, ["en"] * len(probe), classifier=clf, lexicon=False,
                                               reference=True))


def test_code_point_tables_are_python_re_classes() -> None:
    word, space, mark, fold = fused._tables()
    cps = np.r_[0:0x3000, 0xD7F0:0xE010, 0xFDF0:0x10100, 0x1F600:0x1F700, 0x10FFF0:0x110000]
    chars = [chr(c) for c in cps]
    assert np.array_equal(word[cps], [c.isalnum() or c == "_" for c in chars])
    assert np.array_equal(space[cps], [c.isspace() for c in chars])
    assert word.sum() > 100_000 and not word[0] and space[32] and not space[0]
    assert mark[0x064B] and mark[0x0640] and not mark[ord("ا")] and fold[ord("أ")] == ord("ا")


@pytest.mark.parametrize("packed", [False, True])
def test_hash_tables_find_every_key_and_nothing_else(packed: bool) -> None:
    from scn.nlp.ngrams import _home, _probe, _table

    rng = np.random.default_rng(3)
    keys = np.unique(rng.integers(1, 2**31 if packed else 2**63, 5000, dtype=np.int64)).astype(np.uint64)
    bits = 14
    slots = _table(keys, bits, packed)
    assert len(slots) == (1 << bits) * (1 if packed else 2)
    for i in (0, 17, len(keys) - 1):
        assert _probe(slots, keys[i], _home(keys[i], bits), bits)[0] == i
    absent = np.setdiff1d(np.arange(1, 3000, dtype=np.uint64), keys)[:50]
    assert all(_probe(slots, k, _home(k, bits), bits)[0] == -1 for k in absent)


def test_texts_with_thousands_of_distinct_terms_equal_reference(default) -> None:
    rng = np.random.default_rng(5)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyzéèàç"))
    long = " ".join("".join(rng.choice(letters, rng.integers(2, 9))) for _ in range(3000))
    texts = [long, long[:5000], "short one", long[::-1]]
    fast, reference, batch = _three_ways(default.models["en"], texts)
    _assert_same(fast, reference)
    _assert_same(fast, batch)
