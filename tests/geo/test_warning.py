"""Early warning: bursts of flagged speech against a seasonal negative-binomial baseline, calibrated to a target
false-alarm rate per area-year; evidence as a code and numbers; a quiet city gives an empty table."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from geo.warning import BURST_COLUMNS, speech_bursts
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
