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
import unicodedata
from collections.abc import Sequence
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from scn.nlp.features import _AR_FOLD, _AR_MARKS, _REPEAT, normalise_ar

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
# white space as Python's str.isspace() and re's \s read it (RE2's \s is ASCII only)
_WHITE_SPACE = r" \t\n\r\x0b\x0c\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_URL = rf"https?://[^{_WHITE_SPACE}]+"
_STRING = pd.StringDtype("pyarrow", na_value=np.nan)  # what pandas' ``astype(str)`` gives: Arrow strings


def _re2(pattern: str) -> str:
    """``pattern`` with Python's ``\\uXXXX`` / ``\\UXXXXXXXX`` escapes spelt the RE2 way (``\\x{...}``)."""
    return re.sub(r"\\[uU]([0-9a-fA-F]{4,8})", lambda m: rf"\x{{{m[1].lstrip('0') or '0'}}}", pattern)


_COMPAT_RE2, _FORMAT_RE2, _ARABIC_RE2, _URL_RE2 = (_re2(p) for p in (_COMPAT, _FORMAT, _ARABIC, _URL))


def normalised(texts: pd.Series) -> pd.Series:
    """Text as the patterns read it (string dtype): lower-cased, NFKC (texts holding characters it changes that
    matter: ``_COMPAT``), format characters dropped, URLs as `` URL ``; texts holding Arabic letters through
    ``scn.nlp.features.normalise_ar``, the model's own Arabic normaliser."""
    return normalised_with_script(texts)[0]


def normalised_with_script(texts: pd.Series | Sequence[str | None]) -> tuple[pd.Series, np.ndarray]:
    """``normalised(texts)`` and which texts hold Arabic letters. Vectorised in Arrow; Python only for the NFKC of
    the texts that need it and for the Arabic texts ``_fold_arabic`` cannot fold in Arrow (the same texts as
    the per-text definition: tests/nlp/test_pattern_text.py)."""
    text = strings(texts)
    arr = pc.utf8_lower(arrow_strings(text))  # Arrow's lower-casing (one code point each), as pandas' .str.lower()
    arabic = np.zeros(len(arr), dtype=bool)
    wide = pc.invert(pc.string_is_ascii(arr))
    if pc.any(wide).as_py():
        part = arr.filter(wide)
        compat = pc.match_substring_regex(part, _COMPAT_RE2)
        if pc.any(compat).as_py():
            nfkc = [unicodedata.normalize("NFKC", t) for t in part.filter(compat).to_pylist()]  # as pandas does
            nfkc = pc.replace_substring_regex(pa.array(nfkc, pa.large_string()), _FORMAT_RE2, "")
            part = pc.replace_with_mask(part, compat, pc.utf8_lower(nfkc))
        arabic[np.flatnonzero(bools(wide))] = bools(pc.match_substring_regex(part, _ARABIC_RE2))
        arr = pc.replace_with_mask(arr, wide, part)
    url = pc.match_substring_regex(arr, "http")  # RE2 finds a literal faster than match_substring
    if pc.any(url).as_py():
        arr = pc.replace_with_mask(arr, url, pc.replace_substring_regex(arr.filter(url), _URL_RE2, " URL "))
    if arabic.any():
        mask = pa.array(arabic)
        arr = pc.replace_with_mask(arr, mask, _fold_arabic(arr.filter(mask)))
    return pd.Series(arr, dtype=_STRING, index=text.index), arabic


def strings(texts: pd.Series | Sequence[str | None]) -> pd.Series:
    """``pd.Series(texts, dtype=object).fillna("").astype(str)`` (pandas' Arrow-backed ``str`` dtype): missing
    values "", other values ``str(value)``; built in Arrow when the values are strings or None."""
    if isinstance(texts, pd.Series) and texts.dtype == _STRING and arrow_strings(texts).null_count == 0:
        return texts
    index = texts.index if isinstance(texts, pd.Series) else None
    arr = string_array(texts.to_numpy(dtype=object) if index is not None else list(texts))
    if arr is None:
        return pd.Series(texts, dtype=object).fillna("").astype(str)
    return pd.Series(arr, dtype=_STRING, index=index)


