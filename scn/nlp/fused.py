"""A language's whole linear model in compiled passes over code points: the default labelling path.

``FusedModel.compile(pipes, cues)`` takes the fitted pipelines of a language's model (gate and experts' members:
TF-IDF vectorizers, alone or in a FeatureUnion, then a linear classifier) and the evidence rules' cue words, and
``run(texts)`` returns, per pipeline, the raw linear scores ``X @ coef_.T`` that scikit-learn would compute, with
the same float operations in the same order (bitwise equal; tested), and per text whether a cue word occurs:

1. preprocessing once for the batch: texts joined with a white-space separator none of them holds, lower-cased,
   ``&amp;``, URLs and mentions replaced by the very regular expressions of ``scn.nlp.features.normalise`` in
   one call each; white space squeezed and stripped per text, and the Arabic folding (diacritics, letter
   variants, repeats), in numba over UTF-32 code points;
2. per family of vectorizers that cut texts alike (``scn.nlp.ngrams``), one kernel pass over the texts
   (``_family``), text after text with nothing larger than one text materialised:
   - its codes: character ranks over the vocabularies' alphabet, or word tokens (``\\w`` / ``\\s`` of Python's
     ``re``, tables from ``re`` itself) looked up by a 64-bit hash of their code points and verified code point
     by code point;
   - its distinct union terms and counts: n-grams as integer keys, the shortest looked up in a dense array, the
     longer ones in a packed hash table (``scn.nlp.ngrams.hash_table``), tallied and read back in ascending
     order from bit sets (no sort);
   - its scores: sublinear tf (a table computed by numpy's own float32 log), idf, l2 norm (sum of squares in
     float64 as scikit-learn's Cython) and the dot product with the weights, accumulated in the weights' dtype in
     CSR column order (FeatureUnion blocks one after the other), as scipy's sparse product; and its cue words.

No intermediate sparse matrix; the kernels release the GIL. Anything else (other preprocessors, token patterns,
vectorizer options or classifiers) returns None from ``compile`` and the batch path of scn.nlp.ngrams runs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from numba import njit
from numba.cpython.unsafe.numbers import trailing_zeros
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from scn.nlp import features as feats
from scn.nlp.estimators import GroupedLogisticRegression, NBLogisticRegression
from scn.nlp.ngrams import (
    _Family,
    _family_key,
    _home,
    _lower,
    _probe,
    _table,
    compile_family,
    offsets,
    supported,
    union_terms,
    utf32,
)

# white-space separators for the joined batch (one that no text holds is used); white space so that the URL and
# mention patterns stop at it as at the end of a text, and lower-casing treats it as a text boundary
_SEPS = ("\x1f", "\x1e", "\x1d", "\x1c", "\u2029", "\u2028", "\x85", "\u3000", "\u205f", "\u200a")
WORD_RUNS = r"(?u)\b\w\w+\b"  # scikit-learn's default token pattern (the cue words'): word runs of 2+
_PATTERNS = {feats.WORD_TOKENS: 1, WORD_RUNS: 2}  # token pattern -> minimum run length; 1 also emits symbols
_PREPS = (_lower, feats.normalise, feats.normalise_ar)
_KNOWN = (r"https?://\S+|@url\b", r"@\w+", r"\s+", r"(.)\1{2,}")  # what the kernels reproduce of features.py
_FNV = np.uint64(0x100000001B3)
_FNV0 = np.uint64(0xCBF29CE484222325)
_FIRST_MAX = 1 << 16  # lo-gram keys looked up in a dense array up to this many (256 KiB)


_TABLES: list = []  # the code point tables, once computed or adopted (``seed_tables``)
_TABLE_DTYPES = (np.bool_, np.bool_, np.bool_, np.uint32)


def _tables() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per code point: Python ``re``'s word (``\\w``) and space (``\\s``) classes, Arabic marks removed by
    ``normalise_ar``, and its letter folding (code point -> code point); computed once per process (about 0.2 s)
    unless adopted from a copy (``seed_tables``)."""
    if not _TABLES:
        _TABLES.append(_code_point_tables())
    return _TABLES[0]


