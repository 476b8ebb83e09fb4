"""Time spans: a stray old date does not stretch the engine's panel (it spans the months both series were
observed in), and a collection outage is missing data for the early warning, not quiet weeks."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from geo.panel import full_panel, period_range
from geo.warning import collection_gaps, speech_bursts
from scn.analysis.engine import analyse_city
from tests.support.geo_worlds import engine_world

STRAY = {"posts": 1, "flagged_posts": 0, "crimes": 0, "hate_crimes": 0}


def test_a_stray_old_post_leaves_the_panel_and_the_estimates_unchanged() -> None:
    cm = engine_world("clean_effect", 901)
    stray = pd.concat([cm, cm.iloc[[0]].assign(period="2000-01", **STRAY)], ignore_index=True)
    panel = full_panel(stray)
    assert panel["period"].nunique() == cm["period"].nunique() and panel["period"].min() > "2000-01"
    months_between = len(period_range(pd.Series(["2000-01", cm["period"].min()]))) - 1
    assert panel.attrs["edge_periods_dropped"] == {"start": months_between, "end": 0}
    (rows, code, evidence), (rows_s, code_s, evidence_s) = analyse_city(cm), analyse_city(stray)
    assert code == code_s and evidence["n_periods"] == evidence_s["n_periods"] == cm["period"].nunique()
    assert evidence_s["edge_periods_dropped"] == {"start": months_between, "end": 0}  # said in the verdict
    fields = ["analysis", "lag", "n", "estimate", "p_value", "ci_low", "ci_high"]
    pd.testing.assert_frame_equal(pd.DataFrame(rows)[fields], pd.DataFrame(rows_s)[fields])


def test_months_without_published_crime_at_the_end_are_left_out() -> None:
    cm = engine_world("clean_effect", 902)
    last_two = cm["period"].isin(sorted(cm["period"].unique())[-2:])
    cm.loc[last_two, ["crimes", "hate_crimes"]] = 0  # crime published two months behind the posts
    panel = full_panel(cm)
    assert panel["period"].max() == sorted(cm["period"].unique())[-3]
    assert panel.attrs["edge_periods_dropped"] == {"start": 0, "end": 2}


def test_sparse_series_do_not_trim_and_no_trim_keeps_every_period() -> None:
    cm = pd.DataFrame({"cell": ["a", "a", "b"], "period": ["2026-01", "2026-03", "2026-02"],
                       "posts": [4, 2, 1],
                       "flagged_posts": [3, 1, 1], "crimes": [1, 0, 2], "hate_crimes": [1, 0, 1]})
    assert full_panel(cm)["period"].nunique() == 3  # a few posts a month: quiet and unobserved look alike
    stray = pd.concat([engine_world("clean_effect", 903).assign(cell="x"), cm.assign(period="2000-01")])
    assert full_panel(stray, trim=False)["period"].min() == "2000-01"


def _outage_world(straggler: bool = False, burst_week: int | None = None) -> pd.DataFrame:
    """The prober's world (/tmp/p2/s3/gap_alert.py): 3 areas posting Poisson(4) flagged posts a week in 2025,
    nothing collected in weeks 30-37 (with ``straggler``: one post in one area, a partial outage);
    optionally a burst of 20 in area A1."""
    weeks = np.array(period_range(pd.Series(["2025-W01", "2025-W52"])))
    kept = np.delete(np.arange(len(weeks)), np.arange(30, 38))
    counts = np.random.default_rng(0).poisson(4, len(kept) * 3)  # the prober's draws, week by week
    frame = pd.DataFrame({"city_id": "saida", "area_code": np.tile(["A1", "A2", "A3"], len(kept)),
                          "week": np.repeat(weeks[kept], 3), "flagged_posts": counts})
    if burst_week is not None:
        frame.loc[frame["week"].eq(weeks[burst_week]) & frame["area_code"].eq("A1"), "flagged_posts"] = 20
    if straggler:
        frame = pd.concat([frame, pd.DataFrame({"city_id": "saida", "area_code": "A1", "week": weeks[30:38],
                                                "flagged_posts": 1})], ignore_index=True)
    return frame


def test_a_collection_outage_raises_no_alert_when_collection_resumes() -> None:
    weeks = period_range(pd.Series(["2025-W01", "2025-W52"]))
    for straggler in (False, True):
        world = _outage_world(straggler=straggler)
        gaps = collection_gaps(world)
        assert gaps.loc[gaps["gap"], "week"].tolist() == weeks[30:38]
        out = speech_bursts(world)  # the 8 weeks after it, whose baselines would reach into the outage
        assert not out["week"].isin(weeks[30:46]).any(), out[["area_code", "week", "flagged_posts"]]


def test_a_real_burst_after_an_outage_is_still_found_against_the_weeks_collected() -> None:
    weeks = period_range(pd.Series(["2025-W01", "2025-W52"]))
    out = speech_bursts(_outage_world(burst_week=40))
    hit = out[out["week"] == weeks[40]]
    assert hit["area_code"].tolist() == ["A1"] and not out["week"].isin(weeks[30:40]).any()
    evidence = json.loads(hit["evidence"].iloc[0])
    assert evidence["baseline_weeks"] == 8 and 2.5 <= evidence["baseline"] <= 6
    assert (evidence["baseline_from"], evidence["baseline_to"]) == (weeks[24], weeks[39])  # skips the outage
