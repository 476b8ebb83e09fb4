"""Coordinated posting: independent near-duplicate hateful texts from many accounts in a short window; shares and
harmless repetition are not flagged; no text or pseudonym leaked."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from scn.analysis import coordination, word_classes
from scn.analysis.coordination import (
    COORDINATED_COLUMNS,
    coordinated_posting,
    is_share,
    minhash_signatures,
    normalise_text,
)

CAMPAIGN = "they are invading our streets and we must push them out of this city before it is too late"


def _posts() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    start = pd.Timestamp("2026-01-05 10:00", tz="UTC")
    suffixes = np.array(["", " #wakeup", " !!", " RT", " #share", " 👉"])
    n = 30
    campaign = pd.DataFrame({"created_at": start + pd.to_timedelta(np.sort(rng.integers(0, 3 * 3600, n)), unit="s"),
                             "text": CAMPAIGN + suffixes[rng.integers(0, len(suffixes), n)],
                             "author_pseudo": [f"acct{i % 10:02d}pseudo" for i in range(n)], "city_id": "london",
                             "label": "hate"})
    words = np.array("the a city park bus rain market school night weekend music coffee friends work".split())
    background = pd.DataFrame({
        "created_at": start + pd.to_timedelta(rng.integers(-86400 * 5, 86400 * 5, 400), unit="s"),
        "text": [" ".join(rng.choice(words, 12)) for _ in range(400)],
        "author_pseudo": [f"user{i:04d}" for i in range(400)], "city_id": "london"})
    one_author = pd.DataFrame({"created_at": start, "text": "buy cheap followers now at my amazing shop today",
                               "author_pseudo": "spammer", "city_id": "london"}, index=range(20))
    same_text_slow = pd.DataFrame({"created_at": start + pd.to_timedelta(np.arange(6) * 2, unit="D"),
                                   "text": "the council meeting about parking is on thursday at seven",
                                   "author_pseudo": [f"citizen{i}" for i in range(6)], "city_id": "london"})
    out = pd.concat([campaign, background, one_author, same_text_slow], ignore_index=True)
    out["label"] = out["label"].fillna("none")
    return out.assign(post_key=[f"x:{i}" for i in range(len(out))])


def test_coordinated_posting_finds_the_campaign_and_nothing_else() -> None:
    posts = _posts()
    out = coordinated_posting(posts, window="6h", min_accounts=5)
    assert len(out) == 1
    hit = out.iloc[0]
    assert hit["posts"] == 30 and hit["accounts"] == 10 and hit["city_id"] == "london" and hit["shares"] == 0
    assert hit["first_seen"] == posts["created_at"].iloc[:30].min()
    assert hit["last_seen"] - hit["first_seen"] <= pd.Timedelta("3h")
    for secret in ("invading", "streets", "acct0", "pseudo"):  # no text, no pseudonyms
        assert secret not in hit["evidence"] and secret not in hit["cluster_id"]
    evidence = json.loads(hit["evidence"])
    assert "fingerprint" in hit["evidence"]
    assert evidence["code"] == "near_duplicates" and evidence["posts"] == 30 and evidence["accounts"] == 10
    assert evidence["first_seen"] == hit["first_seen"].strftime("%Y-%m-%dT%H:%MZ")
    assert coordinated_posting(posts, min_accounts=11).empty
    assert coordinated_posting(posts.drop(columns="label")).empty  # no labels, no content: no flag
    assert coordinated_posting(posts.assign(label="none")).empty  # the same texts, harmless


def _announcement(n: int, start: pd.Timestamp, **extra: object) -> pd.DataFrame:
    text = "RT @citycouncil: the summer festival in the central park opens on saturday at ten, all welcome"
    return pd.DataFrame({"post_key": [f"rt:{i}" for i in range(n)], "city_id": "london",
                         "created_at": start + pd.to_timedelta(np.arange(n) * 5, unit="min"), "text": text,
                         "author_pseudo": [f"fan{i:02d}" for i in range(n)], "label": "none", **extra})


def test_twelve_retweets_of_a_harmless_announcement_are_not_coordination() -> None:
    start = pd.Timestamp("2026-03-01 09:00", tz="UTC")
    retweets = _announcement(12, start)
    assert is_share(retweets).all()
    for frame in (retweets, retweets.assign(label="hate"),  # shares are never independent posts
                  retweets.assign(text=retweets["text"].str.removeprefix("RT @citycouncil: "),
                                  repost_of="council:1")):  # share marked by an id column, not RT
        out = coordinated_posting(frame)
        assert out.empty and list(out.columns) == COORDINATED_COLUMNS


def test_distinct_accounts_posting_the_same_hateful_text_are_flagged_with_their_shares_apart() -> None:
    start = pd.Timestamp("2026-03-01 21:00", tz="UTC")
    n = 7
    campaign = pd.DataFrame({"post_key": [f"c:{i}" for i in range(n)], "city_id": "paris",
                             "created_at": start + pd.to_timedelta(np.arange(n) * 11, unit="min"),
                             "text": [CAMPAIGN + f" #{tag}" for tag in ["go", "now", "", "!", "go", "", "now"]],
                             "author_pseudo": [f"p{i}" for i in range(n)], "label": "hate"})
    shares = campaign.assign(post_key=lambda d: "s" + d["post_key"], text="RT @p0: " + CAMPAIGN,
                             author_pseudo=lambda d: "q" + d["author_pseudo"])
    out = coordinated_posting(pd.concat([campaign, shares], ignore_index=True), min_accounts=5)
    assert len(out) == 1
    hit = out.iloc[0]
    assert (hit["posts"], hit["accounts"], hit["shares"], hit["content_posts"]) == (7, 7, 7, 7)
    evidence = json.loads(hit["evidence"])
    assert evidence["shares"] == 7 and evidence["content_share"] == 1.0
    assert coordinated_posting(campaign.iloc[:4], min_accounts=5).empty  # four accounts are not enough


def test_minhash_signatures_agree_for_near_duplicates_only() -> None:
    texts = pd.Series([CAMPAIGN, CAMPAIGN + " #wakeup", "completely different words about the weather and buses "
                       "in the morning", "too short"])
    sig, ok = minhash_signatures(texts)
    assert ok.tolist() == [True, True, True, False]
    assert (sig[0] == sig[1]).mean() > 0.7 and (sig[0] == sig[2]).mean() < 0.2


def test_identical_texts_are_signed_once_and_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    """Copypasta and retweets repeat texts: each distinct text (and the missing one) is normalised once, and every
    copy gets the signature the text gets on its own, whatever its position or index."""
    texts = pd.Series([CAMPAIGN, None, "too short", CAMPAIGN, CAMPAIGN + " #wakeup", None, CAMPAIGN, "too short"],
                      index=[10, 3, 7, 0, 5, 1, 2, 4])
    alone = [minhash_signatures(pd.Series([t])) for t in texts]
    seen: list[int] = []
    real = coordination.words
    monkeypatch.setattr(coordination, "words", lambda t: seen.append(len(t)) or real(t))
    sig, ok = minhash_signatures(texts)
    assert seen == [4]  # CAMPAIGN, None, "too short", CAMPAIGN + " #wakeup"
    assert ok.tolist() == [o[0] for _, o in alone] == [True, False, False, True, True, False, True, False]
    for row, (s_alone, _) in enumerate(alone):
        assert (sig[row] == s_alone[0]).all(), row


def test_is_share_reads_rt_prefix_and_share_columns() -> None:
    frame = pd.DataFrame({"text": ["RT @a: x", "rt@b y", "art @c", "quote RT @d", None],
                          "is_reblog": [False, False, True, False, False]})
    assert is_share(frame).tolist() == [True, True, True, False, False]


def test_normalise_text_drops_links_mentions_rt_and_punctuation() -> None:
    out = normalise_text(pd.Series(["RT @someone: Look HERE!! https://t.co/x #Wake_up", None]))
    assert out[0] == "look here wake up" and pd.isna(out[1])


def _python_normalise(text: str | None) -> str | None:
    """The definition ``normalise_text`` vectorises: Python's ``re`` over one text."""
    if text is None:
        return None
    dropped = re.sub(r"https?://\S+|@\w+|\brt\b", " ", text.casefold())
    return re.sub(r"[\W_]+", " ", dropped).strip()


