"""Coordinated posting: near-duplicate texts from many accounts in a short window; no text or pseudonym leaked."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from scn.analysis.coordination import coordinated_posting, minhash_signatures, normalise_text

CAMPAIGN = "they are invading our streets and we must push them out of this city before it is too late"


def _posts() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    start = pd.Timestamp("2026-01-05 10:00", tz="UTC")
    suffixes = np.array(["", " #wakeup", " !!", " RT", " #share", " 👉"])
    n = 30
    campaign = pd.DataFrame({"created_at": start + pd.to_timedelta(np.sort(rng.integers(0, 3 * 3600, n)), unit="s"),
                             "text": CAMPAIGN + suffixes[rng.integers(0, len(suffixes), n)],
                             "author_pseudo": [f"acct{i % 10:02d}pseudo" for i in range(n)], "city_id": "london"})
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
    return out.assign(post_key=[f"x:{i}" for i in range(len(out))])


def test_coordinated_posting_finds_the_campaign_and_nothing_else() -> None:
    posts = _posts()
    out = coordinated_posting(posts, window="6h", min_accounts=5)
    assert len(out) == 1
    hit = out.iloc[0]
    assert hit["posts"] == 30 and hit["accounts"] == 10 and hit["city_id"] == "london"
    assert hit["first_seen"] == posts["created_at"].iloc[:30].min()
    assert hit["last_seen"] - hit["first_seen"] <= pd.Timedelta("3h")
    for secret in ("invading", "streets", "acct0", "pseudo"):  # no text, no pseudonyms
        assert secret not in hit["evidence"] and secret not in hit["cluster_id"]
    evidence = json.loads(hit["evidence"])
    assert "fingerprint" in hit["evidence"]
    assert evidence["code"] == "near_duplicates" and evidence["posts"] == 30 and evidence["accounts"] == 10
    assert evidence["first_seen"] == hit["first_seen"].strftime("%Y-%m-%dT%H:%MZ")
    assert coordinated_posting(posts, min_accounts=11).empty


def test_minhash_signatures_agree_for_near_duplicates_only() -> None:
    texts = pd.Series([CAMPAIGN, CAMPAIGN + " #wakeup", "completely different words about the weather and buses "
                       "in the morning", "too short"])
    sig, ok = minhash_signatures(texts)
    assert ok.tolist() == [True, True, True, False]
    assert (sig[0] == sig[1]).mean() > 0.7 and (sig[0] == sig[2]).mean() < 0.2


def test_normalise_text_drops_links_mentions_rt_and_punctuation() -> None:
    out = normalise_text(pd.Series(["RT @someone: Look HERE!! https://t.co/x #Wake_up", None]))
    assert out[0] == "look here wake up" and pd.isna(out[1])