def seed_tables(tables: object) -> bool:
    """Adopt ``tables`` (``_tables()`` of a process with the same Python and code, e.g. unpickled from a copy that
    a key of both guards) as this process's code point tables, unless they are computed already; False when they
    are not four arrays over every code point of the right dtypes."""
    ok = (isinstance(tables, tuple) and len(tables) == 4
          and all(isinstance(t, np.ndarray) and t.shape == (0x110000,) and t.dtype == d
                  for t, d in zip(tables, _TABLE_DTYPES, strict=True)))
    if ok and not _TABLES:
        _TABLES.append(tables)
    return ok


def _code_point_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``_tables`` computed."""
    chars = "".join(map(chr, range(0x110000)))
    word, space, mark = (_matches(rx, chars) for rx in (re.compile(r"\w"), re.compile(r"\s"), feats._AR_MARKS))
    fold = np.arange(len(chars), dtype=np.uint32)
    for k, v in feats._AR_FOLD.items():
        fold[k] = ord(v)
    return word, space, mark, fold


def _matches(rx: re.Pattern, chars: str) -> np.ndarray:
    """Per character of ``chars``: whether ``rx`` (a one-character class) matches it; one ``sub`` in C."""
    hit = utf32(rx.sub("\x00", chars)) == 0
    hit[chars.index("\x00")] = rx.fullmatch("\x00") is not None
    return hit


def _features_known() -> bool:
    got = (feats._URL.pattern, feats._MENTION.pattern, feats._SPACE.pattern, feats._REPEAT.pattern)
    return got == _KNOWN and all(isinstance(v, str) and len(v) == 1 for v in feats._AR_FOLD.values())


@njit(cache=True, nogil=True)
def _split(cps: np.ndarray, sep: int, n: int, squeeze: bool, space: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split the joined batch at ``sep`` into ``n`` texts (code points + starts); ``squeeze``: white-space runs
    become one space and each text is stripped (``_SPACE.sub(" ", t).strip()``)."""
    out = np.empty(len(cps), dtype=np.uint32)
    starts = np.zeros(n + 1, dtype=np.int64)
    o = 0
    d = 0
    pending = False  # squeeze: white space seen since the last kept character
    for i in range(len(cps)):
        c = cps[i]
        if c == sep:
            d += 1
            starts[d] = o
            pending = False
            continue
        if squeeze and space[c]:
            pending = True
            continue
        if pending:
            if o > starts[d]:
                out[o] = 32
                o += 1
            pending = False
        out[o] = c
        o += 1
    starts[n] = o
    return out[:o], starts


