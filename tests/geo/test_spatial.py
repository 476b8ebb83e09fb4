"""Spatial statistics: Moran's I on libpysal's bundled Columbus data, H3 weights, local clusters with FDR."""

from __future__ import annotations

import geopandas as gpd
import h3
import numpy as np
from esda.moran import Moran
from libpysal import examples
from libpysal.weights import Queen

from geo.spatial import bivariate_moran, local_clusters, moran, weights_from_cells

CENTRE = h3.latlng_to_cell(51.5, -0.1, 8)


def test_moran_on_columbus_matches_esda() -> None:
    df = gpd.read_file(examples.get_path("columbus.shp"))  # shipped inside the libpysal package: no download
    w = Queen.from_dataframe(df, use_index=False)
    w.transform = "r"
    i, p = moran(df["CRIME"].to_numpy(), w)
    assert round(i, 4) == 0.5002
    assert i == Moran(df["CRIME"].to_numpy(), w).I
    assert p < 0.01
    assert moran(df["CRIME"].to_numpy(), w, seed=1) == moran(df["CRIME"].to_numpy(), w, seed=1)


def test_weights_from_cells_are_h3_edge_neighbours() -> None:
    cells = list(h3.grid_disk(CENTRE, 2)) + [h3.latlng_to_cell(0.0, 0.0, 8)]
    w = weights_from_cells(cells)
    assert w.n == len(cells)
    assert set(w.neighbors[CENTRE]) == set(h3.grid_ring(CENTRE, 1))
    ring2 = next(iter(h3.grid_ring(CENTRE, 2)))
    assert set(w.neighbors[ring2]) == set(h3.grid_ring(ring2, 1)) & set(cells)
    assert w.islands == [h3.latlng_to_cell(0.0, 0.0, 8)]
    assert np.isclose(sum(w.weights[CENTRE]), 1.0)  # row-standardised


def test_local_clusters_find_a_planted_hotspot_and_nothing_in_noise() -> None:
    cells = list(h3.grid_disk(CENTRE, 8))
    rng = np.random.default_rng(0)
    hot = set(h3.grid_disk(CENTRE, 2))
    values = rng.poisson(2, len(cells)).astype(float) + np.array([25.0 if c in hot else 0.0 for c in cells])
    out = local_clusters(cells, values).set_index("cell")
    assert set(out["lisa_q"]) <= {"HH", "LL", "HL", "LH", "ns"}
    assert (out.loc[CENTRE, "lisa_q"]) == "HH"
    assert out.loc[list(hot), "lisa_q"].eq("HH").mean() > 0.8
    assert (out["p_adj"] >= out["p"]).all()  # Benjamini-Hochberg never lowers a p-value
    noise = local_clusters(cells, rng.normal(size=len(cells)))
    assert noise["lisa_q"].eq("ns").mean() > 0.95


def test_bivariate_moran_sees_colocated_fields() -> None:
    cells = list(h3.grid_disk(CENTRE, 6))
    lat = np.array([h3.cell_to_latlng(c)[0] for c in cells])
    rng = np.random.default_rng(1)
    x = lat - lat.mean() + rng.normal(0, 0.002, len(cells))
    w = weights_from_cells(cells)
    i, p = bivariate_moran(x, x + rng.normal(0, 0.002, len(cells)), w, permutations=199)
    assert i > 0.3 and p < 0.01
    i0, p0 = bivariate_moran(x, rng.normal(size=len(cells)), w, permutations=199)
    assert abs(i0) < 0.2 and p0 > 0.01
