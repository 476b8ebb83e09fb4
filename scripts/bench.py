"""`make bench [SIZE=small|medium|large]`: time the pipeline stage by stage on a fresh demo world, side by side
with a naive baseline and a bare DuckDB/Arrow limit measured in the same run.

Writes bench-results/latest.json
({"stages": {name: {seconds, cpu_seconds, rows_per_s, peak_mb, ratio_vs_naive, ratio_vs_limit}},
"incremental": {seconds, ratio_to_cold, steps: {Dagster step: seconds}, steps_seconds, ...}, "noop": {...},
"unique_texts": {...}, "labeller": {posts_per_s, ...}, "naive": {...}, "limit": {...}, ...}) and bench-results/latest.md (the Markdown table), and prints the table.
The naive baseline and the limit read the same file mix as the pipeline (social CSV and JSON Lines, crime CSVs).
The cold pipeline is the sum of its stages, which together compute every asset a plain `scn run` does: after
them, `settled` times a `scn run` that must find nothing new (else the bench stops). Then `incremental` adds a
10,000-post social file for one city and times the `scn run` that publishes it, and `noop` times a `scn run` with nothing new, each with its ratio to the cold pipeline. Figures
are ratios measured in one run: the machines are shared and noisy (CPU seconds are less so).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
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
    # the review tables (classifier_rates, which correlations reads; adjusted_counts) are analysis's
    ("analysis", ["run", "--select", "group:review or group:analysis", "--no-publish"]),
    ("publish", ["run", "--select", "key:serving/snapshot or group:alerts or group:maintenance"]),
]  # every asset a plain `scn run` computes (collection: none configured); `settled` checks that none is left


def run_measured(cmd: list[str], env: dict[str, str], steps: bool = False) -> dict:
    """Run a command; wall time and peak resident memory of its whole process tree (sampled every 0.2 s); with
    ``steps``, the seconds of each Dagster step it ran (``step_seconds``)."""
    figures, out, code = measure(cmd, env)
    if code != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({code}):\n{out[-6000:]}")
    return {**figures, "steps": step_seconds(out)} if steps else figures


# Dagster's durations (dagster_shared.utils.timing.format_duration): 8.3ms, 533ms, 5.6s, 4m52s, 1h4m
STEP_DONE = re.compile(r'Finished execution of step "([^"]+)" in ((?:[0-9.]+(?:ms|h|m|s))+)')
DURATION_PART = re.compile(r"([0-9.]+)(ms|h|m|s)")
UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


def step_seconds(out: str) -> dict[str, float]:
    """step -> seconds, as Dagster reports them in a `scn run`'s log (summed over its runs), longest first; the
    rest of the run's seconds are start-up, planning and Dagster's time between steps."""
    seconds: dict[str, float] = {}
    for step, took in STEP_DONE.findall(out):
        value = sum(float(n) * UNIT_SECONDS[unit] for n, unit in DURATION_PART.findall(took))
        seconds[step] = seconds.get(step, 0.0) + value
    return {k: round(v, 3) for k, v in sorted(seconds.items(), key=lambda kv: -kv[1])}


def _adopt_orphans() -> None:
    """Become the child subreaper (Linux): a descendant whose parent exits before it (the fork server that
    ingest's parse workers come from) is re-parented to this process, not to init, so its CPU time is counted."""
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def _reap_orphans(patience: float = 30.0) -> None:
    """Wait for the adopted descendants still running (a fork server exits once its parent has gone), so that
    RUSAGE_CHILDREN includes them."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.05)


def measure(cmd: list[str], env: dict[str, str]) -> tuple[dict, str, int]:
    """Run a command: ({seconds, cpu_seconds, peak_mb} of its whole process tree, its output, its exit code).
    cpu_seconds (user + system of the command and every descendant it waited for) is what the work costs
    whatever else the machine runs: on a shared machine, wall seconds grow with the others' load, CPU seconds
    hardly."""
    import resource

    _adopt_orphans()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
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
    _reap_orphans()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return ({"seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "peak_mb": round(peak / 2**20, 1)}, out,
            proc.returncode)


def lake_rows(home: Path) -> dict[str, int]:
    import duckdb

    from scn.scratch import literal_path, sql_string

    rows = {}
    with duckdb.connect() as con:
        for table in ("posts", "crimes", "survey_responses", "posts_enriched", "crimes_enriched"):
            folder = home / "lake" / table
            if list(folder.glob("part-*.parquet")):
                glob = sql_string(literal_path(folder) + "/part-*.parquet")
                rows[table] = con.execute(f"select count(*) from read_parquet({glob})").fetchone()[0]
    return rows


def limit_scan(home: Path, res: int) -> dict:
    """The limit: a bare DuckDB scan of the same inbox files (social CSV + JSONL, crime CSVs), a vectorised H3
    index and a group-by per cell and month: what reading, placing and counting these rows costs at least."""
    import duckdb
    import numpy as np

    from geo.h3index import cells
    from scn.scratch import literal_path, sql_string

    inbox = home / "inbox"
    start = time.perf_counter()

    def files(pattern: str) -> str:
        return sql_string(literal_path(inbox) + pattern)

    selects = []
    if list((inbox / "social").glob("*/*.csv")):
        selects.append(f"select lat::double as lat, lon::double as lon, substr(created_at, 1, 7) as month "
                       f"from read_csv({files('/social/*/*.csv')}, union_by_name=true, all_varchar=true)")
    if list((inbox / "social").glob("*/*.jsonl")):
        selects.append(f"select lat::double, lon::double, substr(created_at::varchar, 1, 7) "
                       f"from read_json({files('/social/*/*.jsonl')}, format='newline_delimited')")
    if list((inbox / "crime").glob("*/*.csv")):
        selects.append(f"select coalesce(lat, \"Latitude\")::double, coalesce(lon, \"Longitude\")::double, "
                       f"substr(coalesce(\"time\", \"Month\"), 1, 7) "
                       f"from read_csv({files('/crime/*/*.csv')}, union_by_name=true, all_varchar=true)")
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


def inbox_files(home: Path) -> dict[str, list[Path]]:
    """The inbox files the pipeline reads rows from, by format: social CSV, social JSON Lines, crime CSV."""
    inbox = home / "inbox"
    return {"social_csv": sorted((inbox / "social").glob("*/*.csv")),
            "social_jsonl": sorted((inbox / "social").glob("*/*.jsonl")),
            "crime_csv": sorted((inbox / "crime").glob("*/*.csv"))}


def read_points(path: Path, fmt: str):  # noqa: ANN201 - a pandas frame (lat, lon, month)
    """lat, lon and month of one inbox file, read the naive way (pandas), whatever its layout."""
    import pandas as pd

    if fmt == "social_jsonl":
        frame = pd.read_json(path, lines=True, dtype={"created_at": str})
    else:
        wanted = {"lat", "lon", "created_at", "time", "Latitude", "Longitude", "Month"}
        frame = pd.read_csv(path, usecols=lambda c: c in wanted, dtype=str)
    lat = frame["lat"] if "lat" in frame else frame["Latitude"]
    lon = frame["lon"] if "lon" in frame else frame["Longitude"]
    when = next(frame[c] for c in ("created_at", "time", "Month") if c in frame)
    return pd.DataFrame({"lat": pd.to_numeric(lat, errors="coerce"), "lon": pd.to_numeric(lon, errors="coerce"),
                         "month": when.astype(str).str.slice(0, 7)})


def naive_baseline(home: Path, res: int, sample: int = 2_000_000, total: int | None = None) -> dict:
    """A naive path over the same file mix as the pipeline and the limit (social CSV and JSON Lines, crime CSVs):
    pandas read, per-row h3 loop, geopandas sjoin to the areas, pandas groupby. When the world has more than
    ``sample`` rows (``total``), every k-th file of each format is read so the sample keeps the world's mix.
    Its rows/s (rows read, located or not, as the stages count rows) scales it to a stage's volume (it is
    linear in rows)."""
    import geopandas as gpd
    import h3
    import pandas as pd
    from shapely import wkt

    step = max(1, round((total or 0) / sample))
    chosen = {fmt: files[::step] or files[:1] for fmt, files in inbox_files(home).items() if files}
    start = time.perf_counter()
    read = pd.concat([read_points(f, fmt) for fmt, files in chosen.items() for f in files], ignore_index=True)
    posts = read.dropna(subset=["lat", "lon"]).copy()
    posts["cell"] = [h3.latlng_to_cell(a, b, res) for a, b in zip(posts["lat"], posts["lon"], strict=True)]
    areas = pd.read_parquet(home / "lake" / "areas")
    shapes = gpd.GeoDataFrame(areas[["area_code"]], geometry=[wkt.loads(w) for w in areas["geometry_wkt"]],
                              crs=4326)
    pts = gpd.GeoDataFrame(posts, geometry=gpd.points_from_xy(posts["lon"], posts["lat"]), crs=4326)
    joined = gpd.sjoin(pts, shapes, how="left", predicate="within")
    joined.groupby(["cell", "month"]).size()
    seconds = time.perf_counter() - start
    return {"seconds": round(seconds, 2), "rows": int(len(read)), "located": int(len(posts)),
            "rows_per_s": round(len(read) / seconds), "every_kth_file": step,
            "files": {fmt: len(files) for fmt, files in chosen.items()}}


def unique_texts(home: Path) -> dict:
    """How many of the world's posts carry a text no other post has: the share deduplication cannot save."""
    import duckdb

    from scn.scratch import literal_path, sql_string

    glob = sql_string(literal_path(home / "lake" / "posts") + "/part-*.parquet")
    with duckdb.connect() as con:
        posts, distinct = con.execute(f"select count(*), count(distinct text) from read_parquet({glob})").fetchone()
    return {"posts": int(posts), "distinct_texts": int(distinct), "share": round(distinct / posts, 4) if posts else None}


