"""The shipped classifier is read through a plain pickle of it in the home (joblib's pure-Python unpickler took
about 1 s in every process that labels): the copy labels exactly as the artefact does, carries the same model
version, is owner-only, and a damaged or stale copy is never used."""

from __future__ import annotations

import pickle
import stat
from pathlib import Path

import numpy as np
import pytest

from scn import settings as scn_settings
from scn.nlp import artefact, model
from scn.nlp.model import _default_path, load_default

TEXTS = ["they should all be thrown out of this city", "lovely market on the corner today",
         "ces gens-là sont des parasites", "مرحبا بكم في المدينة", "you people are vermin, every one of you"]


@pytest.fixture
def home(artefact_home: Path) -> Path:
    """An empty home, the labeller's caches cleared (``artefact_home``)."""
    return artefact_home


def copies(home: Path) -> list[Path]:
    return sorted((home / "state" / "models").glob("*.pickle"))


def labels(clf: model.Classifier) -> tuple[list, np.ndarray]:
    out, proba = [], []
    for lang in ("en", "fr", "ar"):
        la, pr = clf.predict(TEXTS, lang)
        out.append(list(la))
        proba.append(np.asarray(pr))
    return out, np.concatenate([p.ravel() for p in proba])


def test_the_copy_labels_as_the_artefact_does_and_is_owner_only(home: Path) -> None:
    first = load_default()  # reads the artefact, writes the copy
    [copy] = copies(home)
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    model._load.cache_clear()
    again = load_default()  # reads the copy
    assert again is not first and again.version == first.version
    reference = artefact.load(_default_path())
    want_labels, want_proba = labels(model.Classifier(first.version, dict(reference["models"]),
                                                      {k: np.asarray(v, float) for k, v in
                                                       reference.get("bias", {}).items()}))
    got_labels, got_proba = labels(again)
    assert got_labels == want_labels
    np.testing.assert_array_equal(got_proba, want_proba)


def test_a_damaged_copy_is_read_from_the_artefact_again_and_rewritten(home: Path) -> None:
    load_default()
    [copy] = copies(home)
    copy.write_bytes(b"\x80\x05half a pickle")
    model._load.cache_clear()
    clf = load_default()
    assert clf.models and copies(home) == [copy]
    assert isinstance(pickle.loads(copy.read_bytes()), dict)


def test_a_copy_made_by_other_code_is_not_used(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_default()
    [old] = copies(home)
    old.write_bytes(pickle.dumps({"kind": "scn-per-language", "models": {}, "bias": {}}))  # what other code made
    monkeypatch.setattr(model, "code_version", lambda: "another-version")
    model._load.cache_clear()
    clf = load_default()
    assert clf.models, "the copy of another code version was used"
    assert len(copies(home)) == 2


def test_without_a_home_the_artefact_is_read_and_nothing_is_written(tmp_path: Path) -> None:
    missing = tmp_path / "no-home-yet"
    with scn_settings.override(home=missing):
        model._load.cache_clear()
        assert load_default().models
    model._load.cache_clear()
    assert not missing.exists()
