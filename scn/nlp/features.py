"""Text features of the default classifier (importable so pickled pipelines can find them)."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from scn.nlp.normal import normal_text, normal_texts  # noqa: F401  (re-exported)

_URL = re.compile(r"https?://\S+|@url\b")
_MENTION = re.compile(r"@\w+")
_SPACE = re.compile(r"\s+")
# Arabic: harakat and Quranic marks, superscript alef, tatweel; letter variants folded to one form
_AR_MARKS = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]")
_AR_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "ء", "ئ": "ء"})
_REPEAT = re.compile(r"(.)\1{2,}")
# word tokens: words of one or more letters, plus single symbols (emoji, punctuation) as their own tokens
WORD_TOKENS = r"(?u)\b\w+\b|[^\w\s]"





def normalise(text: str) -> str:
    """Lower-case, replace URLs and user mentions by placeholders, squeeze white space."""
    text = _URL.sub(" URL ", str(text).lower().replace("&amp;", "&"))
    return _SPACE.sub(" ", _MENTION.sub(" @user ", text)).strip()


def normalise_ar(text: str) -> str:
    """``normalise`` plus Arabic folding: drop diacritics and tatweel, unify alef / yaa / taa marbuta / hamza
    carriers, squeeze letters repeated three or more times to two (e.g. elongated "هههههه")."""
    text = _AR_MARKS.sub("", normalise(text)).translate(_AR_FOLD)
    return _REPEAT.sub(r"\1\1", text)


def word_char_features(max_word: int = 30_000, max_char: int = 60_000,
                       preprocessor: Callable[[str], str] = normalise,
                       token_pattern: str = WORD_TOKENS) -> FeatureUnion:
    """Word 1-2-gram and character (within word) 2-5-gram TF-IDF (sublinear), side by side."""
    return FeatureUnion([
        ("word", TfidfVectorizer(preprocessor=preprocessor, ngram_range=(1, 2), min_df=2, sublinear_tf=True,
                                 max_features=max_word, token_pattern=token_pattern, dtype=np.float32)),
        ("char", TfidfVectorizer(preprocessor=preprocessor, analyzer="char_wb", ngram_range=(2, 5), min_df=2,
                                 sublinear_tf=True, max_features=max_char, dtype=np.float32)),
    ])


def char_baseline_features() -> TfidfVectorizer:
    """The acceptance baseline: character 2-5-gram TF-IDF."""
    return TfidfVectorizer(analyzer="char", ngram_range=(2, 5), min_df=2, dtype="float32")
