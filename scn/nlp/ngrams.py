"""Fitted scikit-learn text vectorizers evaluated for a whole batch at once (numpy shifts + Arrow hash lookups).

``BatchVectorizers(vectorizers)`` compiles fitted ``CountVectorizer`` / ``TfidfVectorizer`` objects (analyzer
``char``, ``char_wb`` or ``word``, any preprocessor and token pattern) and returns, for a batch of texts, the same
matrices as their ``transform``: the counts are exact (n-grams become integer keys without collisions, looked up
in the vocabulary), the TF-IDF weighting is the vectorizer's own code. Vectorizers that cut texts the same way
(same analyzer, preprocessor and lower-casing) share one pass: texts are preprocessed and cut once and looked up
once in the union of their vocabularies (columns then map to each vectorizer's own).

- Character n-grams: every character of the vocabularies gets a rank (1..A); an n-gram is the number whose
  base-2^bits digits are its ranks (5-grams of an alphabet under 4,096 characters fit in 64 bits). Texts are
  joined with a separator of rank 0 (as is any character outside the alphabet: an n-gram holding one matches
  nothing), converted to code points once, and all n-gram keys are built with vector shifts. ``char_wb`` pads
  each word with spaces and separates words like texts, as scikit-learn cuts within words.
- Word n-grams: the vectorizer's own tokenizer per text (Python regular expressions), then keys over token ids.

Options this does not reproduce (stop words, accent stripping, custom analyzers or tokenizers, ``char_wb`` with a
minimum n over 3, too large alphabets) keep the vectorizer's own ``transform``; so does input other than str.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp
from numba import njit
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

SEP = "\x00"  # joins texts (and char_wb's padded words); never in an alphabet
_WHITE_SPACES = re.compile(r"\s\s+")  # scikit-learn's normalisation before character n-grams
_CHAR_KINDS = ("char", "char_wb")


def _lower(text: str) -> str:
    return text.lower()


def _identity(text: str) -> str:
    return text


def preprocessor_of(vec: CountVectorizer) -> Callable[[str], str]:
    """The vectorizer's preprocessing as one function (shared by vectorizers that preprocess alike)."""
    if vec.preprocessor is not None:
        return vec.preprocessor
    return _lower if vec.lowercase else _identity


def supported(vec: object) -> bool:
    """Whether ``BatchVectorizers`` reproduces this fitted vectorizer's ``transform``."""
    if not isinstance(vec, CountVectorizer) or not hasattr(vec, "vocabulary_"):
        return False
    if vec.input != "content" or callable(vec.analyzer) or vec.analyzer not in (*_CHAR_KINDS, "word"):
        return False
    if vec.strip_accents or vec.tokenizer is not None or vec.stop_words is not None:
        return False
    lo, hi = vec.ngram_range
    if lo < 1 or hi < lo or (vec.analyzer == "char_wb" and lo > 3) or (vec.analyzer == "word" and hi > 3):
        return False
    return True


@dataclass
class _Family:
    """Vectorizers that cut texts alike, with the union of their vocabularies (terms in string order)."""

    kind: str
    prep: Callable[[str], str]
    token_pattern: str | None
    members: list[CountVectorizer]
    lo: int = 0
    hi: int = 0
    base: int = 0  # keys are numbers in this base; digit = rank of a character or token (0: none)
    keys: np.ndarray | None = None  # union term keys, position = union id
    slots: tuple[np.ndarray, int] | None = None  # hash table of the keys (scn.nlp.ngrams._table) and its bits
    colmaps: list[np.ndarray] = field(default_factory=list)  # per member: union id -> column, -1 when absent
    sorted_cols: list[bool] = field(default_factory=list)  # per member: columns increase with union id
    lut: np.ndarray | None = None  # code point -> rank (char kinds)
    tokens: pa.Array | None = None  # token vocabulary in rank order (word kind)
    tokenize: Callable[[str], list[str]] | None = None


def _family_key(vec: CountVectorizer) -> tuple:
    pattern = vec.token_pattern if vec.analyzer == "word" else None
    return vec.analyzer, preprocessor_of(vec), pattern


_MULT = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing


PACKED_MAX = np.uint64(1 << 32)  # keys and positions below this fit one 64-bit slot (half the table's bytes)


