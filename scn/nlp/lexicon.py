"""Lexicon method for languages without a trained model: HurtLex 1.2 (conservative level) term matches.

The lexicon files are separately licensed data (CC BY-NC-SA 4.0, scn/data/hurtlex/README-hurtlex.md), read at
run time and never merged into code. HurtLex was built by automatically translating an Italian list, so a
language's file mixes insults with everyday words that the translation mapped onto an insulting sense ("gente",
"polis", "bibi" as derogatory words; "negro", "amarillo", "alman" as ethnic slurs). Which entries are used is
decided from the files themselves (rules version 3, documented in docs/classifier.md):

- ``offensive``: a lemma that HurtLex lists under at least two insult categories of its language (CDS derogatory,
  DMC moral defects, DDP/DDF cognitive/physical disability, ASF/ASM genitalia, PR prostitution) and under none of
  the referent categories (AN animals, OR plants, PA professions, RCI places and demonyms), or under at least four
  insult categories whatever else (the insult sense is then attested more often than the everyday one). A lemma
  listed under a single insult category (most mistranslations: "gente", "sorun", "afisa", "amiga") is not used;
- ``hate`` (target ``origin``): a lemma whose entries are only in the ethnic-slur category (PS) and that stands
  untranslated, spelled the same, among the PS-only entries of at least half of the lexicon files (borrowed
  slurs such as "nigger", "kraut"). PS words in a language's own vocabulary are colours, nationalities and
  demonyms in that language ("negro", "amarillo", "alman", "çingene") and are not used at all, so a nationality
  or colour word alone is never ``hate``;
- else ``none``. Not used at all: OM, IS, QAS, RE, SVP (they name neutral things or conduct, not insults).

Matching is on whole lower-cased word tokens (Unicode ``\\w`` plus combining and Indic marks; a lemma never
matches inside a longer word) and on sequences of them for multi-word lemmas, exact: inflected forms match only
when HurtLex lists them. Lemmas shorter than three characters and lemmas not written in the language's script are
dropped. No accuracy has been measured: there is no labelled data in these languages.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from scn.code_version import code_version
from scn.settings import paths, settings

HATE_CATEGORY, HATE_TARGET = "ps", "origin"
INSULT_CATEGORIES = {"cds", "dmc", "ddp", "ddf", "asf", "asm", "pr"}
REFERENT_CATEGORIES = {"an", "or", "pa", "rci"}  # the lemma also names an animal, plant, job, place or people
MIN_INSULT, MIN_INSULT_WITH_REFERENT = 2, 4  # insult categories a lemma needs without / with a referent one
BORROWED_SHARE = 0.5  # share of the lexicon files whose PS-only entries must hold the very same lemma
LEVELS = ("conservative",)
TOKEN = r"[\w\u0300-\u036F\u0900-\u097F\u0980-\u09FF]+"  # word characters plus Indic/combining marks
_LATIN, _CYRILLIC = "A-Za-z\u00C0-\u024F", "\u0400-\u04FF"
SCRIPT_OF = {"mk": _CYRILLIC, "sr": _LATIN + _CYRILLIC, "bn": "\u0980-\u09FF", "hi": "\u0900-\u097F"}
ALIASES = {"bs": ("hr", "sr"), "sh": ("hr", "sr"), "cnr": ("sr",), "nb": ("no",), "nn": ("no",)}
RULES_VERSION = "3"
NONE, OFFENSIVE, HATE = 0, 1, 2
LABEL_OF = np.array(["none", "offensive", "hate"], dtype=object)


@dataclass(frozen=True)
class Lexicon:
    """Per language: term (space-joined lower-case tokens) -> (rank 1 offensive / 2 hate, target or None)."""

    version: str
    terms: dict[str, dict[str, tuple[int, str | None]]]

    @property
    def languages(self) -> set[str]:
        return set(self.terms) | {a for a, langs in ALIASES.items() if any(lg in self.terms for lg in langs)}

    def covers(self, lang: str | None) -> bool:
        return lang is not None and lang in self.languages

    def _terms_for(self, lang: str) -> dict[str, tuple[int, str | None]]:
        if lang in self.terms:
            return self.terms[lang]
        merged: dict[str, tuple[int, str | None]] = {}
        for other in ALIASES.get(lang, ()):
            for term, value in self.terms.get(other, {}).items():
                if value[0] > merged.get(term, (0, None))[0]:
                    merged[term] = value
        return merged

    def label(self, texts: pd.Series, langs: pd.Series) -> pd.DataFrame:
        """label (hate/offensive/none), target and the matched term per text (index of ``texts``)."""
        out = pd.DataFrame({"label": "none", "target": None, "term": None}, index=texts.index, dtype=object)
        for lang, idx in langs.groupby(langs).groups.items():
            terms = self._terms_for(str(lang))
            if not terms:
                continue
            hits = _matches(texts.loc[idx], terms)
            if len(hits):
                out.loc[hits.index, "label"] = LABEL_OF[hits["rank"].to_numpy()]
                target = hits["target"].astype(object)
                out.loc[hits.index, "target"] = target.where(target.notna(), None).to_numpy()
                out.loc[hits.index, "term"] = hits["term"].to_numpy()
        return out


def _matches(texts: pd.Series, terms: dict[str, tuple[int, str | None]]) -> pd.DataFrame:
    """Best-ranked matching term per text that has one (rank, target, term), vectorised over the batch."""
    max_words = max(t.count(" ") for t in terms) + 1
    tokens = texts.fillna("").astype(str).str.normalize("NFC").str.lower().str.findall(TOKEN).explode().dropna()
    if tokens.empty:
        return pd.DataFrame(columns=["rank", "target", "term"])
    pos = tokens.groupby(level=0).cumcount().to_numpy()
    doc = tokens.index.to_numpy()
    words = tokens.to_numpy(dtype=object)
    grams, owners = [words], [doc]
    for n in range(2, max_words + 1):  # n-grams from consecutive tokens of the same text
        ok = np.flatnonzero(pos[n - 1:] >= n - 1)
        gram = words[ok].copy()
        for k in range(1, n):
            gram = gram + " " + words[ok + k]
        grams.append(gram)
        owners.append(doc[ok + n - 1])
    cand = pd.DataFrame({"doc": np.concatenate(owners), "term": np.concatenate(grams)})
    rank = cand["term"].map({t: v[0] for t, v in terms.items()})
    cand = cand[rank.notna()].assign(rank=rank[rank.notna()].astype(int))
    if cand.empty:
        return pd.DataFrame(columns=["rank", "target", "term"])
    best = cand.sort_values(["doc", "rank"], ascending=[True, False], kind="stable").drop_duplicates("doc")
    best["target"] = best["term"].map({t: v[1] for t, v in terms.items()})
    return best.set_index("doc")[["rank", "target", "term"]]


def _default_dir() -> Path:
    return Path(str(resources.files("scn").joinpath("data", "hurtlex")))


def _read_frame(path: Path | io.BytesIO) -> pd.DataFrame:
    """A lexicon file's rows of the used level, lemmas NFC lower-cased and stripped."""
    frame = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, quoting=3)
    frame = frame[frame["level"].isin(LEVELS)]
    return frame.assign(lemma=frame["lemma"].str.normalize("NFC").str.lower().str.strip())


