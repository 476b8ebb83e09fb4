"""The normal form of a text as the labeller and the language identification read it (``normal_texts``): light
(Arrow only, no scikit-learn), so the ingest's language identification and ``scn run``'s planning stay light."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pyarrow as pa
import pyarrow.compute as pc

# What makes two texts the same text to the labeller (``normal_texts``), in RE2 (Arrow) classes: invisible
# characters (Unicode format characters, category Cf: zero-width space, non-joiner and joiner, soft hyphen, word
# joiner, bidirectional marks, embeddings, overrides and isolates, BOM, tag characters; and the combining grapheme
# joiner), removed; white space of any kind (NBSP, narrow NBSP, en/em/thin/hair spaces, ideographic space, line
# and paragraph separators, tabs, line breaks, the information separators and NEL: what Python's str.isspace()
# calls white space) and runs of it, one plain space.
INVISIBLE = r"[\p{Cf}\x{034F}]"
ASCII_WHITE_SPACE = r"[\t\n\x0b\f\r\x1c-\x1f]|  |^ | $"  # what folding white space changes in an ASCII text
# the compatibility character NFKC leaves alone here: the ellipsis "…" (three dots under NFKC) ends truncated
# tweets, a cue the models learned as such (folding it cost 0.014 held-out macro-F1 in Arabic). It goes through
# NFKC as a noncharacter (which NFKC keeps and produces from nothing); a text holding that noncharacter itself
# gets plain NFKC.
KEEP = "\u2026"
_KEEP_AS = "\ufdd0"
_SURROGATE = re.compile("[\ud800-\udfff]")


def normal_texts(texts: Sequence[str | None]) -> list[str]:
    """The texts as the labeller and the language identification read them (missing texts: ""): Unicode NFKC
    (full-width and other compatibility forms, Arabic presentation forms, ligatures to their plain letters; but
    ``KEEP``), without invisible format characters (``INVISIBLE``), every run of white space one plain space, stripped.

    Visually identical posts get one normal form, hence one language, label and score, and are labelled once.
    Vectorised with Arrow: NFKC only on the texts that are not ASCII (an ASCII text is its own NFKC form and has no
    format character), white space folded only in the texts that hold some to fold. Idempotent. Lone surrogates (not valid UTF-8, which
    Arrow refuses) are read as U+FFFD."""
    texts = list(texts)
    try:
        arr = pa.array(texts, type=pa.large_string())
    except UnicodeEncodeError:
        arr = pa.array([_SURROGATE.sub("\ufffd", t) if isinstance(t, str) else t for t in texts],
                       type=pa.large_string())
    arr = pc.fill_null(arr, "")
    wide = pc.invert(pc.string_is_ascii(arr))
    arr = visible_nfkc(arr, keep=KEEP)
    # white space folded where there is any to fold: texts not ASCII, and ASCII texts with a run of spaces, a
    # leading or trailing one, or another white-space character (a cheap pattern first, the costly one after)
    fold = pc.or_(wide, pc.match_substring_regex(arr, pattern=ASCII_WHITE_SPACE))
    if pc.any(fold).as_py():  # Arrow's split on white space: Python's str.isspace() characters, runs as one
        sub = pc.binary_join(pc.utf8_split_whitespace(pc.filter(arr, fold)), pa.scalar(" ", pa.large_string()))
        arr = pc.replace_with_mask(arr, fold, pc.utf8_trim(sub, characters=" "))
    return arr.to_pylist()


def visible_nfkc(arr: pa.Array, keep: str = "") -> pa.Array:
    """NFKC of the non-ASCII strings of ``arr`` without invisible format characters (``INVISIBLE``), NFKC again
    where one went (it may leave a composable pair: e + ZWJ + U+0301); ASCII strings (their own NFKC form, with no
    format character) and nulls as they are. ``keep``: a character NFKC would change that stays (``KEEP``: the
    labeller's ellipsis; the ingest's handle matching keeps none). The one home of this step: ``normal_texts``
    adds white space folding; scn.ingest.social.posts matches handles on it."""
    rows = pc.invert(pc.fill_null(pc.string_is_ascii(arr), True))
    if not pc.any(rows).as_py():
        return arr
    sub = pc.filter(arr, rows)
    plain = pc.match_substring(sub, _KEEP_AS) if keep else None
    if keep:
        sub = pc.if_else(plain, sub, pc.replace_substring(sub, pattern=keep, replacement=_KEEP_AS))
    sub = pc.utf8_normalize(sub, form="NFKC")
    length = pc.utf8_length(sub)
    sub = pc.replace_substring_regex(sub, pattern=INVISIBLE, replacement="")
    cut = pc.not_equal(pc.utf8_length(sub), length)
    if pc.any(cut).as_py():
        sub = pc.replace_with_mask(sub, cut, pc.utf8_normalize(pc.filter(sub, cut), form="NFKC"))
    if keep:
        sub = pc.if_else(plain, sub, pc.replace_substring(sub, pattern=_KEEP_AS, replacement=keep))
    return pc.replace_with_mask(arr, rows, sub)


def normal_text(text: str | None) -> str:
    """``normal_texts`` of one text."""
    return normal_texts([text])[0]
