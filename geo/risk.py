"""Local risk profile: areas ranked by smoothed rates of recent flagged speech and hate crime, with exceedance
probabilities, rank intervals and the reasons as codes and bands.

Model (per city, over its last ``recent_months`` periods; each signal apart):
- y_i ~ Poisson(E_i theta_i), E_i = exposure_i x the city's rate (exposure = population where every area of the
  city has one, else the area's activity: all posts for speech, all crimes for hate crime), so theta_i is the
  area's rate relative to the city's;
- theta_i ~ Gamma(a, a) (mean 1, between-area variance 1/a), a by maximum marginal (negative-binomial)
  likelihood over the city's areas (global empirical Bayes), posterior Gamma(a + y_i, a + E_i);
- combined relative risk = the larger of the two signals' theta (per posterior draw: an area is of concern
  when either its speech or its hate crime runs above the city's), the ranking is by its posterior mean;
  ``score`` = P(combined > ``threshold``) = the exceedance probability;
  90% rank intervals from ``draws`` posterior simulations of the whole ranking.
A small area's rate is pulled towards the city's until its counts say otherwise, so it does not top the list by
noise. ``reasons`` is a JSON object ``{"codes": [...], "band", "recent_months", "threshold", "exceedance",
"relative_risk": [lo, hi], "rank_interval": [lo, hi]}``; the dashboards render the codes through i18n."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from scipy import optimize, stats

RISK_COLUMNS = ["city_id", "area_code", "rank", "score", "speech_recent", "crime_recent", "resilience", "reasons",
                "relative_risk", "rr_low", "rr_high", "speech_rr", "crime_rr", "speech_exceedance",
                "crime_exceedance", "rank_low", "rank_high", "exposure"]
RESILIENCE_ALPHA = 0.05  # two-sided level of the test of an area's survey resilience against the rest of its city
Z_SURVEY = 1.959963984540054  # the multiplier of survey_indices' 95% bounds (se = half-width / Z_SURVEY)
REASON_CODES = ("speech_rate_high", "crime_rate_high", "resilience_below_city", "no_signal")
BANDS = ((0.8, "high"), (0.5, "elevated"), (0.0, "typical"))  # by exceedance probability
SIGNALS = {"speech": ("flagged_posts", "posts"), "crime": ("hate_crimes", "crimes")}
_MIN_VARIANCE = 1e-4  # floor of the between-area variance of theta (no spread: full pooling)


def eb_gamma(y: np.ndarray, expected: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Posterior Gamma (shape, rate) of each area's relative risk under a global empirical-Bayes Poisson-gamma
    model: counts ``y`` ~ Poisson(``expected`` x theta), theta ~ Gamma(a, a) (mean 1), a by maximum marginal
    (negative-binomial) likelihood; a large a (no spread between areas beyond chance) pools every area to the
    city's rate."""
    y, e = np.asarray(y, float), np.asarray(expected, float)
    ok = e > 0
    if not ok.any() or y[ok].sum() == 0:
        return np.full_like(y, 1 / _MIN_VARIANCE) + y, np.full_like(y, 1 / _MIN_VARIANCE) + e

    def nll(log_a: float) -> float:
        a = np.exp(log_a)
        return -float(stats.nbinom.logpmf(y[ok], a, a / (a + e[ok])).sum())

    log_a = optimize.minimize_scalar(nll, bounds=(np.log(0.1), np.log(1 / _MIN_VARIANCE)), method="bounded").x
    a = float(np.exp(log_a))
    return a + y, a + e


def _expected(frame: pd.DataFrame, count: str, activity: str, by_population: bool) -> np.ndarray:
    """Expected counts under the city's rate: exposure x total / total exposure."""
    exposure = frame["population"].to_numpy(float) if by_population else frame[activity].to_numpy(float) + 0.5
    return exposure * frame[count].sum() / exposure.sum()