def _slur_only(frame: pd.DataFrame) -> set[str]:
    """Lemmas of this file whose every entry (all categories of all their ids) is in the slur category."""
    ids = frame["category"].eq(HATE_CATEGORY).groupby(frame["id"]).all()
    only = frame[frame["id"].isin(ids.index[ids.to_numpy()])]["lemma"]
    other = set(frame.loc[frame["category"].ne(HATE_CATEGORY), "lemma"])
    return set(only) - other


def _read_terms(frame: pd.DataFrame, lang: str, borrowed: set[str]) -> dict[str, tuple[int, str | None]]:
    """term -> (rank, target): the rules of the module docstring, applied per lemma string."""
    cats = frame.groupby("lemma")["category"].agg(lambda c: set(c))
    insult = cats.map(lambda c: len(c & INSULT_CATEGORIES))
    referent = cats.map(lambda c: bool(c & REFERENT_CATEGORIES))
    offensive = ((insult >= MIN_INSULT) & ~referent) | (insult >= MIN_INSULT_WITH_REFERENT)
    slur = cats.index.isin(list(borrowed)) & cats.map(lambda c: c == {HATE_CATEGORY}).to_numpy()
    rank = np.where(slur, HATE, np.where(offensive.to_numpy(), OFFENSIVE, NONE))
    table = pd.DataFrame({"lemma": cats.index, "rank": rank})
    table = table[table["rank"] > NONE]
    letters = SCRIPT_OF.get(lang, _LATIN)
    table = table.assign(term=table["lemma"].str.findall(TOKEN).str.join(" "))
    table = table[table["lemma"].str.fullmatch(rf"[{letters}\u0300-\u036F\s'’.\-]+") & table["term"].str.len().ge(3)]
    table = table.sort_values("rank", ascending=False, kind="stable").drop_duplicates("term")
    return {t: (int(r), HATE_TARGET if r == HATE else None) for t, r in zip(table["term"], table["rank"], strict=True)}


