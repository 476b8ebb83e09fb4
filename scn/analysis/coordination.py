"""Coordinated posting: independent near-duplicate texts (MinHash LSH on word bigrams) with hateful or
mobilising content from many pseudonymous accounts within a short window.

Shares (retweets, reposts, boosts: an ``RT @`` prefix or a share id/flag column where the source has one) are
amplification, not independent writing: they are kept apart (counted as ``shares`` in the evidence) and never
make a cluster on their own. A cluster is flagged only when at least ``min_content_share`` of its independent
posts are hateful (a label of ``content_labels``) or a hostile call to gather (scn.nlp.mobilisation: a call with a
time or place, aimed at a target group with hateful or offensive words or a call to drive it out): many people
repeating a harmless announcement, even a call to gather, is not a campaign. Text is read inside the pipeline only; the result carries counts, times and a short
fingerprint of the cluster's MinHash signature keyed with the pseudonym key (nobody holding a post can recompute it
to confirm the post was in the cluster), never post text or pseudonyms.

``evidence`` is a JSON object of a code and numbers (``{"code": "near_duplicates", "posts": ..., "accounts": ...,
"shares": ..., "content_share": ..., "first_seen": ..., "last_seen": ..., "fingerprint": ...}``); the dashboards
turn it into words through i18n.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from numba import njit
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from scn.analysis import word_classes
from scn.arrow_text import large_strings
from scn.nlp.mobilisation import hostile_mobilisation

COORDINATED_COLUMNS = ["city_id", "cluster_id", "first_seen", "last_seen", "posts", "accounts", "evidence",
                       "shares", "content_posts"]
EVIDENCE_CODE = "near_duplicates"
MIN_ACCOUNTS = 5  # a cluster has posts from at least this many accounts (so at least this many posts)
# columns a source may carry that mark a post as a share of another (an id of the shared post, or a flag)
SHARE_COLUMNS = ("repost_of", "retweeted_id", "reblog_of", "shared_post_id", "is_share", "is_repost",
                 "is_retweet", "is_reblog")
CONTENT_LABELS = ("hate",)
_MASK = np.uint64(2**64 - 1)


@cache
def _drop_pattern() -> str:
    """Python's ``https?://\\S+|@\\w+|\\brt\\b`` (applied left to right, each match to a space) in RE2, which
    has neither Unicode ``\\b`` nor look-ahead. A bounded ``rt`` is matched with the non-word characters around it
    (they become separators anyway); runs of them (``rt rt``, ``rt.rt``) in one match, since a consumed character
    cannot bound the next one; and ``rt`` right before a mention with that mention, since ``@`` must start it.
    Links and mentions start with ``h`` and ``@``, never with a bounded ``rt``'s characters, so the three kinds of
    match never compete for a position (tests/analysis/test_coordination.py checks it against Python's ``re``)."""
    w, nw, nws = word_classes.word(), word_classes.word(negate=True), word_classes.space(negate=True)
    sep = nw[:-1] + "@]"  # a non-word character but @
    return rf"https?://{nws}+|@{w}+|(?:^|{nw})(?:rt{sep}+)*rt(?:@{w}*|{sep}|$)"


def _dropped(text: pd.Series) -> pa.Array:
    """Case-folded text with links, mentions and RT markers replaced by spaces (Arrow, nulls kept)."""
    s = large_strings(text)
    ascii_ = pc.fill_null(pc.string_is_ascii(s), True)
    folded = pc.utf8_lower(s)  # str.casefold() on ASCII; other rows through Python's own casefold
    if not pc.all(ascii_).as_py():
        rest = pc.invert(ascii_)
        other = pc.filter(s, rest).to_pandas(types_mapper=pd.ArrowDtype).str.casefold()
        folded = pc.replace_with_mask(folded, rest, large_strings(other))
    return pc.replace_substring_regex(folded, pattern=_drop_pattern(), replacement=" ")


def words(text: pd.Series) -> pa.ListArray:
    """Each text's words as ``normalise_text`` leaves them (a list per text, null for a missing text; an empty
    string at either end where the text starts or ends with a separator)."""
    return pc.split_pattern_regex(_dropped(text), pattern=word_classes.alnum(negate=True) + "+")


def normalise_text(text: pd.Series) -> pd.Series:
    """Lower-case text without links, @mentions, RT markers, '#' signs and punctuation: Python's
    ``re.sub(r"[\\W_]+", " ", re.sub(r"https?://\\S+|@\\w+|\\brt\\b", " ", t.casefold())).strip()``, vectorised
    (RE2 through Arrow, with Python's Unicode word and space classes)."""
    s = pc.replace_substring_regex(_dropped(text), pattern=word_classes.alnum(negate=True) + "+", replacement=" ")
    out = pc.utf8_trim(s, characters=" ").to_pandas(types_mapper=pd.ArrowDtype)
    return pd.Series(out.array, index=text.index).astype("string")


def is_share(posts: pd.DataFrame) -> np.ndarray:
    """Posts that share another post: text starting with ``RT @`` (any case) or a share column that is set
    (a non-empty id, or a true flag)."""
    share = posts["text"].astype("string").str.match(r"\s*rt\s*@", case=False).fillna(False).to_numpy(bool)
    for col in SHARE_COLUMNS:
        if col in posts:
            v = posts[col]
            set_ = v.fillna(False).astype(bool) if v.dtype == bool or col.startswith("is_") else \
                v.notna() & v.astype("string").str.strip().ne("").fillna(False)
            share |= set_.to_numpy(bool)
    return share


def minhash_signatures(text: pd.Series, num_perm: int = 24, shingle: int = 2, min_tokens: int = 6,
                       seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """MinHash signatures (rows x num_perm, uint64) of word ``shingle``-grams of normalised texts, vectorised
    over all texts; also the mask of rows with at least ``min_tokens`` tokens (others get no signature).
    Identical texts (copypasta, retweets) are normalised and hashed once."""
    if shingle < 1:
        raise ValueError(f"a shingle holds at least one word, not {shingle}")
    codes, distinct = pd.factorize(pd.Series(text).astype("string"), use_na_sentinel=False)
    sig, ok = _signatures(pd.Series(distinct, dtype="string"), num_perm, shingle, min_tokens, seed)
    return sig[codes], ok[codes]


def _signatures(text: pd.Series, num_perm: int, shingle: int, min_tokens: int,
                seed: int) -> tuple[np.ndarray, np.ndarray]:
    lists = words(text)
    pos = pc.list_parent_indices(lists).to_numpy()  # the text each word comes from
    tokens = pc.list_flatten(lists)
    filled = pc.not_equal(tokens, "").to_numpy(zero_copy_only=False)  # separators at either end split off ""
    pos, tokens = pos[filled], pc.filter(tokens, filled)
    ok = np.bincount(pos, minlength=len(text)) >= min_tokens
    keep = ok[pos]
    kept = tokens.filter(pa.array(keep)).dictionary_encode()  # each distinct word hashed once
    h = pd.util.hash_array(kept.dictionary.to_numpy(zero_copy_only=False))[
        kept.indices.to_numpy(zero_copy_only=False)]
    sig = np.full((len(text), num_perm), _MASK, dtype=np.uint64)
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**63, num_perm, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, num_perm, dtype=np.uint64)
    _min_hashes(h, pos[keep], shingle, a, b, sig)
    ok &= (sig != _MASK).any(axis=1)
    return sig, ok


@njit(cache=True, nogil=True)
def _min_hashes(h: np.ndarray, pos: np.ndarray, shingle: int, a: np.ndarray, b: np.ndarray,
                sig: np.ndarray) -> None:
    """Into ``sig`` (texts x hash functions, filled with the largest value): per text, the minimum over its word
    ``shingle``-grams of ``shingle_hash * a[k] + b[k]`` (uint64, wrapping), a shingle's hash folding the word
    hashes ``h`` left to right as ``(x * 1000003) ^ next``; ``pos``: each word's text, non-decreasing. One pass
    over the words (a numpy pass per hash function before: the same values)."""
    m = len(h)
    for i in range(m - shingle + 1):
        row = pos[i]
        if pos[i + shingle - 1] != row:  # the shingle runs past its text
            continue
        x = h[i]
        for j in range(1, shingle):
            x = (x * np.uint64(1_000_003)) ^ h[i + j]
        for k in range(len(a)):
            v = x * a[k] + b[k]
            if v < sig[row, k]:
                sig[row, k] = v


def _band_components(city: np.ndarray, sig: np.ndarray, bands: int) -> np.ndarray:
    """Connected components of texts sharing any LSH band (same city): near-duplicate groups."""
    n, rows = sig.shape[0], sig.shape[1] // bands
    city_code = pd.factorize(city)[0].astype(np.uint64)
    keys = []
    with np.errstate(over="ignore"):
        for band in range(bands):  # a handful of bands
            part = sig[:, band * rows:(band + 1) * rows]
            key = city_code * np.uint64(0x9E3779B97F4A7C15) + np.uint64(band)
            for j in range(rows):
                key = (key ^ part[:, j]) * np.uint64(0x100000001B3)
            keys.append(key)
    bucket = pd.factorize(np.concatenate(keys))[0]
    post = np.tile(np.arange(n), bands)
    graph = coo_matrix((np.ones(len(post)), (post, n + bucket)), shape=(n + bucket.max() + 1,) * 2)
    return connected_components(graph, directed=False)[1][:n]


def _evidence(agg: pd.DataFrame, fingerprint: pd.Series) -> list[str]:
    """One JSON object per cluster: the code, counts (own posts, accounts, shares, of the own posts those labelled
    hateful and those that are hostile calls to gather), first/last time (ISO, UTC) and the fingerprint."""
    first = agg["first_seen"].dt.strftime("%Y-%m-%dT%H:%MZ")
    last = agg["last_seen"].dt.strftime("%Y-%m-%dT%H:%MZ")
    share = (agg["content_posts"] / agg["posts"]).round(2)
    return [json.dumps({"code": EVIDENCE_CODE, "posts": int(p), "accounts": int(a), "shares": int(sh),
                        "content_share": float(c), "hateful_posts": int(hp), "hostile_calls": int(hc),
                        "first_seen": f, "last_seen": la, "fingerprint": fp})
            for p, a, sh, c, hp, hc, f, la, fp in zip(agg["posts"], agg["accounts"], agg["shares"], share,
                                                      agg["hateful_posts"], agg["hostile_calls"], first, last,
                                                      fingerprint, strict=True)]


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("posts", "accounts", "shares", "content_posts")
                                      else "object") for c in COORDINATED_COLUMNS})


