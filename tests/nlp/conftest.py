"""Fixtures of the labeller's tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from scn import settings as scn_settings
from scn.nlp import lexicon, model


@pytest.fixture
def artefact_home(tmp_path: Path) -> Iterator[Path]:
    """An empty home, with the model's and the lexicon's in-process caches cleared on entry and on exit, so a
    test sees what a fresh process would load (the copies kept in the home, or the files they are made from)."""
    h = tmp_path / "scn"
    h.mkdir()
    with scn_settings.override(home=h):
        model._load.cache_clear()
        lexicon._load.cache_clear()
        yield h
    model._load.cache_clear()
    lexicon._load.cache_clear()
