"""Early warning: bursts of flagged speech against the area's own baseline, evidence as a code and numbers."""

from __future__ import annotations

import json

import pandas as pd

from geo.warning import speech_bursts


def test_burst_is_flagged_against_the_areas_own_baseline_only() -> None:
    weeks = [f"2026-W{w:02d}" for w in range(1, 15)]
    busy = [20, 22, 19, 21, 20, 23, 18, 21, 22, 20, 21, 19, 22, 24]  # always high: no burst
    quiet = [1, 0, 2, 1, 1, 0, 1, 2, 1, 1, 12, 1, 0, 1]  # a jump in week 11
    rows = [{"city_id": "x", "area_code": a, "week": w, "flagged_posts": n}
            for a, series in (("BUSY", busy), ("QUIET", quiet)) for w, n in zip(weeks, series, strict=True)]
    frame = pd.DataFrame(rows)
    frame = frame[~((frame["area_code"] == "QUIET") & (frame["flagged_posts"] == 0))]  # zero weeks absent
    out = speech_bursts(frame)
    assert out[["area_code", "week"]].values.tolist() == [["QUIET", "2026-W11"]]
    hit = out.iloc[0]
    assert hit["flagged_posts"] == 12 and 0.5 <= hit["baseline"] <= 1.5 and hit["score"] > 3
    evidence = json.loads(hit["evidence"])
    assert evidence["code"] == "speech_burst" and evidence["flagged_posts"] == 12 and evidence["week"] == "2026-W11"
    assert 0.5 <= evidence["baseline"] <= 1.5 and evidence["baseline_weeks"] == 8 and evidence["p_value"] < 0.001
    assert speech_bursts(frame.iloc[:0]).empty
