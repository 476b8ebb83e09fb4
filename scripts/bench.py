"""`make bench [SIZE=small|medium|large]`: time the pipeline stage by stage on a fresh demo world, side by side
with a naive baseline and a bare DuckDB/Arrow limit measured in the same run.

Writes bench-results/latest.json
({"stages": {name: {seconds, rows_per_s, peak_mb, ratio_vs_naive, ratio_vs_limit}}, ...}) and
bench-results/latest.md (the Markdown table), and prints the table. Figures are ratios measured in one run:
the machines are shared and noisy.
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
    ("transforms", ["run", "--select", "group:dbt_seeds or group:dbt_staging or group:dbt_intermediate or group:dbt_marts",
                    "--no-publish"]),
    ("analysis", ["run", "--select", "group:analysis", "--no-publish"]),
    ("publish", ["run", "--select", "key:serving/snapshot"]),
]


def run_measured(cmd: list[str], env: dict[str, str]) -> dict:
    """Run a command; wall time and peak resident memory of its whole process tree (sampled every 0.2 s)."""
    figures, out, code = measure(cmd, env)
    if code != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({code}):\n{out[-6000:]}")
    return figures


def measure(cmd: list[str], env: dict[str, str]) -> tuple[dict, str, int]:
    """Run a command: ({seconds, peak_mb} of its whole process tree, its output, its exit code)."""
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
    return {"seconds": round(seconds, 2), "peak_mb": round(peak / 2**20, 1)}, out, proc.returncode


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
    """The limit: a bare DuckDB scan of the same inbox files (social CSV + JSONL, crime CSVs), a vectorised H3
    index and a group-by per cell and month: what reading, placing and counting these rows costs at least."""
    import duckdb
    import numpy as np

    from geo.h3index import cells

    inbox = home / "inbox"
    start = time.perf_counter()
    selects = []
    if list((inbox / "social").glob("*/*.csv")):
        selects.append(f"select lat::double as lat, lon::double as lon, substr(created_at, 1, 7) as month "
                       f"from read_csv('{inbox}/social/*/*.csv', union_by_name=true, all_varchar=true)")
    if list((inbox / "social").glob("*/*.jsonl")):
        selects.append(f"select lat::double, lon::double, substr(created_at::varchar, 1, 7) "
                       f"from read_json('{inbox}/social/*/*.jsonl', format='newline_delimited')")
    if list((inbox / "crime").glob("*/*.csv")):
        selects.append(f"select coalesce(lat, \"Latitude\")::double, coalesce(lon, \"Longitude\")::double, "
                       f"substr(coalesce(\"time\", \"Month\"), 1, 7) "
                       f"from read_csv('{inbox}/crime/*/*.csv', union_by_name=true, all_varchar=true)")
    with duckdb.connect() as con:
        frame = con.sql(" union all ".join(selects)).to_arrow_table()
        total = frame.num_rows
        lat = frame.column(0).to_numpy(zero_copy_only=False).astype(np.float64)  # nulls become NaN
        lon = frame.column(1).to_numpy(zero_copy_only=False).astype(np.float64)
        keep = ~np.isnan(lat)
        lat, lon = lat[keep], lon[keep]
        cell = cells(lat, lon, res)
        month = frame.column(2).to_numpy(zero_copy_only=False)[keep]
        con.register("pts", {"cell": cell.astype(str), "month": month})
        groups = con.execute("select cell, month, count(*) from pts group by all").fetchall()
    seconds = time.perf_counter() - start
    return {"seconds": round(seconds, 2), "rows": int(total), "located": int(len(lat)), "groups": len(groups),
            "rows_per_s": round(total / seconds)}


def naive_baseline(home: Path, res: int, sample: int = 2_000_000) -> dict:
    """A naive path over the first ``sample`` posts of the same files: pandas read, per-row h3 loop, geopandas
    sjoin to the areas, pandas groupby. Its rows/s (posts read, located or not, as the stages count rows)
    scales it to a stage's volume (it is linear in rows)."""
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
    read = pd.concat(parts).head(sample)  # rows counted as our stages count them: every post, located or not
    posts = read.dropna(subset=["lat", "lon"]).copy()
    posts["cell"] = [h3.latlng_to_cell(a, b, res) for a, b in zip(posts["lat"], posts["lon"], strict=True)]
    areas = pd.read_parquet(home / "lake" / "areas")
    shapes = gpd.GeoDataFrame(areas[["area_code"]], geometry=[wkt.loads(w) for w in areas["geometry_wkt"]],
                              crs=4326)
    pts = gpd.GeoDataFrame(posts, geometry=gpd.points_from_xy(posts["lon"], posts["lat"]), crs=4326)
    joined = gpd.sjoin(pts, shapes, how="left", predicate="within")
    joined["month"] = joined["created_at"].str.slice(0, 7)
    joined.groupby(["cell", "month"]).size()
    seconds = time.perf_counter() - start
    return {"seconds": round(seconds, 2), "rows": int(len(read)), "located": int(len(posts)),
            "rows_per_s": round(len(read) / seconds)}


