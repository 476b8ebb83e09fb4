"""Language identification for short social texts (ISO 639-1), offline.

Scripts decide where they are unambiguous (Bengali -> bn, Hangul -> ko, ...); Arabic script is Arabic unless it
holds Urdu- or Persian-only letters; Latin and Cyrillic texts go to py3langid (model bundled in the wheel),
restricted to the languages of the network's cities so that short texts are not labelled with rare languages.
Texts without letters (emoji, links, numbers only) get ``None``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np
import pandas as pd

# script -> (regex of its letters, language when the script alone decides it, or None)
SCRIPTS: dict[str, tuple[str, str | None]] = {
    "latin": (r"[A-Za-z\u00C0-\u024F]", None),
    "arabic": (r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]", "ar"),
    "cyrillic": (r"[\u0400-\u04FF]", None),
    "bengali": (r"[\u0980-\u09FF]", "bn"),
    "devanagari": (r"[\u0900-\u097F]", "hi"),
    "gurmukhi": (r"[\u0A00-\u0A7F]", "pa"),
    "gujarati": (r"[\u0A80-\u0AFF]", "gu"),
    "tamil": (r"[\u0B80-\u0BFF]", "ta"),
    "sinhala": (r"[\u0D80-\u0DFF]", "si"),
    "thai": (r"[\u0E00-\u0E7F]", "th"),
    "myanmar": (r"[\u1000-\u109F]", "my"),
    "georgian": (r"[\u10A0-\u10FF]", "ka"),
    "ethiopic": (r"[\u1200-\u137F]", "am"),
    "khmer": (r"[\u1780-\u17FF]", "km"),
    "greek": (r"[\u0370-\u03FF]", "el"),
    "armenian": (r"[\u0530-\u058F]", "hy"),
    "hebrew": (r"[\u0590-\u05FF]", "he"),
    "kana": (r"[\u3040-\u30FF]", "ja"),
    "hangul": (r"[\uAC00-\uD7AF\u1100-\u11FF]", "ko"),
    "han": (r"[\u4E00-\u9FFF]", "zh"),
}
URDU_LETTERS = r"[\u0679\u0688\u0691\u06BA\u06BE\u06C1\u06D2\u06D3]"  # ٹ ڈ ڑ ں ھ ہ ے ۓ
PERSIAN_LETTERS = r"[\u067E\u0686\u0698\u06AF\u06A9\u06CC]"  # پ چ ژ گ ک ی
LATIN_LANGS = ["en", "fr", "es", "pt", "de", "it", "nl", "sv", "da", "no", "fi", "pl", "cs", "sk", "sl", "hr",
               "ro", "hu", "tr", "sq", "sw", "id", "ms", "tl", "az", "et", "lv", "lt", "is", "ga", "mt", "ca",
               "eu", "gl", "bs", "sr", "mk", "af", "xh", "zu", "rw", "vi", "uz"]
CYRILLIC_LANGS = ["ru", "uk", "bg", "mk", "sr", "be", "kk", "ky", "mn"]
NOISE = r"https?://\S+|www\.\S+|@\w+|#|\d+"
FALLBACK_WORDS = {"en": r"\b(?:the|and|is|you|to|of|that|this|are|it)\b",
                  "fr": r"\b(?:le|la|les|et|est|des|une|pas|que|je|vous)\b",
                  "es": r"\b(?:el|los|las|y|es|que|una|por|para|con)\b",
                  "sw": r"\b(?:na|ya|wa|kwa|ni|za|hii|sana|watu)\b"}


@cache
def _identifier(langs: tuple[str, ...]):
    """A py3langid identifier restricted to ``langs`` (None when the package is not installed)."""
    try:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier
    except ImportError:
        return None
    ident = LanguageIdentifier.from_model_file(MODEL_FILE)
    ident.set_languages([lang for lang in langs if lang in ident.nb_classes])
    return ident


def _classify(texts: pd.Series, langs: list[str]) -> pd.Series:
    """py3langid on each distinct text (or stop-word counts when py3langid is absent)."""
    ident = _identifier(tuple(langs))
    uniq = pd.Series(texts.unique())
    if ident is None:
        counts = pd.DataFrame({k: uniq.str.lower().str.count(rx) for k, rx in FALLBACK_WORDS.items()})
        guess = counts.idxmax(axis=1).where(counts.max(axis=1) > 0)
    else:
        guess = pd.Series([ident.classify(t)[0] for t in uniq], dtype="object")  # one library call per text
    return texts.map(dict(zip(uniq, guess, strict=True)))


def detect_languages(texts: Sequence[str | None]) -> list[str | None]:
    """ISO 639-1 code per text (None for empty texts or texts without letters)."""
    s = pd.Series(list(texts), dtype="string").fillna("")
    clean = s.str.replace(NOISE, " ", regex=True)
    counts = pd.DataFrame({name: clean.str.count(rx) for name, (rx, _) in SCRIPTS.items()}).astype("int64")
    has_letters = counts.sum(axis=1) > 0
    script = counts.idxmax(axis=1)
    fixed = {name: lang for name, (_, lang) in SCRIPTS.items() if lang}
    out = script.map(fixed).astype("object")
    arabic = script == "arabic"
    if arabic.any():
        a = clean[arabic]
        out[arabic] = np.where(a.str.contains(URDU_LETTERS), "ur",
                               np.where(a.str.contains(PERSIAN_LETTERS), "fa", "ar"))
    for name, langs in (("latin", LATIN_LANGS), ("cyrillic", CYRILLIC_LANGS)):
        mask = (script == name) & has_letters
        if mask.any():
            out[mask] = _classify(clean[mask].str.strip(), langs).to_numpy()
    out = out.where(has_letters, None)
    return [None if pd.isna(v) else str(v) for v in out]