def new_social_file(home: Path, n: int = 10_000, seed: int = 7) -> dict:
    """Drop one new social-media file of ``n`` posts for one city into the inbox, as a partner's next export:
    posts drawn from the city's own files (texts and places repeat, as they do), with new ids, dated in the
    city's last month."""
    import numpy as np
    import pandas as pd

    files = inbox_files(home)["social_csv"]
    city = files[0].parent
    last = sorted(city.glob("*.csv"))[-1]
    pool = pd.concat([pd.read_csv(f, dtype=str) for f in sorted(city.glob("*.csv"))[-3:]], ignore_index=True)
    rng = np.random.default_rng(seed)
    out = pool.iloc[rng.integers(0, len(pool), n)].reset_index(drop=True)
    out["id"] = f"9{seed:02d}" + pd.Series(np.arange(n)).astype(str).str.zfill(9)  # ids no earlier file used
    stamps = pd.read_csv(last, dtype=str, usecols=["created_at"])["created_at"].to_numpy()
    out["created_at"] = np.sort(stamps[rng.integers(0, len(stamps), n)])  # spread over the last month
    if "url" in out:
        out["url"] = out["url"].str.replace(r"/\d+$", "", regex=True) + "/" + out["id"]
    path = city / "posts-bench-incremental.csv"
    out.to_csv(path, index=False, lineterminator="\n")
    return {"city": city.name, "file": str(path.relative_to(home)), "posts": n}


