"""Early warning: bursts of flagged speech per area against its own baseline, and coordinated posting."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
from scipy import stats


def speech_bursts(area_week: pd.DataFrame, baseline_weeks: int = 8, min_posts: int = 3,
                  alpha: float = 0.001) -> pd.DataFrame:
    """Weeks where an area's flagged posts exceed its trailing baseline (Poisson upper-tail p < alpha)."""
    cols = ["city_id", "area_code", "week", "flagged_posts", "baseline", "score", "evidence"]
    if area_week.empty:
        return pd.DataFrame(columns=cols)
    df = area_week.sort_values(["city_id", "area_code", "week"], ignore_index=True)
    grouped = df.groupby(["city_id", "area_code"])["flagged_posts"]
    df["baseline"] = grouped.transform(lambda s: s.shift(1).rolling(baseline_weeks, min_periods=4).mean())
    lam = df["baseline"].clip(lower=0.5)
    p = stats.poisson.sf(df["flagged_posts"] - 1, lam)
    df["score"] = -np.log10(np.clip(p, 1e-300, 1))
    hit = df["baseline"].notna() & (df["flagged_posts"] >= min_posts) & (p < alpha)
    out = df[hit].copy()
    out["evidence"] = (out["flagged_posts"].astype(int).astype(str) + " flagged posts in week " + out["week"]
                       + " against a baseline of " + out["baseline"].round(1).astype(str)
                       + " per week over the previous " + str(baseline_weeks) + " weeks (Poisson p < "
                       + str(alpha) + ")")
    return out[cols].reset_index(drop=True)


def coordinated_posting(posts: pd.DataFrame, window: str = "6h", min_accounts: int = 5) -> pd.DataFrame:
    """Near-duplicate texts (same normalised text) from at least ``min_accounts`` accounts within ``window``.

    Evidence carries a short fingerprint of the text, never the text or the pseudonyms."""
    cols = ["city_id", "cluster_id", "first_seen", "last_seen", "posts", "accounts", "evidence"]
    df = posts.dropna(subset=["text"])
    if df.empty:
        return pd.DataFrame(columns=cols)
    norm = (df["text"].astype("string").str.casefold().str.replace(r"https?://\S+|@\w+|#", " ", regex=True)
            .str.replace(r"[^\w]+", " ", regex=True).str.strip())
    df = pd.DataFrame({"city_id": df["city_id"].to_numpy(), "created_at": pd.to_datetime(df["created_at"], utc=True),
                       "author": df["author_pseudo"].to_numpy(),
                       "fp": pd.util.hash_pandas_object(norm, index=False).to_numpy()})
    df = df[norm.str.len().to_numpy() >= 20]
    df["bucket"] = df["created_at"].dt.floor(window)
    agg = df.groupby(["city_id", "fp", "bucket"], as_index=False).agg(
        first_seen=("created_at", "min"), last_seen=("created_at", "max"), posts=("author", "size"),
        accounts=("author", "nunique"))
    agg = agg[agg["accounts"] >= min_accounts]
    if agg.empty:
        return pd.DataFrame(columns=cols)
    fingerprint = agg["fp"].map(lambda v: hashlib.sha1(str(v).encode()).hexdigest()[:10])  # per cluster
    agg["cluster_id"] = agg["city_id"] + ":" + fingerprint + ":" + agg["bucket"].dt.strftime("%Y%m%d%H")
    agg["evidence"] = (agg["posts"].astype(str) + " near-identical posts from " + agg["accounts"].astype(str)
                       + " accounts between " + agg["first_seen"].dt.strftime("%Y-%m-%d %H:%M") + " and "
                       + agg["last_seen"].dt.strftime("%H:%M") + " UTC (text fingerprint " + fingerprint + ")")
    return agg[cols].sort_values(["city_id", "first_seen"], ignore_index=True)
