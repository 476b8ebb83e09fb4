"""The labeller's normal form (``scn.nlp.normal.normal_texts``) of a large batch, fast: it runs only on the texts
it may change; the others (most) are their own normal form already. Light (Arrow and numpy, no scikit-learn).

A text is its own normal form when it is ASCII or every character of it that is not ASCII is ``stable`` (no NFKC
change, no format character to remove: NFKC's quick check says yes, UAX #15) or ``KEEP``, and it holds no white
space to fold: no ASCII control character, no run of spaces, no leading or trailing space (white space that is not
ASCII is never ``stable``). scn.nlp.normal itself is left as it is: its source is part of the labelling version
(scn.enrich.parts.RULE_MODULES); tests/nlp/test_normal_form.py holds this module to it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from scn.nlp.normal import INVISIBLE, KEEP, normal_texts

# where the characters a text is its own normal form with are looked for (``unstable``): Latin-1 to Arabic, Arabic
# Supplement, Latin Extended Additional, punctuation to symbols and arrows, variation selectors, emoji
STABLE_BLOCKS = ((0x80, 0x6FF), (0x750, 0x77F), (0x1E00, 0x1EFF), (0x2000, 0x2BFF), (0xFE00, 0xFE0F),
                 (0x1F000, 0x1FAFF))
_VARIATION_SELECTORS = (0xFE00, 0xFE0F)  # marks of combining class 0 that compose with nothing (emoji style)


def normal_array(arr: pa.Array) -> pa.Array:
    """``normal_texts`` of an Arrow string array without nulls, as a large string array: computed on the texts that
    may change only (``may_change``)."""
    arr = arr if arr.type == pa.large_string() else arr.cast(pa.large_string())
    rows = may_change(arr)
    if not rows.any():
        return arr
    rows = pa.array(rows)
    forms = pa.array(normal_texts(arr.filter(rows).to_pylist()), pa.large_string())
    return pc.replace_with_mask(arr, rows, forms)


def may_change(arr: pa.Array) -> np.ndarray:
    """Per text (``arr``: large strings, no nulls): whether its normal form may differ from it (False: it is its
    own): it holds a character not ASCII, ``stable`` nor ``KEEP``, or ASCII white space to fold."""
    out = _ascii_to_fold(arr)
    wide = np.flatnonzero(~np.asarray(pc.string_is_ascii(arr)))
    if len(wide):
        out[wide] |= np.asarray(pc.match_substring_regex(arr.take(wide), pattern=unstable(KEEP)))
    return out


def _ascii_to_fold(arr: pa.Array) -> np.ndarray:
    """Per text: may hold ASCII white space that folding changes: a leading or trailing space, a run of spaces, a
    control character (tabs, line breaks and the information separators among them). On the bytes: no byte of a
    character that is not ASCII is below 0x80."""
    out = np.asarray(pc.or_(pc.starts_with(arr, " "), pc.ends_with(arr, " "))).copy()
    _, offsets, data = arr.buffers()
    offsets = np.frombuffer(offsets, dtype=np.int64)[arr.offset:arr.offset + len(arr) + 1]
    if data is None or not len(arr) or offsets[-1] == offsets[0]:
        return out
    b = np.frombuffer(data, dtype=np.uint8)[offsets[0]:offsets[-1]]
    space = b == 32
    at = np.union1d(np.flatnonzero(b < 32), np.flatnonzero(space[1:] & space[:-1]))  # a run across two texts
    out[np.searchsorted(offsets, at + offsets[0], side="right") - 1] = True  # ends the first: it folds anyway
    return out


def stable(chars: Sequence[str]) -> np.ndarray:
    """Per character: whether a text of ASCII and such characters is its own NFKC form and holds no format
    character: an assigned character, no mark (but a variation selector), separator or other (format, control,
    private use), of combining class 0, its own NFKC form, no Hangul jamo (they compose with the syllable before
    them), not ``INVISIBLE`` (as RE2 reads it). NFKC's quick check says yes to such a character and to a text of
    them (UAX #15); normalisation stability keeps that so in Arrow's Unicode version (tests/nlp/test_normal_form.py)."""
    arr = pa.array(list(chars), pa.large_string())
    visible = np.asarray(pc.invert(pc.match_substring_regex(arr, pattern=INVISIBLE)))
    lo, hi = _VARIATION_SELECTORS
    return visible & np.array([(unicodedata.category(c)[0] not in "MCZ" or lo <= ord(c) <= hi)
                               and unicodedata.combining(c) == 0 and unicodedata.normalize("NFKC", c) == c
                               and not 0x1100 <= ord(c) <= 0x11FF for c in chars], dtype=bool)


@cache
def unstable(keep: str = "") -> str:
    """RE2 class of the characters a text may need NFKC (or the removal of format characters) for: all but ASCII,
    the ``stable`` characters of ``STABLE_BLOCKS`` and ``keep`` (which the normal form keeps; computed once per
    process, a few milliseconds)."""
    cps = np.concatenate([np.arange(lo, hi + 1) for lo, hi in STABLE_BLOCKS])
    cps = np.union1d(cps[stable([chr(c) for c in cps.tolist()])], [ord(c) for c in keep]).astype(np.int64)
    starts = np.flatnonzero(np.diff(cps, prepend=-2) != 1)
    ends = np.append(starts[1:], len(cps)) - 1
    spans = "".join(rf"\x{{{cps[a]:x}}}" + (rf"-\x{{{cps[b]:x}}}" if b > a else "")
                    for a, b in zip(starts, ends, strict=True))
    return rf"[^\x00-\x7f{spans}]"
