"""Local risk profile: areas ranked by recent speech, crime and survey resilience, with the reasons."""

from __future__ import annotations

import numpy as np
import pandas as pd


def risk_profile(area_month: pd.DataFrame, survey: pd.DataFrame | None = None,
                 recent_months: int = 3) -> pd.DataFrame:
    """Rank areas within each city on recent flagged speech and hate crime (percentile ranks), lowered by
    higher survey resilience where known. Reasons say which signal ranks high."""
    cols = ["city_id", "area_code", "rank", "score", "speech_recent", "crime_recent", "resilience", "reasons"]
    am = area_month.dropna(subset=["area_code"])
    if am.empty:
        return pd.DataFrame(columns=cols)
    periods = am.groupby("city_id")["period"].transform(lambda s: s.isin(sorted(s.unique())[-recent_months:]))
    recent = am[periods].groupby(["city_id", "area_code"], as_index=False)[["flagged_posts", "hate_crimes"]].sum()
    recent = recent.rename(columns={"flagged_posts": "speech_recent", "hate_crimes": "crime_recent"})
    g = recent.groupby("city_id")
    recent["speech_pct"] = g["speech_recent"].rank(pct=True)
    recent["crime_pct"] = g["crime_recent"].rank(pct=True)
    recent["resilience"] = np.nan
    if survey is not None and len(survey):
        res = survey.groupby(["city_id", "area_code"], as_index=False)["mean"].mean().rename(
            columns={"mean": "resilience"})
        recent = recent.drop(columns="resilience").merge(res, on=["city_id", "area_code"], how="left")
    resilience_pct = recent.groupby("city_id")["resilience"].rank(pct=True).fillna(0.5)
    recent["score"] = (0.45 * recent["speech_pct"] + 0.45 * recent["crime_pct"] + 0.10 * (1 - resilience_pct)).round(3)
    recent["rank"] = recent.groupby("city_id")["score"].rank(ascending=False, method="first").astype(int)
    reasons = pd.Series("", index=recent.index)
    reasons = reasons.where(recent["speech_pct"] < 0.8, reasons + "flagged speech in the top fifth of areas; ")
    reasons = reasons.where(recent["crime_pct"] < 0.8, reasons + "hate crime in the top fifth of areas; ")
    reasons = reasons.where(~(resilience_pct < 0.2) | recent["resilience"].isna(),
                            reasons + "low survey resilience; ")
    recent["reasons"] = (reasons.str.rstrip("; ").replace("", "no signal in the top fifth") + f" (last "
                         f"{recent_months} months)")
    return recent[cols].sort_values(["city_id", "rank"], ignore_index=True)