TRICKY = ["rt", "RT", "Rt", "@", "@a", "@_", "h", "http://", "https://", "x", "_", " ", "  ", "\u00a0", "\u2003",
          "\x1c", "\t", "\n", ".", "/", ":", "é", "e\u0301", "\u0301", "ß", "ẞ", "İ", "1", "٣", "½", "Ⅻ", "x.com/",
          "t.co/x", "#", "rthttp://a", "@rt", "rt@", "ﬀ", "ǅ", "\u200b", "\u200d", "👍", "中", "ـ", "ٱ", "a_b",
          "_rt_", "-", "'", "’", "rtrt", " rt ", "\x00", "RT @user:", "ＲＴ", "＠ｕ", "ς", "Σ", "ǰ", "ﬃ"]


def test_normalise_text_is_python_s_regular_expressions_on_every_kind_of_text() -> None:
    """The vectorised normalisation (RE2, which has no Unicode \\b nor look-ahead) gives exactly what Python's
    ``re`` gives: on texts glued from pieces that make its cases meet (``rt`` before and after links, mentions,
    underscores, other ``rt``; Unicode spaces, marks, digits, case folding), and on hand-written corner cases."""
    rng = np.random.default_rng(7)
    texts = ["".join(rng.choice(TRICKY, rng.integers(0, 12))) for _ in range(20_000)]
    texts += [None, "", " ", "rt", "rt rt", "rt.rt", "rt rt@x", "rt @ rt", "rthttp://a", "http://a rt", "@abc.rt",
              "rt. rtx", "xrt@y", "rt@", "RT @a: RT @b: rt", "http://a\u00a0rt", "rt\u2003rt"]
    got = normalise_text(pd.Series(texts, dtype="string"))
    want = [_python_normalise(t) for t in texts]
    wrong = [(t, w, g) for t, w, g in zip(texts, want, got, strict=True) if (None if pd.isna(g) else g) != w]
    assert not wrong, wrong[:10]