def _city(frame: pd.DataFrame, threshold: float, draws: int, seed: int) -> pd.DataFrame:
    """Smoothed rates, exceedance and rank intervals of one city's areas."""
    frame = frame.reset_index(drop=True)
    by_population = bool(frame["population"].notna().all() and (frame["population"] > 0).all())
    rng = np.random.default_rng(seed)
    theta = np.zeros((draws, len(frame)))
    for name, (count, activity) in SIGNALS.items():  # two signals
        if frame[count].isna().all():  # hate crime unknown (police.uk files carry no hate flag): no signal, not 0
            frame[f"{name}_rr"], frame[f"{name}_exceedance"] = np.nan, np.nan
            continue
        shape, rate = eb_gamma(frame[count].to_numpy(float), _expected(frame, count, activity, by_population))
        frame[f"{name}_rr"] = (shape / rate).round(3)
        frame[f"{name}_exceedance"] = stats.gamma.sf(threshold, shape, scale=1 / rate).round(3)
        theta = np.maximum(theta, rng.gamma(shape, 1 / rate, (draws, len(frame))))
    frame["relative_risk"] = theta.mean(axis=0).round(3)
    frame["rr_low"], frame["rr_high"] = np.quantile(theta, [0.05, 0.95], axis=0).round(3)
    frame["score"] = (theta > threshold).mean(axis=0).round(3)
    ranks = (-theta).argsort(axis=1).argsort(axis=1) + 1  # rank of each area in each draw
    frame["rank_low"], frame["rank_high"] = np.quantile(ranks, [0.05, 0.95], axis=0, method="nearest")
    order = np.lexsort((frame["area_code"].to_numpy(), -frame["relative_risk"].to_numpy()))
    frame.loc[order, "rank"] = np.arange(1, len(frame) + 1)
    frame["exposure"] = "population" if by_population else "activity"
    return frame


def _band(p: np.ndarray) -> np.ndarray:
    return np.select([p >= lo for lo, _ in BANDS], [b for _, b in BANDS], default="typical")


def _survey_se(mean: pd.Series, low: pd.Series, high: pd.Series) -> pd.Series:
    """The standard error (0-100 scale) behind survey_indices' 95% bounds: they are the logit-scale interval
    ``inv_logit(logit(p) -/+ h)`` with h = t se / (100 p (1 - p)), p = mean / 100, so se = h 100 p (1 - p) / 1.96
    (t >= 1.96: an upper bound of se whatever the degrees of freedom). Bounds at 0 or 100, or not around the
    mean: the larger half-width / 1.96 (symmetric bounds clipped to the scale). Null without a usable interval."""
    p, lo, hi = mean / 100, low / 100, high / 100
    inside = (lo > 0) & (hi < 1) & (lo < p) & (p < hi)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = (np.log(hi / (1 - hi)) - np.log(lo / (1 - lo))) / 2
        logit = h * 100 * p * (1 - p) / Z_SURVEY
    half = np.fmax(mean - low, high - mean)
    return logit.where(inside, (half / Z_SURVEY).where(half > 0))


def _resilience(survey: pd.DataFrame, alpha: float = RESILIENCE_ALPHA) -> pd.DataFrame:
    """Per city and area: ``resilience`` (the mean of the area's survey rows, as before) and ``below_city``, True
    when that mean is below the mean of the city's other areas by a two-sided z-test at ``alpha``.

    Standard errors come from the survey's own 95% bounds (survey_indices ``ci_low`` / ``ci_high``, on the logit
    scale: ``_survey_se``). An area with several rows
    (constructs, waves) takes the mean of their se, an upper bound of the se of their mean whatever their
    correlation. The reference is the unweighted mean of the city's other areas with bounds, se = sqrt(sum se_j^2)
    / (k - 1) (independent samples); z = (m_i - m_ref) / sqrt(se_i^2 + se_ref^2). Without bounds (no ``ci_low`` /
    ``ci_high`` columns, or null bounds) an area is not tested and gets no reason: point means are never ranked."""
    cols = ["city_id", "area_code", "resilience", "below_city"]
    s = survey.dropna(subset=["mean"])
    if s.empty:
        return pd.DataFrame(columns=cols)
    mean = s["mean"].astype(float)
    if {"ci_low", "ci_high"} <= set(s.columns):
        se = _survey_se(mean, pd.to_numeric(s["ci_low"], errors="coerce"),
                        pd.to_numeric(s["ci_high"], errors="coerce"))
    else:
        se = pd.Series(np.nan, index=s.index)
    s = s.assign(mean=mean, se=se)
    res = s.groupby(["city_id", "area_code"], as_index=False).agg(
        resilience=("mean", "mean"), se=("se", lambda v: v.mean() if v.notna().all() else np.nan))
    res["below_city"] = False
    z_crit = stats.norm.isf(alpha / 2)
    for _, g in res[res["se"].notna()].groupby("city_id"):
        k = len(g)
        if k < 2:
            continue
        m, v = g["resilience"].to_numpy(float), g["se"].to_numpy(float) ** 2
        ref = (m.sum() - m) / (k - 1)
        ref_var = (v.sum() - v) / (k - 1) ** 2
        z = (m - ref) / np.sqrt(v + ref_var)
        res.loc[g.index, "below_city"] = z < -z_crit
    return res[cols]


