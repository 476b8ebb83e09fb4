"""The neighbourhood layer's pure functions, on real reference data and planted synthetic panels."""

from __future__ import annotations

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
from esda.moran import Moran
from libpysal import examples
from libpysal.weights import Queen
from shapely.geometry import box

from geo.correlate import city_correlations
from geo.h3index import cells, parents
from geo.locate import locate_crimes, locate_posts
from geo.spatial import moran


def test_moran_on_columbus_matches_esda() -> None:
    df = gpd.read_file(examples.get_path("columbus.shp"))
    w = Queen.from_dataframe(df, use_index=False)
    w.transform = "r"
    i, p = moran(df["CRIME"].to_numpy(), w)
    assert round(i, 4) == 0.5002
    assert i == Moran(df["CRIME"].to_numpy(), w).I
    assert p < 0.01


def test_vectorised_indexing_equals_per_row_loop() -> None:
    rng = np.random.default_rng(3)
    lat, lon = rng.uniform(-80, 80, 5000), rng.uniform(-180, 180, 5000)
    lat[[5, 9]] = np.nan
    lat[11] = 123.0
    got = cells(lat, lon, 8)
    expected = [h3.latlng_to_cell(a, b, 8) if np.isfinite(a) and abs(a) <= 90 else None
                for a, b in zip(lat, lon, strict=True)]
    assert list(got) == expected
    valid = [c for c in got[:40] if c]
    assert list(parents(valid, 6)) == [h3.cell_to_parent(c, 6) for c in valid]


def _areas() -> tuple[pd.DataFrame, pd.DataFrame]:
    areas = pd.DataFrame({"city_id": ["london", "london"], "area_code": ["E01", "E02"],
                          "area_name": ["Tower Hamlets North", "Hackney Central"],
                          "area_name_local": [None, None],
                          "geometry_wkt": [box(-0.10, 51.50, -0.05, 51.55).wkt, box(-0.05, 51.50, 0.0, 51.55).wkt]})
    cities = pd.DataFrame({"city_id": ["london"], "name": ["London"]})
    return areas, cities


def test_city_level_place_never_lands_in_a_cell() -> None:
    areas, cities = _areas()
    posts = pd.DataFrame({"post_key": ["x:1", "x:2", "x:3", "x:4"], "city_id": "london",
                          "lat": [51.52, None, None, None], "lon": [-0.07, None, None, None],
                          "place": [None, "hackney central", "London", "Atlantis"], "lang": "en"})
    out = locate_posts(posts, areas, cities, 8).set_index("post_key")
    assert out.loc["x:1", "precision"] == "cell" and out.loc["x:1", "area_code"] == "E01"
    assert out.loc["x:2", "precision"] == "area" and out.loc["x:2", "area_code"] == "E02"
    assert out.loc["x:3", "precision"] == "city"
    assert out.loc["x:4", "precision"] == "unknown"
    assert out.loc[["x:2", "x:3", "x:4"], "cell"].isna().all()
    assert out.loc[["x:2", "x:3", "x:4"], "lat"].isna().all()  # no invented coordinates


def test_crimes_without_location_keep_city_or_lsoa_precision() -> None:
    areas, _ = _areas()
    crimes = pd.DataFrame({"crime_key": ["a", "b", "c"], "city_id": "london", "lat": [51.52, None, None],
                           "lon": [-0.02, None, None], "lsoa_code": ["E02", "E01", None]})
    out = locate_crimes(crimes, areas, 8).set_index("crime_key")
    assert out["precision"].tolist() == ["cell", "area", "city"]
    assert out.loc["b", "area_code"] == "E01" and pd.isna(out.loc["b", "cell"])


def _panel(rr: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n_cells, months = 150, [f"2025-{m:02d}" for m in range(1, 13)] + [f"2026-{m:02d}" for m in range(1, 13)]
    hexes = list(h3.grid_disk(h3.latlng_to_cell(51.5, -0.1, 8), 7))[:n_cells]
    pop = rng.gamma(2.0, 1.0, n_cells)
    propensity = rng.gamma(1.5, 1.0, n_cells)
    hateful = rng.poisson(np.outer(propensity, rng.uniform(0.5, 2.0, len(months))))
    lam = 0.4 * pop[:, None] * rr ** np.concatenate([np.zeros((n_cells, 1)), hateful[:, :-1]], axis=1)
    hate = rng.poisson(lam)
    return pd.DataFrame({"city_id": "london", "cell": np.repeat(hexes, len(months)),
                         "period": np.tile(months, n_cells), "posts": (hateful * 5).ravel(),
                         "flagged_posts": hateful.ravel(), "crimes": hate.ravel() * 3, "hate_crimes": hate.ravel()})


def test_nb_rate_ratio_recovers_planted_effect_and_null() -> None:
    planted = city_correlations(_panel(1.15, 1), permutations=199).set_index("analysis")
    lo, hi = planted.loc["nb_irr", ["ci_low", "ci_high"]]
    assert lo <= 1.15 <= hi and lo > 1
    assert planted.loc["nb_irr", "n"] > 1000
    assert planted.loc["spearman", "estimate"] > 0
    null = city_correlations(_panel(1.0, 2), permutations=199).set_index("analysis")
    assert null.loc["nb_irr", "ci_low"] <= 1 <= null.loc["nb_irr", "ci_high"]
    assert set(planted.index) >= {"spearman", "xcorr", "nb_irr", "moran_bv"}
