"""Targeted group of a flagged text, from keyword patterns (en, fr, ar); None where nothing matches."""

from __future__ import annotations

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


def detect_targets(texts: pd.Series) -> pd.Series:
    """First matching target group per text (object dtype, None when no pattern matches)."""
    lowered = texts.fillna("").astype(str).str.lower()
    hits = pd.DataFrame({group: lowered.str.contains(rx, regex=True) for group, rx in TARGET_PATTERNS.items()},
                        index=texts.index)
    first = hits.idxmax(axis=1)
    return first.where(hits.any(axis=1), None).astype(object)
