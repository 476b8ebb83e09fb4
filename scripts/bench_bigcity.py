"""`make bench` section (also on its own: `make bench-city`): London at real size, stage by stage.

`scn demo --size city` writes one London-size city (4,835 areas in British National Grid, ~2,500 H3 cells,
~190k posts, ~150k police.uk rows without a hate column, an ONS-layout population workbook and yearly hate-crime
counts by strand; scn.demo.bigcity) into a fresh SCN_HOME; then each stage runs as a user runs it, through the real
`scn` CLI: the three published files with `scn ingest` (boundaries, area-attributes, crime-counts), the inbox with
`scn run --select group:ingest`, then enrich, dbt, analysis and publish as in scripts/bench.py. Wall time and peak
resident memory (MB, the stage's whole process tree) per stage; then the city page on the published snapshot in a
process of its own: p50/p95 of the map callback through Flask (moving the month slider, switching resolution),
the risk map of the 4,835 areas, the page itself and the cell GeoJSON route (scripts/bench_dashboards.py).

Writes bench-results/bigcity.json and bigcity.md (the house format of scripts/bench.py) and prints the table.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

CITY = "london"
GOAL_P95_MS = 150.0  # the dashboard latency goal (callback p95)
PIPELINE = [  # after the ingest of the files: the stages of scripts/bench.py, as `scn run` materializes them
    ("ingest_inbox", ["run", "--select", "group:ingest", "--no-publish"]),
    ("enrich", ["run", "--select", "group:enrich", "--no-publish"]),
    ("transforms", ["run", "--select", "group:dbt_seeds or group:dbt_staging or group:dbt_intermediate or group:dbt_marts",
                    "--no-publish"]),
    ("analysis", ["run", "--select", "group:analysis", "--no-publish"]),
    ("publish", ["run", "--select", "key:serving/snapshot"]),
]


def file_stages(home: Path) -> list[tuple[str, list[str]]]:
    """`scn ingest` of the city's published files (a family the installed `scn` does not know yet is left out)."""
    from scn.demo import bigcity
    from scn.settings import KINDS

    pub = home / "published" / CITY
    stages = [("ingest_boundaries", ["ingest", "boundaries", str(home / "inbox" / "boundaries" / CITY /
                                                                  bigcity.SHAPEFILE), "--city", CITY, "--json"])]
    if "area-attributes" in KINDS:
        stages.append(("ingest_population", ["ingest", "area-attributes", str(pub / bigcity.POPULATION),
                                             "--city", CITY, "--json"]))
    if "crime-counts" in KINDS:
        stages.append(("ingest_hate_counts", ["ingest", "crime-counts", str(pub / bigcity.HATE_COUNTS),
                                              "--city", CITY, "--hate", "--json"]))
    return stages


def last_json(out: str) -> dict | None:
    """The last line of a command's output that is a JSON object (`--json` prints exactly one)."""
    for line in reversed(out.strip().splitlines()):
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                return None
    return None


def outcome(home: Path) -> dict:
    """What the run produced for the city: areas, located posts and their cells, mart and published rows."""
    import duckdb

    from scn.scratch import literal_path, sql_path, sql_string

    def count(sql: str) -> int | None:
        try:
            with duckdb.connect() as con:
                return int(con.execute(sql).fetchone()[0])
        except duckdb.Error:
            return None

    lake, snap = home / "lake", home / "serving" / "current"

    def parts(table: str) -> str:
        return sql_string(literal_path(lake / table) + "/*.parquet")

    return {
        "areas": count(f"select count(distinct area_code) from read_parquet({parts('areas')})"),
        "posts": count(f"select count(*) from read_parquet({parts('posts')})"),
        "crimes": count(f"select count(*) from read_parquet({parts('crimes')})"),
        "posts_cells": count(f"select count(distinct cell) from read_parquet({parts('posts_enriched')})"),
        "posts_area_precision": count(f"select count(*) from read_parquet({parts('posts_enriched')}) "
                                      "where precision = 'area'"),
        "cell_month_rows": count(f"select count(*) from read_parquet({sql_path(snap / 'cell_month.parquet')})"),
        "area_month_rows": count(f"select count(*) from read_parquet({sql_path(snap / 'area_month.parquet')})"),
        "risk_rows": count(f"select count(*) from read_parquet({sql_path(snap / 'risk.parquet')})"),
        "correlations_rows": count(f"select count(*) from read_parquet({sql_path(snap / 'correlations.parquet')})"),
    }


