"""Panels of counts per place (cell or area) x period (YYYY-MM month or YYYY-Www ISO week): complete grids
over the periods both series were observed in, and lags. Frames in, frames out; no configuration is read."""

from __future__ import annotations

import numpy as np
import pandas as pd

COUNTS = ["posts", "flagged_posts", "crimes", "hate_crimes"]
# a period counts as observed for a series when the city's total there is at least this share of its
# median period with any count: a few stray rows (an old default date, a late straggler) are not a month
# of data. Only a series whose median period has at least EDGE_MIN_MEDIAN counts limits the span: below
# that an empty month is plausible by chance (P(Poisson(10) = 0) = 5e-5): quiet and unobserved look alike.
EDGE_FRACTION = 0.1
EDGE_MIN_MEDIAN = 10.0


def period_range(periods: pd.Series | np.ndarray) -> list[str]:
    """Every month (YYYY-MM), ISO week (YYYY-Www), quarter (YYYY-Qn) or year (YYYY) from the first to the last of
    ``periods``, gaps filled."""
    values = pd.Series(pd.unique(np.asarray(periods, dtype=object))).dropna().astype(str)
    if values.empty:
        return []
    if values.str.fullmatch(r"\d{4}").all():  # years
        return [str(y) for y in range(int(values.min()), int(values.max()) + 1)]
    if values.str.fullmatch(r"\d{4}-Q[1-4]").all():  # quarters
        quarters = pd.PeriodIndex(values, freq="Q")
        return [f"{q.year}-Q{q.quarter}" for q in pd.period_range(quarters.min(), quarters.max(), freq="Q")]
    if values.str.contains("-W").all():
        days = pd.to_datetime(values + "-1", format="%G-W%V-%u")
        weeks = pd.date_range(days.min(), days.max(), freq="7D")
        return list(weeks.strftime("%G-W%V"))
    months = pd.PeriodIndex(values, freq="M")
    return list(pd.period_range(months.min(), months.max(), freq="M").strftime("%Y-%m"))


def observed_span(period_totals: pd.DataFrame, fraction: float = EDGE_FRACTION,
                  min_median: float = EDGE_MIN_MEDIAN) -> tuple[str, str] | None:
    """(first, last) period both series were observed in, from one city's totals per period (index: period;
    columns: posts or flagged_posts, crimes or hate_crimes): from the later of the series' first observed
    periods to the earlier of their last. A period is observed for a series when its total is at least
    ``fraction`` of the series' median over periods with any count. A series whose median is below
    ``min_median`` (or with no count) does not limit the span; None when no series limits it or the series
    do not overlap."""
    firsts, lasts = [], []
    for names in (("posts", "flagged_posts"), ("crimes", "hate_crimes")):  # speech, then crime
        col = next((c for c in names if c in period_totals), None)
        total = period_totals[col] if col else pd.Series(dtype="float64")
        positive = total[total > 0]
        median = float(positive.median()) if len(positive) else 0.0
        if median < min_median:
            continue
        seen = positive.index[positive.to_numpy() >= fraction * median].astype(str)
        firsts.append(seen.min())
        lasts.append(seen.max())
    if not firsts or max(firsts) > min(lasts):
        return None
    return max(firsts), min(lasts)


def full_panel(place_period: pd.DataFrame, key: str = "cell", trim: bool = True) -> pd.DataFrame:
    """Every place x every period of one city (zeros where the input has no row), sorted by place and period,
    with the place's population (nullable) and ``flagged_lag1`` = flagged posts of the previous period.

    With ``trim`` the periods are those between the first and last both series were observed in
    (``observed_span``; all periods when they do not overlap): rows outside are dropped, so a stray old date
    cannot stretch the panel. ``attrs["edge_periods_dropped"]`` = {"start": n, "end": n} periods left out."""
    counts = [c for c in COUNTS if c in place_period]
    agg = place_period.groupby([key, "period"], as_index=False)[counts].sum()
    periods = period_range(agg["period"])
    span = observed_span(agg.groupby("period")[counts].sum()) if trim else None
    start = periods.index(span[0]) if span else 0
    end = periods.index(span[1]) + 1 if span else len(periods)
    dropped = {"start": start, "end": len(periods) - end}
    agg = agg[agg["period"].astype(str).isin(periods[start:end])]
    grid = pd.MultiIndex.from_product([agg[key].unique(), periods[start:end]],
                                      names=[key, "period"]).to_frame(index=False)
    panel = grid.merge(agg, on=[key, "period"], how="left").fillna({c: 0 for c in counts})
    panel[counts] = panel[counts].astype("int64")
    if "population" in place_period:
        pop = pd.to_numeric(place_period["population"], errors="coerce").groupby(place_period[key]).max()
        panel["population"] = panel[key].map(pop).astype("float64")
    else:
        panel["population"] = np.nan
    panel = panel.sort_values([key, "period"], ignore_index=True)
    if "flagged_posts" in panel:
        panel["flagged_lag1"] = panel.groupby(key)["flagged_posts"].shift(1)
    panel.attrs["edge_periods_dropped"] = dropped
    return panel