def string_array(values: Sequence[str | None] | np.ndarray) -> pa.Array | None:
    """``values`` as an Arrow string array, None as "", when they are all str or None (else None: other values,
    NaN, lone surrogates)."""
    if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
        return None
    try:
        return pc.fill_null(pa.array(values, pa.large_string()), "")
    except (pa.ArrowException, UnicodeEncodeError):
        return None


# scn.nlp.features.normalise_ar in Arrow, for texts already through the steps above (lower-cased, URLs replaced):
# lower-case (only the " URL " placeholders change), "&amp;", "@url", mentions, white space, marks, letter folds.
# Python's \w in a mention is Unicode: texts where a mention's ASCII word characters run into a non-ASCII character
# go through normalise_ar itself.
_MENTION_NOT_ASCII = r"@[A-Za-z0-9_]*[^\x00-\x7f]"
_AR_MARKS_RE2 = _re2(_AR_MARKS.pattern)
_SPACES = _re2(rf"[{_WHITE_SPACE}]{{2,}}|[{_WHITE_SPACE.removeprefix(' ')}]")  # what \s+ -> " " changes
def _fold_table() -> np.ndarray:
    """Two UTF-8 bytes (big-endian) -> the two bytes ``_AR_FOLD`` makes of them (each fold: a two-byte letter to a
    two-byte letter; its lead byte never occurs inside another character, so every match is that letter)."""
    table = np.arange(1 << 16, dtype=np.uint16)
    for a, b in _AR_FOLD.items():
        old, new = chr(a).encode(), b.encode()
        if not (len(old) == len(new) == 2 and 0xc2 <= old[0] <= 0xdf):
            raise ValueError(f"_AR_FOLD: {chr(a)!r} -> {b!r} is not a two-byte letter to a two-byte letter")
        table[int.from_bytes(old, "big")] = int.from_bytes(new, "big")
    return table


_AR_FOLD_BYTES = _fold_table()


def _fold_letters(arr: pa.Array) -> pa.Array:
    """``text.translate(_AR_FOLD)`` per text (``arr``: no nulls), on the bytes."""
    _, offsets, data = arr.buffers()
    b = np.frombuffer(data, dtype=np.uint8).copy() if data is not None else np.zeros(0, np.uint8)
    pair = (b[:-1].astype(np.uint16) << 8) | b[1:]  # a text never ends inside a character: no pair spans two
    at = np.flatnonzero(_AR_FOLD_BYTES[pair] != pair)
    if not len(at):
        return arr
    new = _AR_FOLD_BYTES[pair[at]]
    b[at], b[at + 1] = (new >> 8).astype(np.uint8), (new & 0xff).astype(np.uint8)
    return pa.Array.from_buffers(arr.type, len(arr), [None, offsets, pa.py_buffer(b)], offset=arr.offset)


def _fold_arabic(arr: pa.Array) -> pa.Array:
    """``[normalise_ar(t) for t in arr]`` (``arr``: lower-cased texts, URLs replaced), in Arrow but for texts
    holding a mention that runs into a non-ASCII character, and the squeeze of letters repeated three times or
    more (RE2 has no back-references: Python's ``(.)\\1{2,}`` runs on the texts ``_repeats`` cannot rule out)."""
    out = pc.replace_substring(pc.utf8_lower(arr), "&amp;", "&")
    plain = bools(pc.match_substring_regex(out, _MENTION_NOT_ASCII))
    out = pc.replace_substring_regex(out, r"@url\b", " URL ")  # the following character is ASCII: RE2's \b is
    out = pc.replace_substring_regex(out, r"@[A-Za-z0-9_]+", " @user ")  # Python's; and so is \w+ here
    out = pc.utf8_trim(pc.replace_substring_regex(out, _SPACES, " "), " ")
    out = _fold_letters(pc.replace_substring_regex(out, _AR_MARKS_RE2, ""))
    redo = plain | _repeats(out)
    if not redo.any():
        return out
    mask = pa.array(redo)
    texts = [normalise_ar(t) if p else _REPEAT.sub(r"\1\1", f) for t, f, p in
             zip(arr.filter(mask).to_pylist(), out.filter(mask).to_pylist(), plain[redo], strict=True)]
    return pc.replace_with_mask(out, mask, pa.array(texts, pa.large_string()))


