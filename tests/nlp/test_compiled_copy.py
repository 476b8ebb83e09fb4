"""The shipped model's compiled labelling form (scn.nlp.fused, about 1 s to build) is kept in the model's copy in
the home (scn.nlp.model._read_artefact): a new process labels without compiling, bit for bit as a model compiled
in the process does, and a damaged, foreign or stale copy is never used but rebuilt."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scn.nlp import artefact, compiled, fused, model
from scn.nlp.corpora import load_splits
from scn.nlp.model import _default_path, classify, load_classifier, load_default

LEXICON_LANGS = ["de", "es", "it", "nl", "tr", "sv", "hr", "sr", "mk", "hi", "bn", "sw", "sq", "da", "fi", "no"]


@pytest.fixture
def home(artefact_home: Path) -> Path:
    """An empty home, the labeller's caches cleared (``artefact_home``)."""
    return artefact_home


@pytest.fixture(scope="module")
def varied() -> tuple[list[str], list[str]]:
    """A few thousand texts of every language the project ships (model and lexicon languages): held-out texts,
    their words shuffled across texts and languages, case and spacing changed, and awkward strings."""
    rng = np.random.default_rng(53)
    test = load_splits().query("split == 'test'")
    sample = test.groupby("lang").sample(500, random_state=8)
    texts, langs = sample["text"].tolist(), sample["lang"].tolist()
    words = np.array(" ".join(texts).split(), dtype=object)
    for lang in ["en", "fr", "ar", *LEXICON_LANGS]:
        for _ in range(120):
            picked = words[rng.integers(0, len(words), rng.integers(0, 40))]
            text = " ".join(picked)
            text = text.upper() if rng.random() < 0.2 else text
            texts.append(text.replace(" ", "\u00a0 \t", 3) if rng.random() < 0.2 else text)
            langs.append(lang)
    odd = ["", " ", "😀🔥 #love", "اللّهُ أَكْبَرُ هههههه", "x\x00y", "&amp; http://t.co/x @user1", "ab" * 3000,
           "vermin schwein idiota sinvergüenza", "ⅻ ½ ² ٣ _ a_b"]
    for lang in ["en", "fr", "ar", *LEXICON_LANGS]:
        texts += odd
        langs += [lang] * len(odd)
    return texts, langs


def copies(home: Path) -> list[Path]:
    return sorted((home / "state" / "models").glob("*.pickle"))


def in_process(path: Path) -> model.Classifier:
    """The classifier of the artefact at ``path`` read afresh, its models compiled in this process when used."""
    obj = artefact.load(path)
    return model.Classifier("same", dict(obj["models"]), {k: np.asarray(v, float) for k, v in obj["bias"].items()})


def no_compiling(monkeypatch: pytest.MonkeyPatch) -> None:
    """As a new process that may not compile: no code point tables yet, and neither they nor a model compiled."""
    def refuse(*_a, **_k):
        raise AssertionError("compiled in this process")

    monkeypatch.setattr(fused.FusedModel, "compile", refuse)
    monkeypatch.setattr(fused, "_code_point_tables", refuse)
    monkeypatch.setattr(fused, "_TABLES", [])


def frame(clf: model.Classifier, texts: list[str], langs: list[str]) -> pd.DataFrame:
    return classify(texts, langs, classifier=clf).drop(columns="model_version")


def test_a_new_process_labels_from_the_copy_without_compiling(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_default()  # reads the artefact, compiles, writes the copy
    [copy] = copies(home)
    model._load.cache_clear()
    no_compiling(monkeypatch)
    clf = load_default()  # as a new process: the copy only
    for lang in ("en", "fr", "ar"):
        entry = compiled._COMPILED.get(clf.models[lang])
        assert entry is not None and entry.fused is not None
        assert entry.fused.run(["they are vermin"]) is not None
    got = classify(["they are vermin", "bonne journée", "مرحبا"], ["en", "fr", "ar"], classifier=clf)
    assert got["method"].eq("model").all() and copies(home) == [copy]
    assert len(fused._TABLES) == 1 and all(a is b for a, b in zip(fused._tables(), fused._TABLES[0], strict=True))


def test_labels_from_the_copy_equal_a_model_compiled_here_bit_for_bit(
        home: Path, varied: tuple[list[str], list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    texts, langs = varied
    assert len(texts) > 3000 and set(LEXICON_LANGS) <= set(langs)
    want = frame(in_process(_default_path()), texts, langs)
    load_default()
    model._load.cache_clear()
    with monkeypatch.context() as m:
        no_compiling(m)
        got = frame(load_default(), texts, langs)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert set(got["method"]) == {"model", "lexicon"} and got["label"].nunique() == 3
    assert np.array_equal(got["score_hate"].to_numpy(), want["score_hate"].to_numpy())


@pytest.mark.parametrize("damage", ["truncated", "garbage", "foreign", "bad tables", "another form"])
def test_a_damaged_or_foreign_copy_is_rebuilt(home: Path, damage: str) -> None:
    texts, langs = ["you people are vermin", "ces gens sont des parasites", "مرحبا بكم"], ["en", "fr", "ar"]
    want = frame(load_default(), texts, langs)
    [copy] = copies(home)
    data = copy.read_bytes()
    if damage == "truncated":
        copy.write_bytes(data[:len(data) // 2])
    elif damage == "garbage":
        copy.write_bytes(b"\x80\x05garbage" * 1000)
    elif damage == "foreign":  # the English model's compiled form is the French one's
        held = pickle.loads(data)
        held["fused"]["en"] = held["fused"]["fr"]
        copy.write_bytes(pickle.dumps(held))
    elif damage == "bad tables":
        held = pickle.loads(data)
        held["tables"] = tuple(t[:1000] for t in held["tables"])
        copy.write_bytes(pickle.dumps(held))
    else:  # the plain object an earlier copy held
        copy.write_bytes(pickle.dumps(pickle.loads(data)["model"]))
    model._load.cache_clear()
    calls = []
    real = fused.FusedModel.compile.__func__
    with pytest.MonkeyPatch.context() as m:
        m.setattr(fused.FusedModel, "compile", classmethod(lambda cls, *a: calls.append(1) or real(cls, *a)))
        clf = load_default()
    assert len(calls) == 3, "the damaged copy was used instead of compiling again"
    pd.testing.assert_frame_equal(frame(clf, texts, langs), want, check_exact=True)
    held = pickle.loads(copy.read_bytes())  # rewritten whole
    assert set(held["fused"]) == {"en", "fr", "ar"} and copies(home) == [copy]


def test_a_changed_model_gets_its_own_compiled_copy(home: Path, tmp_path: Path) -> None:
    obj = artefact.load(_default_path())
    pipe = obj["models"]["en"].pipelines()[0]
    pipe.steps[-1][1].coef_[:] = pipe.steps[-1][1].coef_ * 3.0  # a model with other weights
    changed = tmp_path / "changed.joblib"
    artefact.save(obj, changed)
    texts = ["you people are vermin", "what a lovely day", "idiots all of them"] * 5
    langs = ["en"] * len(texts)
    default = frame(load_default(), texts, langs)
    model._load.cache_clear()
    got = frame(load_classifier(str(changed)), texts, langs)
    assert len(copies(home)) == 2
    pd.testing.assert_frame_equal(got, frame(in_process(changed), texts, langs), check_exact=True)
    assert not np.array_equal(got["score_hate"].to_numpy(), default["score_hate"].to_numpy())