def visible_posts(home: Path, city: str) -> int:
    """A city's posts in the published snapshot (city_month, what its dashboard counts)."""
    import duckdb

    from scn.scratch import sql_path

    path = home / "serving" / "current" / "city_month.parquet"
    with duckdb.connect() as con:
        return int(con.execute(f"select coalesce(sum(posts), 0) from read_parquet({sql_path(path)}) where city_id = ?",
                               [city]).fetchone()[0])


def settled(home: Path, env: dict[str, str]) -> dict:
    """After the cold stages, a plain `scn run` must find nothing new: else the stages left assets out, and the
    cold pipeline's time would not be the time of everything the incremental run keeps up to date."""
    figures, out, code = measure([str(BIN / "scn"), "run"], env)
    said = [line for line in out.splitlines() if line.startswith("scn run")]
    if code != 0 or not any("nothing new" in line for line in said):
        raise SystemExit("the cold stages left work for `scn run` (add it to STAGES):\n" + "\n".join(said[-5:])
                         + f"\n{out[-3000:] if code else ''}")
    return {**figures, "said": said[-1] if said else ""}


def warm_runs(home: Path, env: dict[str, str], cold: dict) -> dict:
    """After the cold run: a new 10,000-post social file for one city, then the `scn run` that makes it visible
    (incremental); then a `scn run` with nothing new (noop). Seconds and ratios to the cold pipeline (``cold``:
    its seconds and cpu_seconds; the CPU ratio holds on a shared machine, where the wall ratio follows the load)."""
    out: dict = {"settled": settled(home, env)}
    snapshot = (home / "serving" / "current").resolve()
    out["incremental"] = new_social_file(home)
    city = out["incremental"]["city"]
    before = visible_posts(home, city)
    print("[bench] incremental: a 10,000-post file for one city, then scn run ...", flush=True)
    out["incremental"].update(run_measured([str(BIN / "scn"), "run"], env, steps=True))
    out["incremental"]["steps_seconds"] = round(sum(out["incremental"]["steps"].values()), 2)
    out["incremental"]["visible_posts_added"] = visible_posts(home, city) - before
    out["incremental"]["republished"] = (home / "serving" / "current").resolve() != snapshot
    print("[bench] noop: scn run with nothing new ...", flush=True)
    snapshot = (home / "serving" / "current").resolve()
    out["noop"] = run_measured([str(BIN / "scn"), "run"], env)
    out["noop"]["republished"] = (home / "serving" / "current").resolve() != snapshot
    for key in ("incremental", "noop"):
        out[key]["ratio_to_cold"] = round(out[key]["seconds"] / cold["seconds"], 3)
        out[key]["cpu_ratio_to_cold"] = round(out[key]["cpu_seconds"] / cold["cpu_seconds"], 3)
    return out


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
             f"Python {m['python']}, load average {m.get('load_avg_start', '?')} -> {m.get('load_avg_end', '?')}: a shared "
             f"machine, compare ratios and CPU s); rows = posts + crimes in the lake ({result['rows']:,})",
             "", "| stage | seconds | CPU s | rows/s | peak MB | ratio vs naive | ratio vs limit |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, s in result["stages"].items():
        cells_ = [name, f"{s['seconds']:,.1f}", f"{s['cpu_seconds']:,.1f}" if "cpu_seconds" in s else "",
                  f"{s['rows_per_s']:,}" if s.get("rows_per_s") else "",
                  f"{s['peak_mb']:,.0f}", "" if s.get("ratio_vs_naive") is None else f"{s['ratio_vs_naive']:.2f}",
                  "" if s.get("ratio_vs_limit") is None else f"{s['ratio_vs_limit']:.3f}"]
        lines.append("| " + " | ".join(cells_) + " |")
    extra = []
    for key, what in (("incremental", "a new 10,000-post social file for one city, then the `scn run` that "
                                      "publishes it"), ("noop", "a `scn run` with nothing new")):
        if key in result:
            w = result[key]
            seen = (f", {w['visible_posts_added']:,} posts added to {w['city']}'s dashboard"
                    if "visible_posts_added" in w else "")
            cpu = f" ({w['cpu_ratio_to_cold']:.0%} in CPU s)" if "cpu_ratio_to_cold" in w else ""
            extra.append(f"{key}: {what}: {w['seconds']:,.1f} s ({w.get('cpu_seconds', 0):,.1f} CPU s), "
                         f"{w['ratio_to_cold']:.0%} of the cold pipeline{cpu}{seen}"
                         f"{'' if w.get('republished') else ', snapshot not republished'}")
    if "unique_texts" in result:
        u = result["unique_texts"]
        extra.append(f"unique texts: {u['distinct_texts']:,} distinct of {u['posts']:,} posts "
                     f"({u['share']:.0%}): the share the labeller's deduplication cannot save")
    if "naive" in result:
        nv = result["naive"]
        mix = ", ".join(f"{n} {fmt.replace('_', ' ')}" for fmt, n in nv.get("files", {}).items())
        extra.append(f"naive baseline {nv['rows_per_s']:,} rows/s (measured on {nv['rows']:,} rows, "
                     f"{nv.get('located', nv['rows']):,} of them located, the same file mix as the pipeline and "
                     f"the limit: {mix or 'social CSV'} files: pandas read, per-row h3 loop, geopandas "
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
                     f"distinct texts; {lab['unique_posts_per_s']:,}/s all distinct; before the fused kernels "
                     f"{lab.get('before_posts_per_s', 0):,}/s and {lab.get('before_unique_posts_per_s', 0):,}/s in the "
                     f"same run, same labels {lab.get('same_labels_as_before')}), reference path "
                     f"{lab['reference_posts_per_s']:,}/s in the same run ({lab['speedup']}x), load "
                     f"{lab['load_avg_1min'][0]}, {lab['model']}")
    if "dashboard" in result:
        d = result["dashboard"]
        extra.append("dashboard callbacks, 10k-cell city: " + json.dumps(d))
    if "first_paint" in result:
        extra.append("city page in headless Chromium (first contentful paint, map drawn): "
                     + json.dumps(result["first_paint"]))
    return "\n".join(lines + [""] + [f"- {e}" for e in extra]) + "\n"