def coordinated_posting(posts: pd.DataFrame, window: str = "6h", min_accounts: int = MIN_ACCOUNTS, bands: int = 6,
                        num_perm: int = 24, content_labels: tuple[str, ...] = CONTENT_LABELS,
                        min_content_share: float = 0.5, key: bytes | None = None) -> pd.DataFrame:
    """Clusters of independent near-duplicate posts (MinHash LSH on word bigrams: Jaccard above about 0.6 links
    two texts) from at least ``min_accounts`` pseudonymous accounts, successive posts less than ``window``
    apart, at least ``min_content_share`` of them labelled with one of ``content_labels`` or hostile calls to
    gather (``scn.nlp.mobilisation.hostile_mobilisation``; a ``target`` column is used when present).

    ``posts`` needs post_key, city_id, created_at, text, author_pseudo and ``label`` (the classifier's; without
    it nothing is flagged), optionally share columns (``SHARE_COLUMNS``). Shares join the clusters of the texts
    they repeat but count only as ``shares``. ``evidence`` is JSON (code, counts, times, a short fingerprint of
    the cluster's MinHash signature, keyed with ``key``: no text, no pseudonyms, and nothing that whoever holds a
    post can recompute to tell whether it was in the cluster; without a key a random one is drawn, so the
    fingerprints of two calls differ)."""
    df = posts.dropna(subset=["text"]).reset_index(drop=True)
    if df.empty or "label" not in df:
        return _empty()
    df["share"] = is_share(df)
    sig, ok = minhash_signatures(df["text"], num_perm=num_perm)
    df, sig = df[ok].reset_index(drop=True), sig[ok]
    if df.empty:
        return _empty()
    df["component"] = _band_components(df["city_id"].to_numpy(), sig, bands)
    df["created_at"] = pd.to_datetime(df["created_at"], utc=True)
    df["sig0"] = sig[:, 0]
    df = df.sort_values(["component", "created_at"], ignore_index=True)
    gap = df["created_at"].diff() > pd.Timedelta(window)
    df["session"] = (df["component"].ne(df["component"].shift()) | gap).cumsum()
    own = ~df["share"]
    df["own"] = own.astype("int64")
    df["own_author"] = df["author_pseudo"].where(own)
    sessions = df.groupby("session")
    candidate = (sessions["own_author"].transform("nunique") >= min_accounts).to_numpy()
    hateful = df["label"].isin(content_labels).to_numpy()
    calls = np.zeros(len(df), dtype=bool)
    if candidate.any():  # hostile calls to gather, read only in the clusters that can be flagged
        rows = df[candidate]
        calls[candidate] = hostile_mobilisation(rows["text"], rows["label"],
                                                rows["target"] if "target" in rows else None)
    df["own_content"] = own & (hateful | calls)
    df["own_hateful"], df["own_calls"] = own & hateful, own & calls
    agg = df.groupby("session").agg(city_id=("city_id", "first"), first_seen=("created_at", "min"),
                                    last_seen=("created_at", "max"), posts=("own", "sum"),
                                    shares=("share", "sum"), accounts=("own_author", "nunique"),
                                    content_posts=("own_content", "sum"), hateful_posts=("own_hateful", "sum"),
                                    hostile_calls=("own_calls", "sum"), sig0=("sig0", "min"))
    agg = agg[(agg["accounts"] >= min_accounts)
              & (agg["content_posts"] >= min_content_share * agg["posts"])].reset_index(drop=True)
    if agg.empty:
        return _empty()
    secret = key or secrets.token_bytes(32)
    fingerprint = agg["sig0"].map(lambda v: hmac.new(secret, b"coordination:" + int(v).to_bytes(8, "little"),
                                                     hashlib.sha256).hexdigest()[:10])
    agg["cluster_id"] = agg["city_id"] + ":" + fingerprint + ":" + agg["first_seen"].dt.strftime("%Y%m%d%H%M")
    agg["evidence"] = _evidence(agg, fingerprint)
    agg[["posts", "shares", "content_posts"]] = agg[["posts", "shares", "content_posts"]].astype("int64")
    return agg[COORDINATED_COLUMNS].sort_values(["city_id", "first_seen"], ignore_index=True)
