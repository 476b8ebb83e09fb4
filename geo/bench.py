"""Benchmark helpers: vectorised H3 indexing against a per-row h3 loop on the same points."""

from __future__ import annotations

import time

import h3
import numpy as np

from geo.h3index import cells


def index_points(n: int, seed: int = 0, res: int = 8, loop_sample: int = 200_000) -> dict:
    """Time geo.h3index.cells on n points and a per-row h3 loop (on up to loop_sample points, scaled)."""
    rng = np.random.default_rng(seed)
    lat, lon = rng.uniform(-60, 70, n), rng.uniform(-180, 180, n)
    start = time.perf_counter()
    vec = cells(lat, lon, res)
    t_vec = time.perf_counter() - start
    m = min(n, loop_sample)
    start = time.perf_counter()
    loop = [h3.latlng_to_cell(a, b, res) for a, b in zip(lat[:m], lon[:m], strict=True)]
    t_loop = (time.perf_counter() - start) * n / m
    assert list(vec[:m]) == loop
    return {"points": n, "vectorised_s": round(t_vec, 3), "per_row_loop_s": round(t_loop, 3),
            "loop_measured_on": m, "speedup": round(t_loop / t_vec, 1),
            "vectorised_points_per_s": round(n / t_vec)}
