"""Prevalence of flagged posts corrected for the classifier's errors: adjusted classify-and-count (Forman 2008),
p = (p_obs - fpr) / (tpr - fpr) clipped to [0, 1], with tpr and fpr measured on a labelled random sample.

The interval is a percentile bootstrap: tpr and fpr drawn from their Jeffreys posteriors given the labelled
sample's counts, Beta(x + 1/2, n - x + 1/2) (a plug-in redraw of a rate measured at 0 or 1 never varies), and
each group's observed share redrawn binomially, so it carries both the measurement error and the group's own
sampling noise. Rates measured on fewer than ``MIN_CLASS`` hateful or other posts correct nothing
(``adjusted_counts``: rates_source none). A city's total is adjusted as a total, not summed from its rows.
Arrays and frames in, numbers out; no I/O."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from scn.nlp.accuracy import canonical_platform

DRAWS = 2000


def adjusted(p_obs: np.ndarray | float, tpr: np.ndarray | float, fpr: np.ndarray | float) -> np.ndarray:
    """Adjusted classify-and-count: (p_obs - fpr) / (tpr - fpr) clipped to [0, 1]; nan where tpr <= fpr (the
    classifier does no better than chance on the sample, so nothing can be corrected)."""
    p_obs, tpr, fpr = (np.asarray(v, dtype="float64") for v in (p_obs, tpr, fpr))
    gap = tpr - fpr
    out = np.subtract(p_obs, fpr, out=np.empty(np.broadcast(p_obs, tpr, fpr).shape))  # one array, worked in place
    usable = gap > 0
    np.divide(out, gap, out=out, where=usable)
    np.copyto(out, np.nan, where=~usable)
    np.clip(out, 0.0, 1.0, out=out)
    return out if out.ndim else out[()]


def percentiles(draws: np.ndarray, qs: Sequence[float]) -> list[np.ndarray]:
    """``np.nanpercentile(draws, q, axis=0)`` for each ``q`` of ``qs``, equal to it value for value: each column
    sorted once (nan last) and numpy's 'linear' method applied to its valid draws, for every column at once
    (nanpercentile goes column by column in Python: ~65 us a column and a percentile)."""
    ordered = np.sort(draws.T, axis=1)  # a column's draws in a row, nan last
    n = draws.shape[0] - np.isnan(ordered).sum(axis=1)  # valid draws per column
    rows = np.arange(len(ordered))
    out = []
    for q in qs:
        virtual = (n - 1) * np.true_divide(q, 100.0)  # numpy's virtual index, (n - 1) x quantile
        previous = np.floor(virtual)
        top, below = virtual >= n - 1, virtual < 0
        previous[top] = -1  # as numpy: the last valid draw on both sides
        after = np.where(top, -1, previous + 1)
        previous[below] = after[below] = 0
        gamma = virtual - previous
        previous = np.where(previous < 0, n + previous, previous).astype(np.intp)
        after = np.where(after < 0, n + after, after).astype(np.intp)
        a, b = ordered[rows, previous], ordered[rows, after]
        diff = b - a  # numpy's _lerp, operation for operation
        value = a + diff * gamma
        np.subtract(b, diff * (1 - gamma), out=value, where=gamma >= 0.5)
        out.append(value)
    return out


def rates(true_flag: np.ndarray, pred_flag: np.ndarray, weights: np.ndarray | None = None
          ) -> tuple[np.ndarray, np.ndarray]:
    """(tpr, fpr) of flagged predictions; with ``weights`` (draws x n resampling counts), one pair per draw."""
    t, p = np.asarray(true_flag, dtype=float), np.asarray(pred_flag, dtype=float)
    w = np.ones((1, len(t))) if weights is None else weights
    pos, neg = w @ t, w @ (1 - t)
    tpr = np.divide(w @ (t * p), pos, out=np.full(len(w), np.nan), where=pos > 0)
    fpr = np.divide(w @ ((1 - t) * p), neg, out=np.full(len(w), np.nan), where=neg > 0)
    return (tpr[0], fpr[0]) if weights is None else (tpr, fpr)


def adjusted_prevalence(counts: pd.DataFrame, true_flag: np.ndarray, pred_flag: np.ndarray,
                        level: float = 0.95, draws: int = DRAWS, seed: int = 0) -> pd.DataFrame:
    """Per row of ``counts`` (any group columns, e.g. area_code and month, plus ``posts`` and ``flagged``): the
    raw share ``raw_prevalence`` = flagged / posts, the ``adjusted_prevalence`` and its interval
    (``ci_low``, ``ci_high``), and the adjusted count of flagged posts with its interval (``adjusted_flagged``,
    ``adjusted_flagged_low``, ``adjusted_flagged_high``). ``true_flag``/``pred_flag``: reviewers' and the
    classifier's flags on the labelled random sample; ``tpr``, ``fpr`` and ``n_labelled`` are added too."""
    posts = counts["posts"].to_numpy(dtype="float64")
    raw = np.divide(counts["flagged"].to_numpy(dtype="float64"), posts, out=np.full(len(posts), np.nan),
                    where=posts > 0)
    tpr, fpr = rates(true_flag, pred_flag)
    point = adjusted(raw, tpr, fpr)
    n = len(true_flag)
    t, p = np.asarray(true_flag, dtype=bool), np.asarray(pred_flag, dtype=bool)
    draw = np.random.default_rng(seed)  # the rates from their Jeffreys posteriors (rate_draws)
    tprs = rate_draws(np.array([(t & p).sum()]), np.array([t.sum()]), draws, draw)[:, 0]
    fprs = rate_draws(np.array([(~t & p).sum()]), np.array([(~t).sum()]), draws, draw)[:, 0]
    rng = np.random.default_rng(seed + 1)
    safe = np.where(posts > 0, posts, 1).astype("int64")
    p_obs = rng.binomial(safe[None, :], np.nan_to_num(raw)[None, :], size=(draws, len(posts))) / safe[None, :]
    boot = adjusted(p_obs, tprs[:, None], fprs[:, None])
    lo, hi = 100 * (1 - level) / 2, 100 * (1 + level) / 2
    valid = ~np.isnan(boot).all(axis=0)
    low, high = np.full(len(posts), np.nan), np.full(len(posts), np.nan)
    if valid.any():
        low[valid], high[valid] = percentiles(boot[:, valid], (lo, hi))
    out = counts.copy()
    out["raw_prevalence"], out["adjusted_prevalence"], out["ci_low"], out["ci_high"] = raw, point, low, high
    out["adjusted_flagged"] = point * posts
    out["adjusted_flagged_low"], out["adjusted_flagged_high"] = low * posts, high * posts
    out["tpr"], out["fpr"], out["n_labelled"] = tpr, fpr, n
    return out