def risk_profile(area_month: pd.DataFrame, survey: pd.DataFrame | None = None, recent_months: int = 3,
                 threshold: float = 1.5, draws: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Areas of each city ranked by the smoothed relative risk (speech and hate crime per population, or per
    activity where population is missing, over the city's last ``recent_months`` periods), with
    ``score`` = P(relative risk > ``threshold`` x the city's), 90% intervals of the relative risk and of the
    rank, and ``reasons`` (JSON): ``speech_rate_high`` / ``crime_rate_high`` when that signal's exceedance
    probability is at least 0.8, ``resilience_below_city`` when the area's survey resilience is below the mean of
    the city's other areas by a two-sided test at 5% using the survey's own 95% bounds (``_resilience``), else
    ``no_signal`` (in the ``typical`` band); the exceedance band (high >= 0.8, elevated >= 0.5, typical), the intervals and the
    threshold. Counts stay in speech_recent / crime_recent (suppressed for officials), never in the reasons."""
    am = area_month.dropna(subset=["area_code"])
    if am.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in RISK_COLUMNS})
    am = am.assign(**{c: 0 for c in ("posts", "crimes", "population") if c not in am})
    last = am.groupby("city_id")["period"].transform("max")
    first = (pd.PeriodIndex(last, freq="M") - (recent_months - 1)).strftime("%Y-%m")
    recent = am[am["period"].to_numpy() >= np.asarray(first)]
    population = pd.to_numeric(am["population"], errors="coerce").groupby([am["city_id"], am["area_code"]]).max()
    recent = recent.groupby(["city_id", "area_code"], as_index=False)[
        ["flagged_posts", "hate_crimes", "posts", "crimes"]].sum(min_count=1)  # all unknown hate crime stays NaN
    # a source the city never sent is null on every row of the marts (no signal, not 0); else a gap is 0
    cols = ["flagged_posts", "posts", "crimes"]
    recent[cols] = recent[cols].fillna(0).where(recent[cols].notna().groupby(recent["city_id"]).transform("any"))
    recent["population"] = population.reindex(pd.MultiIndex.from_frame(recent[["city_id", "area_code"]])).to_numpy()
    recent = pd.concat([_city(g, threshold, draws, seed) for _, g in recent.groupby("city_id")], ignore_index=True)
    recent = recent.rename(columns={"flagged_posts": "speech_recent", "hate_crimes": "crime_recent"})
    if survey is not None and len(survey):
        recent = recent.merge(_resilience(survey), on=["city_id", "area_code"], how="left")
        recent["below_city"] = recent["below_city"].astype("boolean").fillna(False).astype(bool)
    else:
        recent["resilience"], recent["below_city"] = np.nan, False
    flags = pd.DataFrame({
        "speech_rate_high": recent["speech_exceedance"] >= BANDS[0][0],
        "crime_rate_high": recent["crime_exceedance"] >= BANDS[0][0],
        "resilience_below_city": recent["below_city"]})
    bands = _band(recent["score"].to_numpy())
    recent["reasons"] = [json.dumps({"codes": [c for c, on in zip(flags.columns, row, strict=True) if on]
                                     or (["no_signal"] if band == "typical" else []), "band": str(band), "recent_months": int(recent_months),
                                     "threshold": float(threshold), "exceedance": float(p),
                                     "relative_risk": [float(lo), float(hi)], "rank_interval": [int(a), int(b)]})
                         for row, band, p, lo, hi, a, b in zip(
                             flags.to_numpy(dtype=bool), bands, recent["score"], recent["rr_low"], recent["rr_high"],
                             recent["rank_low"], recent["rank_high"], strict=True)]
    recent["rank"] = recent["rank"].astype(int)
    return recent[RISK_COLUMNS].sort_values(["city_id", "rank"], ignore_index=True)