@cache
def _load(folder: str) -> Lexicon:
    """The lexicons of ``folder``, through a pickle of them in ``$SCN_HOME/state/lexicons`` keyed by the files'
    names and bytes, the rules' and the platform's code versions and pandas' (reading the files takes about
    0.3-1 s, the pickle a few ms); a damaged copy is read from the files again and rewritten."""
    files = sorted(Path(folder).glob("hurtlex_*.tsv"))
    digest = hashlib.sha256(RULES_VERSION.encode())
    raw = {f: f.read_bytes() for f in files}
    for f in files:
        digest.update(f.name.encode() + raw[f])
    version = f"hurtlex-1.2-{digest.hexdigest()[:10]}"
    key = hashlib.sha256(f"{digest.hexdigest()}:{code_version()}:{pd.__version__}".encode()).hexdigest()[:24]
    copy = paths().home / "state" / "lexicons" / f"{key}.pickle"
    try:
        with open(copy, "rb") as fh:
            held = pickle.load(fh)
        if isinstance(held, Lexicon) and held.version == version and isinstance(held.terms, dict):
            return held
        copy.unlink(missing_ok=True)
    except FileNotFoundError:
        pass
    except Exception:  # noqa: BLE001 - a damaged copy is a cache miss
        copy.unlink(missing_ok=True)
    frames = {f.stem.split("_", 1)[1].lower(): _read_frame(io.BytesIO(raw[f])) for f in files}
    counts = pd.Series([w for frame in frames.values() for w in _slur_only(frame)], dtype=object).value_counts()
    borrowed = set(counts.index[counts.to_numpy() >= BORROWED_SHARE * len(frames)])
    terms = {lang: _read_terms(frame, lang, borrowed) for lang, frame in frames.items()}
    lexicon = Lexicon(version, {k: v for k, v in terms.items() if v})
    if paths().home.is_dir():
        _write_copy(copy, lexicon)
    return lexicon


def _write_copy(copy: Path, obj: object) -> None:
    """Pickle ``obj`` to ``copy`` atomically (a temporary file, then renamed), owner-only; a failure is ignored."""
    tmp = copy.with_name(f".{copy.name}.{os.getpid()}.tmp")
    try:
        copy.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as fh:
            pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, copy)
    except OSError:
        pass
    finally:
        tmp.unlink(missing_ok=True)


def load_lexicon(spec: str | None = None) -> Lexicon | None:
    """The lexicons in ``spec`` or ``$SCN_LEXICONS`` (a folder), else the shipped HurtLex subset; None when off."""
    spec = spec or settings().lexicons or str(_default_dir())
    if spec.strip().lower() in {"none", "off", "0", "false"}:
        return None
    return _load(str(Path(spec).expanduser().resolve()))
