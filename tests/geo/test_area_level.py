"""The engine at area level (issue 18): cities whose hate crime is published as counts per area and period,
worlds built to break it (tests/support/area_worlds.py). Full run: scripts/validate_engine.py --worlds
area_yearly_null,area_yearly_effect (docs/geo.md, "Area level")."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from geo.area_panel import area_grid, exposure, time_varying_controls
from scn.analysis.engine import analyse
from tests.support.area_worlds import area_yearly_world
from tests.support.geo_worlds import engine_world

SEEDS = range(700, 704)


def _fwd(table: pd.DataFrame) -> pd.Series:
    return table[(table["analysis"] == "speech_to_crime") & (table["lag"] == 1)].iloc[0]


def _verdict(table: pd.DataFrame, city: str | None = None) -> tuple[str, dict]:
    v = table[table["analysis"] == "verdict"]
    if city is not None:
        v = v[v["city_id"] == city]
    return str(v["verdict"].iloc[0]), json.loads(v["detail"].iloc[0])


def test_yearly_counts_city_finds_a_planted_effect_at_area_level() -> None:
    covered, leads = 0, 0
    for seed in SEEDS:
        table = analyse(pd.DataFrame(), area_panel=area_yearly_world(seed, rate_ratio=1.15))
        fwd = _fwd(table)
        code, ev = _verdict(table)
        assert set(table["level"]) == {"area"} and set(table["period"]) == {"year"}
        assert ev["level"] == "area" and ev["period"] == "year" and ev["exposure"] == "population_varying"
        assert ev["few_periods"] and ev["outcome_lags"] == 0 and ev["n_areas"] == 150
        assert fwd["estimate"] > 1 and fwd["p_value"] < 0.05, (seed, fwd["estimate"])
        covered += int(fwd["ci_low"] <= 1.15 <= fwd["ci_high"])
        leads += int(code == "speech_leads")
    assert covered >= 3 and leads >= 3, (covered, leads)


def test_population_driving_posts_and_crime_is_absorbed_by_the_exposure() -> None:
    """The null twin: population changes area by area and drives both; no link is found with the population
    as exposure, while the same worlds without population 'find' one (the test can fail)."""
    with_pop, without = [], []
    for seed in SEEDS:
        world = area_yearly_world(seed, rate_ratio=1.0)
        with_pop.append(_verdict(analyse(pd.DataFrame(), area_panel=world))[0])
        without.append(_verdict(analyse(pd.DataFrame(), area_panel=world.drop(columns="population")))[0])
    assert with_pop.count("speech_leads") == 0 and with_pop.count("both_directions") == 0, with_pop
    assert sum(v in ("speech_leads", "both_directions") for v in without) >= 3, without


def test_too_few_years_is_insufficient_data_with_its_reason() -> None:
    world = area_yearly_world(1, rate_ratio=1.15, years=3)
    code, ev = _verdict(analyse(pd.DataFrame(), area_panel=world))
    assert code == "insufficient_data" and ev["note"] == "too_few_periods" and ev["min_periods"] == 4
    assert ev["level"] == "area" and ev["period"] == "year"


def test_incidents_without_hate_flag_and_counts_use_the_counts_at_area_level() -> None:
    """A city with police.uk incidents (hate unknown: null in cell_month) and monthly hate counts per area: the
    analysis runs on the counts at area level; a city with unknown hate and no counts gets insufficient_data
    (hate_unknown), never a panel of zeros; a city with flagged incidents keeps its cell analysis."""
    cells = engine_world("clean_null", 5, rings=4, months=12, city_id="london")
    cells["hate_crimes"] = np.nan  # police.uk street files: no hate flag
    unknown_only = cells.assign(city_id="leeds")
    known = engine_world("clean_null", 6, rings=4, months=12, city_id="paris")
    counts = area_yearly_world(3, rate_ratio=1.0, n_areas=40, years=12, city_id="london").assign(
        period_kind="month")
    counts["period"] = pd.period_range("2024-01", periods=12, freq="M").strftime("%Y-%m").tolist() * 40
    table = analyse(pd.concat([cells, unknown_only, known]), area_panel=counts)
    code, ev = _verdict(table, "london")
    assert ev["level"] == "area" and ev["period"] == "month" and ev["hate_source"] == "counts"
    assert ev["hate_crimes"] == int(counts["hate_crimes"].sum())  # the counts, nothing added from incidents
    assert code in ("no_link", "crime_leads", "both_directions", "speech_leads")
    code, ev = _verdict(table, "leeds")
    assert code == "insufficient_data" and ev["note"] == "hate_unknown" and ev["hate_crimes"] is None
    assert not table[(table["city_id"] == "leeds") & (table["analysis"] != "verdict")].shape[0]
    _, ev = _verdict(table, "paris")
    assert ev["level"] == "cell" and set(table.loc[table["city_id"] == "paris", "level"]) == {"cell"}


def test_time_invariant_attributes_are_absorbed_and_time_varying_ones_controlled() -> None:
    world = area_yearly_world(2, n_areas=20, years=6)
    panel = area_grid(world)
    areas = panel["area_code"].unique()
    attrs = pd.concat([
        pd.DataFrame({"area_code": areas, "attribute": "imd_score", "year": 2019, "value": np.arange(20.0)}),
        pd.DataFrame({"area_code": np.repeat(areas, 6), "attribute": "share_recent_migrants",
                      "year": np.tile(np.arange(2014, 2020), 20), "value": np.random.default_rng(0).random(120)}),
        pd.DataFrame({"area_code": areas, "attribute": "population", "year": 2015, "value": 1000.0}),
    ])
    controls, used = time_varying_controls(panel, attrs)
    assert used == {"used": ["share_recent_migrants"], "absorbed": ["imd_score"], "incomplete": []}
    assert list(controls.columns) == ["x_share_recent_migrants"] and controls.notna().all().all()
    expo, kind = exposure(panel)
    assert kind == "population_varying" and np.all(expo > 0)
    table = analyse(pd.DataFrame(), area_panel=world, attributes=attrs.assign(city_id="yorkshire"))
    _, ev = _verdict(table)
    assert ev["controls"] == ["share_recent_migrants"] and ev["absorbed_by_area_effects"] == ["imd_score"]


def test_scn_analyse_takes_an_area_panel_of_years(tmp_path, capsys) -> None:
    """``scn analyse`` with ``area_code`` instead of ``cell`` and years as periods: the same area-level code path."""
    from scn.cli import main

    world = area_yearly_world(8, rate_ratio=1.15, n_areas=60)
    cols = ["city_id", "area_code", "period", "posts", "flagged_posts", "crimes", "hate_crimes", "population"]
    world[cols].to_csv(tmp_path / "areas.csv", index=False)
    assert main(["analyse", str(tmp_path / "areas.csv"), "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    verdict = next(r for r in lines if r["analysis"] == "verdict")
    assert verdict["evidence"]["level"] == "area" and verdict["evidence"]["period"] == "year"
    assert verdict["evidence"]["exposure"] == "population_varying"
    mixed = world[cols].assign(period=world["period"].where(world.index != 3, "2017-Q1"))
    mixed.to_csv(tmp_path / "mixed.csv", index=False)
    assert main(["analyse", str(tmp_path / "mixed.csv"), "--json"]) == 2
    assert "field period" in capsys.readouterr().err
