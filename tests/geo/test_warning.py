"""Early warning: bursts of flagged speech against a seasonal negative-binomial baseline, calibrated to a target
false-alarm rate per area-year; evidence as a code and numbers; a quiet city gives an empty table; a change of
collection (all posts, flagged and not) is expected, a surge of hateful posts alone is not."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from geo.warning import BURST_COLUMNS, burst_tests, speech_bursts
from tests.support.warning_worlds import area_week_world, false_alerts_per_area_year, planted_found


def _two_areas() -> pd.DataFrame:
    weeks = [f"2026-W{w:02d}" for w in range(1, 15)]
    busy = [20, 22, 19, 21, 20, 23, 18, 21, 22, 20, 21, 19, 22, 24]  # always high: no burst
    quiet = [1, 0, 2, 1, 1, 0, 1, 2, 1, 1, 12, 1, 0, 1]  # a jump in week 11
    rows = [{"city_id": "x", "area_code": a, "week": w, "flagged_posts": n}
            for a, series in (("BUSY", busy), ("QUIET", quiet)) for w, n in zip(weeks, series, strict=True)]
    frame = pd.DataFrame(rows)
    return frame[~((frame["area_code"] == "QUIET") & (frame["flagged_posts"] == 0))]  # zero weeks absent


def test_burst_is_flagged_against_the_areas_own_baseline_only() -> None:
    out = speech_bursts(_two_areas())
    assert out[["area_code", "week"]].values.tolist() == [["QUIET", "2026-W11"]]
    hit = out.iloc[0]
    assert hit["flagged_posts"] == 12 and 0.5 <= hit["baseline"] <= 1.5 and hit["score"] > 3
    assert hit["upper"] < 12 and hit["p_value"] < 1 / 52.18
    assert (hit["baseline_from"], hit["baseline_to"]) == ("2026-W03", "2026-W10")
    evidence = json.loads(hit["evidence"])
    assert evidence["code"] == "speech_burst" and evidence["flagged_posts"] == 12 and evidence["week"] == "2026-W11"
    assert 0.5 <= evidence["baseline"] <= 1.5 and evidence["baseline_weeks"] == 8 and evidence["p_value"] < 0.001
    assert evidence["upper"] == hit["upper"] and evidence["baseline_to"] == "2026-W10"


def test_a_quiet_city_gives_an_empty_table_with_the_columns() -> None:
    frame = _two_areas()
    calm = frame[frame["flagged_posts"] < 5]  # rows, but no burst
    for given in (calm, frame.iloc[:0], frame.assign(area_code=None)):
        out = speech_bursts(given)
        assert out.empty and list(out.columns) == BURST_COLUMNS


def test_false_alarms_on_overdispersed_null_worlds_and_power_on_a_planted_burst() -> None:
    """Fast subset of scripts/validate_warning.py: <= 1 false alert per area-year on null worlds with NB
    dispersion 0.2-1.0, seasons and a drifting level; planted 5x bursts in areas of 3+ posts a week found."""
    rates = [false_alerts_per_area_year(speech_bursts(area_week_world(seed)[0]), 30, 104) for seed in range(4)]
    assert np.mean(rates) <= 1.0 and max(rates) <= 1.3, rates
    found = []
    for seed in range(3):
        world, planted = area_week_world(100 + seed, burst=5.0, dispersion=(0.1, 0.3))
        weekly = world.groupby("area_code")["flagged_posts"].sum() / 104
        found.append(planted_found(speech_bursts(world), planted[planted["area_code"].map(weekly) >= 3]))
    assert np.mean(found) >= 0.6, found
    assert speech_bursts(area_week_world(7, burst=5.0)[0], false_alarms_per_year=0.1).shape[0] < \
        speech_bursts(area_week_world(7, burst=5.0)[0]).shape[0]  # the target rate sets the threshold


def test_a_yearly_peak_seen_last_year_is_expected_this_year() -> None:
    """The seasonal factor: a city-wide festival week that triples posting alerts nearly every area the first
    year (nothing to compare with) and few the next (the same week a year earlier raised the baseline)."""
    rng = np.random.default_rng(0)
    n_areas, n_weeks, peak = 20, 110, np.array([20, 72])
    weeks = pd.date_range("2024-01-01", periods=n_weeks, freq="7D").strftime("%G-W%V")
    mean = np.full((n_areas, n_weeks), 8.0)
    mean[:, peak] *= 3
    frame = pd.DataFrame({"city_id": "c", "area_code": np.repeat([f"A{i}" for i in range(n_areas)], n_weeks),
                          "week": np.tile(weeks, n_areas), "flagged_posts": rng.poisson(mean).ravel()})
    out = speech_bursts(frame)
    per_week = out["week"].value_counts()
    assert per_week.get(weeks[peak[0]], 0) >= 15 and per_week.get(weeks[peak[1]], 0) <= 5
    assert json.loads(out[out["week"] == weeks[peak[1]]]["evidence"].iloc[0])["seasonal"] > 1.3


def _alerts_in_weeks(alerts: pd.DataFrame, weeks: list[str], first: int, last: int) -> int:
    return int(((alerts["week"] >= weeks[first]) & (alerts["week"] < weeks[last])).sum())


def test_a_change_of_collection_does_not_alert_every_area() -> None:
    """A new connector from week 60 multiplies every area's flagged and other posts by 1.5 or 2: the alerts in
    the 8 weeks after stay near the target (at most 1.5 x the expected 30 x 8 / 52.18 per world), where raw
    counts gave 55 and 96 over these 8 worlds (scripts/validate_warning.py); the factor is in the evidence."""
    expected = 8 * 30 * 8 / 52.18
    for factor in (1.5, 2.0):
        after = 0
        for seed in range(8):
            world, _ = area_week_world(seed, posts_ratio=20.0, step=(60, factor))
            weeks = sorted(world["week"].unique())
            after += _alerts_in_weeks(speech_bursts(world), weeks, 60, 68)
        assert after <= 1.5 * expected, (factor, after, expected)
    calm, _ = area_week_world(7, posts_ratio=20.0, posts_dispersion=0.05, step=(60, 2.0))  # a steady volume
    volume = burst_tests(calm).groupby("t")["volume"].first()
    assert 1.7 <= volume[60] <= 2.3 and 0.9 <= volume.loc[20:59].median() <= 1.1, volume.loc[58:62]
    assert (volume.loc[68:] < 1.3).all()  # once the baseline weeks are all after the change
    alerts = speech_bursts(world)
    assert all("volume" in json.loads(e) for e in alerts["evidence"])
    without = world.drop(columns="posts")  # no posts column: no factor, the old counts
    assert (burst_tests(without)["volume"] == 1).all()
    assert _alerts_in_weeks(speech_bursts(without), weeks, 60, 68) > _alerts_in_weeks(alerts, weeks, 60, 68)


def test_a_surge_of_hateful_posts_alone_is_still_alerted() -> None:
    """Flagged posts x3 in every area in week 80, other posts unchanged (a real city-wide surge, not a change of
    collection): the volume factor stays near 1 and the week alerts in as many areas as without the factor."""
    with_factor, without, volumes = 0, 0, []
    for seed in range(6):
        world, _ = area_week_world(seed, posts_ratio=20.0, surge=(80, 3.0))
        week = sorted(world["week"].unique())[80]
        alerts = speech_bursts(world)
        with_factor += int((alerts["week"] == week).sum())
        without += int((speech_bursts(world.drop(columns="posts"))["week"] == week).sum())
        volumes.append(burst_tests(world).groupby("t")["volume"].first()[80])
    assert with_factor >= 0.8 * without and with_factor >= 20, (with_factor, without)
    assert 0.7 <= np.median(volumes) <= 1.3, volumes


def test_power_on_planted_bursts_is_kept_with_a_posts_column() -> None:
    """Fast subset: the planted 3x and 5x bursts of the power test found as often with a posts column (the
    volume factor on) as without, within 5 points (6 of the 120 planted bursts: compared in whole bursts, as
    6 / 120 - 0 is 0.05 only up to a float's rounding). On 20 seeds (600 bursts each) the trend factor took the
    gap from 1.8 / 0.9 points (x3 / x5) to 2.5 / 1.4."""
    for burst in (3.0, 5.0):
        found = {}
        for posts in (None, 20.0):
            found[posts] = np.mean([planted_found(speech_bursts(world), planted) for world, planted in
                                    (area_week_world(100 + seed, burst=burst, dispersion=(0.1, 0.3),
                                                     posts_ratio=posts) for seed in range(4))])
        assert round(abs(found[20.0] - found[None]) * 120) <= 6, (burst, found)


SMALL_NOISY_WORLDS = {"3 areas": {"n_areas": 3}, "2 areas": {"n_areas": 2},
                      "3 areas, NB alpha 0.5-1.5": {"n_areas": 3, "dispersion": (0.5, 1.5)},
                      "3 areas, all posts x2 from week 60": {"n_areas": 3, "step": (60, 2.0)}}


def test_small_noisy_cities_hold_the_false_alarm_target() -> None:
    """Cities of 2-3 areas whose other posts jump about as much as the flagged ones (a noisy volume factor, a
    noisy season a year on), with heavier overdispersion or a platform that doubles every count: 30 fixed worlds
    each, 120 in all. The mean false alerts per area-year plus two Monte-Carlo standard errors (the spread of
    the 120 worlds' rates / sqrt(120), 0.025-0.045) is at most the target of 1: 0.60 (bound 0.65); the code
    before gave 1.09 (bound 1.18): a volume factor below 1 made by noise (3-area cities: 2.1 times the nominal
    rate in weeks whose factor was 35% or more off 1) and an unshrunk seasonal factor lowered the expected counts
    (docs/geo.md). Also the 60 worlds of 3 areas (seeds 0-59, the first 30 shared with the 120): a volume factor
    taken as exact moved the expected counts with its noise and gave 1.115 false alerts per area-year there; its
    error in the week's dispersion made it 1.04 (without the posts column 0.77); their mean is at most 1.08.
    Fixed seeds: the figures are deterministic."""
    rates = {name: [false_alerts_per_area_year(speech_bursts(area_week_world(seed, posts_ratio=20.0, **world)[0]),
                                               world["n_areas"], 104)
                    for seed in range(60 if name == "3 areas" else 30)]
             for name, world in SMALL_NOISY_WORLDS.items()}
    assert float(np.mean(rates["3 areas"])) <= 1.08, float(np.mean(rates["3 areas"]))
    pooled = [r for name, world in rates.items() for r in world[:30]]
    upper = float(np.mean(pooled) + 2 * np.std(pooled, ddof=1) / np.sqrt(len(pooled)))
    assert upper <= 1.0, (float(np.mean(pooled)), upper)


def test_a_city_whose_posting_grows_holds_the_false_alarm_target() -> None:
    """Cities of 3 areas whose flagged and other posts grow 4% a week (x7.7 a year), with and without a posts
    column: an 8-week baseline lags the growth by about 4.5 weeks (x1.19), and without a trend term these 60
    fixed worlds gave 1.33 (posts) and 1.38 (no posts) false alerts per area-year over 100 seeds (target 1;
    docs/geo.md). The mean plus two Monte-Carlo standard errors is at most the target."""
    rates = [false_alerts_per_area_year(speech_bursts(area_week_world(seed, n_areas=3, growth=0.04, **posts)[0]), 3,
                                        104) for posts in ({}, {"posts_ratio": 20.0}) for seed in range(30)]
    upper = float(np.mean(rates) + 2 * np.std(rates, ddof=1) / np.sqrt(len(rates)))
    assert upper <= 1.0, (float(np.mean(rates)), upper)


def test_the_evidence_gives_back_the_baseline_weeks_sum_in_a_growing_city() -> None:
    """scn.privacy reads a burst's baseline-window total as baseline x baseline_weeks / (seasonal x volume): with
    the trend factor that total is still the baseline weeks' sum (``seasonal`` carries the trend, ``trend`` says
    its part), in a city growing 4% a week where the trend factor is well above 1."""
    world, _ = area_week_world(3, n_areas=30, growth=0.04, posts_ratio=20.0)
    sums = burst_tests(world).set_index(["area_code", "week"])["baseline_sum"]
    alerts = speech_bursts(world)
    evidence = [json.loads(e) for e in alerts["evidence"]]
    assert max(e["trend"] for e in evidence) > 1.1
    for (area, week), e in zip(alerts[["area_code", "week"]].itertuples(index=False), evidence, strict=True):
        total = e["baseline"] * e["baseline_weeks"] / (e["seasonal"] * e["volume"])
        assert abs(total - sums[(area, week)]) <= 0.01 * sums[(area, week)] + 0.5, (area, week, total)