def test_words_are_the_normalised_text_split() -> None:
    texts = pd.Series(["RT @someone: Look HERE!! https://t.co/x #Wake_up", None, "", "..", "a", " rt b_c "],
                      dtype="string")
    lists = coordination.words(texts).to_pylist()
    assert [None if w is None else [x for x in w if x] for w in lists] == \
        [["look", "here", "wake", "up"], None, [], [], ["a"], ["b", "c"]]


def test_the_re2_classes_hold_exactly_python_s_word_and_space_characters() -> None:
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    arr = pa.array(chars, type=pa.large_string())
    for re2, python in ((word_classes.word(), r"\w"), (word_classes.alnum(), r"[^\W_]"),
                        (word_classes.space(), r"\s")):
        got = pc.match_substring_regex(arr, pattern=f"^{re2}$").to_numpy(zero_copy_only=False)
        want = np.fromiter((re.fullmatch(python, c) is not None for c in chars), bool, len(chars))
        assert np.array_equal(got, want), python


def test_alerts_search_cities_side_by_side_and_find_each_city_s_own_campaign(tmp_path, monkeypatch) -> None:
    """``tables.alerts`` searches two cities at a time (threads): every city's campaign, in city order, no cluster
    across cities (the same text posted in two cities is two campaigns), and the same table as one at a time."""
    from scn import lake
    from scn.analysis import tables
    from scn.settings import override

    cities = ["beirut", "london", "mombasa", "oslo", "saida"]
    frames = []
    for n, city in enumerate(cities):
        posts = _posts().assign(city_id=city)
        if city == "oslo":
            posts = posts.iloc[30:]  # no campaign here
        frames.append(posts.assign(post_key=[f"{city}:{i}" for i in range(len(posts))],
                                   created_at=posts["created_at"] + pd.Timedelta(days=n)))
    posts = pd.concat(frames, ignore_index=True)
    with override(home=tmp_path):
        lake.write_part("posts", posts[["post_key", "city_id", "created_at", "text", "author_pseudo"]], "a")
        lake.write_part("posts_enriched", posts[["post_key", "city_id", "label"]], "a")
        tables_by = {}
        for threads in (1, 2):
            monkeypatch.setattr(tables, "ALERT_THREADS", threads)
            tables_by[threads] = tables.alerts()
    found = tables_by[2][tables_by[2]["alert_type"] == "coordinated"]
    assert found["city_id"].tolist() == ["beirut", "london", "mombasa", "saida"]
    assert (found["score"] == 10).all()  # ten accounts each: nothing merged across cities
    pd.testing.assert_frame_equal(tables_by[1], tables_by[2])