def _timed(fn, n: int) -> list[float]:  # noqa: ANN001 - a zero-argument request
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def city_latency(home: Path, n: int = 40) -> dict:
    """The city page of the published snapshot through Flask's test client (access hook, callback, JSON):
    p50/p95 of the map callback (``period``: the month slider, a Patch; ``full``: a resolution switch), the risk
    map of every area, the page (router callback) and the cell GeoJSON route, after one warm-up each."""
    from bench_dashboards import _payload, _pct

    from dashboards.app import create_app
    from dashboards.maps import periods

    app = create_app(home, local_staff=True)
    client = app.server.test_client()
    months = len(periods(CITY))
    out: dict = {"months": months, "calls": n}

    def post(payload: dict) -> int:
        r = client.post("/_dash-update-component", json=payload)
        assert r.status_code in (200, 204), (r.status_code, r.get_data(as_text=True)[:300])
        return len(r.get_data())

    start = time.perf_counter()
    geo = client.get(f"/geojson/{CITY}/8.json")
    out["geojson_first_ms"] = round((time.perf_counter() - start) * 1000, 1)
    out["geojson_kb"] = round(len(geo.get_data()) / 1024)
    out["cells"] = len(json.loads(geo.get_data())["features"])
    start = time.perf_counter()
    outlines = client.get(f"/geojson/{CITY}/areas.json")
    out["areas_geojson_first_ms"] = round((time.perf_counter() - start) * 1000, 1)
    out["areas_geojson_kb"] = round(len(outlines.get_data()) / 1024)
    out["areas"] = len(json.loads(outlines.get_data())["features"])
    page = {"output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"},
                        {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": f"/city/{CITY}"},
                       {"id": "_pages_location", "property": "search", "value": ""},
                       {"id": "lang", "property": "value", "value": "en"}],
            "changedPropIds": ["_pages_location.pathname"], "state": []}
    start = time.perf_counter()
    out["page_kb"] = round(post(page) / 1024)
    out["page_first_ms"] = round((time.perf_counter() - start) * 1000, 1)
    for res in (8, 7, 6):  # warm-up: matrices and polygons are cached per snapshot
        post(_payload(0, res, "map-res.value", city=CITY))
    last = max(months - 1, 0)
    step = itertools.count()
    out["period"] = _pct(_timed(lambda: post(_payload(next(step) % max(months, 1), 8, "map-period.value",
                                                      city=CITY)), n))
    out["full"] = _pct(_timed(lambda: post(_payload(last, (8, 7)[next(step) % 2], "map-res.value", city=CITY)), n))
    start = time.perf_counter()
    out["risk_kb"] = round(post(_payload(last, 8, "map-metric.value", city=CITY, metric="risk")) / 1024)
    out["risk_first_ms"] = round((time.perf_counter() - start) * 1000, 1)
    out["risk"] = _pct(_timed(lambda: post(_payload(last, 8, "map-metric.value", city=CITY, metric="risk")),
                              max(5, n // 4)))
    out["page"] = _pct(_timed(lambda: post(page), max(5, n // 4)))
    out["map_p95_ms"] = max(out["period"]["p95_ms"], out["full"]["p95_ms"], out["risk"]["p95_ms"])
    out["under_goal"] = out["map_p95_ms"] < GOAL_P95_MS if out["cells"] else None  # no map: nothing measured
    return out


def bench_city(home: Path | None = None, seed: int = 11, n: int = 40) -> dict:
    """Generate the city in ``home`` (default: a fresh temporary folder) and time every stage; the result dict."""
    from bench import measure

    home = Path(home or tempfile.mkdtemp(prefix="scn-bench-city-"))
    env = {**os.environ, "SCN_HOME": str(home), "DAGSTER_HOME": str(home / "dagster")}
    stages: dict[str, dict] = {}
    ingests: dict[str, dict] = {}
    failed: dict[str, str] = {}

    def stage(name: str, argv: list[str]) -> None:
        print(f"[bench-city] {name} ...", flush=True)
        figures, out, code = measure(argv, env)
        stages[name] = figures
        if code != 0:
            failed[name] = out[-3000:]
            print(f"[bench-city] {name} FAILED ({code}):\n{out[-3000:]}", flush=True)
        elif argv[1:2] == ["ingest"]:
            got = last_json(out) or {}
            ingests[name] = {k: got.get(k) for k in ("rows_read", "accepted", "quarantined", "duplicates")}
            ingests[name]["warnings"] = got.get("warnings")
        if name == "demo":
            stages[name]["summary"] = last_json(out)

    stage("demo", [str(BIN / "scn"), "demo", "--seed", str(seed), "--size", "city", "--json"])
    for name, argv in file_stages(home) + PIPELINE:
        stage(name, [str(BIN / "scn"), *argv])
    pipe = [s for k, s in stages.items() if k != "demo"]
    stages["pipeline"] = {"seconds": round(sum(s["seconds"] for s in pipe), 2),
                          "peak_mb": max(s["peak_mb"] for s in pipe)}
    result: dict = {"city": CITY, "seed": seed, "home": str(home), "stages": stages, "ingest": ingests,
                    "failed": failed, "outcome": outcome(home)}
    if "publish" not in failed:
        print("[bench-city] city page callbacks ...", flush=True)
        figures, out, code = measure([sys.executable, __file__, "--latency-only", str(home), "--calls", str(n)], env)
        stages["dashboard"] = figures
        result["dashboard"] = last_json(out) if code == 0 else {"error": out[-3000:]}
    return result


def markdown(result: dict, command: str) -> str:
    """The per-stage table of a big-city result, with the outcome and the city page's latency, as Markdown."""
    s0 = (result["stages"].get("demo") or {}).get("summary") or {}
    lines = [f"`{command}` on {result.get('date', '')[:10]} ({result.get('machine', {}).get('cpus')} cores): "
             f"London at real size: {s0.get('areas', '?'):,} areas (EPSG:27700 Shapefile, "
             f"{s0.get('vertices', 0):,} vertices), {s0.get('cells', '?'):,} H3 cells, {s0.get('posts', 0):,} posts, "
             f"{s0.get('crimes', 0):,} police.uk rows (no hate column)", "",
             "| stage | seconds | peak MB | rows read | accepted | quarantined |", "|---|---:|---:|---:|---:|---:|"]
    for name, s in result["stages"].items():
        i = result["ingest"].get(name, {})
        flag = " (failed)" if name in result["failed"] else ""
        lines.append(f"| {name}{flag} | {s['seconds']:,.1f} | {s['peak_mb']:,.0f} | "
                     + " | ".join("" if i.get(k) is None else f"{i[k]:,}" for k in ("rows_read", "accepted",
                                                                                   "quarantined")) + " |")
    o = result["outcome"]
    lines += ["", "- outcome: " + ", ".join(f"{k} {v:,}" for k, v in o.items() if v is not None)]
    d = result.get("dashboard")
    if d and "error" not in d:
        lines.append(f"- city page, {d['cells']:,} cells x {d['months']} months, {d['calls']} calls each: map "
                     f"callback p95 {d['map_p95_ms']} ms (goal < {GOAL_P95_MS:.0f} ms: "
                     f"{ {True: 'met', False: 'NOT met', None: 'no map'}[d['under_goal']]}); month slider p50/p95 {d['period']['p50_ms']}/"
                     f"{d['period']['p95_ms']} ms, resolution switch {d['full']['p50_ms']}/{d['full']['p95_ms']} ms, "
                     f"risk map of the areas {d['risk']['p50_ms']}/{d['risk']['p95_ms']} ms ({d['risk_kb']:,} kB, "
                     f"first {d['risk_first_ms']} ms), page {d['page']['p50_ms']}/{d['page']['p95_ms']} ms "
                     f"({d['page_kb']:,} kB, first {d['page_first_ms']} ms), cell GeoJSON {d['geojson_kb']:,} kB "
                     f"(first {d['geojson_first_ms']} ms), outlines of {d.get('areas', 0):,} areas "
                     f"{d.get('areas_geojson_kb', 0):,} kB (built once per snapshot: {d.get('areas_geojson_first_ms')} ms)")
    elif d:
        lines.append("- city page: failed: " + d["error"].splitlines()[-1][:300])
    for name, i in result["ingest"].items():
        if i.get("warnings"):
            lines.append(f"- {name} warnings: {json.dumps(i['warnings'], ensure_ascii=False)[:400]}")
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", help="SCN_HOME to use (default: a fresh temporary folder)")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--calls", type=int, default=40, help="callback calls per measured interaction")
    ap.add_argument("--out", default=str(REPO / "bench-results" / "bigcity.json"))
    ap.add_argument("--latency-only", metavar="HOME", help="only the city page latency on HOME's snapshot (JSON)")
    args = ap.parse_args()
    if args.latency_only:
        print(json.dumps(city_latency(Path(args.latency_only), args.calls)))
        return 0
    import psutil

    result = bench_city(Path(args.home) if args.home else None, args.seed, args.calls)
    result.update(date=datetime.now(UTC).isoformat(timespec="seconds"),
                  machine={"cpus": os.cpu_count(), "python": platform.python_version(),
                           "ram_gb": round(psutil.virtual_memory().total / 2**30, 1)})
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, default=str))
    table = markdown(result, "python scripts/bench_bigcity.py")
    out.with_suffix(".md").write_text(table)
    print("\n" + table)
    print(f"written to {out} and {out.with_suffix('.md')} (SCN_HOME {result['home']})")
    return 1 if result["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
