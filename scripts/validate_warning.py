"""Are the early warning and the risk ranking calibrated? Full validation over synthetic worlds.

    python scripts/validate_warning.py --seeds 50
    python scripts/validate_warning.py --seeds 20 --parts collection [--posts-dispersion 0.05]
    python scripts/validate_warning.py --seeds 50 --parts small
    python scripts/validate_warning.py --seeds 100 --parts trend --power-seeds 50

Bursts (geo.warning.speech_bursts, default target 1 false alert per area-year) on worlds of 30 areas x 104
weeks (tests/support/warning_worlds.py: NB counts, area sizes 0.3-30 posts a week, a season, a drifting level):
- false alerts per area-year on null worlds with NB dispersion 0.2-1.0, 0.05-0.3 and ~0 (Poisson);
- power: share of planted bursts (the week's mean x3 or x5, one per area) alerted, by area size.
Collection changes (``--parts collection``; the same worlds with a ``posts`` column: other posts ~ NB(20 x the
area's flagged mean), by default as overdispersed as the flagged posts, so the city's volume is noisy; each figure
with the volume factor and ``raw``, the posts column dropped, as before the factor):
- a step x1, x1.5, x2 of all posts from week 60: alerts in the 8 weeks after (and before) over the target's
  30 x 8 / 52.18 per world;
- steady growth of 2% a week: false alerts per area-year;
- null worlds (the three dispersions): false alerts per area-year; power on planted x3 and x5 bursts (all areas);
  small cities of 3 and 8 areas (twice the seeds): false alerts per area-year;
- a city-wide surge of hateful posts only (flagged x3 in every area in week 80, other posts unchanged): share of
  the 30 areas alerted that week.
Small cities (``--parts small``; 2-3 areas, worlds built to break the target: a noisy volume, heavier
overdispersion, a platform that doubles or halves every count, growth, small areas with many weeks of no post, a
jumpier city level, 8 areas): false alerts per area-year, mean (max) over the seeds, and power on planted x3 and x5
bursts (all areas).
Trends (``--parts trend``): cities of 3 areas whose flagged and other posts grow 1%, 2% or 4% a week, decline 2% a
week or double from week 60, and a control without trend, with and without a posts column: false alerts per
area-year, mean and its Monte-Carlo standard error over the seeds (0..), and power on planted x3 / x5 bursts
(``--power-seeds``, seeds 10000..).
Risk (geo.risk.risk_profile) on 40-area worlds (tests/support/risk_worlds.py, populations 200-20,000):
- null: mean Spearman of rank with population, the top five's median population over the city's, the share of
  areas with exceedance >= 0.8 and the median 90% rank-interval width;
- planted x3 area of 4,000 residents: share found with exceedance >= 0.8 and at rank 1.
A fast subset runs in tests/geo/test_warning.py and tests/geo/test_risk.py.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.risk import risk_profile  # noqa: E402
from geo.warning import WEEKS_PER_YEAR, speech_bursts  # noqa: E402
from tests.support.risk_worlds import area_month_world  # noqa: E402
from tests.support.warning_worlds import area_week_world, false_alerts_per_area_year, planted_found  # noqa: E402

DISPERSIONS = {"nb_0.2-1.0": (0.2, 1.0), "nb_0.05-0.3": (0.05, 0.3), "poisson": (1e-6, 1e-5)}


def bursts(seeds: int, target: float) -> dict:
    """False alerts per area-year on null worlds and power on planted bursts, per dispersion."""
    out: dict = {}
    for name, disp in DISPERSIONS.items():
        rates = [false_alerts_per_area_year(speech_bursts(area_week_world(s, dispersion=disp)[0],
                                                          false_alarms_per_year=target), 30, 104)
                 for s in range(seeds)]
        out[f"false_alerts_per_area_year[{name}]"] = {"mean": round(float(np.mean(rates)), 3),
                                                      "max": round(float(np.max(rates)), 3)}
        for factor in (3.0, 5.0):
            rows = []
            for s in range(seeds):
                world, planted = area_week_world(10_000 + s, burst=factor, dispersion=disp)
                alerts = speech_bursts(world, false_alarms_per_year=target)
                weekly = world.groupby("area_code")["flagged_posts"].sum() / 104
                hit = planted.merge(alerts[["area_code", "week"]], how="left", indicator=True)["_merge"] == "both"
                rows.append(pd.DataFrame({"weekly": planted["area_code"].map(weekly).to_numpy(),
                                          "hit": hit.to_numpy()}))
            r = pd.concat(rows)
            size = pd.cut(r["weekly"], [0, 1, 3, 10, np.inf], labels=["<1", "1-3", "3-10", "10+"])
            out[f"power[{name}, x{factor:g}]"] = {str(k): round(float(v), 3)
                                                  for k, v in r.groupby(size, observed=True)["hit"].mean().items()}
    return out


def _both(world: pd.DataFrame, target: float) -> dict[str, pd.DataFrame]:
    """Alerts with the volume factor and ``raw`` (the posts column dropped: flagged counts only)."""
    return {"volume": speech_bursts(world, false_alarms_per_year=target),
            "raw": speech_bursts(world.drop(columns="posts"), false_alarms_per_year=target)}


def collection(seeds: int, target: float, posts_dispersion: float | None) -> dict:
    """Collection changes, null worlds, power and a hateful-only surge on worlds with a ``posts`` column."""
    posts = {"posts_ratio": 20.0, "posts_dispersion": posts_dispersion}
    out: dict = {"posts_dispersion": "as flagged" if posts_dispersion is None else posts_dispersion}
    expected = seeds * 30 * 8 / WEEKS_PER_YEAR * target
    for factor in (1.0, 1.5, 2.0):
        counts = {k: {"after": 0, "before": 0} for k in ("volume", "raw")}
        for s in range(seeds):
            world, _ = area_week_world(s, step=(60, factor), **posts)
            weeks = sorted(world["week"].unique())
            for key, alerts in _both(world, target).items():
                counts[key]["after"] += int(((alerts["week"] >= weeks[60]) & (alerts["week"] < weeks[68])).sum())
                counts[key]["before"] += int(((alerts["week"] >= weeks[40]) & (alerts["week"] < weeks[48])).sum())
        out[f"step_x{factor:g}_week_60[alerts_8_weeks_after_over_target]"] = {
            k: round(v["after"] / expected, 2) for k, v in counts.items()}
        out[f"step_x{factor:g}_week_60[alerts_8_weeks_before_over_target]"] = {
            k: round(v["before"] / expected, 2) for k, v in counts.items()}
    rates: dict[str, list[float]] = {"volume": [], "raw": []}
    for s in range(seeds):
        for key, alerts in _both(area_week_world(s, growth=0.02, **posts)[0], target).items():
            rates[key].append(false_alerts_per_area_year(alerts, 30, 104))
    out["growth_2pct_a_week[false_alerts_per_area_year]"] = {
        k: {"mean": round(float(np.mean(v)), 3), "max": round(float(np.max(v)), 3)} for k, v in rates.items()}
    for name, disp in DISPERSIONS.items():
        rates = {"volume": [], "raw": []}
        for s in range(seeds):
            for key, alerts in _both(area_week_world(s, dispersion=disp, **posts)[0], target).items():
                rates[key].append(false_alerts_per_area_year(alerts, 30, 104))
        out[f"null_with_posts[{name}, false_alerts_per_area_year]"] = {
            k: {"mean": round(float(np.mean(v)), 3), "max": round(float(np.max(v)), 3)} for k, v in rates.items()}
        for factor in (3.0, 5.0):
            found: dict[str, list[float]] = {"volume": [], "raw": []}
            for s in range(seeds):
                world, planted = area_week_world(10_000 + s, burst=factor, dispersion=disp, **posts)
                for key, alerts in _both(world, target).items():
                    found[key].append(planted_found(alerts, planted))
            out[f"power_with_posts[{name}, x{factor:g}, all areas]"] = {
                k: round(float(np.mean(v)), 3) for k, v in found.items()}
    for n_areas in (3, 8):  # small cities: a few areas make a noisy city-wide volume
        rates = {"volume": [], "raw": []}
        for s in range(2 * seeds):
            for key, alerts in _both(area_week_world(s, n_areas=n_areas, **posts)[0], target).items():
                rates[key].append(false_alerts_per_area_year(alerts, n_areas, 104))
        out[f"null_with_posts[nb_0.2-1.0, {n_areas} areas, false_alerts_per_area_year]"] = {
            k: {"mean": round(float(np.mean(v)), 3), "max": round(float(np.max(v)), 3)} for k, v in rates.items()}
    surge: dict[str, list[float]] = {"volume": [], "raw": []}
    for s in range(seeds):
        world, _ = area_week_world(s, surge=(80, 3.0), **posts)
        week = sorted(world["week"].unique())[80]
        for key, alerts in _both(world, target).items():
            surge[key].append(float((alerts["week"] == week).sum()) / 30)
    out["surge_hateful_only_x3_week_80[share_of_areas_alerted]"] = {
        k: round(float(np.mean(v)), 3) for k, v in surge.items()}
    return out


SMALL_WORLDS = {
    "3 areas, posts": {"n_areas": 3, "posts_ratio": 20.0},
    "2 areas, posts": {"n_areas": 2, "posts_ratio": 20.0},
    "3 areas, posts, NB 0.5-1.5": {"n_areas": 3, "posts_ratio": 20.0, "dispersion": (0.5, 1.5)},
    "3 areas, posts, all x2 from week 60": {"n_areas": 3, "posts_ratio": 20.0, "step": (60, 2.0)},
    "3 areas, posts, all x0.5 from week 60": {"n_areas": 3, "posts_ratio": 20.0, "step": (60, 0.5)},
    "3 areas, posts, growth 2% a week": {"n_areas": 3, "posts_ratio": 20.0, "growth": 0.02},
    "3 areas, posts, areas of 0.3-3 a week": {"n_areas": 3, "posts_ratio": 20.0, "sizes": (0.3, 3.0)},
    "3 areas, posts, city level shocks sd 0.15": {"n_areas": 3, "posts_ratio": 20.0, "level_sd": 0.15},
    "3 areas, posts 3 x flagged": {"n_areas": 3, "posts_ratio": 3.0},
    "8 areas, posts": {"n_areas": 8, "posts_ratio": 20.0},
    "3 areas, no posts": {"n_areas": 3},
    "2 areas of 0.3-3 a week, no posts": {"n_areas": 2, "sizes": (0.3, 3.0)},
}


def small(seeds: int, target: float) -> dict:
    """Small cities: false alerts per area-year (mean, max) and power on planted x3 / x5 bursts."""
    out: dict = {}
    for name, kw in SMALL_WORLDS.items():
        rates = [false_alerts_per_area_year(speech_bursts(area_week_world(s, **kw)[0], false_alarms_per_year=target),
                                            kw["n_areas"], 104) for s in range(seeds)]
        row = {"false_alerts_per_area_year": {"mean": round(float(np.mean(rates)), 3),
                                              "max": round(float(np.max(rates)), 3)}}
        for factor in (3.0, 5.0):
            found = [planted_found(speech_bursts(world, false_alarms_per_year=target), planted) for world, planted
                     in (area_week_world(10_000 + s, burst=factor, **kw) for s in range(seeds))]
            row[f"power_x{factor:g}"] = round(float(np.mean(found)), 3)
        out[name] = row
    return out


TREND_WORLDS = {"no trend": {}, "growth 1% a week": {"growth": 0.01}, "growth 2% a week": {"growth": 0.02},
                "growth 4% a week": {"growth": 0.04}, "decline 2% a week": {"growth": -0.02},
                "all posts x2 from week 60": {"step": (60, 2.0)}}


def trend(seeds: int, power_seeds: int, target: float) -> dict:
    """3-area cities with a trend or a step: false alerts per area-year (mean, se) and power on x3 / x5 bursts."""
    out: dict = {}
    for posts in (None, 20.0):
        for name, kw in TREND_WORLDS.items():
            kw = {**kw, "n_areas": 3, "posts_ratio": posts}
            rates = [false_alerts_per_area_year(speech_bursts(area_week_world(s, **kw)[0],
                                                              false_alarms_per_year=target), 3, 104)
                     for s in range(seeds)]
            row = {"mean": round(float(np.mean(rates)), 3),
                   "se": round(float(np.std(rates, ddof=1) / np.sqrt(seeds)), 3)}
            for factor in (3.0, 5.0):
                row[f"power_x{factor:g}"] = round(float(np.mean([
                    planted_found(speech_bursts(world, false_alarms_per_year=target), planted) for world, planted
                    in (area_week_world(10_000 + s, burst=factor, **kw) for s in range(power_seeds))])), 3)
            out[f"{name}, {'posts' if posts else 'no posts column'}"] = row
    return out


def risk(seeds: int) -> dict:
    """Null-world ranking against population and the planted area found."""
    rhos, top, high, width, found, first = [], [], [], [], [], []
    for s in range(seeds):
        world, pop = area_month_world(s)
        out = risk_profile(world)
        rhos.append(spearmanr(out["rank"], out["area_code"].map(pop)).statistic)
        top.append(pop[out["area_code"].iloc[:5]].median() / pop.median())
        high.append(float((out["score"] >= 0.8).mean()))
        width.append(float((out["rank_high"] - out["rank_low"]).median()))
        world, _ = area_month_world(10_000 + s, hot=3, rate_ratio=3.0, hot_population=4000)
        hot = risk_profile(world).set_index("area_code").loc["A03"]
        found.append(hot["score"] >= 0.8)
        first.append(hot["rank"] == 1)
    return {"null_spearman_rank_population": {"mean": round(float(np.mean(rhos)), 3),
                                              "mean_abs": round(float(np.mean(np.abs(rhos))), 3)},
            "null_top5_median_population_over_city_median": round(float(np.median(top)), 2),
            "null_share_of_areas_exceedance_ge_0.8": round(float(np.mean(high)), 4),
            "null_median_rank_interval_width_of_40": float(np.median(width)),
            "planted_x3_pop4000_exceedance_ge_0.8": round(float(np.mean(found)), 3),
            "planted_x3_pop4000_rank_1": round(float(np.mean(first)), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=50)
    parser.add_argument("--target", type=float, default=1.0, help="false alerts per area-year (default 1)")
    parser.add_argument("--parts", nargs="+", choices=["bursts", "collection", "small", "trend", "risk"],
                        default=["bursts", "collection", "risk"])
    parser.add_argument("--posts-dispersion", type=float, default=None,
                        help="NB alpha of the other posts of the collection worlds (default: as the flagged posts)")
    parser.add_argument("--power-seeds", type=int, default=None,
                        help="seeds of the power worlds of --parts trend (default --seeds)")
    args = parser.parse_args()
    start = time.time()
    report = {"seeds": args.seeds, "target_false_alerts_per_area_year": args.target}
    if "bursts" in args.parts:
        report.update(bursts(args.seeds, args.target))
    if "collection" in args.parts:
        report["collection"] = collection(args.seeds, args.target, args.posts_dispersion)
    if "small" in args.parts:
        report["small"] = small(args.seeds, args.target)
    if "trend" in args.parts:
        report["trend"] = trend(args.seeds, args.power_seeds or args.seeds, args.target)
    if "risk" in args.parts:
        report.update(risk(args.seeds))
    report["seconds"] = round(time.time() - start, 1)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
