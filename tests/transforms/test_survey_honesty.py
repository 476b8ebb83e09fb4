"""Honesty of the survey intervals: the repo's own survey SQL (transforms/macros/weighted_mean_ci.sql and the survey
models, rendered with jinja2 as dbt renders them with default vars) run in DuckDB over simulated surveys whose truth
is known, and recomputed independently with NumPy/SciPy.

The worlds are those of the statistics probe: small groups and ceiling effects (the old z interval covered 87-93%,
and a group whose answers were all equal got the interval [100, 100]; the symmetric t interval, clipped, still covered
88-91% near the ceiling or floor at n = 10-15, the logit-scale one 94-96%); a respondent mix that changes between the
waves while nothing changes within any group (the old pre/post difference was "significant" in every draw)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import jinja2
import numpy as np
import pandas as pd
import pytest
from scipy import special, stats
from statsmodels.stats.weightstats import DescrStatsW

TRANSFORMS = Path(__file__).resolve().parents[2] / "transforms"
MACROS = "".join((TRANSFORMS / "macros" / f"{m}.sql").read_text() for m in ("weighted_mean_ci", "min_group", "survey_key"))
ITEMS = ("q1", "q2", "q3", "q4")
CODEBOOK = pd.DataFrame({"question": list(ITEMS), "construct": "resilience", "scale_min": 1.0, "scale_max": 5.0,
                         "is_reversed": [False, False, False, True], "item_type": "scale",
                         "missing_codes": pd.Series([None] * len(ITEMS), dtype="string"),
                         "survey_id": pd.Series([None] * len(ITEMS), dtype="string")})  # every survey's rows


def _render(sql: str, min_group: int) -> str:
    return jinja2.Environment().from_string(MACROS + sql).render(
        ref=lambda name: name, var=lambda name, default=None: min_group, env_var=lambda name, default=None: default)


def _run(responses: pd.DataFrame, min_group: int = 10, threads: int | None = None
         ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """survey_indices and survey_prepost over long answers (stg_survey_responses' columns)."""
    con = duckdb.connect(config={"threads": threads} if threads else {})
    con.register("r_df", responses)
    con.register("c_df", CODEBOOK)
    con.execute("create table stg_survey_responses as select * from r_df")
    con.execute("create table stg_survey_codebook as select * from c_df")
    for model in ("int_survey_answers", "int_survey_item_scores", "int_survey_respondent_index"):
        sql = (TRANSFORMS / "models/intermediate" / f"{model}.sql").read_text()
        con.execute(f"create table {model} as {_render(sql, min_group)}")
    marts = [con.execute(_render((TRANSFORMS / "models/marts" / f"{m}.sql").read_text(), min_group)).df()
             for m in ("survey_indices", "survey_prepost")]
    return marts[0], marts[1]


def _answers(rng: np.random.Generator, city: str | np.ndarray, wave: str | np.ndarray, latent: np.ndarray,
             **cols: object) -> pd.DataFrame:
    """Four 1-5 items per respondent, binomial(4, latent) + 1 (the reversed item stored reversed): each item's
    expected 0-100 score, and so the respondent's expected index, is 100 x latent. city and wave may be arrays
    (one per respondent) so a whole simulation is one frame."""
    n = len(latent)
    ids = pd.Series(np.broadcast_to(np.asarray(city, dtype=object), n)).astype(str) + "_" + pd.Series(
        np.broadcast_to(np.asarray(wave, dtype=object), n)).astype(str) + "_" + pd.Series(np.arange(n)).astype(str)
    parts = []
    for q, rev in zip(ITEMS, CODEBOOK["is_reversed"], strict=True):
        v = rng.binomial(4, np.clip(latent, 0, 1)) + 1
        base = {"survey_id": "s_" + pd.Series(np.broadcast_to(np.asarray(wave, dtype=object), n)).astype(str),
                "response_id": ids, "city_id": np.broadcast_to(np.asarray(city, dtype=object), n),
                "area_code": None, "gender": None, "age_group": None, "wave": np.broadcast_to(np.asarray(wave), n),
                "programme_id": "P", "weight": np.nan, "source_file": "s.csv", "question": q, "value": (6 - v if rev else v).astype(float)}
        parts.append(pd.DataFrame({**base, **cols}))
    return pd.concat(parts, ignore_index=True)


def _supported(pp: pd.DataFrame) -> pd.Series:
    """Whether the mart calls the change real (change_supported; an old mart: its CI excludes 0)."""
    pp = pp[~pp["suppressed"]]
    if "change_supported" in pp.columns:
        return pp["change_supported"].fillna(False).astype(bool)
    return (pp["ci_low"] > 0) | (pp["ci_high"] < 0)


def test_t_quantile_macro_matches_scipy() -> None:
    df = np.r_[np.linspace(1, 10, 1801), np.linspace(10, 500, 981), 1e4, 1e7]
    con = duckdb.connect()
    con.register("d", pd.DataFrame({"df": df}))
    got = con.execute(_render("select df, {{ t975('df') }} as t from d order by df", 10)).df()
    assert np.abs(got["t"].to_numpy() - stats.t.ppf(0.975, got["df"].to_numpy())).max() < 1e-6
    assert con.execute(_render("select {{ t975('0.5') }}", 10)).fetchone()[0] is None  # df < 1: no quantile


def test_no_interval_when_every_answer_is_equal() -> None:
    """12 respondents all at the top of every item: mean 100, and no interval (not [100, 100]); a wave with no
    spread gives the pre/post difference no interval either."""
    rng = np.random.default_rng(1)
    resp = pd.concat([_answers(rng, "c", "baseline", rng.beta(5, 5, 12)),
                      _answers(rng, "c", "endline", np.ones(12))])
    ind, pp = _run(resp)
    row = ind[(ind["wave"] == "endline") & (ind["group_type"] == "all")].iloc[0]
    assert row["mean"] == 100 and pd.isna(row["ci_low"]) and pd.isna(row["ci_high"])
    base = ind[(ind["wave"] == "baseline") & (ind["group_type"] == "all")].iloc[0]
    assert base["ci_low"] < base["mean"] < base["ci_high"]
    assert pp["diff"].notna().all() and pp["ci_low"].isna().all() and pp["ci_high"].isna().all()


def test_index_interval_is_student_t_on_the_kish_size() -> None:
    rng = np.random.default_rng(2)
    w = rng.lognormal(0, 0.5, 14).round(3)
    resp = _answers(rng, "c", "single", rng.beta(3, 2, 14), weight=np.tile(w, 1))
    ind, _ = _run(resp)
    x = (resp.assign(s=np.where(resp["question"] == "q4", 100 - (resp["value"] - 1) * 25, (resp["value"] - 1) * 25))
         .groupby("response_id", sort=False)["s"].mean().to_numpy())
    n_eff = w.sum() ** 2 / (w ** 2).sum()
    d = DescrStatsW(x, weights=w * n_eff / w.sum())
    low, high = d.tconfint_mean()  # t se = (high - low) / 2, formed on the logit scale
    row = ind[ind["group_type"] == "all"].iloc[0]
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(_logit_ci(d.mean, (high - low) / 2), abs=1e-5)


def test_small_group_intervals_cover() -> None:
    """2000 groups of 10 (the smallest shown), symmetric latent, truth 50: the old z interval covered 92.7%, the
    t interval covers 95%. A draw without an interval counts as not covering."""
    rng = np.random.default_rng(3)
    resp = _answers(rng, np.repeat([f"c{d}" for d in range(2000)], 10), "single", rng.beta(5, 5, 20000))
    ind, _ = _run(resp)
    x = ind[ind["group_type"] == "all"]
    coverage = ((x["ci_low"] <= 50) & (50 <= x["ci_high"])).mean()
    assert len(x) == 2000 and coverage >= 0.938


def _logit_ci(mean: float, half: float) -> tuple[float, float]:
    """The interval the macros give a 0-100 mean with original-scale half-width t se: on the logit scale of
    p = mean / 100, logit(p) -/+ t se / (p (1 - p)) (se of p = se / 100), back-transformed, x 100."""
    p = mean / 100
    h = half / 100 / (p * (1 - p))
    return tuple(100 * special.expit(special.logit(p) + s * h) for s in (-1, 1))


def _ends_world(draws: dict[str, int], seed: int) -> pd.DataFrame:
    """Groups (one city each, named world_n_weighted_draw) of n = 10, 15 and 30 respondents, unweighted and with
    lognormal(0, 0.5) weights, whose latent is Beta(9.3, 0.7) at the ceiling (mean index 93, skewed: half the
    respondents answer the top of every item), its mirror Beta(0.7, 9.3) at the floor (7), and Beta(5, 5) in the
    middle (50)."""
    rng = np.random.default_rng(seed)
    parts = []
    for world, (a, b) in {"ceiling": (9.3, 0.7), "floor": (0.7, 9.3), "middle": (5.0, 5.0)}.items():
        for n in (10, 15, 30):
            for weighted in (0, 1):
                k = draws[world] * n
                parts.append(_answers(rng, np.repeat([f"{world}_{n}_{weighted}_{d}" for d in range(draws[world])], n),
                                      "single", rng.beta(a, b, k),
                                      weight=rng.lognormal(0, 0.5, k).round(3) if weighted else np.nan))
    return pd.concat(parts, ignore_index=True)


def _ends_coverage(ind: pd.DataFrame) -> pd.DataFrame:
    """Coverage and mean width per world, n and weighting of the mart's interval and of the symmetric interval
    mean -/+ t se clipped to 0-100 (the mart's until December 2026, recovered from the logit half-width; computed
    only when the mart's bounds are logit-scale). A group without an interval counts as not covering."""
    x = ind[ind["group_type"] == "all"].copy()
    key = x["city_id"].str.split("_", expand=True)
    x["world"], x["n"], x["weighted"] = key[0], key[1].astype(int), key[2].astype(int)
    x["truth"] = x["world"].map({"ceiling": 93.0, "floor": 7.0, "middle": 50.0})
    p, lo, hi = x["mean"] / 100, x["ci_low"] / 100, x["ci_high"] / 100
    half = (special.logit(hi) - special.logit(lo)) / 2 * p * (1 - p) * 100
    x["sym_low"], x["sym_high"] = (x["mean"] - half).clip(0, 100), (x["mean"] + half).clip(0, 100)
    x["covered"] = (x["ci_low"] <= x["truth"]) & (x["truth"] <= x["ci_high"])
    x["sym_covered"] = (x["sym_low"] <= x["truth"]) & (x["truth"] <= x["sym_high"])
    x["width"], x["sym_width"] = x["ci_high"] - x["ci_low"], x["sym_high"] - x["sym_low"]
    # ceiling and floor are mirror images: pooled as "ends"
    x["world"] = x["world"].replace({"ceiling": "ends", "floor": "ends"})
    return x.groupby(["world", "n", "weighted"]).agg(
        draws=("covered", "size"), coverage=("covered", "mean"), width=("width", "mean"),
        sym_coverage=("sym_covered", "mean"), sym_width=("sym_width", "mean"))


def test_intervals_near_the_ends_of_the_scale_cover() -> None:
    """Near the ceiling (true index 93, half the respondents at 100) and the floor (7) the symmetric interval
    mean -/+ t se, clipped to 0-100, covered 88-94% at n = 10-30 (mean and se move together when answers pile up
    at the end of the scale); on the logit scale of mean / 100 it covers 94-97%, and 95-97% in the middle (50).
    1000 draws per end, n and weighting (2000 pooled), 1500 in the middle; seed 12."""
    ind, _ = _run(_ends_world({"ceiling": 1000, "floor": 1000, "middle": 1500}, 12))
    cov = _ends_coverage(ind)
    ends, middle = cov.loc["ends"], cov.loc["middle"]
    assert (ends["coverage"] >= 0.93).all(), cov[["draws", "coverage", "width"]]
    shown = ind[(ind["group_type"] == "all") & ind["ci_low"].notna()]
    assert ((shown["ci_low"] > 0) & (shown["ci_low"] < shown["mean"]) & (shown["mean"] < shown["ci_high"])
            & (shown["ci_high"] < 100)).all()  # asymmetric, inside (0, 100) without clipping
    assert ((middle["coverage"] >= 0.93) & (middle["coverage"] <= 0.975)).all(), cov
    assert (ends["sym_coverage"] < 0.93).any()  # the world is one where the symmetric interval fails
    # not absurdly wide: at the ends at most 1.35x the clipped symmetric interval, in the middle no wider
    assert (ends["width"] <= 1.35 * ends["sym_width"]).all() and (middle["width"] <= middle["sym_width"]).all()


def test_indices_are_byte_stable_between_identical_runs() -> None:
    """Two identical runs (4 threads) over 200,000 weighted respondents in two cities: DuckDB's parallel double sums
    differ in the last bits between runs (means by ~1e-13 unrounded); the published figures are rounded to 9
    decimals and equal. (survey_prepost is not rounded yet: its unit test's expected values would change.)"""
    rng = np.random.default_rng(13)
    n = 200_000
    resp = _answers(rng, np.repeat(["a", "b"], n // 2), np.tile(["baseline", "endline"], n // 2), rng.beta(5, 3, n),
                    weight=rng.lognormal(0, 0.5, n), age_group=rng.choice(["y", "o"], n))
    first, second = (_run(resp, threads=4)[0].sort_values(["survey_id", "city_id", "construct", "group_type",
                                                          "group_value"], ignore_index=True) for _ in range(2))
    assert first["ci_low"].notna().all()
    pd.testing.assert_frame_equal(first, second, check_exact=True)


def _composition_world(draws: int, seed: int) -> pd.DataFrame:
    """A city whose young (index 40) and old (75) respondents do not change at all, sampled 30% young at baseline
    and 70% young at endline (200 per wave)."""
    rng = np.random.default_rng(seed)
    parts = []
    for wave, share in (("baseline", 0.3), ("endline", 0.7)):
        young = rng.random(200 * draws) < share
        parts.append(_answers(rng, np.repeat([f"c{d}" for d in range(draws)], 200), wave,
                              np.where(young, 0.4, 0.75), age_group=np.where(young, "18_29", "30_plus")))
    return pd.concat(parts, ignore_index=True)


def test_a_changed_respondent_mix_is_not_reported_as_a_change() -> None:
    _, pp = _run(_composition_world(200, 4))
    assert len(pp) == 200
    assert _supported(pp).mean() <= 0.08  # old mart: 100%
    assert pp["mix_changed"].all() and (pp["adjusted_by"] == "age_group").all()
    assert abs(pp["adjusted_diff"].mean()) < 1 and pp["diff"].mean() < -10  # the raw difference is the mix
    covered = (pp["adjusted_ci_low"] <= 0) & (0 <= pp["adjusted_ci_high"])
    assert covered.mean() >= 0.92


def test_adjusted_difference_and_mix_test_match_numpy() -> None:
    """One city, weighted respondents in three age groups: the standardised difference (each group's wave means
    weighted by its mean weighted share over the two waves), its Welch-Satterthwaite t interval, and the
    mix test (Pearson chi-square on the weighted shares scaled to each wave's Kish size) recomputed here."""
    rng = np.random.default_rng(5)
    parts = []
    for wave, probs in (("baseline", [0.5, 0.3, 0.2]), ("endline", [0.2, 0.3, 0.5])):
        n = 60
        age = rng.choice(["a", "b", "c"], n, p=probs)
        w = rng.lognormal(0, 0.3, n).round(3)
        parts.append(_answers(rng, "c", wave, np.select([age == "a", age == "b"], [0.3, 0.5], 0.7), age_group=age,
                              weight=w))
    resp = pd.concat(parts, ignore_index=True)
    _, pp = _run(resp)
    s = resp.assign(s=np.where(resp["question"] == "q4", 100 - (resp["value"] - 1) * 25, (resp["value"] - 1) * 25))
    r = s.groupby(["wave", "response_id", "age_group", "weight"], as_index=False)["s"].mean()

    def cell(g: pd.DataFrame) -> tuple[float, float, float]:
        x, w = g["s"].to_numpy(), g["weight"].to_numpy()
        m = np.average(x, weights=w)
        n_eff = w.sum() ** 2 / (w ** 2).sum()
        return m, np.sqrt(np.average((x - m) ** 2, weights=w) / (n_eff - 1)), n_eff

    share = r.groupby(["wave", "age_group"])["weight"].sum() / r.groupby("wave")["weight"].sum()
    n_eff = {wv: cell(g)[2] for wv, g in r.groupby("wave")}
    table = np.array([[share[wv][a] * n_eff[wv] for a in "abc"] for wv in ("baseline", "endline")])
    chi2 = stats.chi2_contingency(table, correction=False)[0]
    diff, var, den = 0.0, 0.0, 0.0
    for a in "abc":
        p = (share["baseline"][a] + share["endline"][a]) / 2
        (mb, sb, nb), (me, se, ne) = (cell(r[(r["wave"] == wv) & (r["age_group"] == a)])
                                      for wv in ("baseline", "endline"))
        diff += p * (me - mb)
        var += p * p * (sb * sb + se * se)
        den += (p * p * sb * sb) ** 2 / (nb - 1) + (p * p * se * se) ** 2 / (ne - 1)
    half = stats.t.ppf(0.975, var * var / den) * np.sqrt(var)
    row = pp.iloc[0]
    assert chi2 > stats.chi2.ppf(0.95, 2) and bool(row["mix_changed"])
    assert row["adjusted_by"] == "age_group"
    assert (row["adjusted_diff"], row["adjusted_ci_low"], row["adjusted_ci_high"]) == pytest.approx(
        (diff, diff - half, diff + half), abs=1e-5)
    assert bool(row["change_supported"]) == bool(diff - half > 0 or diff + half < 0)


def test_mix_unchanged_keeps_the_raw_interval_and_chi2_cutoffs() -> None:
    """Same mix in both waves: mix_changed is false and change_supported follows the raw interval; the chi-square
    cut-offs written into survey_prepost.sql are scipy's 95% quantiles."""
    rng = np.random.default_rng(6)
    parts = []
    for wave, shift in (("baseline", 0.0), ("endline", 0.25)):
        age = np.repeat(["a", "b"], 50)
        parts.append(_answers(rng, "c", wave, np.where(age == "a", 0.3, 0.5) + shift, age_group=age))
    _, pp = _run(pd.concat(parts, ignore_index=True))
    row = pp.iloc[0]
    assert row["mix_changed"] == False  # noqa: E712  (numpy bool)
    assert bool(row["change_supported"]) == bool(row["ci_low"] > 0 or row["ci_high"] < 0) and row["ci_low"] > 0
    text = (TRANSFORMS / "models/marts/survey_prepost.sql").read_text()
    cutoffs = [float(v) for v in text.split("set chi2_95 = [")[1].split("]")[0].replace("\n", " ").split(",")]
    assert cutoffs == pytest.approx(stats.chi2.ppf(0.95, np.arange(1, len(cutoffs) + 1)), abs=1e-9)


def _clustered_world(draws: int, seed: int, sd: float = 0.04) -> pd.DataFrame:
    """No change: each wave samples 5 areas (their own effects, sd 0.04 on the latent: a between-area share of
    about 0.06 of the index variance) x 40 respondents from a large city whose mean index is 55."""
    rng = np.random.default_rng(seed)
    parts = []
    for wave in ("baseline", "endline"):
        eff = np.repeat(rng.normal(0, sd, 5 * draws), 40)
        area = np.tile(np.repeat([f"{wave}{i}" for i in range(5)], 40), draws)
        latent = np.clip(0.55 + eff + rng.normal(0, 0.1, 200 * draws), 0.01, 0.99)
        parts.append(_answers(rng, np.repeat([f"c{d}" for d in range(draws)], 200), wave, latent, area_code=area))
    return pd.concat(parts, ignore_index=True)


def test_few_sampled_areas_widen_the_interval() -> None:
    """5 areas x 40 respondents per wave: the old respondent-level interval covered 73% and called 27% of no-change
    cities changed; clustered by area (CR1, t on 4 df) it covers about 95%."""
    ind, pp = _run(_clustered_world(400, 7))
    x = ind[ind["group_type"] == "all"]
    truth = 100 * np.clip(0.55 + np.random.default_rng(0).normal(0, 0.04, 1_000_000)
                          + np.random.default_rng(1).normal(0, 0.1, 1_000_000), 0.01, 0.99).mean()
    coverage = ((x["ci_low"] <= truth) & (truth <= x["ci_high"])).mean()
    assert len(x) == 800 and coverage >= 0.92
    assert len(pp) == 400 and _supported(pp).mean() <= 0.08
    assert (x["clusters"] == 5).all() and (pp["clusters_baseline"] == 5).all()
    assert ind.loc[ind["group_type"] == "area", "clusters"].isna().all()  # within one area: respondent-level


def test_cluster_robust_intervals_match_numpy() -> None:
    """One city, two waves over 4 and 6 areas, two age groups: the index interval, the raw difference's and the
    standardised difference's intervals, recomputed here with CR1 by area."""
    rng = np.random.default_rng(8)
    parts = []
    for wave, k, p_young in (("baseline", 4, 0.3), ("endline", 6, 0.6)):
        n = 30 * k
        area = np.repeat([f"{wave[0]}{i}" for i in range(k)], 30)
        age = np.where(rng.random(n) < p_young, "y", "o")
        latent = np.where(age == "y", 0.4, 0.6) + np.repeat(rng.normal(0, 0.05, k), 30)
        parts.append(_answers(rng, "c", wave, latent, area_code=area, age_group=age,
                              weight=rng.lognormal(0, 0.3, n).round(3)))
    resp = pd.concat(parts, ignore_index=True)
    ind, pp = _run(resp)
    s = resp.assign(s=np.where(resp["question"] == "q4", 100 - (resp["value"] - 1) * 25, (resp["value"] - 1) * 25))
    r = s.groupby(["wave", "response_id", "area_code", "age_group", "weight"], as_index=False)["s"].mean()

    def cr1(u: pd.Series) -> tuple[float, int]:
        g = len(u)
        return g / (g - 1) * (u ** 2).sum(), g

    out = {}
    for wave, g in r.groupby("wave"):
        x, w = g["s"].to_numpy(), g["weight"].to_numpy()
        m = np.average(x, weights=w)
        v, k = cr1(pd.Series(w * (x - m) / w.sum()).groupby(g["area_code"].to_numpy()).sum())
        out[wave] = (m, v, k - 1)
    (mb, vb, db), (me, ve, de) = out["baseline"], out["endline"]
    row = ind[(ind["wave"] == "endline") & (ind["group_type"] == "all")].iloc[0]
    half = stats.t.ppf(0.975, de) * np.sqrt(ve)
    assert row["clusters"] == 6
    assert (row["mean"], row["ci_low"], row["ci_high"]) == pytest.approx((me, *_logit_ci(me, half)), abs=1e-5)
    half = stats.t.ppf(0.975, (vb + ve) ** 2 / (vb ** 2 / db + ve ** 2 / de)) * np.sqrt(vb + ve)
    p = pp.iloc[0]
    assert (p["diff"], p["ci_low"], p["ci_high"]) == pytest.approx((me - mb, me - mb - half, me - mb + half), abs=1e-5)
    # standardised: P_g = mean of the two waves' weighted shares; each wave's part linearised, CR1 by area
    share = r.groupby(["wave", "age_group"])["weight"].sum() / r.groupby("wave")["weight"].sum()
    pg = {a: (share["baseline"][a] + share["endline"][a]) / 2 for a in ("y", "o")}
    diff, parts_v = 0.0, {}
    for wave, g in r.groupby("wave"):
        z = pd.Series(0.0, index=g.index)
        for a, ga in g.groupby("age_group"):
            x, w = ga["s"].to_numpy(), ga["weight"].to_numpy()
            m = np.average(x, weights=w)
            diff += (1 if wave == "endline" else -1) * pg[a] * m
            z[ga.index] = pg[a] * w * (x - m) / w.sum()
        parts_v[wave] = cr1(z.groupby(g["area_code"]).sum())
    (vb, kb), (ve, ke) = parts_v["baseline"], parts_v["endline"]
    half = stats.t.ppf(0.975, (vb + ve) ** 2 / (vb ** 2 / (kb - 1) + ve ** 2 / (ke - 1))) * np.sqrt(vb + ve)
    assert (p["adjusted_diff"], p["adjusted_ci_low"], p["adjusted_ci_high"]) == pytest.approx(
        (diff, diff - half, diff + half), abs=1e-5)
    assert (p["clusters_baseline"], p["clusters_endline"]) == (4, 6)
