"""Benchmark: the city map callback on a synthetic 10k-cell city (for `make bench`)."""

from __future__ import annotations

import os
import tempfile
import time

import h3
import numpy as np
import pandas as pd


def callback_latency(cells: int = 10_000, n: int = 50, months: int = 24) -> dict:
    """p50/p95 of the map callback (filter a period, aggregate, build the figure) on a published snapshot."""
    from dashboards.app import cell_map
    from scn import serving

    ring = 1
    while 3 * ring * (ring + 1) + 1 < cells:
        ring += 1
    hexes = list(h3.grid_disk(h3.latlng_to_cell(51.5, -0.1, 8), ring))[:cells]
    periods = [f"{2025 + m // 12}-{m % 12 + 1:02d}" for m in range(months)]
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"city_id": "bench", "cell": np.repeat(hexes, months), "resolution": 8,
                          "period": np.tile(periods, len(hexes))})
    for col in ("posts", "flagged_posts", "crimes", "hate_crimes"):
        frame[col] = rng.poisson(2, len(frame))
    old = os.environ.get("SCN_HOME")
    with tempfile.TemporaryDirectory() as home:
        os.environ["SCN_HOME"] = home
        try:
            serving.publish({"cell_month": frame, "cities": pd.DataFrame(
                {"city_id": ["bench"], "name": ["Bench"], "lat": [51.5], "lon": [-0.1]})}, run_id="bench")
            times = []
            for i in range(n):
                start = time.perf_counter()
                cell_map("bench", "flagged_posts", periods[i % months]).to_json()
                times.append(time.perf_counter() - start)
        finally:
            if old is None:
                os.environ.pop("SCN_HOME", None)
            else:
                os.environ["SCN_HOME"] = old
    ms = np.array(times) * 1000
    return {"cells": len(hexes), "calls": n, "p50_ms": round(float(np.percentile(ms, 50)), 1),
            "p95_ms": round(float(np.percentile(ms, 95)), 1)}
