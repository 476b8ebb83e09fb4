"""Worlds built on 2026-12-06 to break the engine's safeguards (tests/support/geo_worlds.py; the 50-seed figures:
docs/geo.md, scripts/validate_engine.py). One broke it: ``footfall_recorded_late``, a footfall driving hateful
posting and hate crime whose hate crimes are partly recorded the month after (speech_leads in 17 of 50 cities),
mended on 2026-12-06 by the same-month check (geo.direction, geo.verdict; 0 of 50), which keeps the demo-shaped
link (``demo_shaped_effect``, a rate ratio per hateful post with persistent posting: 42 of 50 before and after).
The others are carried here with a few seeds each."""

from __future__ import annotations

import pandas as pd
import pytest

from scn.analysis.engine import analyse
from tests.support.geo_worlds import engine_world


def _verdicts(kind: str, seeds: range) -> list[str]:
    out = []
    for seed in seeds:  # a handful of cities
        table = analyse(engine_world(kind, seed))
        out.append(str(table.loc[table["analysis"] == "verdict", "verdict"].iloc[0]))
    return out


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


def test_a_footfall_recorded_late_is_not_told_as_speech_leading() -> None:
    """``footfall_recorded_late``: no link; the previous rule said speech_leads in 4 of these 10 cities (20001, 20004,
    20007, 20008; 17 of 50 over 20000-20049). This month's posts predict this month's hate crimes given last
    month's (the footfall's on-time 40%), which a lag-1 link never does: the same-month check fails."""
    runs, same = [], []
    for seed in range(20000, 20010):
        rows = analyse(engine_world("footfall_recorded_late", seed)).set_index(["analysis", "lag"])
        runs.append(rows.loc[("verdict", 0), "verdict"])
        same.append(rows.loc[("same_month", 0), "estimate"])
    assert runs.count("speech_leads") <= 1, runs
    assert min(same) > 1.1, same


def test_the_demo_shaped_link_is_still_found() -> None:
    """``demo_shaped_effect``: hate crime rate x 1.15 per hateful post of last month (the demo's link, linear in the
    count while the model reads a doubling), posting persistent: found in 42 of 50 (20000-20049), all six here;
    its same-month estimate stays near 1."""
    runs, same = [], []
    for seed in range(20000, 20006):
        rows = analyse(engine_world("demo_shaped_effect", seed)).set_index(["analysis", "lag"])
        runs.append(rows.loc[("verdict", 0), "verdict"])
        same.append(rows.loc[("same_month", 0), "estimate"])
    assert runs.count("speech_leads") >= 5, runs
    assert pd.Series(same).median() < 1.1, same