@njit(cache=True, nogil=True)
def _arabic(cps: np.ndarray, starts: np.ndarray, mark: np.ndarray,
            fold: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``normalise_ar`` after ``normalise``: marks dropped, letters folded, runs of 3+ equal characters (other
    than a newline) cut to 2."""
    n = len(starts) - 1
    out = np.empty(len(cps), dtype=np.uint32)
    new = np.zeros(n + 1, dtype=np.int64)
    o = 0
    for d in range(n):
        run = 0
        for i in range(starts[d], starts[d + 1]):
            c = cps[i]
            if mark[c]:
                continue
            c = fold[c]
            if o > new[d] and out[o - 1] == c and c != 10:
                run += 1
            else:
                run = 1
            if run <= 2:
                out[o] = c
                o += 1
        new[d + 1] = o
    return out[:o], new


@njit(cache=True, nogil=True)
def _char_doc(cps: np.ndarray, s: int, e: int, space: np.ndarray, lut: np.ndarray, wb: bool,
              out: np.ndarray) -> int:
    """Ranks of the characters scikit-learn cuts a text's n-grams from, into ``out`` (how many): ``char``: runs
    of 2+ white space as one space; ``char_wb``: each word padded with a space, words separated by rank 0."""
    blank = lut[32]
    o = 0
    i = s
    while i < e:
        c = cps[i]
        if space[c]:
            j = i
            while j < e and space[cps[j]]:
                j += 1
            if not wb:
                out[o] = blank if j - i > 1 else lut[c]
                o += 1
            i = j
            continue
        if wb:
            if o > 0:
                out[o] = 0
                o += 1
            out[o] = blank
            o += 1
            while i < e and not space[cps[i]]:
                out[o] = lut[cps[i]]
                o += 1
                i += 1
            out[o] = blank
            o += 1
        else:
            out[o] = lut[c]
            o += 1
            i += 1
    return o


@njit(cache=True, nogil=True)
def _hash(cps: np.ndarray, s: int, e: int) -> np.uint64:
    h = _FNV0
    for i in range(s, e):
        h = (h ^ np.uint64(cps[i])) * _FNV
    return h


@njit(cache=True, nogil=True)
def _span_keys(cps: np.ndarray, starts: np.ndarray) -> np.ndarray:
    keys = np.empty(len(starts) - 1, dtype=np.uint64)
    for i in range(len(keys)):
        keys[i] = _hash(cps, starts[i], starts[i + 1])
    return keys


@njit(cache=True, nogil=True)
def _word_doc(cps: np.ndarray, s: int, e: int, word: np.ndarray, space: np.ndarray, min_run: int,
              slots: np.ndarray, bits: int, vocab: np.ndarray, vocab_starts: np.ndarray, out: np.ndarray) -> int:
    """Rank of each token of a text (1-based position in the token vocabulary, 0 when absent) into ``out`` (how
    many), tokens cut as ``re.findall``: word runs (``\\b\\w+\\b``; with ``min_run`` 2, ``\\b\\w\\w+\\b``)
    and, with ``min_run`` 1, each character that is neither word nor space (``[^\\w\\s]``)."""
    o = 0
    i = s
    while i < e:
        c = cps[i]
        if word[c]:
            j = i
            while j < e and word[cps[j]]:
                j += 1
        elif not space[c] and min_run == 1:
            j = i + 1
        else:
            i += 1
            continue
        if j - i >= min_run:
            key = _hash(cps, i, j)
            rank = 0
            t, h = _probe(slots, key, _home(key, bits), bits)
            while t >= 0:  # verified code point by code point (64-bit hashes may collide)
                a, b = vocab_starts[t], vocab_starts[t + 1]
                if b - a == j - i:
                    same = True
                    for k in range(j - i):
                        if vocab[a + k] != cps[i + k]:
                            same = False
                            break
                    if same:
                        rank = t + 1
                        break
                t, h = _probe(slots, key, (h + 1) & ((1 << bits) - 1), bits)
            out[o] = rank
            o += 1
        i = j
    return o


@njit(cache=True, nogil=True)
def _doc_terms(codes: np.ndarray, k: int, lo: int, hi: int, base: np.uint64, first: np.ndarray,
               slots: np.ndarray, bits: int, tally: np.ndarray, seen: np.ndarray, top: np.ndarray,
               ids: np.ndarray, counts: np.ndarray) -> int:
    """A text's distinct union terms (ascending ids) among the n-grams of ``codes[:k]`` (lo <= n <= hi, none
    holding a code 0) and their counts, into ``ids`` / ``counts`` (how many). The union is closed under
    prefixes (``_closed``), so an n-gram that is not in it ends the n-grams starting at that position;
    ``first`` maps the keys of lo-grams straight to ids (-1: none). Terms are tallied in ``tally`` (per union
    term) and marked in the bit sets ``seen`` (per term) and ``top`` (per word of ``seen``), read back in
    ascending order; all three are left cleared."""
    for i in range(k):
        key = np.uint64(0)
        for n in range(1, hi + 1):
            j = i + n - 1
            if j >= k or codes[j] == 0:
                break
            key = key * base + np.uint64(codes[j])
            if n < lo:
                continue
            if n == lo and len(first):
                t = np.int64(first[key])
            else:
                t = _probe(slots, key, _home(key, bits), bits)[0]
            if t < 0:
                break
            if tally[t] == 0:
                seen[t >> 6] |= np.uint64(1) << np.uint64(t & 63)
                top[t >> 12] |= np.uint64(1) << np.uint64((t >> 6) & 63)
            tally[t] += 1
    out = 0
    for a in range(len(top)):
        x = top[a]
        while x:
            word = a * 64 + np.int64(trailing_zeros(x))
            x &= x - np.uint64(1)
            y = seen[word]
            seen[word] = 0
            while y:
                t = word * 64 + np.int64(trailing_zeros(y))
                y &= y - np.uint64(1)
                ids[out] = t
                counts[out] = tally[t]
                tally[t] = 0
                out += 1
        top[a] = 0
    return out


@njit(cache=True, nogil=True)
def _doc_scores(ids: np.ndarray, counts: np.ndarray, m: int, rec: np.ndarray, tf: np.ndarray,
                blocks: np.ndarray, w: np.ndarray, rows: np.ndarray, acc: np.ndarray) -> None:
    """Add each vectorizer block's share of a text's ``x @ coef.T`` to ``acc``. ``rec`` holds per union term
    and block the idf (0: not in the block's vocabulary) and the weights of the term's column; ``blocks`` rows:
    idf column in ``rec``, classes, first column in ``acc``, l2 norm, sublinear tf. Per block: its terms' TF-IDF
    weights in column order (tf from the table, times idf) gathered into ``w`` and their union ids into ``rows``
    without a branch (a term outside the block adds +0.0 to the float64 sum of squares, which is left as it is),
    l2-normalised as scikit-learn, then each output column accumulated on its own, term after term in the
    weights' dtype: the additions of scipy's CSR product, in its order (columns do not depend on each other)."""
    for b in range(blocks.shape[0]):
        col, classes, first = blocks[b, 0], blocks[b, 1], blocks[b, 2]
        sub = blocks[b, 4]
        sq = 0.0
        k = 0
        for t in range(m):
            u = ids[t]
            idf = rec[u, col]
            x = tf[sub, counts[t]] * idf
            w[k] = x
            rows[k] = u
            sq += x * x
            k += idf != 0
        if blocks[b, 3] != 0 and sq != 0.0:
            r = np.sqrt(sq)
            for i in range(k):
                w[i] = w[i] / r
        for j in range(classes):
            a = acc[first + j]
            c = col + 1 + j
            for i in range(k):
                a += w[i] * rec[rows[i], c]
            acc[first + j] = a


@njit(cache=True, nogil=True)
def _family(cps: np.ndarray, starts: np.ndarray, kind: int, word: np.ndarray, space: np.ndarray,
            lut: np.ndarray, min_run: int, wslots: np.ndarray, wbits: int, vocab: np.ndarray,
            vocab_starts: np.ndarray, lo: int, hi: int, base: np.uint64, first: np.ndarray, slots: np.ndarray,
            bits: int, n_terms: int, rec: np.ndarray, tf: np.ndarray, blocks: np.ndarray, cue: np.ndarray,
            out: np.ndarray, cue_out: np.ndarray) -> None:
    """One family over the texts: per text, its codes (``kind`` 0: word tokens, 1: characters, 2: characters
    within words), its distinct terms and counts, their scores added to its row of ``out`` and, with a ``cue``
    table (union term -> is a cue word; empty: none), its number of distinct cue words in ``cue_out``. Nothing
    larger than one text is materialised."""
    n = len(starts) - 1
    longest = 0
    for d in range(n):
        longest = max(longest, starts[d + 1] - starts[d])
    size = 2 * longest + 2
    codes = np.empty(size, dtype=np.int64)
    grams = max(1, min(size * (hi - lo + 1), n_terms))
    ids = np.empty(grams, dtype=np.int64)
    counts = np.empty(grams, dtype=np.int64)
    tally = np.zeros(n_terms, dtype=np.int32)
    seen = np.zeros((n_terms + 63) // 64, dtype=np.uint64)
    top = np.zeros((len(seen) + 63) // 64, dtype=np.uint64)
    nb = blocks.shape[0]
    w = np.zeros(grams + 1, dtype=rec.dtype)
    rows = np.zeros(grams + 1, dtype=np.int64)
    acc = np.zeros(out.shape[1], dtype=out.dtype)
    for d in range(n):
        s, e = starts[d], starts[d + 1]
        if kind == 0:
            k = _word_doc(cps, s, e, word, space, min_run, wslots, wbits, vocab, vocab_starts, codes)
        else:
            k = _char_doc(cps, s, e, space, lut, kind == 2, codes)
        m = _doc_terms(codes, k, lo, hi, base, first, slots, bits, tally, seen, top, ids, counts)
        if nb:
            acc[:] = out[d]
            _doc_scores(ids, counts, m, rec, tf, blocks, w, rows, acc)
            out[d] = acc
        if len(cue):
            c = 0
            for t in range(m):
                c += cue[ids[t]]
            cue_out[d] = c


def _linear(clf: object) -> np.ndarray | None:
    """The weight matrix whose product with X the classifier's predict_proba starts from."""
    if type(clf) is GroupedLogisticRegression:
        clf = clf.lr_
    if type(clf) in (NBLogisticRegression, LogisticRegression) and clf.coef_.ndim == 2:
        return clf.coef_
    return None


def _tfidf_ok(vec: object) -> bool:
    return (type(vec) is TfidfVectorizer and vec.use_idf and not vec.binary and vec.norm in ("l2", None)
            and hasattr(vec, "idf_") and bool(np.all(vec.idf_ > 0)))


def _supported(vec: object) -> bool:
    """What scn.nlp.ngrams reproduces, with a preprocessing and token pattern the kernels know."""
    key = _family_key(vec) if supported(vec) else None
    return key is not None and key[1] in _PREPS and (vec.analyzer != "word" or key[2] in _PATTERNS)


def _closed(terms: list[str], lo: int, word: bool) -> list[str]:
    """Prefixes (of length >= lo, in characters or words) of the terms that are not terms themselves."""
    have = set(terms)
    extra: list[str] = []
    for t in terms:
        parts = t.split(" ") if word else t
        for n in range(len(parts) - 1, lo - 1, -1):
            head = " ".join(parts[:n]) if word else parts[:n]
            if head in have:
                break
            have.add(head)
            extra.append(head)
    return extra


@dataclass
class _Fam:
    """A family (scn.nlp.ngrams._Family) with its prefix-closed union table, per-term records and blocks."""

    fam: _Family
    rec: np.ndarray  # union term x (per block: idf, weights of its column)
    blocks: np.ndarray  # per block: idf column in rec, classes, first out column, l2, sublinear
    first: np.ndarray  # key of a lo-gram -> union id (-1: none); empty: the hash table answers
    cue: np.ndarray | None = None  # union term -> is a cue word (1, else 0)
    words: tuple | None = None  # word kind: token hash table, bits, token code points, their starts


class FusedModel:
    """A language's pipelines and cue words compiled for ``run`` (see the module docstring)."""

    def __init__(self, fams: list[_Fam], pipes: list[tuple[Pipeline, int, int]], width: int, dtype: np.dtype,
                 cues: object | None) -> None:
        """``pipes``: per pipeline (the object itself, so that a pickled copy pickled with its model still names
        it), its first output column and its number of classes."""
        self.fams, self.pipes, self.width, self.dtype, self.cues = fams, pipes, width, dtype, cues

    @classmethod
    def compile(cls, pipes: Sequence[Pipeline], cues: CountVectorizer | None = None) -> FusedModel | None:
        """The compiled model, or None when a part is not one the kernels reproduce."""
        if not _features_known() or (cues is not None and (type(cues) is not CountVectorizer or not cues.binary)):
            return None
        vec_lists, coefs = [], []
        for pipe in pipes:
            if not isinstance(pipe, Pipeline) or len(pipe.steps) != 2 or _linear(pipe.steps[-1][1]) is None:
                return None
            head = pipe.steps[0][1]
            if isinstance(head, FeatureUnion) and head.transformer_weights is None:
                vecs = [t for _, t in head.transformer_list]
            else:
                vecs = [head]
            coef = _linear(pipe.steps[-1][1])
            if not all(_tfidf_ok(v) for v in vecs) or coef.shape[1] != sum(len(v.vocabulary_) for v in vecs):
                return None
            vec_lists.append(vecs)
            coefs.append(coef)
        dtypes = {c.dtype for c in coefs} | {v.idf_.dtype for vs in vec_lists for v in vs}
        if len(dtypes) != 1 or next(iter(dtypes)) not in (np.float32, np.float64):
            return None  # mixed precision: scipy upcasts X first; not reproduced here
        dtype = next(iter(dtypes))
        every = [v for vs in vec_lists for v in vs] + ([cues] if cues is not None else [])
        if not all(_supported(v) for v in every):
            return None
        groups: dict[tuple, list] = {}
        for v in every:
            group = groups.setdefault(_family_key(v), [])
            if all(v is not g for g in group):
                group.append(v)
        # word families first, then char_wb, then char: a FeatureUnion's word block is added before its char block
        order = sorted(groups, key=lambda k: ("word", "char_wb", "char").index(k[0]))
        rank = {k: i for i, k in enumerate(order)}
        for vecs in vec_lists:
            ranks = [rank[_family_key(v)] for v in vecs]
            if ranks != sorted(ranks) or len(set(ranks)) != len(ranks):
                return None
        out_col, width = [], 0  # output columns: each pipeline's classes side by side
        for coef in coefs:
            out_col.append(width)
            width += coef.shape[0]
        fams: list[_Fam] = []
        for key in order:
            fam = _compiled_family(key, groups[key], vec_lists, coefs, out_col, cues, dtype)
            if fam is None:
                return None
            fams.append(fam)
        return cls(fams, [(p, o, coef.shape[0]) for p, o, coef in zip(pipes, out_col, coefs, strict=True)],
                   width, dtype, cues)

    def run(self, texts: Sequence[str]) -> tuple[dict[int, np.ndarray], dict[int, np.ndarray]] | None:
        """Raw scores ``X @ coef_.T`` per pipeline (``id(pipe)``) and cue-word counts per text (``id(cues)``,
        n x 1); None for no texts, or texts that cannot be joined (not all str, or every separator occurs in
        them)."""
        texts = list(texts)
        if not texts or not set(map(type, texts)) <= {str}:
            return None
        prepared = _prepare(texts, {f.fam.prep for f in self.fams})
        if prepared is None:
            return None
        word, space, _mark, _fold = _tables()
        out = np.zeros((len(texts), self.width), dtype=self.dtype)
        cue_counts: dict[int, np.ndarray] = {}
        none = np.zeros(0, dtype=np.uint64)
        for f in self.fams:
            fam = f.fam
            cps, starts = prepared[fam.prep]
            slots, bits, vocab, vocab_starts = f.words or (none, 4, np.zeros(0, np.uint32), np.zeros(1, np.int64))
            lut = fam.lut if fam.lut is not None else np.zeros(0, dtype=np.uint16)
            kind = ("word", "char", "char_wb").index(fam.kind)
            longest = int(np.diff(starts).max()) if len(starts) > 1 else 0
            cue = f.cue if f.cue is not None else np.zeros(0, dtype=np.int64)
            hits = np.zeros(len(texts), dtype=np.int64)
            _family(cps, starts, kind, word, space, lut, _PATTERNS.get(fam.token_pattern, 1), slots, bits, vocab,
                    vocab_starts, fam.lo, fam.hi, np.uint64(fam.base), f.first, fam.slots[0], fam.slots[1],
                    len(fam.keys), f.rec, _tf(2 * longest + 2, self.dtype), f.blocks, cue, out, hits)
            if f.cue is not None:
                cue_counts[id(self.cues)] = hits[:, None]
        return {id(p): out[:, o:o + k] for p, o, k in self.pipes}, cue_counts


def _compiled_family(key: tuple, members: list, vec_lists: list, coefs: list, out_col: list,
                     cues: object | None, dtype: np.dtype) -> _Fam | None:
    """One family's prefix-closed union table, per-term records (idf and weights of every block) and blocks."""
    terms = union_terms(members)
    lo = min(v.ngram_range[0] for v in members)
    everything = terms + _closed(terms, lo, key[0] == "word")
    fam = compile_family(key, members, everything)
    if fam is None:
        return None
    pos = {t: i for i, t in enumerate(terms)}
    blocks, width = [], 0
    for p, (vecs, coef) in enumerate(zip(vec_lists, coefs, strict=True)):
        offset = 0
        for v in vecs:
            if any(v is m for m in members):
                blocks.append((p, v, offset, coef))
                width += 1 + coef.shape[0]
            offset += len(v.vocabulary_)
    rec = np.zeros((len(everything), max(1, width)), dtype=dtype)
    table = np.zeros((len(blocks), 5), dtype=np.int64)
    c = 0
    for b, (p, v, offset, coef) in enumerate(blocks):
        items = sorted(v.vocabulary_.items())
        where = np.array([pos[t] for t, _ in items], dtype=np.int64)
        column = np.array([j for _, j in items], dtype=np.int64)
        if not np.all(np.diff(column) > 0):
            return None  # columns must follow the terms' order (scikit-learn's sorted vocabulary)
        rec[where, c] = v.idf_[column]
        rec[where, c + 1:c + 1 + coef.shape[0]] = coef[:, offset + column].T
        table[b] = (c, coef.shape[0], out_col[p], v.norm == "l2", bool(v.sublinear_tf))
        c += 1 + coef.shape[0]
    cue = None
    if cues is not None and any(cues is m for m in members):
        cue = np.zeros(len(everything), dtype=np.int64)
        cue[[pos[t] for t in cues.vocabulary_]] = 1
    return _Fam(fam, rec, table, _first(fam, everything), cue, _word_table(fam) if fam.kind == "word" else None)


def _first(fam: _Family, terms: list[str]) -> np.ndarray:
    """Union id of each key of ``fam.lo`` characters or tokens (-1: none), when there are at most
    ``_FIRST_MAX`` such keys; else empty (the hash table answers)."""
    size = fam.base ** fam.lo
    if size > _FIRST_MAX:
        return np.zeros(0, dtype=np.int32)
    first = np.full(size, -1, dtype=np.int32)
    short = np.flatnonzero(np.fromiter(map(len, (t.split(" ") if fam.kind == "word" else t for t in terms)),
                                       dtype=np.int64, count=len(terms)) == fam.lo)
    first[fam.keys[short].astype(np.int64)] = short
    return first


def _word_table(fam: _Family) -> tuple:
    """The token vocabulary as code points in a hash table of their 64-bit hashes: table, bits, code points,
    starts."""
    tokens = fam.tokens.to_pylist()
    starts = offsets(np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens)))
    cps = utf32("".join(tokens)).copy()
    keys = _span_keys(cps, starts)
    bits = max(4, (2 * len(tokens)).bit_length())
    return _table(keys, bits), bits, cps, starts


