"""Benchmark helpers: vectorised H3 indexing against a per-row h3 loop on the same points."""

from __future__ import annotations

import time

import h3
import numpy as np

from geo.h3index import cells


def index_points(n: int, seed: int = 0, res: int = 8, loop_sample: int | None = None) -> dict:
    """Time ``geo.h3index.cells`` on n random points and a per-row ``h3.latlng_to_cell`` loop on the same points
    (on the first ``loop_sample`` of them, scaled to n, when given); checks both give the same cells."""
    rng = np.random.default_rng(seed)
    lat, lon = rng.uniform(-60, 70, n), rng.uniform(-180, 180, n)
    start = time.perf_counter()
    vec = cells(lat, lon, res)
    t_vec = time.perf_counter() - start
    m = n if loop_sample is None else min(n, loop_sample)
    start = time.perf_counter()
    loop = [h3.latlng_to_cell(a, b, res) for a, b in zip(lat[:m].tolist(), lon[:m].tolist(), strict=True)]
    t_loop = (time.perf_counter() - start) * n / max(m, 1)
    same = bool(np.array_equal(vec[:m], np.array(loop, dtype=object)))
    return {"points": n, "resolution": res, "vectorised_s": round(t_vec, 3), "per_row_loop_s": round(t_loop, 3),
            "loop_measured_on": m, "speedup": round(t_loop / t_vec, 1), "identical": same,
            "vectorised_points_per_s": round(n / t_vec)}
