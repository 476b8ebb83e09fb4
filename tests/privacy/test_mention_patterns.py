"""Mentions are masked by a bare RE2 pattern plus the exact one only where an at sign follows a handle character:
the result must equal the exact pattern's everywhere (texts glued from pieces chosen to make the cases meet)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from scn.ingest.social.posts import MENTION, _mentions, mask_mentions

PIECES = ["@", "＠", "﹫", "@@", "a", "Zoë", "é", "\u0301", "٣", "_", "＿", "x_y", "\u200b", "\u200d", "\u2060",
          "\u00ad", " ", "\n", "\t", ".", "-", "/", ":", "(", "bob@example.org", "RT ", "@user", "👍", "🏳️‍🌈",
          "\u202e", "日本", "ـ", "x.com/", "t.me/", "@\u200bname", "a@", "@a@b", "1", "'", "#tag", "\x00"]


def _glued(n: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    return ["".join(rng.choice(PIECES, size=rng.integers(0, 9))) for _ in range(n)]


def test_the_split_masking_equals_the_exact_pattern_everywhere() -> None:
    texts = _glued(30_000, 3) + ["@a", "a@b", "@a@b", "@@a", "x @a @b", "a\u200b@b", "＠ｂｏｂ", "@\u200b\u200bx",
                                 "_@x", "é@x", "\u0301@x", "@", "", "@_", "@ a"]
    arr = pa.array(texts, type=pa.large_string())
    want = pc.replace_substring_regex(arr, pattern=MENTION, replacement=r"\1@user")
    got = _mentions(arr)
    assert got.to_pylist() == want.to_pylist()
    assert pc.sum(pc.not_equal(want, arr)).as_py() > 5_000  # the texts do hold mentions
    glued = sum("@" in t and any(t[i - 1].isalnum() for i in range(1, len(t)) if t[i] == "@") for t in texts)
    assert glued > 1_000  # and the rows the bare pattern alone would get wrong


def test_an_e_mail_address_keeps_its_at_sign_and_a_mention_beside_it_is_masked() -> None:
    import pandas as pd

    got = mask_mentions(pd.Series(["write to bob@example.org or @alice", "@bob@carol"], dtype="string"))
    assert got.tolist() == ["write to bob@example.org or @user", "@user@carol"]
