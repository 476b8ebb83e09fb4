"""Coordination flags a cluster of near-duplicate hostile calls to gather even when the classifier calls them only
offensive (or misses them), but never one of independent harmless calls to gather (an announcement many people
repost in their own words) nor retweets of one."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scn.analysis.coordination import coordinated_posting

HOSTILE = "meet at the town hall on saturday at 2pm and send those immigrants back where they came from"
HARMLESS = "join us in the central park on saturday at ten for the summer festival with music and food for all"


def _cluster(text: str, label: str, n: int = 8, city: str = "leeds", prefix: str = "p") -> pd.DataFrame:
    start = pd.Timestamp("2026-04-02 18:00", tz="UTC")
    tags = np.array(["", " #now", " !!", " #saturday"])
    return pd.DataFrame({"post_key": [f"{prefix}:{i}" for i in range(n)], "city_id": city,
                         "created_at": start + pd.to_timedelta(np.arange(n) * 7, unit="min"),
                         "text": [text + tags[i % 4] for i in range(n)],
                         "author_pseudo": [f"{prefix}{i}" for i in range(n)], "label": label})


def test_hostile_calls_to_gather_are_flagged_harmless_ones_are_not() -> None:
    for label in ("offensive", "none"):  # the classifier under-calls it: the call itself and its target count
        out = coordinated_posting(_cluster(HOSTILE, label))
        assert len(out) == 1 and out.iloc[0]["content_posts"] == 8, label
    harmless = _cluster(HARMLESS, "none", prefix="h")
    assert coordinated_posting(harmless).empty  # a call to gather, but no target and no hostility
    assert coordinated_posting(harmless.assign(label="offensive")).empty  # no target group: not hostile
    retweets = harmless.assign(text="RT @council: " + HARMLESS)
    assert coordinated_posting(retweets.assign(label="hate")).empty  # shares never make a cluster


def test_the_alert_evidence_says_how_many_posts_are_hateful_and_how_many_are_hostile_calls() -> None:
    import json

    from dashboards import i18n
    from scn.privacy.disclosure import _evidence

    calls = json.loads(coordinated_posting(_cluster(HOSTILE, "none")).iloc[0]["evidence"])
    assert calls["hostile_calls"] == 8 and calls["hateful_posts"] == 0
    hate = json.loads(coordinated_posting(_cluster(HOSTILE.replace("meet at", "we hate"), "hate")).iloc[0]["evidence"])
    assert hate["hateful_posts"] == 8
    text = i18n.evidence(json.dumps(calls), "en", k=5)
    assert "8 calls to gather against a group" in text and "0 labelled hateful" in text
    small = {**calls, "hostile_calls": 3}  # a small count is hidden from officials like any count in evidence
    shown, hidden = _evidence(json.dumps(small), 5)
    assert hidden and json.loads(shown)["hostile_calls"] is None
    assert "fewer than" in i18n.evidence(shown, "en", k=5)
