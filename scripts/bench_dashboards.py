"""Benchmark for `make bench` (scripts/bench.py): latency of the city map callback on a synthetic city of 10k H3
cells, measured end to end through Flask's ``/_dash-update-component`` (access hook, callback, JSON), not the
function alone. The synthetic home is set with ``scn.settings.override``: the environment is not touched."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import h3
import numpy as np
import pandas as pd


def _payload(period: int, res: int, changed: str) -> dict:
    return {"output": "cell-map.figure", "outputs": {"id": "cell-map", "property": "figure"},
            "inputs": [{"id": "map-metric", "property": "value", "value": "flagged_posts"},
                       {"id": "map-period", "property": "value", "value": period},
                       {"id": "map-res", "property": "value", "value": res}],
            "state": [{"id": "city-id", "property": "data", "value": "bench"},
                      {"id": "lang", "property": "value", "value": "en"}],
            "changedPropIds": [changed]}


def _publish(home: Path, cells: int, months: int) -> None:
    """Publish a synthetic city ``bench`` into the home in force (``home`` names it; the caller overrides it)."""
    from scn.publish import serving

    ring = 1
    while 3 * ring * (ring + 1) + 1 < cells:
        ring += 1
    hexes = sorted(h3.grid_disk(h3.latlng_to_cell(51.5, -0.1, 8), ring))[:cells]
    periods = [f"{2024 + m // 12}-{m % 12 + 1:02d}" for m in range(months)]
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"city_id": "bench", "cell": np.repeat(hexes, months), "resolution": 8,
                          "period": np.tile(periods, len(hexes))})
    for col in ("posts", "flagged_posts", "crimes", "hate_crimes"):
        frame[col] = rng.poisson(2, len(frame))
    serving.publish({"cell_month": frame, "cities": pd.DataFrame(
        {"city_id": ["bench"], "name": ["Bench"], "lat": [51.5], "lon": [-0.1], "region": ["Europe"]})},
        run_id="bench")


def _pct(times: list[float]) -> dict:
    ms = np.array(times) * 1000
    return {"p50_ms": round(float(np.percentile(ms, 50)), 1), "p95_ms": round(float(np.percentile(ms, 95)), 1)}


def callback_latency(cells: int = 10_000, n: int = 50, months: int = 24) -> dict:
    """p50/p95 (ms) of the map callback for a city of ``cells`` cells: ``period`` = moving the month slider
    (the usual update: a Patch of cell values), ``full`` = a full re-render (resolution switch), after warm-up."""
    from dashboards.app import create_app
    from scn.settings import override

    with tempfile.TemporaryDirectory() as home, override(home=Path(home)):
        _publish(Path(home), cells, months)
        client = create_app(local_staff=True).server.test_client()
        start = time.perf_counter()
        assert client.get("/geojson/bench/8.json").status_code == 200
        geojson_ms = round((time.perf_counter() - start) * 1000, 1)
        for res in (8, 7):  # warm-up: first reads and polygons are cached per snapshot
            assert client.post("/_dash-update-component", json=_payload(0, res, "map-res.value")).status_code == 200
        period, full = [], []
        for i in range(n):
            start = time.perf_counter()
            r = client.post("/_dash-update-component", json=_payload(i % months, 8, "map-period.value"))
            period.append(time.perf_counter() - start)
            start = time.perf_counter()
            r2 = client.post("/_dash-update-component", json=_payload(i % months, (8, 7)[i % 2], "map-res.value"))
            full.append(time.perf_counter() - start)
            assert r.status_code == 200 and r2.status_code == 200
    return {"cells": cells, "months": months, "calls": n, "period": _pct(period), "full": _pct(full),
            "geojson_first_ms": geojson_ms,
            "p95_ms": _pct(period)["p95_ms"]}


if __name__ == "__main__":
    print(callback_latency())