COMPARED = ("ingest", "enrich", "transforms", "analysis", "pipeline")  # stages that read and place the rows


def add_ratios(stages: dict[str, dict], rows: int, naive: dict | None, limit: dict | None) -> None:
    """Per stage: ratio_vs_naive = naive seconds / our seconds and ratio_vs_limit = limit seconds / our seconds,
    the naive and limit seconds being what each takes for the stage's rows at its measured rows/s (same run).
    Stages that do not read posts and crimes (demo generation, publish) get null ratios."""
    for name, s in stages.items():
        s.setdefault("rows", rows)
        s["rows_per_s"] = round(s["rows"] / s["seconds"]) if s["seconds"] else None
        comparable = name in COMPARED and s["rows"]
        s["ratio_vs_naive"] = (round(s["rows"] / naive["rows_per_s"] / s["seconds"], 3)
                               if comparable and naive else None)
        s["ratio_vs_limit"] = (round(s["rows"] / limit["rows_per_s"] / s["seconds"], 3)
                               if comparable and limit else None)


def markdown_table(result: dict) -> str:
    """The per-stage table of a result, with its date, size and machine, as Markdown."""
    m = result["machine"]
    lines = [f"`make bench SIZE={result['size']}` on {result['date'][:10]} ({m['cpus']} cores, {m['ram_gb']} GiB, "
             f"Python {m['python']}); rows = posts + crimes in the lake ({result['rows']:,})",
             "", "| stage | seconds | rows/s | peak MB | ratio vs naive | ratio vs limit |", "|---|---:|---:|---:|---:|---:|"]
    for name, s in result["stages"].items():
        cells_ = [name, f"{s['seconds']:,.1f}", f"{s['rows_per_s']:,}" if s.get("rows_per_s") else "",
                  f"{s['peak_mb']:,.0f}", "" if s.get("ratio_vs_naive") is None else f"{s['ratio_vs_naive']:.2f}",
                  "" if s.get("ratio_vs_limit") is None else f"{s['ratio_vs_limit']:.3f}"]
        lines.append("| " + " | ".join(cells_) + " |")
    extra = []
    if "naive" in result:
        nv = result["naive"]
        extra.append(f"naive baseline {nv['rows_per_s']:,} rows/s (measured on {nv['rows']:,} posts, "
                     f"{nv.get('located', nv['rows']):,} of them located: pandas read, per-row h3 loop, geopandas "
                     "sjoin, pandas groupby)")
    if "limit" in result:
        extra.append(f"limit {result['limit']['rows_per_s']:,} rows/s (bare DuckDB scan of the same "
                     f"{result['limit']['rows']:,} rows + vectorised H3 + group-by, {result['limit']['seconds']} s)")
    if "h3_index" in result:
        h = result["h3_index"]
        extra.append(f"H3 index of {h['points']:,} points: vectorised {h['vectorised_s']} s vs per-row loop "
                     f"{h['per_row_loop_s']} s ({h['speedup']}x, identical: {h['identical']})")
    if "ingest_1m" in result:
        i = result["ingest_1m"]
        extra.append(f"`scn ingest` of one {i['rows']:,}-row social CSV ({i['file_mb']} MB): {i['ingest_s']} s, "
                     f"{i['rows_per_s']:,} rows/s, {i['accepted']:,} accepted, {i['quarantined']:,} quarantined")
    if "labeller" in result:
        lab = result["labeller"]
        extra.append(f"labeller {lab['posts_per_s']:,} posts/s on {lab['posts']:,} posts ({lab['unique_share']:.0%} "
                     f"distinct texts; {lab['unique_posts_per_s']:,}/s all distinct), reference path "
                     f"{lab['reference_posts_per_s']:,}/s in the same run ({lab['speedup']}x), load "
                     f"{lab['load_avg_1min'][0]}, {lab['model']}")
    if "dashboard" in result:
        d = result["dashboard"]
        extra.append("dashboard callbacks, 10k-cell city: " + json.dumps(d))
    if "first_paint" in result:
        extra.append("city page in headless Chromium (first contentful paint, map drawn): "
                     + json.dumps(result["first_paint"]))
    return "\n".join(lines + [""] + [f"- {e}" for e in extra]) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--size", choices=("small", "medium", "large"), default="small")
    ap.add_argument("--home", help="SCN_HOME to use (default: a fresh temporary folder)")
    ap.add_argument("--out", default=str(REPO / "bench-results" / "latest.json"))
    ap.add_argument("--skip-extras", action="store_true", help="only the pipeline stages")
    ap.add_argument("--skip-bigcity", action="store_true", help="without London at real size (bench_bigcity.py)")
    args = ap.parse_args()
    home = Path(args.home or tempfile.mkdtemp(prefix=f"scn-bench-{args.size}-"))
    env = {**os.environ, "SCN_HOME": str(home), "DAGSTER_HOME": str(home / "dagster")}
    res = int(os.environ.get("SCN_H3_RES", "8"))

    stages: dict[str, dict] = {}
    for name, argv in STAGES:
        print(f"[bench] {name} ...", flush=True)
        stages[name] = run_measured([str(BIN / "scn"), *[a.format(size=args.size) for a in argv]], env)
    piped = [stages[n] for n in ("ingest", "enrich", "transforms", "analysis", "publish")]
    stages["pipeline"] = {"seconds": round(sum(s["seconds"] for s in piped), 2),
                          "peak_mb": max(s["peak_mb"] for s in piped)}
    lake = lake_rows(home)
    rows = lake.get("posts", 0) + lake.get("crimes", 0)
    result: dict = {"size": args.size, "date": datetime.now(UTC).isoformat(timespec="seconds"),
                    "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                "ram_gb": round(psutil.virtual_memory().total / 2**30, 1)},
                    "rows": rows, "lake_rows": lake, "stages": stages}

    if not args.skip_extras:
        print("[bench] limit: bare DuckDB scan + H3 + group-by of the same files ...", flush=True)
        result["limit"] = limit_scan(home, res)
        print("[bench] naive baseline: pandas + per-row h3 + sjoin + groupby ...", flush=True)
        result["naive"] = naive_baseline(home, res)
    add_ratios(stages, rows, result.get("naive"), result.get("limit"))

    if not args.skip_extras:
        from bench_h3 import index_points  # scripts/ (this script's folder) is on sys.path

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
        from time_classify import labeller_throughput  # scripts/ (this script's folder) is on sys.path

        print("[bench] labeller: posts/s on a realistic mix (half the posts repeat a text) ...", flush=True)
        result["labeller"] = labeller_throughput(200_000, unique_share=0.5)
        from bench_dashboards import callback_latency  # scripts/ (this script's folder) is on sys.path

        print("[bench] dashboard callbacks on a 10k-cell city ...", flush=True)
        result["dashboard"] = callback_latency(cells=10_000, n=50)
        from bench_dashboards import first_paint

        print("[bench] first paint of a city page in headless Chromium (issue 21) ...", flush=True)
        result["first_paint"] = first_paint(home)
    if not args.skip_bigcity:
        from bench_bigcity import bench_city  # scripts/ (this script's folder) is on sys.path

        print("[bench] London at real size: 4,835 areas, ~2,500 cells (scripts/bench_bigcity.py) ...", flush=True)
        result["bigcity"] = {**bench_city(), "date": result["date"], "machine": result["machine"]}

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, default=str))
    table = markdown_table(result)
    if "bigcity" in result:
        from bench_bigcity import markdown

        table += "\n" + markdown(result["bigcity"], f"make bench SIZE={args.size}")
    out.with_suffix(".md").write_text(table)
    print("\n" + table)
    print(f"written to {out} and {out.with_suffix('.md')} (SCN_HOME {home})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