@cache
def _tf_table(size: int, dtype: str) -> np.ndarray:
    """tf per count (column): row 0 the count itself, row 1 scikit-learn's sublinear ``log(count) + 1`` by
    numpy's own float log (the values scikit-learn computes)."""
    t = np.tile(np.arange(size, dtype=dtype), (2, 1))
    np.log(t[1, 1:], out=t[1, 1:])
    t[1, 1:] += 1.0
    return t


def _tf(longest: int, dtype: np.dtype) -> np.ndarray:
    """A tf table covering counts up to ``longest`` (a few sizes only, cached)."""
    return _tf_table(1 << max(10, int(longest).bit_length()), np.dtype(dtype).str)


def _prepare(texts: list[str], preps: set) -> dict | None:
    """Code points and starts of the batch's texts after each preprocessing in ``preps``."""
    n = len(texts)
    sep = next((c for c in _SEPS if (raw := c.join(texts)).count(c) == n - 1), None)
    if sep is None:
        return None
    lowered = raw.lower()
    if len(lowered) != len(raw) or lowered.count(sep) != n - 1:
        lowered = sep.join(t.lower() for t in texts)
        if lowered.count(sep) != n - 1:
            return None
    _word, space, mark, fold = _tables()
    out = {}
    if _lower in preps:
        out[_lower] = _split(utf32(lowered), ord(sep), n, False, space)
    if feats.normalise in preps or feats.normalise_ar in preps:
        text = feats._URL.sub(" URL ", lowered.replace("&amp;", "&"))
        text = feats._MENTION.sub(" @user ", text)
        if text.count(sep) != n - 1:
            return None
        norm = _split(utf32(text), ord(sep), n, True, space)
        out[feats.normalise] = norm
        if feats.normalise_ar in preps:
            out[feats.normalise_ar] = _arabic(norm[0], norm[1], mark, fold)
    return out