def _repeats(arr: pa.Array) -> np.ndarray:
    """Per text (``arr``: no nulls): may hold a character three times in a row (False: it certainly does not). A
    character of k UTF-8 bytes thrice is a run of k byte positions j with byte j = byte j+k = byte j+2k."""
    _, offsets, data = arr.buffers()
    offsets = np.frombuffer(offsets, dtype=np.int64)[arr.offset:arr.offset + len(arr) + 1]
    b = np.frombuffer(data, dtype=np.uint8)[:offsets[-1]] if data is not None else np.zeros(0, np.uint8)
    hit = np.zeros(len(b), dtype=bool)
    for k in range(1, 5):
        if len(b) < 3 * k:
            break
        same = (b[:-2 * k] == b[k:-k]) & (b[:-2 * k] == b[2 * k:])
        run = same[:len(same) - k + 1].copy()
        for i in range(1, k):
            run &= same[i:len(same) - k + 1 + i]
        hit[:len(run)] |= run
    out = np.zeros(len(arr), dtype=bool)
    out[np.searchsorted(offsets, np.flatnonzero(hit), side="right") - 1] = True  # a run from one text into the
    return out  # next counts for the first: one text more to check


def arrow_strings(texts: pd.Series | pa.Array | pa.ChunkedArray) -> pa.Array:
    """``texts`` as one Arrow string array (no copy for Arrow-backed Series)."""
    arr = texts if isinstance(texts, pa.Array | pa.ChunkedArray) else pa.array(texts.astype(str), pa.large_string())
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def bools(mask: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """An Arrow boolean array without nulls as a writable numpy array."""
    return mask.to_numpy(zero_copy_only=False).astype(bool, copy=True)


_WIDE = re.compile(r"\\b|\\w\*|\(\?<?[!=][^()]*\)")  # word boundaries, optional word characters, look-arounds
_UNICODE_CLASSES = re.compile(r"\\[bBwWsSdD]|\(\?<?[!=]")
_LOOK = re.compile(r"\(\?<?[!=][^()]*\)")
# what RE2 lacks or reads otherwise than Python's re even in ASCII text (\s: not \x0b \x1c-\x1f; $: not before a
# final newline; {,n}: a literal)
_NOT_RE2 = re.compile(r"\\[sSZuUN1-9]|\(\?[<>#!=]|\$|\{,")
_NEVER = r"[^\x00-\x{10FFFF}]"  # an atom that matches nothing


def _widened(pattern: str) -> str | None:
    """``pattern`` without ``\\b``, ``\\w*``, look-arounds and the optional Arabic clitics (it matches wherever
    the pattern does), or None when other Unicode-dependent classes remain."""
    # ``\w*`` may stand before more of the pattern ("contrôl\w* les"): ``.*`` (no ``\w`` is a newline) keeps it a
    # superset there; dropping it only does at the end of an alternative
    wide = _WIDE.sub("", pattern.replace(AR_PREFIX, "").replace(AR_SUFFIX, "").replace(r"\w*", ".*"))
    return None if _UNICODE_CLASSES.search(wide) else wide


def _re2_ok(pattern: str | None) -> str | None:
    """``pattern`` if RE2 compiles it, else None."""
    if pattern is None:
        return None
    try:
        pc.match_substring_regex(pa.array([""]), pattern)
    except pa.ArrowInvalid:
        return None
    return pattern


@cache
def _forms(pattern: str) -> tuple[str | None, str | None, str | None]:
    """RE2 forms of ``pattern``: widened (matches wherever it does, in any text), and for ASCII texts, where RE2's
    ``\\b`` and ``\\w`` are Python's, ``below`` / ``above``: its look-arounds made to fail / to hold (texts
    ``below`` matches match it, texts ``above`` does not match do not); None where RE2 cannot stand in."""
    above, below = _LOOK.sub("", pattern), _LOOK.sub(lambda m: _NEVER, pattern)
    if _NOT_RE2.search(above) or _re2_ok(above) is None or _re2_ok(below) is None:
        above = below = None
    return _re2_ok(_widened(pattern)), below, above


@cache
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def _search(arr: pa.Array, pattern: str) -> np.ndarray:
    """Python's ``re.search(pattern)`` per text (the exact semantics, on the texts RE2 left undecided)."""
    search = _compiled(pattern).search
    return np.fromiter((search(t) is not None for t in arr.to_pylist()), dtype=bool, count=len(arr))


def _match(arr: pa.Array, pattern: str, rows: np.ndarray) -> np.ndarray:
    """``pattern`` (RE2) matches, on the texts ``rows`` (a mask; False elsewhere)."""
    if rows.all():
        return bools(pc.match_substring_regex(arr, pattern))
    out = np.zeros(len(arr), dtype=bool)
    if rows.mean() > 0.5:  # matching the texts left out costs less than copying the others
        return bools(pc.match_substring_regex(arr, pattern)) & rows
    if rows.any():
        out[rows] = bools(pc.match_substring_regex(arr.filter(pa.array(rows)), pattern))
    return out


def contains(lowered: pd.Series | pa.Array, pattern: str | tuple[str, ...],
             is_ascii: np.ndarray | None = None) -> np.ndarray:
    """``lowered.str.contains(pattern)`` (Python regular expression semantics) as booleans, fast: ASCII texts in
    Arrow's RE2 (``_forms``), other texts through the widened pattern in RE2 first, the exact one only on the texts
    it matches; Python's re only where RE2 cannot decide. ``is_ascii``: which texts are ASCII, when known. A tuple
    of patterns: any of them."""
    arr = arrow_strings(lowered)
    if isinstance(pattern, tuple):
        out = np.zeros(len(arr), dtype=bool)
        for part in pattern:
            out |= contains(arr, part, is_ascii)
        return out
    wide, below, above = _forms(pattern)
    rest = np.ones(len(arr), dtype=bool)  # texts for the widened pattern and Python
    out = np.zeros(len(arr), dtype=bool)
    if below is not None:
        rest = ~bools(pc.string_is_ascii(arr)) if is_ascii is None else ~is_ascii
        out = _match(arr, above, ~rest)  # ASCII texts: those above matches, and of them those below matches
        if above != below and out.any():
            part = arr.filter(pa.array(out))
            sure = bools(pc.match_substring_regex(part, below))
            if not sure.all():
                sure[~sure] = _search(part.filter(pa.array(~sure)), pattern)
            out[out] = sure
    if rest.any():
        cand = _match(arr, wide, rest) if wide is not None else rest.copy()
        if cand.any():
            cand[cand] = _search(arr.filter(pa.array(cand)), pattern)
        out |= cand
    return out


def detect_targets(texts: pd.Series) -> pd.Series:
    """First matching target group per text (object dtype; missing, NaN as pandas' string dtype leaves it, when no
    pattern matches): each group's Latin pattern, and its Arabic one on the texts holding Arabic letters, on the
    texts no group before it matched."""
    lowered, arabic = normalised_with_script(texts)
    arr = arrow_strings(lowered)
    is_ascii = bools(pc.string_is_ascii(arr))
    target = np.full(len(arr), None, dtype=object)
    left = np.arange(len(arr))  # texts no group matched yet
    for group, (latin, arabic_part) in TARGET_PARTS.items():
        part = arr if len(left) == len(arr) else arr.take(left)
        hit = contains(part, latin, is_ascii[left])
        rows = np.flatnonzero(arabic[left] & ~hit)
        if len(rows):
            hit[rows] = contains(part.take(rows), arabic_part, is_ascii[left[rows]])
        target[left[hit]] = group
        left = left[~hit]
        if not len(left):
            break
    return pd.Series(target, index=texts.index, dtype="str").astype(object)
