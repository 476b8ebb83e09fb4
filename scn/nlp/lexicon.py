"""Lexicon method for languages without a trained model: HurtLex 1.2 (conservative level) term matches.

The lexicon files are separately licensed data (CC BY-NC-SA 4.0, scn/data/hurtlex/README-hurtlex.md), read at
run time and never merged into code. Rules (documented in docs/classifier.md):

- a text containing a lemma of the ethnic-slur category (PS) whose HurtLex entry id is in no other category is
  labelled ``hate`` with target ``origin`` (PS entries that are also listed as, say, cognitive defects are
  insults such as "simpleton", not identity-based slurs);
- else a text containing a lemma of an insult category (CDS derogatory words, DMC moral defects, DDP/DDF
  cognitive/physical disability, ASF/ASM genitalia, PR prostitution, the other PS entries) is ``offensive``;
- else ``none``. Not used: OM (homosexuality: mixes slurs with neutral words such as "gay" and "homosexual",
  which would flag posts that merely mention gay people) and the categories that mostly name neutral things
  (AN animals, OR plants, PA professions, RCI places and demonyms, IS social disadvantage, QAS, RE crime, SVP).

Matching is exact on lower-cased word tokens (single- and multi-word lemmas), after dropping lemmas shorter than
three characters and lemmas not written in the language's script (HurtLex's automatic translation left Chinese or
Tamil words in some lists; English leftovers in Latin-script lists stay and are matched). No accuracy has been
measured: there is no labelled data in these languages.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from scn.settings import settings

HATE_CATEGORY, HATE_TARGET = "ps", "origin"
OFFENSIVE_CATEGORIES = {"cds", "dmc", "ddp", "ddf", "asf", "asm", "pr", "ps"}
LEVELS = ("conservative",)
TOKEN = r"[\w\u0300-\u036F\u0900-\u097F\u0980-\u09FF]+"  # word characters plus Indic/combining marks
_LATIN, _CYRILLIC = "A-Za-z\u00C0-\u024F", "\u0400-\u04FF"
SCRIPT_OF = {"mk": _CYRILLIC, "sr": _LATIN + _CYRILLIC, "bn": "\u0980-\u09FF", "hi": "\u0900-\u097F"}
ALIASES = {"bs": ("hr", "sr"), "sh": ("hr", "sr"), "cnr": ("sr",), "nb": ("no",), "nn": ("no",)}
RULES_VERSION = "2"
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


def _read_terms(path: Path, lang: str) -> dict[str, tuple[int, str | None]]:
    frame = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, quoting=3)
    frame = frame[frame["level"].isin(LEVELS)]
    only_hate = frame["category"].eq(HATE_CATEGORY).groupby(frame["id"]).all()
    slur_ids = set(only_hate.index[only_hate.to_numpy()])  # lemma ids whose every category is the slur category
    frame = frame[frame["category"].isin(OFFENSIVE_CATEGORIES)]
    lemma = frame["lemma"].str.normalize("NFC").str.lower().str.strip()
    letters = SCRIPT_OF.get(lang, _LATIN)
    frame = frame.assign(term=lemma.str.findall(TOKEN).str.join(" "))
    frame = frame[lemma.str.fullmatch(rf"[{letters}\u0300-\u036F\s'’.\-]+") & frame["term"].str.len().ge(3)]
    slur = frame["id"].isin(slur_ids).to_numpy()
    frame = frame.assign(rank=np.where(slur, HATE, OFFENSIVE), target=np.where(slur, HATE_TARGET, None))
    frame = frame.sort_values("rank", ascending=False, kind="stable").drop_duplicates("term")
    return {t: (int(r), None if pd.isna(g) else str(g))
            for t, r, g in zip(frame["term"], frame["rank"], frame["target"], strict=True)}


@cache
def _load(folder: str) -> Lexicon:
    files = sorted(Path(folder).glob("hurtlex_*.tsv"))
    digest = hashlib.sha256(RULES_VERSION.encode())
    terms = {}
    for f in files:
        lang = f.stem.split("_", 1)[1].lower()
        digest.update(f.name.encode() + f.read_bytes())
        terms[lang] = _read_terms(f, lang)
    return Lexicon(f"hurtlex-1.2-{digest.hexdigest()[:10]}", {k: v for k, v in terms.items() if v})


def load_lexicon(spec: str | None = None) -> Lexicon | None:
    """The lexicons in ``spec`` or ``$SCN_LEXICONS`` (a folder), else the shipped HurtLex subset; None when off."""
    spec = spec or settings().lexicons or str(_default_dir())
    if spec.strip().lower() in {"none", "off", "0", "false"}:
        return None
    return _load(str(Path(spec).expanduser().resolve()))
