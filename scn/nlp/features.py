"""Text features of the default classifier (importable so pickled pipelines can find them)."""

from __future__ import annotations

import re

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

_URL = re.compile(r"https?://\S+|@url\b")
_MENTION = re.compile(r"@\w+")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Lower-case, replace URLs and user mentions by placeholders, squeeze white space."""
    text = _URL.sub(" URL ", str(text).lower().replace("&amp;", "&"))
    return _SPACE.sub(" ", _MENTION.sub(" @user ", text)).strip()


def word_char_features(max_word: int = 30_000, max_char: int = 60_000) -> FeatureUnion:
    """Word 1-2-gram and character 2-5-gram TF-IDF (sublinear), side by side."""
    return FeatureUnion([
        ("word", TfidfVectorizer(preprocessor=normalise, ngram_range=(1, 2), min_df=2, sublinear_tf=True,
                                 max_features=max_word, dtype="float32")),
        ("char", TfidfVectorizer(preprocessor=normalise, analyzer="char_wb", ngram_range=(2, 5), min_df=2,
                                 sublinear_tf=True, max_features=max_char, dtype="float32")),
    ])


def char_baseline_features() -> TfidfVectorizer:
    """The acceptance baseline: character 2-5-gram TF-IDF."""
    return TfidfVectorizer(analyzer="char", ngram_range=(2, 5), min_df=2, dtype="float32")