def _numpy_signatures(text: pd.Series, num_perm: int, shingle: int, min_tokens: int, seed: int) -> np.ndarray:
    """The signatures as numpy computed them before the one-pass kernel: every word hashed, a pass per hash
    function (the reference the kernel must equal value for value)."""
    lists = coordination.words(text)
    pos = pc.list_parent_indices(lists).to_numpy()
    tokens = pc.list_flatten(lists)
    filled = pc.not_equal(tokens, "").to_numpy(zero_copy_only=False)
    pos, tokens = pos[filled], pc.filter(tokens, filled)
    ok = np.bincount(pos, minlength=len(text)) >= min_tokens
    keep = ok[pos]
    h, pos = pd.util.hash_array(tokens.filter(pa.array(keep)).to_numpy(zero_copy_only=False)), pos[keep]
    sh, valid = h.copy(), np.ones(len(h), dtype=bool)
    with np.errstate(over="ignore"):
        for k in range(1, shingle):
            nxt = np.r_[h[k:], np.zeros(min(k, len(h)), np.uint64)]
            valid &= np.r_[pos[k:] == pos[:-k], np.zeros(min(k, len(h)), bool)]
            sh = (sh * np.uint64(1_000_003)) ^ nxt
    sh, pos = sh[valid], pos[valid]
    sig = np.full((len(text), num_perm), np.uint64(2**64 - 1), dtype=np.uint64)
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**63, num_perm, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, num_perm, dtype=np.uint64)
    starts = np.flatnonzero(np.r_[True, pos[1:] != pos[:-1]]) if len(pos) else np.array([], int)
    with np.errstate(over="ignore"):
        for k in range(num_perm):
            if len(pos):
                sig[pos[starts], k] = np.minimum.reduceat(sh * a[k] + b[k], starts)
    return sig


@pytest.mark.parametrize("shingle", [1, 2, 3, 7])
def test_the_one_pass_signatures_equal_numpy_s(shingle: int) -> None:
    """Texts shorter than, as long as and longer than a shingle, one word repeated, missing and empty texts,
    words repeated across texts, non-Latin scripts; a text with exactly ``min_tokens`` words."""
    rng = np.random.default_rng(shingle)
    vocab = ["a", "b", "hate", "ils", "الناس", "نحن", "x1", "ça", "東京", "go"]
    texts = [" ".join(rng.choice(vocab, rng.integers(0, 15))) for _ in range(300)]
    texts += ["word " * 40, "", None, "one two three four five six", "rt @x http://t.co/a only link", "a b"]
    text = pd.Series(texts, dtype="string")
    for min_tokens in (1, 6):
        got, ok = coordination._signatures(text, 24, shingle, min_tokens, 7)
        want = _numpy_signatures(text, 24, shingle, min_tokens, 7)
        assert np.array_equal(got, want)
        counts = [sum(1 for w in ws if w) if ws is not None else 0 for ws in coordination.words(text).to_pylist()]
        signed = (np.array(counts) >= min_tokens) & (want != np.uint64(2**64 - 1)).any(axis=1)
        assert np.array_equal(ok, signed)
    empty, _ = coordination._signatures(pd.Series([], dtype="string"), 24, shingle, 6, 0)
    assert empty.shape == (0, 24)
    with pytest.raises(ValueError, match="at least one word"):
        coordination.minhash_signatures(text, shingle=0)


def test_every_ascii_character_normalises_as_python_s_re() -> None:
    """Every ASCII character (controls, the separators 0x1c-0x1f that Python counts as space, the underscore)
    glued with links, mentions and rt, alone and alternating with non-ASCII texts in one batch."""
    rng = np.random.default_rng(11)
    ascii_pieces = [chr(c) for c in range(128)] + ["rt", "RT", "@a", "http://x", "https://t.co/y", " rt ", "a_b"]
    plain = ["".join(rng.choice(ascii_pieces, rng.integers(0, 10))) for _ in range(6_000)]
    mixed = [t if i % 2 else t + "é" for i, t in enumerate(plain)]
    for texts in (plain, mixed):
        got = normalise_text(pd.Series(texts, dtype="string"))
        want = [_python_normalise(t) for t in texts]
        assert [None if pd.isna(g) else g for g in got] == want
        lists = coordination.words(pd.Series(texts, dtype="string")).to_pylist()
        assert [" ".join(x for x in w if x) for w in lists] == want