@njit(cache=True, nogil=True)
def _table(keys: np.ndarray, bits: int, packed: bool = False) -> np.ndarray:
    """Open-addressing hash table of ``keys`` -> position, 2^bits slots (linear probing from ``_home``): pairs
    (key, position + 1; 0 = empty) side by side, so a probe reads one cache line; ``packed`` (keys and positions
    below ``PACKED_MAX``): one word per slot, ``key << 32 | position + 1``."""
    size = 1 << bits
    slots = np.zeros(size if packed else 2 * size, dtype=np.uint64)
    for i in range(len(keys)):
        h = _home(keys[i], bits)
        if packed:
            while slots[h] != 0:
                h = (h + 1) & (size - 1)
            slots[h] = (np.uint64(keys[i]) << np.uint64(32)) | np.uint64(i + 1)
        else:
            while slots[2 * h + 1] != 0:
                h = (h + 1) & (size - 1)
            slots[2 * h] = keys[i]
            slots[2 * h + 1] = i + 1
    return slots


@njit(cache=True, nogil=True)
def _home(key: np.uint64, bits: int) -> int:
    """The slot where the probe for ``key`` starts (Fibonacci hashing)."""
    return np.int64((np.uint64(key) * _MULT) >> np.uint64(64 - bits))


@njit(cache=True, nogil=True)
def _probe(slots: np.ndarray, key: np.uint64, h: int, bits: int) -> tuple[int, int]:
    """From slot ``h`` on (``_table``'s layout): (position of the next entry holding ``key``, its slot), or
    (-1, the empty slot that ends the probe)."""
    mask = (1 << bits) - 1
    if len(slots) == mask + 1:  # packed
        while True:
            v = slots[h]
            if v == 0:
                return -1, h
            if v >> np.uint64(32) == key:
                return np.int64(v & np.uint64(0xFFFFFFFF)) - 1, h
            h = (h + 1) & mask
    while True:
        v = slots[2 * h + 1]
        if v == 0:
            return -1, h
        if slots[2 * h] == key:
            return np.int64(v) - 1, h
        h = (h + 1) & mask


def hash_table(keys: np.ndarray) -> tuple[np.ndarray, int]:
    """``_table`` of ``keys`` at a load of at most 1/2 (packed when they fit) and its bits."""
    bits = max(4, (2 * len(keys)).bit_length())
    packed = len(keys) < PACKED_MAX and (not len(keys) or keys.max() < PACKED_MAX)
    return _table(keys, bits, packed), bits


