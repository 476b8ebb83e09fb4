"""The correlation engine: planted rate ratios recovered, null panels quiet, degenerate cities reported."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pandas as pd

from geo.correlate import OUTPUT_COLUMNS, city_correlations, nb_rate_ratio
from geo.panel import full_panel
from tests.support.geo_worlds import synthetic_panel

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "effect_recovery.py"


def test_nb_irr_recovers_a_planted_rate_ratio_and_all_analyses_are_there() -> None:
    cm, areas = synthetic_panel(7, rate_ratio=1.3, n_cells=150)
    out = city_correlations(cm, areas, permutations=199)
    assert list(out.columns) == OUTPUT_COLUMNS
    assert out["analysis"].value_counts().to_dict() == {"xcorr": 4, "spearman": 1, "moran_bv": 1, "nb_irr": 1}
    nb = out.set_index("analysis").loc["nb_irr"]
    assert nb["ci_low"] <= 1.3 <= nb["ci_high"] and nb["ci_low"] > 1 and nb["p_value"] < 0.01
    assert nb["lag"] == 1 and nb["n"] == 150 * 23
    detail = json.loads(nb["detail"])
    assert detail["effects"] == "area" and detail["offset"] == "log_population" and detail["n_cells"] == 150
    assert (out["n"] > 0).all()
    assert out.loc[out["analysis"] == "xcorr", "lag"].tolist() == [0, 1, 2, 3]


def test_nb_irr_reports_no_link_on_null_panels() -> None:
    significant = 0
    for seed in range(8):  # a handful of null worlds
        nb = nb_rate_ratio(full_panel(synthetic_panel(100 + seed, rate_ratio=1.0)[0]),
                           synthetic_panel(100 + seed, rate_ratio=1.0)[1])
        significant += int(nb["lo"] > 1 or nb["hi"] < 1)
    assert significant <= 1


def test_population_unknown_falls_back_to_cell_effects() -> None:
    cm, areas = synthetic_panel(3, rate_ratio=1.3, n_cells=80)
    nb = nb_rate_ratio(full_panel(cm.assign(population=None)), areas)
    assert nb["effects"] == "cell" and nb["lo"] <= 1.3 <= nb["hi"]


def test_degenerate_cities_give_nan_rows_with_a_note_never_an_error() -> None:
    cm, _ = synthetic_panel(1, n_cells=40)
    quiet = cm.assign(city_id="quiet", hate_crimes=0)
    tiny = cm[cm["cell"].isin(cm["cell"].unique()[:2])].assign(city_id="tiny")
    out = city_correlations(pd.concat([quiet, tiny]), permutations=99)
    for city in ("quiet", "tiny"):
        rows = out[out["city_id"] == city].set_index("analysis")
        assert np.isnan(rows.loc["nb_irr", "estimate"]) and np.isnan(rows.loc["spearman", "estimate"])
        assert json.loads(rows.loc["nb_irr", "detail"])["note"]
    assert city_correlations(cm.iloc[:0]).empty


def test_effect_recovery_on_demo_worlds_fast_version() -> None:
    spec = importlib.util.spec_from_file_location("effect_recovery", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    report = module.summarise(module.fits(1000, False, synthetic=False), module.fits(11000, True, synthetic=False))
    assert report["planted_fits"] == 6 and report["estimated"] == 6 and report["cities"] == 6
    assert report["coverage"] >= 0.8 and report["sign_recovered"] >= 0.8  # 5 of 6 cities
    assert report["null_significant_share"] <= 0.17
    assert report["effects"] == {"area": 6}
