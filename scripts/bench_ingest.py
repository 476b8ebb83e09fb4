"""Ingest throughput: rows/s for a generated generic social CSV (`python scripts/bench_ingest.py --rows 1000000`).

`bench_ingest(rows, workdir)` is what `make bench` calls; it uses its own SCN_HOME under ``workdir``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TEXTS = np.array(["people gather in the square tonight, come along", "les voisins organisent une fête samedi",
                  "مرحبا بالجميع في السوق الليلة", "=HYPERLINK(\"http://x\") odd but harmless 🙂",
                  "traffic on the bridge again, avoid it @someone"])
LANGS = np.array(["en", "fr", "ar", "en", "en"])


def write_social_csv(rows: int, path: Path, seed: int = 7) -> Path:
    """A generic social CSV (contract columns) with ``rows`` rows, written by Arrow."""
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(TEXTS), rows)
    seconds = rng.integers(0, 365 * 86400, rows)
    created = (np.datetime64("2025-01-01T00:00:00") + seconds.astype("timedelta64[s]")).astype(str)
    table = pa.table({
        "id": np.arange(1, rows + 1),
        "created_at": np.char.add(created.astype(object).astype(str), "+01:00"),
        "text": np.char.add(TEXTS[pick], np.char.add(" #", (seconds % 997).astype(str))),
        "lang": LANGS[pick], "lat": np.round(51.5 + rng.normal(0, 0.05, rows), 6),
        "lon": np.round(-0.12 + rng.normal(0, 0.08, rows), 6), "place": pa.nulls(rows, pa.string()),
        "author": np.char.add("handle_", rng.integers(0, 50_000, rows).astype(str)),
        "platform": np.full(rows, "x"), "url": pa.nulls(rows, pa.string()),
    })
    pacsv.write_csv(table, path)
    return path


def bench_ingest(rows: int, workdir: Path) -> dict:
    """Generate ``rows`` posts, ingest them once into a fresh SCN_HOME under ``workdir``; timings and rows/s."""
    from scn.ingest import schemas, social  # noqa: F401 - imported before the clock starts
    from scn.ingest.pipeline import ingest_file

    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    old = os.environ.get("SCN_HOME")
    os.environ["SCN_HOME"] = str(workdir / f"scn-{time.time_ns()}")
    try:
        t0 = time.perf_counter()
        path = write_social_csv(rows, workdir / f"social-{rows}.csv")
        t1 = time.perf_counter()
        result = ingest_file("social", path, city_id="london")
        t2 = time.perf_counter()
    finally:
        if old is None:
            os.environ.pop("SCN_HOME", None)
        else:
            os.environ["SCN_HOME"] = old
    seconds = t2 - t1
    return {"rows": rows, "file_mb": round(path.stat().st_size / 2**20, 1), "generate_s": round(t1 - t0, 2),
            "ingest_s": round(seconds, 2), "rows_per_s": round(rows / seconds), "accepted": result.accepted,
            "quarantined": result.quarantined}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/scn-bench-ingest"))
    args = ap.parse_args()
    print(json.dumps(bench_ingest(args.rows, args.workdir)))


if __name__ == "__main__":
    main()
