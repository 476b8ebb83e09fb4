"""Early warning: weekly bursts of flagged speech per area against its own trailing baseline.

Every burst carries the evidence that triggered it as a JSON object of a code and numbers
(``{"code": "speech_burst", "flagged_posts", "week", "baseline", "baseline_weeks", "p_value"}``); the
dashboards render it through i18n. Coordinated posting (text near-duplicates) lives in
``scn.analysis.coordination``."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from scipy import stats

from geo.panel import period_range

BURST_COLUMNS = ["city_id", "area_code", "week", "flagged_posts", "baseline", "score", "evidence"]
EVIDENCE_CODE = "speech_burst"


def _complete_weeks(area_week: pd.DataFrame) -> pd.DataFrame:
    """Every area x every week of its city (zeros where absent), so the baseline sees quiet weeks."""
    frames = []
    for city, g in area_week.groupby("city_id"):  # per city
        grid = pd.MultiIndex.from_product([g["area_code"].unique(), period_range(g["week"])],
                                          names=["area_code", "week"]).to_frame(index=False)
        counts = g.groupby(["area_code", "week"], as_index=False)["flagged_posts"].sum()
        frames.append(grid.merge(counts, on=["area_code", "week"], how="left").assign(city_id=city))
    out = pd.concat(frames, ignore_index=True)
    out["flagged_posts"] = out["flagged_posts"].fillna(0).astype("int64")
    return out.sort_values(["city_id", "area_code", "week"], ignore_index=True)


def speech_bursts(area_week: pd.DataFrame, baseline_weeks: int = 8, min_weeks: int = 4, min_posts: int = 3,
                  alpha: float = 0.001) -> pd.DataFrame:
    """Area-weeks whose flagged posts exceed the area's own trailing mean over the previous ``baseline_weeks``
    (at least ``min_weeks`` of history): Poisson upper-tail p < alpha and at least ``min_posts`` posts.

    score = -log10(p); baseline = the trailing mean (floored at 0.5 for the test); evidence = JSON of the code
    ``speech_burst`` and those numbers."""
    if area_week.empty:
        return pd.DataFrame(columns=BURST_COLUMNS)
    df = _complete_weeks(area_week.dropna(subset=["area_code"]))
    prev = df.groupby(["city_id", "area_code"])["flagged_posts"].shift(1)
    rolled = prev.groupby([df["city_id"], df["area_code"]]).rolling(baseline_weeks, min_periods=min_weeks).mean()
    df["baseline"] = rolled.reset_index(level=[0, 1], drop=True).sort_index()
    p = stats.poisson.sf(df["flagged_posts"] - 1, df["baseline"].clip(lower=0.5).fillna(0.5))
    df["score"] = -np.log10(np.clip(p, 1e-300, 1))
    out = df[df["baseline"].notna() & (df["flagged_posts"] >= min_posts) & (p < alpha)].copy()
    out["evidence"] = [json.dumps({"code": EVIDENCE_CODE, "flagged_posts": int(n), "week": str(w),
                                   "baseline": round(float(b), 2), "baseline_weeks": int(baseline_weeks),
                                   "p_value": float(f"{q:.3g}")})
                       for n, w, b, q in zip(out["flagged_posts"], out["week"], out["baseline"], p[out.index],
                                             strict=True)]
    return out[BURST_COLUMNS].reset_index(drop=True)
