"""Local risk profile: areas ranked on recent speech, crime and survey resilience, with reasons."""

from __future__ import annotations

import json

import pandas as pd

from geo.risk import risk_profile


def test_risk_ranks_recent_speech_and_crime_and_says_why() -> None:
    periods = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]
    rows = []
    for i, area in enumerate(["A1", "A2", "A3", "A4", "A5"]):
        for j, period in enumerate(periods):
            hot = area == "A5" and j >= 2  # A5 heats up recently
            old = area == "A1" and j < 2  # A1 was hot long ago
            rows.append({"city_id": "x", "area_code": area, "period": period, "posts": 50,
                         "flagged_posts": 20 if hot or old else i, "crimes": 10,
                         "hate_crimes": 6 if hot or old else 1, "population": 1000})
    survey = pd.DataFrame({"city_id": "x", "area_code": ["A4", "A5"], "construct": "resilience", "mean": [4.5, 1.5]})
    out = risk_profile(pd.DataFrame(rows), survey, recent_months=3)
    assert list(out.columns) == ["city_id", "area_code", "rank", "score", "speech_recent", "crime_recent",
                                 "resilience", "reasons"]
    assert out.iloc[0]["area_code"] == "A5" and out.iloc[0]["rank"] == 1
    assert out.set_index("area_code").loc["A5", "speech_recent"] == 60
    assert {"speech_high", "crime_high"} <= set(json.loads(out.iloc[0]["reasons"])["codes"])
    assert sorted(out["rank"]) == [1, 2, 3, 4, 5]
    assert out.set_index("area_code").loc["A1", "rank"] > 1  # an old peak does not make recent risk
    assert risk_profile(pd.DataFrame(columns=rows[0].keys())).empty
