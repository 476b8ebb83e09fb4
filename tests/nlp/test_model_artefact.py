"""The shipped classifier file stays small (compact format of scn.nlp.artefact) and loads as ordinary fitted
estimators; the training script's save path round-trips a small model with the same predictions."""

from __future__ import annotations

from pathlib import Path

import joblib
import numpy as np
import pandas as pd

from scn.nlp import artefact
from scn.nlp.ensemble import Expert, SourceMixture
from scn.nlp.model import _default_path, load_classifier, load_default
from scripts.train_classifier import char_member, gate_pipeline, save_models, word_char_model

MAX_BYTES = 4_000_000  # committed data stays < 5 MB; the artefact keeps a margin


def _arrays_and_vocabularies(obj) -> tuple[dict[str, np.ndarray], list[dict]]:
    """Every ``coef_`` / ``idf_`` array and every fitted vocabulary inside the estimators of ``obj``."""
    arrays: dict[str, np.ndarray] = {}
    vocabularies: list[dict] = []

    def record(name, value):
        if name in ("coef_", "idf_") and isinstance(value, np.ndarray):
            arrays[f"{name}#{len(arrays)}"] = value
        if name == "vocabulary_":
            vocabularies.append(value)
        return value

    artefact.map_attributes(obj, record)
    return arrays, vocabularies


def test_shipped_artefact_is_under_4_mb_and_loads_float32_weights() -> None:
    assert _default_path().stat().st_size < MAX_BYTES
    clf = load_default()
    arrays, vocabularies = _arrays_and_vocabularies(clf.models)
    wide = {k: a for k, a in arrays.items() if k.startswith("coef_") and a.shape[1] > artefact.WIDE}
    assert len(wide) >= 8 and all(a.dtype == np.float32 for a in wide.values())
    assert all(a.dtype.kind == "f" and a.dtype.itemsize >= 4 for a in arrays.values())  # nothing left in float16
    assert len(vocabularies) >= 10 and sum(map(len, vocabularies)) > 300_000
    assert all(isinstance(v, dict) and sorted(v.values()) == list(range(len(v))) for v in vocabularies)


def _corpus(n: int = 240, seed: int = 0) -> pd.DataFrame:
    """Texts whose label follows planted words; two sources with different wording (for the gate)."""
    rng = np.random.default_rng(seed)
    filler = np.array(["the", "city", "park", "today", "people", "market", "bus", "river", "school", "music"])
    cue = {"hate": ["vermin", "parasites"], "offensive": ["stupid", "idiot"], "none": ["lovely", "friends"]}
    label = rng.choice(["hate", "offensive", "none"], n)
    source = np.where(np.arange(n) % 2 == 0, "forum", "tweets")
    words = rng.choice(filler, (n, 6))
    text = [" ".join([*w[:3], rng.choice(cue[lab]), *w[3:], "lol" if s == "tweets" else "regards"])
            for w, lab, s in zip(words, label, source, strict=True)]
    fine = [f"{lab}:{'a' if i % 3 else 'b'}" for i, lab in enumerate(label)]
    return pd.DataFrame({"text": text, "label": label, "source": source, "fine": fine})


def _small_models(data: pd.DataFrame) -> dict[str, SourceMixture]:
    """Every estimator kind of the default model (NB-LR, grouped LR, char LR, gate), fitted on tiny data."""
    texts, y = data["text"].tolist(), data["label"].to_numpy()
    nblr = word_char_model("en", "davidson2017")[0]().fit(texts, y)
    grouped = word_char_model("fr", "mlma2019")[0]().fit(texts, data["fine"].to_numpy())
    char = char_member().fit(texts, y)
    gate = gate_pipeline().fit(texts, data["source"])
    experts = {"forum": Expert([nblr, char], None, np.array([0.2, 0.0, 0.0])),
               "tweets": Expert([grouped], None, np.zeros(3))}
    return {"en": SourceMixture(experts, gate), "fr": SourceMixture({"tweets": Expert([char], None, np.zeros(3))})}


def test_training_script_saves_the_compact_format_and_predictions_survive(tmp_path: Path) -> None:
    data = _corpus()
    models = _small_models(data)
    probe = _corpus(60, seed=1)["text"].tolist()
    before = {lang: m.label_and_proba(probe) for lang, m in models.items()}
    path = tmp_path / "default.joblib"
    save_models(models, path)

    raw = joblib.load(path)  # as stored: the compact forms
    assert raw["format"] == artefact.FORMAT and raw["kind"] == "scn-per-language"
    stored, _ = _arrays_and_vocabularies(raw["models"])
    assert not stored  # every coef_ / idf_ of these models is packed (the calibrator-free experts have no others)
    kinds = set()
    artefact.map_attributes(raw["models"], lambda _n, v: kinds.add(type(v)) or v)
    assert set(artefact.PACKED) <= kinds

    clf = load_classifier(str(path))
    assert clf.languages == {"en", "fr"}
    loaded, vocabularies = _arrays_and_vocabularies(clf.models)
    original, original_vocabularies = _arrays_and_vocabularies(models)
    assert vocabularies == original_vocabularies  # exact
    for key, a in original.items():
        assert loaded[key].dtype == a.dtype == np.float32 and loaded[key].shape == a.shape
        if key.startswith("idf_"):
            assert np.array_equal(loaded[key], a)  # exact
        else:
            assert np.allclose(loaded[key], a, rtol=1e-3, atol=1e-6)  # float16 precision
    for lang, (labels, proba) in before.items():
        new_labels, new_proba = clf.models[lang].label_and_proba(probe)
        assert (new_labels == labels).all() and np.abs(new_proba - proba).max() < 1e-3


def test_plain_joblib_files_load_unchanged(tmp_path: Path) -> None:
    obj = {"kind": "other", "weights": np.arange(3, dtype=np.float16)}
    joblib.dump(obj, tmp_path / "x.joblib")
    back = artefact.load(tmp_path / "x.joblib")
    assert back.keys() == obj.keys() and back["weights"].dtype == np.float16
