"""Stand-in language detection (script + stop words) used only while scn.langid is not available."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

_SCRIPTS = {"ar": r"[\u0600-\u06FF]", "ja": r"[\u3040-\u30FF]", "zh": r"[\u4E00-\u9FFF]",
            "ko": r"[\uAC00-\uD7AF]", "ru": r"[\u0400-\u04FF]", "bn": r"[\u0980-\u09FF]", "hi": r"[\u0900-\u097F]"}
_WORDS = {"en": r"\b(?:the|and|is|you|to|of|that|this|are|it)\b",
          "fr": r"\b(?:le|la|les|et|est|des|une|pas|que|je|c'est|vous)\b",
          "sw": r"\b(?:na|ya|wa|kwa|ni|za|hii|sana|watu)\b"}


def detect_languages(texts: Sequence[str | None]) -> list[str | None]:
    """ISO 639-1 guess per text (None when empty); vectorised regex counts."""
    s = pd.Series(list(texts), dtype="string").fillna("")
    counts = pd.DataFrame({lang: s.str.count(rx) for lang, rx in {**_SCRIPTS, **_WORDS}.items()})
    scripts = counts[list(_SCRIPTS)]
    words = counts[list(_WORDS)]
    lang = scripts.idxmax(axis=1).where(scripts.max(axis=1) > 0, words.idxmax(axis=1))
    lang = lang.where((scripts.max(axis=1) > 0) | (words.max(axis=1) > 0), "en")
    return [None if not t.strip() else v for t, v in zip(s, lang, strict=True)]