@njit(cache=True, nogil=True)
def _count(codes: np.ndarray, starts: np.ndarray, lo: int, hi: int, base: np.uint64, slots: np.ndarray,
           bits: int, n_terms: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per document, the distinct terms (ascending ids) among its n-grams of ``codes`` (lo <= n <= hi, none
    holding a code 0) and their counts: CSR parts (indptr, term ids, counts)."""
    n_docs = len(starts) - 1
    cap = 0
    longest = 0
    for d in range(n_docs):
        length = starts[d + 1] - starts[d]
        cap += max(0, length) * (hi - lo + 1)
        longest = max(longest, max(0, length) * (hi - lo + 1))
    indptr = np.zeros(n_docs + 1, dtype=np.int64)
    ids = np.empty(cap, dtype=np.int32)
    counts = np.empty(cap, dtype=np.int32)
    stamp = np.full(n_terms, -1, dtype=np.int32)
    tally = np.zeros(n_terms, dtype=np.int32)
    seen = np.empty(max(longest, 1), dtype=np.int32)
    out = 0
    for d in range(n_docs):
        k = 0
        s, e = starts[d], starts[d + 1]
        for i in range(s, e):
            key = np.uint64(0)
            for n in range(1, hi + 1):
                j = i + n - 1
                if j >= e or codes[j] == 0:
                    break
                key = key * base + np.uint64(codes[j])
                if n < lo:
                    continue
                t = _probe(slots, key, _home(key, bits), bits)[0]
                if t >= 0:
                    if stamp[t] != d:
                        stamp[t] = d
                        tally[t] = 0
                        seen[k] = t
                        k += 1
                    tally[t] += 1
        found = np.sort(seen[:k])
        for t in range(k):
            ids[out + t] = found[t]
            counts[out + t] = tally[found[t]]
        out += k
        indptr[d + 1] = out
    return indptr, ids[:out], counts[:out]


@njit(cache=True, nogil=True)
def _select(indptr: np.ndarray, ids: np.ndarray, counts: np.ndarray,
            colmap: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The union counts restricted to one vectorizer's vocabulary, in its columns (CSR parts)."""
    n_docs = len(indptr) - 1
    keep = 0
    for t in range(len(ids)):
        if colmap[ids[t]] >= 0:
            keep += 1
    out_ptr = np.zeros(n_docs + 1, dtype=np.int32)
    out_cols = np.empty(keep, dtype=np.int32)
    out_counts = np.empty(keep, dtype=np.float64)
    o = 0
    for d in range(n_docs):
        for t in range(indptr[d], indptr[d + 1]):
            c = colmap[ids[t]]
            if c >= 0:
                out_cols[o] = c
                out_counts[o] = counts[t]
                o += 1
        out_ptr[d + 1] = o
    return out_ptr, out_cols, out_counts


def _ranks_to_keys(ranks: list[np.ndarray], base: int) -> np.ndarray:
    """Key of each term from the ranks of its characters or tokens (a number in base ``base``)."""
    keys = np.zeros(len(ranks), dtype=np.uint64)
    for i, r in enumerate(ranks):
        k = 0
        for c in r.tolist():
            k = k * base + int(c)
        keys[i] = k
    return keys


def utf32(text: str) -> np.ndarray:
    """The code points of ``text`` (lone surrogates kept)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def offsets(lengths: np.ndarray) -> np.ndarray:
    """Start of each part and the end of the last (n + 1) from the parts' lengths."""
    starts = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    return starts


def _codes(text: str, lut: np.ndarray) -> np.ndarray:
    return lut[utf32(text)].astype(np.int64)


def _fits(base: int, hi: int) -> bool:
    return base ** hi < 2**64


def _compile_char(fam: _Family, terms: list[str]) -> bool:
    alphabet = sorted(set("".join(terms)))  # one pass in C (a set per term cost ~0.15 s a family)
    if SEP in alphabet or not _fits(len(alphabet) + 1, fam.hi):
        return False
    lut = np.zeros(0x110000, dtype=np.uint16 if len(alphabet) < 2**16 else np.uint32)
    lut[[ord(c) for c in alphabet]] = np.arange(1, len(alphabet) + 1)
    fam.lut, fam.base = lut, len(alphabet) + 1
    lengths = np.fromiter(map(len, terms), dtype=np.int64, count=len(terms))
    keys = np.zeros(len(terms), dtype=np.uint64)
    for n in np.unique(lengths):  # terms of one length: a (k x n) matrix of ranks
        idx = np.flatnonzero(lengths == n)
        ranks = _codes("".join(terms[i] for i in idx), lut).astype(np.uint64).reshape(len(idx), n)
        k = np.zeros(len(idx), dtype=np.uint64)
        for j in range(n):
            k = k * np.uint64(fam.base) + ranks[:, j]
        keys[idx] = k
    fam.keys = keys
    return True


def _compile_word(fam: _Family, terms: list[str]) -> bool:
    if fam.hi == 1:
        parts = [[t] for t in terms]
    else:
        parts = [t.split(" ") for t in terms]
        if any(not fam.lo <= len(p) <= fam.hi for p in parts):
            return False  # a token holding a space: n-grams would be ambiguous
    vocab = sorted(set(itertools.chain.from_iterable(parts)))
    fam.base = len(vocab) + 1
    if not _fits(fam.base, fam.hi):
        return False
    fam.tokens = pa.array(vocab, type=pa.string())
    rank = {t: i + 1 for i, t in enumerate(vocab)}
    fam.keys = _ranks_to_keys([np.array([rank[p] for p in ps]) for ps in parts], fam.base)
    fam.tokenize = fam.members[0].build_tokenizer()
    return True


def union_terms(members: Sequence[CountVectorizer]) -> list[str]:
    """The union of the members' vocabularies, in string order (union ids)."""
    return sorted(set().union(*(v.vocabulary_ for v in members)))


def compile_family(key: tuple, members: list[CountVectorizer], terms: list[str]) -> _Family | None:
    """The family of ``members`` (``_family_key`` ``key``) with ``terms`` as its keys in a hash table; None when
    they cannot be keyed (``_compile_char`` / ``_compile_word``)."""
    kind, prep, pattern = key
    fam = _Family(kind, prep, pattern, members, lo=min(v.ngram_range[0] for v in members),
                  hi=max(v.ngram_range[1] for v in members))
    if not (_compile_char(fam, terms) if kind in _CHAR_KINDS else _compile_word(fam, terms)):
        return None
    fam.slots = hash_table(fam.keys)
    return fam


class BatchVectorizers:
    """Fitted vectorizers compiled for batches: ``transform(texts)`` gives each one's matrix (``id(vec)`` keys)."""

    def __init__(self, vectorizers: Sequence[object]) -> None:
        self.fallback: list[CountVectorizer] = []
        groups: dict[tuple, list[CountVectorizer]] = {}
        seen: set[int] = set()
        for vec in vectorizers:
            if id(vec) in seen:
                continue
            seen.add(id(vec))
            if supported(vec):
                groups.setdefault(_family_key(vec), []).append(vec)
            else:
                self.fallback.append(vec)
        self.families: list[_Family] = []
        for key, members in groups.items():
            terms = union_terms(members)
            fam = compile_family(key, members, terms)
            if fam is None:
                self.fallback.extend(members)
                continue
            where = {t: i for i, t in enumerate(terms)}
            for vec in members:
                colmap = np.full(len(terms), -1, dtype=np.int32)
                items = list(vec.vocabulary_.items())
                colmap[[where[t] for t, _ in items]] = [c for _, c in items]
                fam.colmaps.append(colmap)
                fam.sorted_cols.append(bool(np.all(np.diff(colmap[colmap >= 0]) > 0)))
            self.families.append(fam)

    @property
    def vectorizers(self) -> list[CountVectorizer]:
        return [v for f in self.families for v in f.members] + self.fallback

    def transform(self, texts: Sequence[str]) -> dict[int, sp.csr_matrix]:
        """Each vectorizer's ``transform(texts)`` (same values), keyed by ``id(vectorizer)``."""
        texts = list(texts)
        if not all(isinstance(t, str) for t in texts):
            return {id(v): v.transform(texts) for v in self.vectorizers}
        out: dict[int, sp.csr_matrix] = {}
        prepared: dict[Callable, list[str]] = {}
        for fam in self.families:
            if fam.prep not in prepared:
                prepared[fam.prep] = texts if fam.prep is _identity else [fam.prep(t) for t in texts]
            indptr, ids, counts = self._counts(fam, prepared[fam.prep])
            for vec, colmap, ordered in zip(fam.members, fam.colmaps, fam.sorted_cols, strict=True):
                out[id(vec)] = _finish(vec, *_select(indptr, ids, counts, colmap), ordered)
        for vec in self.fallback:
            out[id(vec)] = vec.transform(texts)
        return out

    @staticmethod
    def _counts(fam: _Family, docs: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Document x union-vocabulary counts as CSR parts (ascending ids per document)."""
        if fam.kind == "word":
            tokens = [fam.tokenize(d) for d in docs]
            lengths = np.fromiter(map(len, tokens), dtype=np.int64, count=len(docs))
            flat = list(itertools.chain.from_iterable(tokens))
            codes = _lookup(flat, fam.tokens) + 1  # token rank, 0 when not in the vocabulary
        else:
            if fam.kind == "char":
                docs = [_WHITE_SPACES.sub(" ", d) for d in docs]
            else:  # char_wb: words padded with a space, each cut on its own
                docs = [_padded_words(d) for d in docs]
            lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
            codes = _codes("".join(docs), fam.lut)
        starts = offsets(lengths)
        slots, bits = fam.slots
        return _count(codes, starts, fam.lo, fam.hi, np.uint64(fam.base), slots, bits, len(fam.keys))


def _padded_words(doc: str) -> str:
    words = doc.split()
    return " " + " \x00 ".join(words) + " " if words else ""


def _lookup(values: list[str], vocab: pa.Array) -> np.ndarray:
    """Position of each string in ``vocab`` (-1 when absent)."""
    if not values or not len(vocab):
        return np.full(len(values), -1, dtype=np.int64)
    found = pc.index_in(pa.array(values, type=pa.string()), value_set=vocab)
    return pc.fill_null(found, -1).to_numpy().astype(np.int64)


def _finish(vec: CountVectorizer, indptr: np.ndarray, cols: np.ndarray, counts: np.ndarray,
            ordered: bool) -> sp.csr_matrix:
    """What the vectorizer's transform makes of these counts (dtype, binary, TF-IDF weighting)."""
    x = sp.csr_matrix((counts.astype(vec.dtype), cols, indptr), shape=(len(indptr) - 1, len(vec.vocabulary_)))
    if ordered:
        x.has_sorted_indices = True
    else:
        x.sort_indices()
    if vec.binary:
        x.data.fill(1)
    if isinstance(vec, TfidfVectorizer):
        x = vec._tfidf.transform(x, copy=False)
    return x
