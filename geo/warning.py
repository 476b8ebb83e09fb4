"""Early warning: weekly bursts of flagged speech per area, tested against a seasonal negative-binomial baseline
with a threshold set for a target false-alarm rate.

Model (per city; every area x every week between the city's first and last week, zeros where absent):
- collection gaps: a week in which the city has no row at all (nothing was collected), or whose city-wide
  total (``posts`` when given, else ``flagged_posts``) is below ``GAP_FRACTION`` of the city's median week
  with rows while that median is at least ``GAP_MIN_MEDIAN`` (a partial outage), is missing, not quiet: it is
  left out of every baseline and never tested;
- expected(a, t) = mean of the area's previous ``baseline_weeks`` collected weeks x a trend factor of the city
  (how far its flagged posts' recent log-linear trend carries this week above the baseline weeks: a robust
  slope over the previous year, shrunk towards 0 by its noise, less the part of last year's trend the seasonal
  factor already holds; 1 with fewer than ``_TREND_MIN_WEEKS`` weeks) x a seasonal factor of the
  city (its total around the same week a year earlier over its total in the baseline window a year earlier,
  shrunk towards 1 by pseudo-posts and by its own noise; 1 without a year of history) x a collection-volume
  factor of the city (with ``posts``: its other, non-flagged, posts this week over their mean in the baseline
  weeks beyond what their own trend explains, shrunk towards 1 by pseudo-posts and by its own week-to-week
  noise, and never below 1; 1 without
  ``posts``), so that a rise of collection (a new connector, a higher API tier, a growing platform) raises the
  expected count instead of alerting every area, while a surge of hateful posts alone (which does not move the
  other posts) still alerts; with ``posts`` the seasonal factor is that of flagged posts per post collected;
- dispersion: NB2 alpha of the city, by maximum likelihood of the conditional (beta-binomial) test over every
  tested area-week, plus the error variances of the week's trend, seasonal and volume factors;
- the predictive distribution is the negative binomial with that mean and variance; an area-week is an alert
  when P(X >= observed) < ``false_alarms_per_year`` / 52.18 (Bonferroni over the weekly tests of an area-year,
  so the expected number of false alerts per area-year is at most the target) and at least ``min_posts``.

Every burst carries its evidence as a JSON object of a code and numbers (``{"code": "speech_burst",
"flagged_posts", "week", "baseline", "baseline_weeks", "upper", "p_value", "seasonal", "trend", "volume",
...}``; ``seasonal`` is the season x the trend factor, so baseline = the baseline weeks' mean x seasonal x
volume, as scn.privacy reads it, and ``trend`` the trend factor alone); the dashboards render it through i18n.
Coordinated posting (text near-duplicates) lives in ``scn.analysis.coordination``."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from scipy import optimize, stats

from geo.panel import period_range

BURST_COLUMNS = ["city_id", "area_code", "week", "flagged_posts", "baseline", "score", "evidence",
                 "expected", "upper", "p_value", "dispersion", "baseline_from", "baseline_to"]
EVIDENCE_CODE = "speech_burst"
WEEKS_PER_YEAR = 52.18
_SEASON_LAG = 52  # weeks back to the same season a year earlier
_SEASON_HALF = 1  # +- weeks around it
_SEASON_PRIOR = 5.0  # pseudo-posts a week shrinking the seasonal factor towards 1
_VOLUME_PRIOR = 20.0  # pseudo-posts a week shrinking the collection-volume factor towards 1
_VOLUME_CLIP = (0.05, 20.0)  # bounds of the volume factor
_TREND_WEEKS = 52  # collected weeks before a week over which the city's trend is fitted (a year: the season
_TREND_MIN_WEEKS = 13  # cancels out of it), at least _TREND_MIN_WEEKS
_TREND_PRIOR = 1.0  # pseudo-posts a week in the log of the city's weekly total whose trend is fitted
_TREND_CLIP = 0.1  # bound of the trend's slope on the log scale a week (x2.0 in 7 weeks)
# partial outage: a city-wide week below this share of the city's median week (only where that median is
# at least GAP_MIN_MEDIAN, so such a drop cannot be chance: P(Poisson(10) = 0) = 5e-5) was not collected
GAP_FRACTION = 0.1
GAP_MIN_MEDIAN = 10.0
# a burst has at least this many flagged posts (also a floor officials can read off an alert's existence)
MIN_POSTS = 3


def collection_gaps(area_week: pd.DataFrame) -> pd.DataFrame:
    """Per city x week between the city's first and last week: ``total`` (city-wide ``posts`` when given, else
    ``flagged_posts``) and ``gap`` (True: the week was not collected, see the module docstring)."""
    volume = "posts" if "posts" in area_week else "flagged_posts"
    frames = []
    for city, g in area_week.groupby("city_id"):  # per city
        weeks = period_range(g["week"])
        total = g.groupby("week")[volume].sum().reindex(weeks)  # NaN: the city has no row that week
        median = float(total.median()) if total.notna().any() else 0.0
        gap = total.isna() | ((median >= GAP_MIN_MEDIAN) & (total < GAP_FRACTION * median))
        frames.append(pd.DataFrame({"city_id": city, "week": weeks, "total": total.fillna(0).to_numpy(),
                                    "gap": gap.to_numpy()}))
    return pd.concat(frames, ignore_index=True)


def _complete_weeks(area_week: pd.DataFrame) -> pd.DataFrame:
    """Every area x every week of its city (zeros where absent, so the baseline sees quiet weeks; NaN in the
    city's collection gaps, which are missing, not quiet) with ``t`` = the week's index in the city; with a
    ``posts`` column also ``other_posts`` = posts - flagged posts (at least 0; a missing ``posts`` counts as the
    flagged posts), the area-week's share of the collection volume."""
    columns = ["flagged_posts", "posts"] if "posts" in area_week else ["flagged_posts"]
    frames = []
    for city, g in area_week.groupby("city_id"):  # per city
        weeks = period_range(g["week"])
        grid = pd.MultiIndex.from_product([g["area_code"].unique(), weeks],
                                          names=["area_code", "week"]).to_frame(index=False)
        counts = g.groupby(["area_code", "week"], as_index=False)[columns].sum(min_count=1)
        frame = grid.merge(counts, on=["area_code", "week"], how="left").assign(city_id=city)
        frame["t"] = frame["week"].map({w: i for i, w in enumerate(weeks)})
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    gaps = collection_gaps(area_week).set_index(["city_id", "week"])["gap"]
    missing = gaps.reindex(pd.MultiIndex.from_frame(out[["city_id", "week"]])).to_numpy(bool)
    out["flagged_posts"] = out["flagged_posts"].fillna(0).astype("float64")
    if "posts" in out:
        posts = out.pop("posts").astype("float64").fillna(out["flagged_posts"])
        out["other_posts"] = (posts - out["flagged_posts"]).clip(lower=0).mask(missing)
    out["flagged_posts"] = out["flagged_posts"].mask(missing)
    return out.sort_values(["city_id", "area_code", "week"], ignore_index=True)


def _log_noise(series: pd.Series, prior: float) -> pd.Series:
    """Per city (level 0 of ``series``, a city x week series): the week-to-week noise variance of log(x + prior),
    robustly: (1.4826 MAD of its weekly differences)^2 / 2 (a level that moves slowly, a step or steady growth
    hardly moves the MAD of the differences)."""
    step = np.log(series + prior).groupby(level=0).diff()
    spread = (step - step.groupby(level=0).transform("median")).abs().groupby(level=0).transform("median")
    return (1.4826 * spread) ** 2 / 2


def _shrunk(change: pd.Series, noise: pd.Series) -> pd.Series:
    """Positive-part James-Stein: a log change c whose noise variance is v, kept as c x max(0, 1 - v / c^2)."""
    return change * (1 - noise / change.pow(2)).clip(lower=0)


def _seasonal_factor(df: pd.DataFrame, baseline_weeks: int) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Per city and week: the city's mean weekly total around the same week a year earlier over its mean in
    the baseline window a year earlier, shrunk towards 1 by ``_SEASON_PRIOR`` posts a week; 1 where the city
    has no such history. With ``other_posts`` the baseline window's total is first scaled by the volume factor
    of a year earlier (``_VOLUME_PRIOR``), so the season is that of flagged posts per post collected: a season
    of all posting (or a change of collection a year ago) is left to the volume factor, not counted twice.
    The log of that ratio is then shrunk by its own noise (``_shrunk``; the noise of a mean of m weeks is the
    city's week-to-week noise / m, ``_log_noise``), as a city of a few areas has a season as noisy as its weeks.
    Also returns the factor's error variance on the log scale: that noise x the share of the change kept, and
    that share (0-1; ``_trend_factor`` takes last year's trend out of the season in that share)."""
    def window(series: pd.Series, end_lag: int, width: int) -> pd.Series:  # mean of t-end_lag-width+1 .. t-end_lag
        shifted = series.groupby(level=0).shift(end_lag)
        return shifted.groupby(level=0).rolling(width, min_periods=width).mean().droplevel(0)

    width = 2 * _SEASON_HALF + 1
    city = df.groupby(["city_id", "t"])["flagged_posts"].sum(min_count=1)  # NaN in a collection gap
    season = window(city, _SEASON_LAG - _SEASON_HALF, width)
    before = window(city, _SEASON_LAG + 1, baseline_weeks)
    change = np.log(season + _SEASON_PRIOR) - np.log(before + _SEASON_PRIOR)
    noise = _log_noise(city, _SEASON_PRIOR) * (1 / width + 1 / baseline_weeks)
    if "other_posts" in df:
        other = df.groupby(["city_id", "t"])["other_posts"].sum(min_count=1)
        change = change - (np.log(window(other, _SEASON_LAG - _SEASON_HALF, width) + _VOLUME_PRIOR)
                           - np.log(window(other, _SEASON_LAG + 1, baseline_weeks) + _VOLUME_PRIOR))
        noise = noise + _log_noise(other, _VOLUME_PRIOR) * (1 / width + 1 / baseline_weeks)
    kept = _shrunk(change, noise).fillna(0.0).clip(np.log(0.25), np.log(4.0))
    share = (kept / change).fillna(0.0).clip(0, 1)
    error = (noise * share).fillna(0.0)
    rows = pd.MultiIndex.from_arrays([df["city_id"], df["t"]])
    return (pd.Series(np.exp(kept).reindex(rows).to_numpy(), df.index),
            pd.Series(error.reindex(rows).fillna(0.0).to_numpy(), df.index),
            pd.Series(share.reindex(rows).fillna(0.0).to_numpy(), df.index))


def _log_trend(city: pd.Series, prior: float, baseline_weeks: int) -> tuple[pd.Series, pd.Series]:
    """Per city x collected week t of ``city`` (a city x t series, gaps absent): how far the city's level at t
    lies above the mean of its baseline weeks under its recent log-linear trend, on the log scale, and that
    figure's error variance. The slope b of log(x + prior) over the previous ``_TREND_WEEKS`` collected weeks (at
    least ``_TREND_MIN_WEEKS``) is Theil-Sen's (the median of the pairwise slopes: a burst, a surge or a week of
    noise hardly moves it), its noise variance v = (1.4826 MAD of the residuals)^2 / sum((t - mean t)^2) x 1.1
    (Theil-Sen's efficiency), and it is shrunk towards 0, b x max(0, 1 - v / b^2) (``_shrunk``), within +-
    ``_TREND_CLIP`` a week: a flat city keeps a slope near 0. The shift is -log(mean over j = 1..n of exp(-b j)),
    n = ``baseline_weeks`` (the baseline mean of a series growing by b a week lies that far below this week); its
    error variance is v x the share of b kept x ((n + 1) / 2)^2. 0 where fewer than ``_TREND_MIN_WEEKS`` weeks
    came before."""
    shift, error = [], []
    lags = np.arange(1, baseline_weeks + 1)
    i, j = np.triu_indices(_TREND_WEEKS, 1)
    pad = np.full(_TREND_WEEKS, np.nan)
    for _, g in city.groupby(level=0):  # per city: a series of at most a few hundred weeks
        # row k: the (up to) _TREND_WEEKS collected weeks before week k, NaN where the city had none yet
        tw = np.lib.stride_tricks.sliding_window_view(np.r_[pad, g.index.get_level_values(1)], _TREND_WEEKS)[:-1]
        yw = np.lib.stride_tricks.sliding_window_view(np.r_[pad, np.log(g.to_numpy(float) + prior)],
                                                      _TREND_WEEKS)[:-1]
        enough = np.isfinite(yw).sum(axis=1) >= _TREND_MIN_WEEKS
        b, var = np.full(len(g), np.nan), np.full(len(g), np.nan)
        if enough.any():
            tw, yw = tw[enough], yw[enough]
            with np.errstate(invalid="ignore"):
                slope = np.nanmedian((yw[:, j] - yw[:, i]) / (tw[:, j] - tw[:, i]), axis=1)
            resid = yw - slope[:, None] * tw
            resid = resid - np.nanmedian(resid, axis=1, keepdims=True)
            sxx = np.nansum((tw - np.nanmean(tw, axis=1, keepdims=True)) ** 2, axis=1)
            b[enough] = slope
            var[enough] = 1.1 * (1.4826 * np.nanmedian(np.abs(resid), axis=1)) ** 2 / sxx
        slope, noise = pd.Series(b), pd.Series(var)
        kept = _shrunk(slope, noise).fillna(0.0).clip(-_TREND_CLIP, _TREND_CLIP)
        shift.append(pd.Series(-np.log(np.exp(-np.outer(kept.to_numpy(), lags)).mean(axis=1)), g.index))
        share = (kept / slope).fillna(0.0).clip(0, 1)
        error.append(pd.Series((noise * share).fillna(0.0).to_numpy() * ((baseline_weeks + 1) / 2) ** 2, g.index))
    return pd.concat(shift), pd.concat(error)


def _trend_factor(df: pd.DataFrame, baseline_weeks: int) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Per city and collected week (``df`` without its collection gaps, with ``season_kept``: the share of its
    log seasonal change the season kept): the trend factor of the city's flagged posts (``_log_trend`` of the
    city's weekly total, ``_TREND_PRIOR``), less the part the seasonal factor already holds: the season is a
    change a year earlier between the same weeks, so it carries last year's trend (of flagged posts per post
    collected with ``other_posts``), which is taken out in the share the season kept. Returns the factor, its
    error variance on the log scale, and the trend of the other posts (log scale; 0 without ``other_posts``),
    which ``_volume_factor`` takes out of the volume change so that growth is not counted twice."""
    rows = pd.MultiIndex.from_arrays([df["city_id"], df["t"]])
    flagged, flagged_error = _log_trend(df.groupby(["city_id", "t"])["flagged_posts"].sum(), _TREND_PRIOR,
                                        baseline_weeks)
    last = flagged
    other = pd.Series(0.0, index=flagged.index)
    if "other_posts" in df:
        other, _ = _log_trend(df.groupby(["city_id", "t"])["other_posts"].sum(), _TREND_PRIOR, baseline_weeks)
        last = flagged - other
    a_year_ago = pd.MultiIndex.from_arrays([df["city_id"], df["t"] - _SEASON_LAG])
    last_year = pd.Series(last.reindex(a_year_ago).fillna(0.0).to_numpy(), df.index)
    log_factor = pd.Series(flagged.reindex(rows).to_numpy(), df.index) - df["season_kept"] * last_year
    return (np.exp(log_factor), pd.Series(flagged_error.reindex(rows).to_numpy(), df.index),
            pd.Series(other.reindex(rows).to_numpy(), df.index))


def _volume_factor(df: pd.DataFrame, baseline_weeks: int, min_weeks: int, trend: pd.Series | None = None
                   ) -> tuple[pd.Series, pd.Series]:
    """Per city and collected week (``df`` without its collection gaps): how much more the city collected that
    week than in its baseline weeks, from its other (non-flagged) posts. The change c = log(N_t + P) -
    log(mean of N over the previous ``baseline_weeks`` collected weeks (at least ``min_weeks``: the weeks of
    every area's baseline, as gaps are city-wide) + P), P = ``_VOLUME_PRIOR`` posts a week so that a small
    city's factor stays near 1, is shrunk by its noise: c x max(0, 1 - v / c^2) (positive-part James-Stein,
    ``_shrunk``), v = the city's week-to-week noise variance of log(N + P) (``_log_noise``) x (1 + 1/n). A change
    of collection (a step, steady growth, a season of all posting) is kept where it stands out of the noise; the
    noise of a city whose volume jumps about is not carried into the expected counts. The factor is exp of that,
    and at least 1: a fall of collection never lowers the expected counts. A fall the noise made (a city of a
    few areas whose other posts jump about by chance) halved the expected counts of a week while the flagged
    posts did not move (3 areas growing 2% a week: 4.7 x the nominal false-alarm rate in weeks with a factor
    below 0.74); a real fall (a platform lost) only makes the 8 weeks after it quieter. 1 without
    ``other_posts`` or baseline weeks. ``trend`` (per row of ``df``, log scale): the part of the change the other
    posts' own trend explains (``_trend_factor``), taken out of c first, as the trend factor carries it.

    Also returns the factor's error variance on the log scale, taken as the square of its log: a factor the noise
    made is all error, and in ``burst_tests`` that variance widens the week's dispersion, so such a week is not
    tested against expected counts it moved."""
    if "other_posts" not in df:
        return pd.Series(1.0, index=df.index), pd.Series(0.0, index=df.index)
    city = df.groupby(["city_id", "t"])["other_posts"].sum()
    before = city.groupby(level=0).shift(1).groupby(level=0).rolling(baseline_weeks, min_periods=min_weeks)
    mean, n = before.mean().droplevel(0), before.count().droplevel(0)
    level = np.log(city + _VOLUME_PRIOR)
    change = level - np.log(mean + _VOLUME_PRIOR)
    rows = pd.MultiIndex.from_arrays([df["city_id"], df["t"]])
    if trend is not None:
        change = change - pd.Series(trend.to_numpy(), rows).groupby(level=[0, 1]).first().reindex(change.index)
    noise = _log_noise(city, _VOLUME_PRIOR) * (1 + 1 / n)
    kept = _shrunk(change, noise)
    factor = np.exp(kept.fillna(0.0).clip(lower=0.0)).clip(*_VOLUME_CLIP)
    error = np.log(factor) ** 2  # the factor may be all noise: its log, squared, is its error's variance
    return (pd.Series(factor.reindex(rows).to_numpy(), df.index),
            pd.Series(error.reindex(rows).fillna(0.0).to_numpy(), df.index))


def _size_by_city(y: np.ndarray, total: np.ndarray, a_scale: np.ndarray, b_scale: np.ndarray,
                  city: np.ndarray, extra: np.ndarray) -> pd.Series:
    """NB size k = 1/alpha per city by maximum (pseudo-)likelihood of y | total ~ BetaBinomial(total, k a, k b)
    over the city's tested area-weeks (free of the areas' unknown means); large k = Poisson."""
    def nll(log_k: float, yy: np.ndarray, tt: np.ndarray, aa: np.ndarray, bb: np.ndarray, ee: np.ndarray) -> float:
        k = _with_error(np.exp(log_k), ee)
        return -float(stats.betabinom.logpmf(yy, tt, k * aa, k * bb).sum())

    out = {}
    for c in pd.unique(city):  # per city: a one-dimensional search
        m = (city == c) & (total > 0)
        out[c] = float(np.exp(optimize.minimize_scalar(
            nll, bounds=(np.log(0.05), np.log(1e6)), method="bounded",
            args=(y[m], total[m], a_scale[m], b_scale[m], extra[m])).x)) if m.any() else 1e6
    return pd.Series(out, dtype="float64")


def _with_error(size: float | np.ndarray, error: np.ndarray) -> np.ndarray:
    """The NB size of a week whose mean carries a multiplicative error of log-variance ``error`` besides the
    city's gamma noise of size ``size``: 1 / (1/size + error) (the squared coefficients of variation add)."""
    return 1.0 / (1.0 / size + error)


def _upper_tail(y: np.ndarray, baseline_sum: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """P(Y >= y) when Y | Y + S ~ BetaBinomial(Y + S, a, b) and S = baseline_sum."""
    return stats.betabinom.sf(y - 1, y + baseline_sum, a, b)


def burst_tests(area_week: pd.DataFrame, baseline_weeks: int = 8, min_weeks: int = 4, min_posts: int = 1
                ) -> pd.DataFrame:
    """Every testable area-week: its count y, the sum S of the previous ``baseline_weeks`` collected weeks (at
    least ``min_weeks``; collection gaps are skipped, never tested), the seasonal factor s, the trend factor g
    (``trend``), the volume factor v (``volume``), expected = s g v S / n, the city's NB size k and the exact
    conditional p-value P(Y >= y | Y + S) under Y | Y + S ~ BetaBinomial(Y + S, k', n k' / (s g v)) (Y and the
    baseline weeks negative binomial with a common mean up to s g v: the mean cancels), k' = 1 / (1/k + e) with e
    the error variances of the trend, seasonal and volume factors (``_trend_factor``, ``_seasonal_factor``,
    ``_volume_factor``; k is fitted with the same e), computed where the count is above its expected value and at
    least ``min_posts`` (NaN elsewhere: no alert is possible there)."""
    df = _complete_weeks(area_week.dropna(subset=["area_code"]))
    df["season"], df["season_error"], df["season_kept"] = _seasonal_factor(df, baseline_weeks)
    df = df[df["flagged_posts"].notna()].reset_index(drop=True)  # collection gaps: no baseline, no test
    df["trend"], trend_error, other_trend = _trend_factor(df, baseline_weeks)
    df["volume"], volume_error = _volume_factor(df, baseline_weeks, min_weeks, other_trend)
    df["flagged_posts"] = df["flagged_posts"].astype("int64")
    keys = [df["city_id"], df["area_code"]]
    prev = df.groupby(["city_id", "area_code"])["flagged_posts"].shift(1)
    roll = prev.groupby(keys).rolling(baseline_weeks, min_periods=min_weeks)
    df["baseline_sum"] = roll.sum().reset_index(level=[0, 1], drop=True).sort_index()
    df["n_weeks"] = roll.count().reset_index(level=[0, 1], drop=True).sort_index()
    # the baseline's first and last week: rows of the same area (the window counts that area's rows only)
    t, row = df["t"].to_numpy(), np.arange(len(df))
    df["baseline_from"] = t[np.clip(row - df["n_weeks"].fillna(0).to_numpy(int), 0, None)]
    df["baseline_to_t"] = t[np.clip(row - 1, 0, None)]
    df = df[df["baseline_sum"].notna() & (df["n_weeks"] >= min_weeks)].copy()
    scale = df["season"] * df["trend"] * df["volume"]  # the week's mean over the baseline weeks' mean
    df["expected"] = scale * df["baseline_sum"] / df["n_weeks"]
    y, s_sum = df["flagged_posts"].to_numpy(float), df["baseline_sum"].to_numpy(float)
    a_scale, b_scale = np.ones(len(df)), df["n_weeks"].to_numpy(float) / scale.to_numpy(float)
    error = (volume_error.loc[df.index].to_numpy(float) + df["season_error"].to_numpy(float)
             + trend_error.loc[df.index].to_numpy(float))
    size = _size_by_city(y, y + s_sum, a_scale, b_scale, df["city_id"].to_numpy(), error)
    df["size"] = df["city_id"].map(size).to_numpy()
    df["dispersion"] = 1.0 / df["size"]
    week_size = _with_error(df["size"].to_numpy(float), error)
    df["a"], df["b"] = week_size * a_scale, week_size * b_scale
    # the tail sum is costly (scipy adds the pmf term by term): only where an alert is possible
    test = (y > df["expected"].to_numpy()) & (y >= max(min_posts, 1))
    df["p_value"] = np.nan
    df.loc[test, "p_value"] = _upper_tail(y[test], s_sum[test], df["a"].to_numpy()[test], df["b"].to_numpy()[test])
    return df.reset_index(drop=True)


def _largest_quiet_count(baseline_sum: np.ndarray, a: np.ndarray, b: np.ndarray, observed: np.ndarray,
                         level: float) -> np.ndarray:
    """The largest count below ``observed`` whose upper-tail p is at least ``level`` (vectorised bisection:
    the tail probability falls as the count rises)."""
    lo, hi = np.zeros_like(observed), observed.copy()  # p(lo) >= level (p(0) = 1), p(hi) < level
    for _ in range(int(np.ceil(np.log2(max(int(observed.max(initial=1)), 2)))) + 1):
        mid = (lo + hi) // 2
        quiet = _upper_tail(mid, baseline_sum, a, b) >= level
        lo, hi = np.where(quiet, mid, lo), np.where(quiet, hi, mid)
    return lo


def speech_bursts(area_week: pd.DataFrame, baseline_weeks: int = 8, min_weeks: int = 4, min_posts: int = MIN_POSTS,
                  false_alarms_per_year: float = 1.0) -> pd.DataFrame:
    """Area-weeks whose flagged posts exceed the upper bound of the area's seasonal negative-binomial baseline
    at level ``false_alarms_per_year / 52.18`` (so at most that many false alerts per area-year are expected)
    and are at least ``min_posts``. An empty frame with ``BURST_COLUMNS`` when nothing is found or given.

    baseline = expected = trailing mean x seasonal factor; upper = the largest count that would not alert;
    score = -log10(p); evidence = JSON of the code ``speech_burst`` and those numbers."""
    empty = pd.DataFrame({c: pd.Series(dtype="float64" if c in ("baseline", "score", "expected", "p_value",
                                                               "dispersion") else "object")
                          for c in BURST_COLUMNS})
    if area_week.empty or area_week["area_code"].isna().all():
        return empty
    df = burst_tests(area_week, baseline_weeks, min_weeks, min_posts)
    level = false_alarms_per_year / WEEKS_PER_YEAR
    out = df[(df["flagged_posts"] >= min_posts) & (df["p_value"] < level)].copy()
    if out.empty:
        return empty
    out["upper"] = _largest_quiet_count(out["baseline_sum"].to_numpy(float), out["a"].to_numpy(),
                                        out["b"].to_numpy(), out["flagged_posts"].to_numpy(), level)
    out["baseline"] = out["expected"]
    out["score"] = -np.log10(np.clip(out["p_value"].to_numpy(), 1e-300, 1))
    weeks = {c: period_range(g["week"]) for c, g in area_week.dropna(subset=["area_code"]).groupby("city_id")}
    out["baseline_from"] = [weeks[c][i] for c, i in zip(out["city_id"], out["baseline_from"], strict=True)]
    out["baseline_to"] = [weeks[c][i] for c, i in zip(out["city_id"], out["baseline_to_t"], strict=True)]
    out["evidence"] = [json.dumps({"code": EVIDENCE_CODE, "flagged_posts": int(n), "week": str(w),
                                   "baseline": round(float(b), 2), "baseline_weeks": int(k), "upper": int(u),
                                   "p_value": float(f"{q:.3g}"), "dispersion": round(float(a), 3),
                                   "seasonal": round(float(s * g), 3), "trend": round(float(g), 3),
                                   "volume": round(float(v), 3),
                                   "baseline_from": f, "baseline_to": t,
                                   "false_alarms_per_year": float(false_alarms_per_year)})
                       for n, w, b, k, u, q, a, s, g, v, f, t in zip(
                           out["flagged_posts"], out["week"], out["expected"], out["n_weeks"], out["upper"],
                           out["p_value"], out["dispersion"], out["season"], out["trend"], out["volume"],
                           out["baseline_from"],
                           out["baseline_to"], strict=True)]
    return out[BURST_COLUMNS].sort_values(["city_id", "week", "area_code"], ignore_index=True)
