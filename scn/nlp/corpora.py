"""The labelled corpora behind the default classifier: sources, label mapping, and the fixed train/test split
shipped in ``scn/data/labelled_splits.csv.gz`` (built by ``scripts/train_classifier.py --build-splits``).

Every figure of the model card is per language x source, measured on that split's ``test`` rows; the training
script and the tests read the same file, so the split cannot drift with a library version.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

SPLIT_FILE = "labelled_splits.csv.gz"
SPLIT_SEED = 13
TEST_SHARE = 0.2
# source -> platform the texts come from (the city page shows a source's figure only for posts of that platform)
SOURCES = {"davidson2017": {"platform": "x", "langs": ("en",), "title": "Davidson et al. 2017 (MIT)"},
           "mlma2019": {"platform": "x", "langs": ("en", "fr", "ar"), "title": "MLMA, Ousidhoum et al. 2019 (MIT)"}}
_MENTION = re.compile(r"@\w+")
_URL = re.compile(r"https?://\S+")


def scrub(texts: pd.Series) -> pd.Series:
    """User handles -> ``@user`` and links -> ``URL`` (what the shipped split file holds: no handles)."""
    return texts.astype(str).str.replace(_URL, "URL", regex=True).str.replace(_MENTION, "@user", regex=True)


def read_sources(src: Path) -> pd.DataFrame:
    """The raw labelled sets as (lang, source, label, fine, text), deduplicated on the normalised text.

    Mapping (scn/data/README.md): Davidson class 0/1/2 -> hate/offensive/none; MLMA any ``hateful`` -> hate,
    ``normal`` alone -> none, else offensive. ``fine`` splits MLMA's offensive class by its sentiment labels
    (offensive:normal, offensive:abusive, offensive:offensive, offensive:other) for the grouped classifier.
    """
    from scn.nlp.features import normalise

    dav = pd.read_csv(src / "davidson2017_en.csv")
    label = dav["class"].map({0: "hate", 1: "offensive", 2: "none"})
    frames = [pd.DataFrame({"lang": "en", "source": "davidson2017", "label": label, "fine": label,
                            "text": dav["tweet"].astype(str)})]
    for lang in SOURCES["mlma2019"]["langs"]:
        m = pd.read_csv(src / f"mlma2019_{lang}.csv")
        sentiment = m["sentiment"].fillna("")
        parts = sentiment.str.split("_")
        label = np.where(sentiment.str.contains("hateful"), "hate",
                         np.where(parts.map(lambda p: p == ["normal"]), "none", "offensive"))
        fine = np.select([parts.map(lambda p: "normal" in p), parts.map(lambda p: "abusive" in p),
                          parts.map(lambda p: "offensive" in p)], ["normal", "abusive", "offensive"], "other")
        frames.append(pd.DataFrame({"lang": lang, "source": "mlma2019", "label": label,
                                    "fine": np.where(label == "offensive", np.char.add("offensive:", fine), label),
                                    "text": m["tweet"].astype(str)}))
    out = pd.concat(frames, ignore_index=True)
    out["text"] = scrub(out["text"])
    key = out["text"].map(normalise)
    return out[key.str.len() > 3].loc[lambda d: ~key[d.index].duplicated()].reset_index(drop=True)


def assign_split(df: pd.DataFrame, seed: int = SPLIT_SEED, test_share: float = TEST_SHARE) -> pd.Series:
    """``train``/``test`` per row: per language, stratified by source and label, ``test_share`` held out."""
    from sklearn.model_selection import train_test_split

    split = pd.Series("train", index=df.index, dtype=object)
    for _, part in df.groupby("lang"):
        _, test = train_test_split(part.index, test_size=test_share, random_state=seed,
                                   stratify=part["source"] + ":" + part["label"])
        split[test] = "test"
    return split


def split_path() -> Path:
    return Path(__file__).resolve().parents[1] / "data" / SPLIT_FILE


def load_splits(path: Path | None = None) -> pd.DataFrame:
    """The shipped labelled split: lang, source, split (train|test), label, fine, text."""
    return pd.read_csv(path or split_path(), dtype=str, keep_default_na=False)


def platform_of(source: str) -> str | None:
    """The platform a labelled source's texts come from (``x`` for the Twitter sets)."""
    return SOURCES.get(source, {}).get("platform")
