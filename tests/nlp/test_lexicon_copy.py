"""The lexicons are read through a pickle of them in the home (scn.nlp.lexicon._load): a new process gets the very
terms without parsing the files, and a damaged, foreign or stale copy is never used but rebuilt."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

from scn import settings as scn_settings
from scn.nlp import lexicon
from scn.nlp.lexicon import Lexicon, _default_dir, load_lexicon


@pytest.fixture
def home(artefact_home: Path) -> Path:
    """An empty home, the labeller's caches cleared (``artefact_home``)."""
    return artefact_home


def copies(home: Path) -> list[Path]:
    return sorted((home / "state" / "lexicons").glob("*.pickle"))


def parsed(folder: Path) -> Lexicon:
    """The lexicons of ``folder`` parsed from the files (no home to read a copy from)."""
    with scn_settings.override(home=folder / "no-home"):
        lexicon._load.cache_clear()
        try:
            return load_lexicon(str(folder))
        finally:
            lexicon._load.cache_clear()


def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_a, **_k):
        raise AssertionError("parsed in this process")

    monkeypatch.setattr(lexicon, "_read_frame", refuse)


def test_a_new_process_reads_the_copy_and_gets_the_same_terms(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    want = parsed(_default_dir())
    first = load_lexicon()
    [copy] = copies(home)
    lexicon._load.cache_clear()
    no_parsing(monkeypatch)
    again = load_lexicon()
    assert again is not first and again == want and again.terms and copies(home) == [copy]


@pytest.mark.parametrize("damage", ["truncated", "garbage", "foreign"])
def test_a_damaged_or_foreign_copy_is_rebuilt(home: Path, damage: str) -> None:
    want = load_lexicon()
    [copy] = copies(home)
    data = copy.read_bytes()
    copy.write_bytes({"truncated": data[:len(data) // 2], "garbage": b"\x80\x05garbage" * 100,
                      "foreign": pickle.dumps(Lexicon(want.version + "-other", {"en": {"nice": (2, None)}}))}[damage])
    lexicon._load.cache_clear()
    calls = []
    real = lexicon._read_frame
    with pytest.MonkeyPatch.context() as m:
        m.setattr(lexicon, "_read_frame", lambda f: calls.append(1) or real(f))
        got = load_lexicon()
    assert calls and got == want
    assert pickle.loads(copy.read_bytes()) == want and copies(home) == [copy]


def test_changed_lexicon_files_get_their_own_copy(home: Path, tmp_path: Path) -> None:
    default = load_lexicon()
    folder = tmp_path / "lex"
    shutil.copytree(_default_dir(), folder)
    it = folder / "hurtlex_it.tsv"
    it.write_text(it.read_text(encoding="utf-8").replace("\tconservative\n", "\tinclusive\n", 400), encoding="utf-8")
    got = load_lexicon(str(folder))
    assert len(copies(home)) == 2
    assert got == parsed(folder) and got.version != default.version and got.terms["it"] != default.terms["it"]
