"""`make bench [SIZE=small|medium|large]`: time the pipeline stage by stage on a fresh demo world, side by side
with a naive baseline and a bare DuckDB/Arrow limit measured in the same run.

Writes bench-results/latest.json ({"stages": {name: {seconds, rows_per_s, peak_rss_mb, ...}}, "ratios": ...})
and prints a Markdown table. Figures are ratios measured in one run: the machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(REPO))

STAGES = [
    ("demo", ["demo", "--seed", "11", "--size", "{size}"]),
    ("ingest", ["run", "--select", "group:ingest", "--no-publish"]),
    ("enrich", ["run", "--select", "group:enrich", "--no-publish"]),
    ("transforms", ["run", "--select", "group:dbt_staging or group:dbt_intermediate or group:dbt_marts",
                    "--no-publish"]),
    ("analysis", ["run", "--select", "group:analysis", "--no-publish"]),
    ("publish", ["run", "--select", "key:serving/snapshot"]),
]


def run_measured(cmd: list[str], env: dict[str, str]) -> dict:
    """Run a command; wall time and peak resident memory of its whole process tree (sampled every 0.2 s)."""
    start = time.perf_counter()
    # output to a file, not a pipe: a pipe nobody reads fills up with Dagster's log and blocks the run
    log = tempfile.TemporaryFile(mode="w+")
    proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, text=True)
    peak = 0
    ps = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            rss = ps.memory_info().rss + sum(c.memory_info().rss for c in ps.children(recursive=True))
            peak = max(peak, rss)
        except psutil.Error:
            pass
        time.sleep(0.2)
    log.seek(0)
    out = log.read()
    log.close()
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{out[-6000:]}")
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(peak / 2**20, 1)}


def lake_rows(home: Path) -> dict[str, int]:
    import duckdb

    rows = {}
    with duckdb.connect() as con:
        for table in ("posts", "crimes", "survey_responses", "posts_enriched", "crimes_enriched"):
            glob = home / "lake" / table / "part-*.parquet"
            if list(glob.parent.glob(glob.name)):
                rows[table] = con.execute(f"select count(*) from read_parquet('{glob}')").fetchone()[0]
    return rows


def limit_scan(home: Path, res: int) -> dict:
    """The limit: a bare DuckDB scan of the same inbox CSVs + vectorised H3 index + group-by per cell/month."""
    import duckdb
    import numpy as np

    from geo.h3index import cells

    start = time.perf_counter()
    pattern = str(home / "inbox" / "social" / "*" / "*.csv")
    with duckdb.connect() as con:
        frame = con.sql(f"select lat, lon, substr(created_at, 1, 7) as month "
                            f"from read_csv('{pattern}', union_by_name=true, all_varchar=true) "
                            f"where lat is not null and lat <> ''").to_arrow_table()
        lat = frame.column("lat").to_numpy(zero_copy_only=False).astype(np.float64)
        lon = frame.column("lon").to_numpy(zero_copy_only=False).astype(np.float64)
        cell = cells(lat, lon, res)
        con.register("pts", {"cell": cell.astype(str), "month": frame.column("month").to_numpy(zero_copy_only=False)})
        groups = con.execute("select cell, month, count(*) from pts group by all").fetchall()
    seconds = time.perf_counter() - start
    return {"seconds": round(seconds, 2), "rows": int(len(lat)), "groups": len(groups),
            "rows_per_s": round(len(lat) / seconds)}


def naive_baseline(home: Path, res: int, sample: int = 200_000) -> dict:
    """A naive path over a sample of the same posts: pandas read, per-row h3 loop, geopandas sjoin, groupby."""
    import geopandas as gpd
    import h3
    import pandas as pd
    from shapely import wkt

    files = sorted((home / "inbox" / "social").glob("*/*.csv"))
    start = time.perf_counter()
    parts, n = [], 0
    for f in files:
        part = pd.read_csv(f, usecols=["lat", "lon", "created_at"], dtype={"created_at": str})
        parts.append(part)
        n += len(part)
        if n >= sample:
            break
    posts = pd.concat(parts).dropna(subset=["lat", "lon"]).head(sample)
    posts["cell"] = [h3.latlng_to_cell(a, b, res) for a, b in zip(posts["lat"], posts["lon"], strict=True)]
    areas = pd.read_parquet(home / "lake" / "areas")
    shapes = gpd.GeoDataFrame(areas[["area_code"]], geometry=[wkt.loads(w) for w in areas["geometry_wkt"]],
                              crs=4326)
    pts = gpd.GeoDataFrame(posts, geometry=gpd.points_from_xy(posts["lon"], posts["lat"]), crs=4326)
    joined = gpd.sjoin(pts, shapes, how="left", predicate="within")
    joined["month"] = joined["created_at"].str.slice(0, 7)
    joined.groupby(["cell", "month"]).size()
    seconds = time.perf_counter() - start
    return {"seconds": round(seconds, 2), "rows": int(len(posts)), "rows_per_s": round(len(posts) / seconds)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--size", choices=("small", "medium", "large"), default="small")
    ap.add_argument("--home", help="SCN_HOME to use (default: a fresh temporary folder)")
    ap.add_argument("--out", default=str(REPO / "bench-results" / "latest.json"))
    ap.add_argument("--skip-extras", action="store_true", help="only the pipeline stages")
    args = ap.parse_args()
    home = Path(args.home or tempfile.mkdtemp(prefix=f"scn-bench-{args.size}-"))
    env = {**os.environ, "SCN_HOME": str(home), "DAGSTER_HOME": str(home / "dagster")}
    res = int(os.environ.get("SCN_H3_RES", "8"))

    stages: dict[str, dict] = {}
    for name, argv in STAGES:
        print(f"[bench] {name} ...", flush=True)
        stages[name] = run_measured([str(BIN / "scn"), *[a.format(size=args.size) for a in argv]], env)
        if name == "ingest":
            rows = lake_rows(home)
            stages[name]["rows"] = rows.get("posts", 0) + rows.get("crimes", 0)
        if name == "enrich":
            rows = lake_rows(home)
            stages[name]["rows"] = rows.get("posts_enriched", 0) + rows.get("crimes_enriched", 0)
        if stages[name].get("rows"):
            stages[name]["rows_per_s"] = round(stages[name]["rows"] / stages[name]["seconds"])
    total = sum(s["seconds"] for s in stages.values())
    result: dict = {"size": args.size, "date": datetime.now(UTC).isoformat(timespec="seconds"),
                    "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                "ram_gb": round(psutil.virtual_memory().total / 2**30, 1)},
                    "stages": stages, "total_seconds": round(total, 1), "lake_rows": lake_rows(home), "ratios": {}}

    if not args.skip_extras:
        print("[bench] limit: bare DuckDB scan + H3 + group-by ...", flush=True)
        result["limit"] = limit_scan(home, res)
        print("[bench] naive baseline: pandas + per-row h3 + sjoin + groupby ...", flush=True)
        result["naive"] = naive_baseline(home, res)
        ingest_rps = stages["ingest"].get("rows_per_s")
        if ingest_rps:
            result["ratios"]["ingest_vs_limit_rows_per_s"] = round(ingest_rps / result["limit"]["rows_per_s"], 3)
            result["ratios"]["naive_vs_limit_rows_per_s"] = round(
                result["naive"]["rows_per_s"] / result["limit"]["rows_per_s"], 3)
        from geo.bench import index_points

        print("[bench] H3 indexing: vectorised vs per-row loop ...", flush=True)
        result["h3_index"] = index_points(5_000_000)  # issue 5: 5M points, vectorised vs per-row loop
        try:
            sys.path.insert(0, str(REPO / "scripts"))
            from bench_ingest import bench_ingest

            print("[bench] ingest of a 1M-row social CSV ...", flush=True)
            with tempfile.TemporaryDirectory() as tmp:
                result["ingest_1m"] = bench_ingest(1_000_000, Path(tmp))
        finally:
            sys.path.pop(0)
        from dashboards.bench import callback_latency

        print("[bench] dashboard callbacks on a 10k-cell city ...", flush=True)
        result["dashboard"] = callback_latency(cells=10_000, n=50)

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, default=str))
    print("\n| stage | seconds | rows | rows/s | peak RSS MB |\n|---|---|---|---|---|")
    for name, s in stages.items():
        print(f"| {name} | {s['seconds']} | {s.get('rows', '')} | {s.get('rows_per_s', '')} | {s['peak_rss_mb']} |")
    print(f"| total | {result['total_seconds']} | | | |")
    for key in ("limit", "naive", "h3_index", "ingest_1m", "dashboard"):
        if key in result:
            print(f"{key}: {json.dumps(result[key])}")
    print(f"ratios: {json.dumps(result['ratios'])}\nwritten to {out} (SCN_HOME {home})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
