"""Targeted group of a flagged text, from keyword patterns (en, fr, ar); None where nothing matches."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

TARGET_PATTERNS: dict[str, str] = {
    "religion": r"\b(?:muslim|muslims|islam\w*|jew|jews|jewish|kike\w*|christian\w*|musulman\w*|juif\w*|juive\w*)\b"
                r"|مسلم|يهود|مسيحي|نصار",
    "origin": r"\b(?:immigrant\w*|refugee\w*|migrant\w*|illegals?|arab\w*|mexican\w*|african\w*|nigg\w*|negro\w*|"
              r"black\w*|beaner\w*|wetback\w*|chink\w*|paki\w*|réfugié\w*|immigré\w*|noir\w*|bougnoul\w*|"
              r"arabe\w*|rebeu\w*|négre\w*|nègre\w*)\b|لاجئ|عبيد|عبد|أفارقة|سوري|فلسطين",
    "gender": r"\b(?:women|woman|girls?|bitch\w*|hoes?|whores?|cunt\w*|femme\w*|salope\w*|pute\w*)\b"
              r"|نساء|امرأة|مرأة|النسوي|بنات|قحب|شرموط",
    "sexual_orientation": r"\b(?:fag\w*|gay\w*|homo\w*|dyke\w*|queer\w*|lesbian\w*|tranny\w*|pédé\w*|tapette\w*|"
                          r"gouine\w*)\b|شاذ|مثلي|لوطي",
    "disability": r"\b(?:retard\w*|mongoloid\w*|autis\w*|attardé\w*|mongol\w*|débile\w*)\b|معاق|متخلف",
}


_WIDE = re.compile(r"\\b|\\w\*")  # word-boundary assertions and optional word characters
_UNICODE_CLASSES = re.compile(r"\\[bBwWsSdD]")


def _widened(pattern: str) -> str | None:
    """``pattern`` without ``\\b`` and ``\\w*`` (it matches wherever the pattern does), or None when other
    Unicode-dependent classes remain."""
    wide = _WIDE.sub("", pattern)
    return None if _UNICODE_CLASSES.search(wide) else wide


def contains(lowered: pd.Series, pattern: str) -> np.ndarray:
    """``lowered.str.contains(pattern)`` (Python regular expression semantics) as booleans, fast: the widened
    pattern runs first in Arrow's RE2 (no Unicode word classes left, so both engines agree), the exact one only
    on the texts it matches."""
    wide = _widened(pattern)
    if wide is None:
        return lowered.str.contains(pattern, regex=True).to_numpy(dtype=bool)
    out = lowered.str.contains(wide, regex=True).to_numpy(dtype=bool, copy=True)
    if out.any():
        out[out] = lowered[out].str.contains(pattern, regex=True).to_numpy(dtype=bool)
    return out


def detect_targets(texts: pd.Series) -> pd.Series:
    """First matching target group per text (object dtype, None when no pattern matches)."""
    lowered = texts.fillna("").astype(str).str.lower()
    hits = pd.DataFrame({group: contains(lowered, rx) for group, rx in TARGET_PATTERNS.items()},
                        index=texts.index)
    first = hits.idxmax(axis=1)
    return first.where(hits.any(axis=1), None).astype(object)
