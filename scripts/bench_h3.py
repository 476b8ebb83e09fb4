"""H3 indexing benchmark: ``geo.h3index.cells`` (vectorised) against a per-row h3 loop on the same points.

    python scripts/bench_h3.py --points 5000000 --loop-sample 200000

``scripts/bench.py`` imports ``index_points`` from here for ``make bench``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import h3
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.h3index import cells  # noqa: E402


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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--points", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--res", type=int, default=8)
    ap.add_argument("--loop-sample", type=int, default=None)
    args = ap.parse_args()
    print(json.dumps(index_points(args.points, args.seed, args.res, args.loop_sample), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
