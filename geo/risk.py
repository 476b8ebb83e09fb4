"""Local risk profile: areas ranked by recent speech, crime and survey resilience, with the reasons as codes.

``reasons`` is a JSON object ``{"codes": [...], "recent_months": k}``; the codes (``REASON_CODES``) name the
signals, the numbers are in the speech_recent, crime_recent and resilience columns; the dashboards render them
through i18n."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

RISK_COLUMNS = ["city_id", "area_code", "rank", "score", "speech_recent", "crime_recent", "resilience", "reasons"]
WEIGHTS = {"speech": 0.45, "crime": 0.45, "resilience": 0.10}
TOP_SHARE = 0.2  # a signal counts as a reason in the top fifth of the city's areas (bottom fifth for resilience)
REASON_CODES = ("speech_high", "crime_high", "resilience_low", "no_signal")


def risk_profile(area_month: pd.DataFrame, survey: pd.DataFrame | None = None,
                 recent_months: int = 3) -> pd.DataFrame:
    """Rank areas within each city on flagged posts and hate crimes of the city's last ``recent_months``
    periods (percentile ranks among the city's areas, weights 0.45 / 0.45), plus 0.10 x low survey resilience
    (mean of the area's survey construct means; middle rank where unknown). ``reasons`` = JSON of the codes of
    the signals in the top fifth of the city's areas (``speech_high``, ``crime_high``; ``resilience_low`` in the
    bottom fifth; ``no_signal`` when none) and ``recent_months``."""
    am = area_month.dropna(subset=["area_code"])
    if am.empty:
        return pd.DataFrame(columns=RISK_COLUMNS)
    last = am.groupby("city_id")["period"].transform("max")
    first = (pd.PeriodIndex(last, freq="M") - (recent_months - 1)).strftime("%Y-%m")
    recent = am[am["period"].to_numpy() >= np.asarray(first)]
    recent = (recent.groupby(["city_id", "area_code"], as_index=False)[["flagged_posts", "hate_crimes"]].sum()
              .rename(columns={"flagged_posts": "speech_recent", "hate_crimes": "crime_recent"}))
    g = recent.groupby("city_id")
    speech_pct, crime_pct = g["speech_recent"].rank(pct=True), g["crime_recent"].rank(pct=True)
    if survey is not None and len(survey):
        res = survey.groupby(["city_id", "area_code"], as_index=False)["mean"].mean()
        recent = recent.merge(res.rename(columns={"mean": "resilience"}), on=["city_id", "area_code"], how="left")
    else:
        recent["resilience"] = np.nan
    resilience_pct = recent.groupby("city_id")["resilience"].rank(pct=True)
    recent["score"] = (WEIGHTS["speech"] * speech_pct + WEIGHTS["crime"] * crime_pct
                       + WEIGHTS["resilience"] * (1 - resilience_pct.fillna(0.5))).round(3)
    recent["rank"] = recent.groupby("city_id")["score"].rank(ascending=False, method="first").astype(int)
    flags = pd.DataFrame({
        "speech_high": (speech_pct >= 1 - TOP_SHARE) & (recent["speech_recent"] > 0),
        "crime_high": (crime_pct >= 1 - TOP_SHARE) & (recent["crime_recent"] > 0),
        "resilience_low": resilience_pct < TOP_SHARE})
    recent["reasons"] = [json.dumps({"codes": [c for c, on in zip(flags.columns, row, strict=True) if on]
                                     or ["no_signal"], "recent_months": int(recent_months)})
                         for row in flags.to_numpy(dtype=bool)]
    return recent[RISK_COLUMNS].sort_values(["city_id", "rank"], ignore_index=True)
