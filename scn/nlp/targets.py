"""Targeted group of a flagged text, from keyword patterns (en, fr, ar); None where nothing matches.

The patterns run on ``normalised`` text (lower-cased, NFKC, format characters dropped, Arabic folded by
scn.nlp.features.normalise_ar: no diacritics or tatweel, one alef / yaa / taa marbuta / hamza form), so they are
spelt in that folded form (``لاجء`` for لاجئ, ``افارقه`` for أفارقة). Words match whole: Latin ones on word
boundaries, Arabic ones as whole tokens with the usual clitic prefixes (و ف, ب ك ل, ال / لل) and inflection
suffixes (``arabic_words``) — so ``عبدالله`` is not ``عبد`` and ``فلسطين`` (the country) is not ``فلسطيني``.
Prefix patterns exclude their common non-group senses: Blackpool / blackboard (only ``black`` / ``blacks``),
Noirmoutier (only ``noir(e)s``), Pakistan (``pakis``, ``pakistanis``), Islamabad, Arabic / Arabia, negroni,
niggard(ly), Mongolia, homogeneous, French ``en retard`` (late). ``niger`` (the river, the country) is no pattern;
the colour senses of ``black`` / ``noir`` cannot be told apart by a pattern and stay (a target is only looked for
in texts already flagged; the dehumanisation rule of scn.nlp.rules asks for the plural noun).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from scn.nlp.features import normalise_ar

AR_PREFIX = r"(?:[وف]?(?:[بكل]?ال|لل|[بكل])?)"
AR_SUFFIX = r"(?:ين|ون|ات|ان|يين|يون|يات|يه|ي|ه|ها|هم|هن|كم|نا)?"


def arabic_words(stems: str, suffix: str = AR_SUFFIX) -> str:
    """Whole Arabic tokens: a clitic prefix, one of ``stems`` (an alternation, folded spelling), a suffix."""
    return rf"(?<!\w){AR_PREFIX}(?:{stems}){suffix}(?!\w)"


def latin_words(words: str) -> str:
    return rf"\b(?:{words})\b"


# per group: its Latin and its Arabic pattern (matched apart: each is simpler, the Arabic one skips Latin texts)
TARGET_PARTS: dict[str, tuple[str, ...]] = {
    "religion": (latin_words(r"muslims?|moslems?|islam(?!abad)\w*|jews?|jewish|kikes?|christians?|christianity|"
                            r"musulman\w*|juif\w*|juive\w*|islamistes?"),
                arabic_words(r"مسلم|يهود|مسيحي|نصاري|نصراني")),
    "origin": (latin_words(r"immigrant\w*|refugee\w*|migrant\w*|illegals?|arabs?|mexicans?|africans?|"
                          r"nigg(?!ard)\w*|negro(?:es|s)?|blacks?|beaners?|wetbacks?|chinks?|pakis?|pakistanis?|"
                          r"réfugié\w*|immigré\w*|noire?s?|bougnoul\w*|arabes?|rebeu\w*|négre\w*|nègre\w*"),
              arabic_words(r"لاجء|عبيد|افارقه|افريقي|سوري|فلسطيني") + r"|(?<!\w)(?:يا ?|ال)?عبد(?!\w)(?! ال)"),
    "gender": (latin_words(r"women|woman|girls?|bitch\w*|hoes?|whores?|cunt\w*|femme\w*|salope\w*|pute\w*"),
              arabic_words(r"نساء|امراه|مراه|نسوي|بنات|قحب|قحبه|شرموط|شرموطه")),
    "sexual_orientation": (latin_words(r"fag\w*|gay\w*|homos?|homosexu\w*|homophob\w*|dykes?|queer\w*|lesbian\w*|"
                                      r"tranny\w*|trannies|pédé\w*|tapette\w*|gouine\w*"),
                          arabic_words(r"شاذ|شواذ|لوطي|مثليين|مثليون|مثليه|المثلي")),
    "disability": (latin_words(r"retarded|retards|(?<!en |du |le |un |de |ce )retard|mongoloid\w*|mongols?|"
                              r"mongolien\w*|autis\w*|attardé\w*|débile\w*"),
                  arabic_words(r"معاق|متخلف")),
}
TARGET_PATTERNS: dict[str, str] = {group: "|".join(parts) for group, parts in TARGET_PARTS.items()}

_FORMAT = r"[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]"  # soft hyphen, ZW*, bidi marks
_ARABIC = r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]"
# characters NFKC changes that matter here: combining marks (decomposed letters), Arabic presentation forms,
# ligatures, full-width and mathematical letters, enclosed letters; and the format characters
_COMPAT = (r"[\u0300-\u036f\u0653-\u0655\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2100-\u214f"
           r"\u2460-\u24ff\ufb00-\ufdff\ufe70-\ufeff\uff00-\uffef\U0001d400-\U0001d7ff\U0001f130-\U0001f189]")
_URL = r"https?://[^ \t\n\r\x0b\x0c\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+"


def normalised(texts: pd.Series) -> pd.Series:
    """Text as the patterns read it (string dtype): lower-cased, NFKC (texts holding characters it changes that
    matter: ``_COMPAT``), format characters dropped, URLs as `` URL ``; texts holding Arabic letters through
    ``scn.nlp.features.normalise_ar``, the model's own Arabic normaliser (the only per-text call, on those
    texts only)."""
    return normalised_with_script(texts)[0]


def normalised_with_script(texts: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """``normalised(texts)`` and which texts hold Arabic letters."""
    text = pd.Series(texts, dtype=object).fillna("").astype(str).str.lower()
    arabic = np.zeros(len(text), dtype=bool)
    wide = np.flatnonzero(text.str.contains(r"[^\x00-\x7f]", regex=True).to_numpy(dtype=bool))
    if len(wide):
        part = text.iloc[wide]
        compat = part.str.contains(_COMPAT, regex=True).to_numpy(dtype=bool)
        if compat.any():
            text.iloc[wide[compat]] = (part[compat].str.normalize("NFKC").str.replace(_FORMAT, "", regex=True)
                                       .str.lower().to_numpy())
        arabic[wide] = text.iloc[wide].str.contains(_ARABIC, regex=True).to_numpy(dtype=bool)
    url = text.str.contains("http", regex=False).to_numpy(dtype=bool)
    if url.any():
        text[url] = text[url].str.replace(_URL, " URL ", regex=True)
    if arabic.any():
        text[arabic] = text[arabic].map(normalise_ar)
    return text, arabic


_WIDE = re.compile(r"\\b|\\w\*|\(\?<?[!=][^()]*\)")  # word boundaries, optional word characters, look-arounds
_UNICODE_CLASSES = re.compile(r"\\[bBwWsSdD]|\(\?<?[!=]")


def _widened(pattern: str) -> str | None:
    """``pattern`` without ``\\b``, ``\\w*``, look-arounds and the optional Arabic clitics (it matches wherever
    the pattern does), or None when other Unicode-dependent classes remain."""
    wide = _WIDE.sub("", pattern.replace(AR_PREFIX, "").replace(AR_SUFFIX, ""))
    return None if _UNICODE_CLASSES.search(wide) else wide


def contains(lowered: pd.Series, pattern: str | tuple[str, ...]) -> np.ndarray:
    """``lowered.str.contains(pattern)`` (Python regular expression semantics) as booleans, fast: the widened
    pattern runs first in Arrow's RE2 (no Unicode word classes left, so both engines agree), the exact one only
    on the texts it matches. A tuple of patterns: any of them (each run this way)."""
    if isinstance(pattern, tuple):
        out = np.zeros(len(lowered), dtype=bool)
        for part in pattern:
            out |= contains(lowered, part)
        return out
    wide = _widened(pattern)
    if wide is None:
        return lowered.str.contains(pattern, regex=True).to_numpy(dtype=bool)
    out = lowered.str.contains(wide, regex=True).to_numpy(dtype=bool, copy=True)
    if out.any():
        out[out] = lowered[out].str.contains(pattern, regex=True).to_numpy(dtype=bool)
    return out


def detect_targets(texts: pd.Series) -> pd.Series:
    """First matching target group per text (object dtype, None when no pattern matches)."""
    lowered, arabic = normalised_with_script(texts)
    hits = pd.DataFrame({group: contains(lowered, parts[0]) for group, parts in TARGET_PARTS.items()},
                        index=texts.index)
    if arabic.any():
        rows = np.flatnonzero(arabic)
        for group, parts in TARGET_PARTS.items():
            hits.iloc[rows, hits.columns.get_loc(group)] |= contains(lowered.iloc[rows], parts[1])
    first = hits.idxmax(axis=1)
    return first.where(hits.any(axis=1), None).astype(object)