COUNT_COLUMNS = ["posts", "flagged_posts", "adjusted_flagged_posts", "adjusted_low", "adjusted_high", "rates_source",
                 "corrected_posts", "uncorrected_posts"]  # of posts: corrected with usable rates, and not (none)
# the city as a whole (repeated on each of its rows): adjusted as a total, not the sum of its rows' figures
CITY_COLUMNS = ["city_adjusted_flagged_posts", "city_adjusted_low", "city_adjusted_high", "city_rates_source",
                "city_corrected_posts", "city_uncorrected_posts"]
ALL_PLATFORMS = "*"  # the platform of rates measured on a random sample of the posts of all a city's platforms
# hateful and other labelled posts a set of error rates needs, each, before it corrects anything: below it a
# rate is 0 or 1 or near it, and the correction says little. With the Jeffreys draws, rates of 5 to 9 hateful
# posts gave city intervals covering 93-98% of synthetic cities, 1.2-2x the truth wide (docs/metrics.md).
MIN_CLASS = 5


def rate_draws(hits: np.ndarray, total: np.ndarray, draws: int, rng: np.random.Generator) -> np.ndarray:
    """``draws`` x len(``total``) draws of a rate measured as ``hits`` of ``total`` labelled posts, from its Jeffreys
    posterior Beta(hits + 1/2, total - hits + 1/2): a rate measured at 0 or 1 still varies (a plug-in binomial
    redraw of 1 of 1 is 1 every time); nan where ``total`` is 0."""
    hits, total = np.asarray(hits, dtype="float64"), np.asarray(total, dtype="float64")
    ok = total > 0
    h = np.clip(np.where(ok, hits, 0.0), 0.0, np.where(ok, total, 0.0))
    out = rng.beta(h + 0.5, np.where(ok, total, 0.0) - h + 0.5, size=(draws, len(total)))
    out[:, ~ok] = np.nan
    return out