def save(path: Path, result: dict) -> None:
    """Write a result as JSON (after each section: a run stopped half way keeps what it measured)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, default=str))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--size", choices=("small", "medium", "large"), default="small")
    ap.add_argument("--home", help="SCN_HOME to use (default: a fresh temporary folder)")
    ap.add_argument("--out", default=str(REPO / "bench-results" / "latest.json"))
    ap.add_argument("--skip-extras", action="store_true", help="only the pipeline stages")
    ap.add_argument("--skip-bigcity", action="store_true", help="without London at real size (bench_bigcity.py)")
    ap.add_argument("--skip-warm", action="store_true", help="without the incremental and no-op runs")
    args = ap.parse_args()
    home = Path(args.home or tempfile.mkdtemp(prefix=f"scn-bench-{args.size}-"))
    env = {**os.environ, "SCN_HOME": str(home), "DAGSTER_HOME": str(home / "dagster")}
    res = int(os.environ.get("SCN_H3_RES", "8"))

    out = Path(args.out)
    stages: dict[str, dict] = {}
    for name, argv in STAGES:
        print(f"[bench] {name} ...", flush=True)
        stages[name] = run_measured([str(BIN / "scn"), *[a.format(size=args.size) for a in argv]], env)
        save(out.with_suffix(".partial.json"), {"size": args.size, "home": str(home), "stages": stages})
    piped = [stages[n] for n in ("ingest", "enrich", "transforms", "analysis", "publish")]
    stages["pipeline"] = {"seconds": round(sum(s["seconds"] for s in piped), 2),
                          "cpu_seconds": round(sum(s["cpu_seconds"] for s in piped), 2),
                          "peak_mb": max(s["peak_mb"] for s in piped)}
    lake = lake_rows(home)
    rows = lake.get("posts", 0) + lake.get("crimes", 0)
    result: dict = {"size": args.size, "date": datetime.now(UTC).isoformat(timespec="seconds"),
                    "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
                                "load_avg_start": round(os.getloadavg()[0], 1)},
                    "rows": rows, "lake_rows": lake, "stages": stages, "unique_texts": unique_texts(home)}

    if not args.skip_extras:
        print("[bench] limit: bare DuckDB scan + H3 + group-by of the same files ...", flush=True)
        result["limit"] = limit_scan(home, res)
        print("[bench] naive baseline: pandas + per-row h3 + sjoin + groupby ...", flush=True)
        result["naive"] = naive_baseline(home, res, total=rows)
    add_ratios(stages, rows, result.get("naive"), result.get("limit"))
    save(out.with_suffix(".partial.json"), result)
    if not args.skip_warm:
        result.update(warm_runs(home, env, stages["pipeline"]))
        save(out.with_suffix(".partial.json"), result)

    if not args.skip_extras:
        from time_classify import labeller_throughput  # scripts/ (this script's folder) is on sys.path

        print("[bench] labeller: posts/s on a realistic mix (half the posts repeat a text) ...", flush=True)
        result["labeller"] = labeller_throughput(200_000, unique_share=0.5)
        save(out.with_suffix(".partial.json"), result)
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
        save(out.with_suffix(".partial.json"), result)
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

    result["machine"]["load_avg_end"] = round(os.getloadavg()[0], 1)
    save(out, result)
    out.with_suffix(".partial.json").unlink(missing_ok=True)
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
