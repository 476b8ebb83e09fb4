"""Worlds built on 2026-12-07 to break the engine's safeguards (tests/support/geo_worlds.py; the 50-seed figures:
docs/geo.md, scripts/validate_engine.py). One broke it: ``footfall_recorded_late``, a footfall driving hateful
posting and hate crime whose hate crimes are partly recorded the month after (speech_leads in 17 of 50 cities),
through a placebo lead that was significant but under half the forward estimate. The others are carried here with
a few seeds each."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.verdict import verdict
from scn.analysis.engine import analyse
from tests.support.geo_worlds import engine_world


def _verdicts(kind: str, seeds: range) -> list[str]:
    out = []
    for seed in seeds:  # a handful of cities
        table = analyse(engine_world(kind, seed))
        out.append(str(table.loc[table["analysis"] == "verdict", "verdict"].iloc[0]))
    return out


def _row(analysis: str, lag: int, est: float, lo: float, hi: float, p: float) -> dict:
    return {"analysis": analysis, "lag": lag, "estimate": est, "ci_low": lo, "ci_high": hi, "p_value": p}


FACTS = {"n_cells_with_hate": 160, "n_periods": 24, "hate_crimes": 2500, "flagged_posts": 11000}


def test_a_significant_placebo_lead_fails_the_direction_at_any_size() -> None:
    """Seed 20013 of ``footfall_recorded_late`` (rounded): forward 1.358, placebo lead 1.113 at p 0.001, a third
    of the forward on the log scale, so the half-size rule let it pass and the verdict was speech_leads."""
    rows = [_row("speech_to_crime", 1, 1.358, 1.22, 1.51, 1e-8), _row("spillover", 1, 1.0, 0.95, 1.05, 0.9),
            _row("crime_to_speech", 1, 1.039, 0.99, 1.09, 0.148), _row("placebo_lead", -1, 1.113, 1.045, 1.186, 0.0011),
            _row("reverse_placebo_lead", -1, 1.0, 0.95, 1.05, 0.9),
            _row("negative_control", 1, 1.0, 0.98, 1.02, 0.95),
            _row("reverse_negative_control", 1, 1.0, 0.98, 1.02, 0.95)]
    code, evidence = verdict(rows, FACTS)
    assert code == "both_directions" and evidence["placebo_failed"] and evidence["placebo_small_echo"]
    rows[3] = _row("placebo_lead", -1, 1.02, 0.97, 1.07, 0.43)  # a lead that is not significant: the link is told
    code, evidence = verdict(rows, FACTS)
    assert code == "speech_leads" and not evidence["placebo_small_echo"]
    rows[3] = _row("placebo_lead", -1, 0.90, 0.85, 0.96, 0.001)  # significant the other way: not a common cause
    assert verdict(rows, FACTS)[0] == "speech_leads"


def test_a_common_cause_recorded_late_is_not_called_speech_leading() -> None:
    """``footfall_recorded_late``: seasons, events and an AR(1) footfall drive hateful posting and hate crime (not
    the other crimes or posts), 60% of its hate crimes recorded the month after. The old rule said speech_leads for
    seeds 20001, 20004, 20007 and 20008 of these ten."""
    runs = _verdicts("footfall_recorded_late", range(20000, 20010))
    assert runs.count("speech_leads") <= 1 and "crime_leads" not in runs, runs


@pytest.mark.parametrize("kind", ["recording_change", "footfall_hate_only", "sparse_hate"])
def test_worlds_without_a_link_that_did_not_break_the_engine(kind: str) -> None:
    """No link; at 50 seeds (docs/geo.md) a direction in at most 2 cities (sparse_hate 150 seeds: 4)."""
    runs = _verdicts(kind, range(20000, 20006))
    assert sum(v in ("speech_leads", "crime_leads") for v in runs) <= 1, runs


def test_a_displaced_link_is_found_as_spillover_not_as_a_same_cell_direction() -> None:
    """``spillover_neighbours``: hate crimes respond to the hateful posts of the cells around them (rings 1-2), not
    their own. The spillover row finds it; the verdict, about the same cells, says no direction (speech_leads in
    2 of 50)."""
    found, verdicts = 0, []
    for seed in range(20000, 20005):
        rows = analyse(engine_world("spillover_neighbours", seed)).set_index(["analysis", "lag"])
        spill = rows.loc[("spillover", 1)]
        found += int(spill["p_value"] < 0.05 and spill["estimate"] > 1)
        verdicts.append(rows.loc[("verdict", 0), "verdict"])
    assert found >= 4 and verdicts.count("speech_leads") <= 1, (found, verdicts)


def test_a_reaction_two_months_later_is_never_called_speech_leading() -> None:
    """``reaction_lag2``: hate crimes raise hateful posting two months later only. The pre-specified lag-1 verdict
    does not find it (no_link in 48 of 50) and must not turn it round; the lag-2 row shows it."""
    est = []
    for seed in range(20000, 20004):
        rows = analyse(engine_world("reaction_lag2", seed)).set_index(["analysis", "lag"])
        assert rows.loc[("verdict", 0), "verdict"] != "speech_leads"
        est.append(rows.loc[("crime_to_speech", 2), "estimate"])
    assert pd.Series(est).median() > 1.05, est