def _group_sums(values: np.ndarray, group: np.ndarray, size: int) -> np.ndarray:
    """Column sums of ``values`` (draws x rows) per ``group`` code of each row (0..size-1)."""
    out = np.zeros((values.shape[0], size))
    for col in range(size):  # few groups (cities x languages): a loop of matrix sums
        sel = group == col
        if sel.any():
            out[:, col] = values[:, sel].sum(axis=1)
    return out


def _interval(draws: np.ndarray, point: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of each column of ``draws`` (nan draws left out), widened to hold ``point``."""
    lo, hi = 100 * (1 - level) / 2, 100 * (1 + level) / 2
    ok = ~np.isnan(draws).all(axis=0)
    low, high = np.full(draws.shape[1], np.nan), np.full(draws.shape[1], np.nan)
    if ok.any():
        low[ok], high[ok] = percentiles(draws[:, ok], (lo, hi))
    return np.minimum(low, point), np.maximum(high, point)


def _sources(group: np.ndarray, source: pd.Series) -> np.ndarray:
    """Per group code (sorted): the one rates source of its rows, else ``mixed``."""
    agg = pd.DataFrame({"g": group, "source": source.to_numpy(dtype=object)}).groupby("g", sort=True)["source"]
    return np.where(agg.nunique().to_numpy() == 1, agg.first().to_numpy(dtype=object), "mixed")


def _with_rates(counts: pd.DataFrame, rates: pd.DataFrame, join: list[str]) -> pd.DataFrame:
    """``counts`` with the rates of their ``join`` keys (city_id, lang) and platform: those of platform ``*`` (a
    city's reviewed random stratum) first when its reviewed posts came from the row's platform (``platforms``; a
    table without the list: every platform), else those measured on the rows' own platform; ``rate_platform`` says
    which (empty: none). A platform the city added after its sample was drawn is never corrected with the sample's
    rates. Rates of no platform (a table written before rates had one) correct posts only when reviewed (``*``);
    counts of no platform take ``*`` rates only."""
    cols = ["true_positives", "positives", "false_positives", "negatives", "rates_source"]
    rates = rates.reindex(columns=[*join, "platform", *cols, "platforms"]).copy()
    reviewed = rates["rates_source"].astype("string").eq("review").fillna(False).to_numpy()
    given = rates["platform"].astype("string").str.strip().str.lower()
    rates["rate_platform"] = given.where(given.notna() & given.ne(""), None)
    rates.loc[reviewed & rates["rate_platform"].isna().to_numpy(), "rate_platform"] = ALL_PLATFORMS
    rates = rates[rates["rate_platform"].notna() & rates["rate_platform"].ne("unknown")].drop(columns="platform")
    wide = rates[rates["rate_platform"].eq(ALL_PLATFORMS)].drop_duplicates(join)
    m = counts.merge(wide, on=join, how="left") if join else counts.assign(**dict.fromkeys([*cols, "rate_platform"]))
    if "platform" in counts.columns and join:  # ``*`` rates stand for the platforms their reviewed posts came from
        listed = wide.dropna(subset=["platforms"])
        covered = listed[join].assign(platform=listed["platforms"].astype(str).str.split(",")).explode("platform")
        row = counts[join].assign(platform=canonical_platform(counts["platform"]).to_numpy())
        sampled = row.merge(covered.drop_duplicates().assign(sampled=True), on=[*join, "platform"], how="left")
        never = m["platforms"].notna().to_numpy() & sampled["sampled"].isna().to_numpy()
        if never.any():  # a platform added after the sample was drawn: its own rates, below, or none
            m = m.astype({c: "float64" for c in cols[:4]}).astype({"rates_source": object, "rate_platform": object})
            m.loc[never, [*cols, "rate_platform"]] = None
    m = m.drop(columns="platforms", errors="ignore")
    if "platform" in counts.columns:
        narrow = rates[rates["rate_platform"].ne(ALL_PLATFORMS)].rename(columns={"rate_platform": "platform"})
        narrow = narrow.assign(platform=canonical_platform(narrow["platform"])).drop_duplicates([*join, "platform"])
        own = counts[join].assign(platform=canonical_platform(counts["platform"]).to_numpy()).merge(
            narrow, on=[*join, "platform"], how="left")
        take = m["rate_platform"].isna().to_numpy() & own["positives"].notna().to_numpy()
        if take.any():
            m = m.astype({c: "float64" for c in cols[:4]}).astype({"rates_source": object, "rate_platform": object})
            m.loc[take, cols[:4]] = own.loc[take, cols[:4]].to_numpy(dtype="float64")
            m.loc[take, ["rates_source", "rate_platform"]] = own.loc[take, ["rates_source", "platform"]].to_numpy()
    return m


def adjusted_counts(counts: pd.DataFrame, rates_by_lang: pd.DataFrame, keys: list[str], level: float = 0.95,
                    draws: int = 1000, seed: int = 0, min_class: int = MIN_CLASS,
                    total_keys: list[str] | None = None) -> pd.DataFrame:
    """Flagged posts per group of ``keys`` (e.g. city_id, area_code, period), raw and adjusted, summed over the
    languages and platforms of ``counts`` (``keys`` + lang[, platform], posts, flagged_posts), each corrected with
    the rates measured on posts like them (``_with_rates``: the city's reviewed ones, else its language's on its
    platform; never another platform's).

    ``rates_by_lang``: city_id, lang, platform, true_positives, positives, false_positives, negatives,
    rates_source (the table ``classifier_rates``). Rates are usable when measured on at least ``min_class``
    hateful (positives) and ``min_class`` other posts (negatives) with tpr > fpr; posts without usable rates are
    counted as flagged, unadjusted, their rows' ``rates_source`` ``none`` (not corrected: their low = high =
    flagged is no interval) and counted in ``uncorrected_posts`` (the others in ``corrected_posts``). The interval
    is a parametric bootstrap: each set of rates drawn from its Jeffreys posteriors (one draw shared by all the
    areas, months and platforms it corrects), each row's flagged share redrawn binomially.

    The city (the groups of ``total_keys``, default city_id when a key, else everything) is adjusted as a total:
    per language from its summed flagged posts and posts (clipped after summing), its interval from the bootstrap
    of that total with the same rate draws; repeated on each of its rows in ``CITY_COLUMNS``. Summing the rows'
    clipped figures and bounds instead overstates a city of small cells and gives an interval of no use.
    Output: ``keys`` + ``COUNT_COLUMNS`` + ``CITY_COLUMNS``; ``rates_source`` review | model_card | none | mixed
    (languages or platforms differ)."""
    join = [k for k in ("city_id", "lang") if k in counts.columns and k in rates_by_lang.columns]
    m = _with_rates(counts, rates_by_lang, join)
    if m.empty:
        return pd.DataFrame(columns=[*keys, *COUNT_COLUMNS, *CITY_COLUMNS])
    posts = m["posts"].to_numpy(dtype="float64")
    flagged = m["flagged_posts"].to_numpy(dtype="float64")
    pos, neg = (m[c].fillna(0).to_numpy(dtype="float64") for c in ("positives", "negatives"))
    tp, fp = (m[c].fillna(0).to_numpy(dtype="float64") for c in ("true_positives", "false_positives"))
    tpr = np.divide(tp, pos, out=np.full(len(m), np.nan), where=pos > 0)
    fpr = np.divide(fp, neg, out=np.full(len(m), np.nan), where=neg > 0)
    usable = (pos >= max(min_class, 1)) & (neg >= max(min_class, 1)) & (tpr > fpr)
    raw = np.divide(flagged, posts, out=np.zeros(len(m)), where=posts > 0)
    point = np.where(usable, adjusted(raw, tpr, fpr) * posts, flagged)
    # rates drawn once per set of rates (rate_code: city x language x the platform they were measured on, ``*`` for
    # all), shared by the rows (areas, months, platforms) they correct and by the city's total
    rate_code = m.groupby([*join, "rate_platform"], sort=False, dropna=False).ngroup().to_numpy()
    rng = np.random.default_rng(seed)
    first = np.unique(rate_code, return_index=True)[1]
    tpr_b = rate_draws(tp[first], pos[first], draws, rng)
    fpr_b = rate_draws(fp[first], neg[first], draws, rng)
    safe = np.where(posts > 0, posts, 1).astype("int64")
    p_b = rng.binomial(safe, raw, size=(draws, len(m))) / safe
    adj_b = adjusted(p_b, tpr_b[:, rate_code], fpr_b[:, rate_code]) * posts
    adj_b = np.where(usable, adj_b, flagged)
    group = m.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    order = np.argsort(group, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(group[order]) != 0])
    sums = np.add.reduceat(adj_b[:, order], starts, axis=1)
    source = pd.Series(np.where(usable, m["rates_source"].fillna("none").astype(str), "none"))
    agg = pd.DataFrame({"g": group, "posts": posts, "flagged_posts": flagged, "adjusted_flagged_posts": point}
                       ).groupby("g", sort=True)
    out = m[keys].iloc[order[starts]].reset_index(drop=True)
    out["posts"] = agg["posts"].sum().to_numpy().astype("int64")
    out["flagged_posts"] = agg["flagged_posts"].sum().to_numpy().astype("int64")
    out["adjusted_flagged_posts"] = agg["adjusted_flagged_posts"].sum().to_numpy()
    out["adjusted_low"], out["adjusted_high"] = _interval(sums, out["adjusted_flagged_posts"].to_numpy(), level)
    out["rates_source"] = _sources(group, source)
    corrected = np.where(usable, posts, 0.0)
    out["corrected_posts"] = np.bincount(group, corrected, len(starts)).astype("int64")
    out["uncorrected_posts"] = np.bincount(group, posts - corrected, len(starts)).astype("int64")

    # the city's total: per city x set of rates, summed counts adjusted and redrawn as one (the same rate draws)
    tkeys = [c for c in keys if c == "city_id"] if total_keys is None else list(total_keys)
    city = m.groupby(tkeys, sort=False, dropna=False).ngroup().to_numpy() if tkeys else np.zeros(len(m), "int64")
    part = pd.DataFrame({"city": city, "code": rate_code}).groupby(["city", "code"], sort=True).ngroup().to_numpy()
    n_part, n_city = part.max() + 1, city.max() + 1
    p_first = np.unique(part, return_index=True)[1]  # one row per city x language: its rates, its city
    p_posts, p_flagged = np.bincount(part, posts, n_part), np.bincount(part, flagged, n_part)
    p_code, p_city, p_usable = rate_code[p_first], city[p_first], usable[p_first]
    p_raw = np.divide(p_flagged, p_posts, out=np.zeros(n_part), where=p_posts > 0)
    p_point = np.where(p_usable, adjusted(p_raw, tpr[p_first], fpr[p_first]) * p_posts, p_flagged)
    p_safe = np.where(p_posts > 0, p_posts, 1).astype("int64")
    p_b = rng.binomial(p_safe, p_raw, size=(draws, n_part)) / p_safe
    p_adj_b = np.where(p_usable, adjusted(p_b, tpr_b[:, p_code], fpr_b[:, p_code]) * p_posts, p_flagged)
    c_point = np.bincount(p_city, p_point, n_city)
    c_low, c_high = _interval(_group_sums(p_adj_b, p_city, n_city), c_point, level)
    c_source = _sources(city, source)
    row_city = city[order[starts]]
    out["city_adjusted_flagged_posts"] = c_point[row_city]
    out["city_adjusted_low"], out["city_adjusted_high"] = c_low[row_city], c_high[row_city]
    out["city_rates_source"] = c_source[row_city]
    out["city_corrected_posts"] = np.bincount(city, corrected, n_city).astype("int64")[row_city]
    out["city_uncorrected_posts"] = np.bincount(city, posts - corrected, n_city).astype("int64")[row_city]
    return out[[*keys, *COUNT_COLUMNS, *CITY_COLUMNS]]
