"""Capacity table: how run time grows with posts and cities, measured on demo worlds that fit on this machine and
extrapolated from the measured slopes to the network's target (160 cities x 1M posts a month).

Each point is a fresh SCN_HOME with a demo world of N cities (the first N of the large world's cities) at a given
volume of posts per city and month (24 months; scn.demo with a size registered for the run), then the pipeline's
stages timed one by one through the real `scn` CLI, as scripts/bench.py does (ingest, enrich, transforms,
analysis, publish: each a `scn run --select ...`, so each pays its own process and Dagster start-up).
Per stage, a non-negative least-squares fit ``seconds = a + c * cities + b * posts`` over the points: ``a`` is
the fixed cost of a run, ``c`` the cost of one more city whatever its volume (its boundaries, crime files, cells
and partitions), ``b`` the cost of one more post; fitted on wall seconds (the run's latency here) and on CPU
seconds (user + system of the stage's whole process tree: what the work costs, hardly moved by other jobs on a
shared machine). The table then predicts larger networks from the fits.

    nice -n 10 .venv/bin/python scripts/capacity.py            # measure (about 20 minutes on an idle machine)
    .venv/bin/python scripts/capacity.py --from-json           # re-fit and re-write from bench-results/capacity.json
    nice -n 10 .venv/bin/python scripts/capacity.py --points 16:150 --out /tmp/c16.json   # points measured side
    .venv/bin/python scripts/capacity.py --merge /tmp/c1.json /tmp/c16.json ...           # by side, then merged

CPU seconds do not depend on what else runs, so points may be measured side by side and merged. The fit is
checked against the recorded `make bench SIZE=large` run (bench-results/large-2026-11-23.json: 30 cities,
9.9M posts, wall seconds on the same 2 cores).

Writes bench-results/capacity.json (every point, every stage) and bench-results/capacity.md (the tables).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from bench import STAGES, measure  # noqa: E402 - scripts/ is on sys.path

PIPELINE = [(name, argv) for name, argv in STAGES if name != "demo"]
STAGE_NAMES = [name for name, _ in PIPELINE]
# (cities, posts per city and month before the population weighting): spans cities at a small volume and volume at
# one and at many cities, so that the per-city and the per-post slopes separate
POINTS = [(1, 800), (16, 150), (4, 1200), (1, 5000)]  # cheapest first
MONTHS = 24
TARGETS = [  # (label, cities, posts in the run)
    ("1 city, 10k posts/month, 24 months", 1, 240_000),
    ("16 cities, 100k posts/month, 24 months", 16, 2_400_000),
    ("160 cities, 1M posts/month: one month", 160, 1_000_000),
    ("160 cities, 1M posts/month: 24 months", 160, 24_000_000),
]


def world(home: Path, cities: int, per_city_month: float, seed: int = 11) -> dict:
    """Write a demo world of the first ``cities`` cities at ``per_city_month`` posts per city and month."""
    from scn.demo import inbox, spec

    name = f"capacity-{cities}-{per_city_month:g}"
    small = spec.SIZES["small"]
    spec.SIZES[name] = spec.Size(tuple(spec.LARGE_CITIES[:cities]), float(per_city_month), small.hate_share,
                                 small.hate_crimes_per_city_month, small.nonhate_per_hate, small.areas,
                                 small.respondents)
    summary = inbox.generate(home, seed=seed, size=name)
    return {"cities": cities, "per_city_month": per_city_month, "posts": summary["rows"]["posts"],
            "crimes": summary["rows"]["crimes"], "areas": summary["rows"]["areas"], "files": summary["files"]}


def measure_point(cities: int, per_city_month: float) -> dict:
    """A fresh home, its world, then each stage timed (seconds, peak MB of the stage's process tree)."""
    home = Path(tempfile.mkdtemp(prefix=f"scn-capacity-{cities}-"))
    env = {**os.environ, "SCN_HOME": str(home), "DAGSTER_HOME": str(home / "dagster")}
    start = time.perf_counter()
    point = world(home, cities, per_city_month)
    point["demo_seconds"] = round(time.perf_counter() - start, 2)
    point["stages"] = {}
    for name, argv in PIPELINE:
        print(f"[capacity] {cities} cities, {point['posts']:,} posts: {name} ...", flush=True)
        figures, out, code = measure([str(BIN / "scn"), *argv], env)
        if code != 0:
            raise SystemExit(f"{name} failed ({code}) in {home}:\n{out[-4000:]}")
        point["stages"][name] = figures
    point["pipeline_seconds"] = round(sum(s["seconds"] for s in point["stages"].values()), 2)
    point["pipeline_cpu_seconds"] = round(sum(s["cpu_seconds"] for s in point["stages"].values()), 2)
    point["home"] = str(home)
    return point


def fit(points: list[dict], metric: str = "seconds") -> dict[str, dict]:
    """Per stage (and the whole pipeline): non-negative least squares ``metric = a + c*cities + b*posts``
    (``metric``: seconds or cpu_seconds), with the largest relative error of the fit on the measured points."""
    from scipy.optimize import nnls

    design = np.array([[1.0, p["cities"], p["posts"]] for p in points])
    scale = np.array([1.0, 1.0, 1e-6])  # condition the design: b is fitted per million posts
    per_city = len({p["cities"] for p in points}) > 1  # else c cannot be told from a: not measured, left at 0
    if not per_city:
        design, scale = design[:, [0, 2]], scale[[0, 2]]
    out = {}
    for name in [*STAGE_NAMES, "pipeline"]:
        y = np.array([p[f"pipeline_{metric}"] if name == "pipeline" else p["stages"][name][metric]
                      for p in points])
        coef, _ = nnls(design * scale, y)
        pred = design * scale @ coef
        a, c, b_per_m = (float(v) for v in (coef if per_city else (coef[0], 0.0, coef[1])))
        out[name] = {"a_s": round(a, 2), "c_s_per_city": round(c, 3), "b_s_per_1m_posts": round(b_per_m, 1),
                     "per_city_measured": per_city,
                     "max_rel_err": round(float(np.max(np.abs(pred - y) / y)), 3),
                     "peak_mb_max": max(s["peak_mb"] for p in points for n, s in p["stages"].items()
                                        if name in (n, "pipeline"))}
    return out


def predict(coef: dict, cities: int, posts: int) -> float:
    return coef["a_s"] + coef["c_s_per_city"] * cities + coef["b_s_per_1m_posts"] * posts / 1e6


def kind(coef: dict, cities: int = 160, posts: int = 24_000_000) -> str:
    """Which term dominates the stage at the target: fixed, per city or per post."""
    terms = {"fixed": coef["a_s"], "per city": coef["c_s_per_city"] * cities,
             "per post": coef["b_s_per_1m_posts"] * posts / 1e6}
    return max(terms, key=lambda k: terms[k])


def markdown(result: dict) -> str:
    """The measured points, the fitted slopes and the extrapolated targets, as Markdown."""
    m = result["machine"]
    lines = [f"`nice -n 10 .venv/bin/python scripts/capacity.py` on {result['date'][:10]} ({m['cpus']} cores, "
             f"{m['ram_gb']} GiB, Python {m['python']}), on a machine shared with other jobs (load average "
             f"{result['load_avg']} at the start, {result.get('load_avg_end', '?')} at the end): wall seconds are "
             "inflated by the others' load; CPU seconds (user + system of each stage's process tree) hardly.", "",
             "Measured (fresh home per point, 24 months, stages as in `make bench`; wall s / CPU s):", "",
             "| cities | posts | crimes | " + " | ".join(STAGE_NAMES) + " | pipeline wall s | pipeline CPU s |",
             "|---:|---:|---:|" + "---:|" * (len(STAGE_NAMES) + 2)]
    for p in result["points"]:
        lines.append(f"| {p['cities']} | {p['posts']:,} | {p['crimes']:,} | "
                     + " | ".join(f"{p['stages'][n]['seconds']:,.0f} / {p['stages'][n]['cpu_seconds']:,.0f}"
                                  for n in STAGE_NAMES)
                     + f" | {p['pipeline_seconds']:,.0f} | {p['pipeline_cpu_seconds']:,.0f} |")
    for key, what in (("fit", "wall seconds"), ("fit_cpu", "CPU seconds")):
        f = result[key]
        lines += ["", f"Fit per stage on {what}, `{what} = a + c * cities + b * posts` (non-negative least "
                  "squares; crimes, areas and cells grow with the cities here, so they are in `c`)"
                  + ("" if f["pipeline"].get("per_city_measured", True) else
                     ". Every point has the same number of cities, so `c` is not measured (0 below): `a` holds "
                     "that city's cost and the extrapolation to more cities leaves the per-city cost out (see the "
                     "check against the recorded 30-city run)") + ":", "",
                  "| stage | a: fixed | c: per city | b: per 1M posts | worst fit error | peak MB measured | "
                  "dominant term at 160 cities x 24M posts |", "|---|---:|---:|---:|---:|---:|---|"]
        for name in [*STAGE_NAMES, "pipeline"]:
            c = f[name]
            lines.append(f"| {name} | {c['a_s']:,.1f} | {c['c_s_per_city']:,.2f} | {c['b_s_per_1m_posts']:,.0f} | "
                         f"{c['max_rel_err']:.0%} | {c['peak_mb_max']:,.0f} | {kind(c)} |")
    lines += ["", "Extrapolated, one full run over the posts named (as `scn run` recomputes today), from the "
              "per-stage fits: CPU seconds per stage and in all (on an idle machine a run's latency is about its "
              "CPU time divided by the cores it keeps busy, between 1 and 2 here), and the wall fit of this "
              "shared machine (only meaningful when the load stayed steady across the points):", "",
              "| network | cities | posts in the run | " + " | ".join(f"{n} CPU s" for n in STAGE_NAMES)
              + " | CPU | wall fit |", "|---|---:|---:|" + "---:|" * (len(STAGE_NAMES) + 2)]
    for label, cities, posts in TARGETS:
        per = [predict(result["fit_cpu"][n], cities, posts) for n in STAGE_NAMES]
        wall = sum(predict(result["fit"][n], cities, posts) for n in STAGE_NAMES)
        lines.append(f"| {label} | {cities} | {posts:,} | " + " | ".join(f"{s:,.0f}" for s in per)
                     + f" | {hours(sum(per))} | {hours(wall)} |")
    rec = result.get("recorded")
    if rec:
        lines += ["", f"Check against a recorded run ({rec['source']}: `make bench SIZE=large`, {rec['cities']} cities, "
                  f"{rec['posts']:,} posts, an older labeller before identical texts were labelled once), "
                  "seconds:", "", "| stage | recorded wall | predicted wall | predicted CPU |", "|---|---:|---:|---:|"]
        for n, v in rec["stages"].items():
            lines.append(f"| {n} | {v['recorded_s']:,.0f} | {v['predicted_wall_s']:,} | {v['predicted_cpu_s']:,} |")
    lines.append("")
    return "\n".join(lines)


def recorded_check(wall: dict, cpu: dict) -> dict | None:
    """The fits' prediction for the recorded large run beside what it took (wall seconds, 2 cores)."""
    path = REPO / "bench-results" / "large-2026-11-23.json"
    if not path.exists():
        return None
    rec = json.loads(path.read_text())
    cities, posts = 30, rec["lake_rows"]["posts"]
    return {"source": path.name, "cities": cities, "posts": posts,
            "stages": {n: {"recorded_s": rec["stages"][n]["seconds"], "predicted_wall_s": round(predict(wall[n], cities, posts)),
                           "predicted_cpu_s": round(predict(cpu[n], cities, posts))} for n in STAGE_NAMES}}


def hours(seconds: float) -> str:
    return f"{seconds:,.0f} s" if seconds < 3600 else f"{seconds / 3600:,.1f} h"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(REPO / "bench-results" / "capacity.json"))
    ap.add_argument("--from-json", action="store_true", help="re-fit and re-write from --out, measure nothing")
    ap.add_argument("--merge", nargs="+", metavar="JSON", help="merge the points of these results into --out")
    ap.add_argument("--points", help="cities:posts_per_city_month,... (default: " +
                    ",".join(f"{c}:{v}" for c, v in POINTS) + ")")
    args = ap.parse_args()
    out = Path(args.out)
    if args.merge:
        parts = [json.loads(Path(f).read_text()) for f in args.merge]
        result = {**parts[0], "points": sorted((p for r in parts for p in r["points"]),
                                               key=lambda p: (p["cities"], p["posts"])),
                  "load_avg": max(r["load_avg"] for r in parts),
                  "load_avg_end": max(r.get("load_avg_end", 0) for r in parts)}
    elif args.from_json:
        result = json.loads(out.read_text())
    else:
        import psutil

        grid = ([tuple(int(x) for x in p.split(":")) for p in args.points.split(",")] if args.points else POINTS)
        result = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "load_avg": round(os.getloadavg()[0], 1),
                  "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                              "ram_gb": round(psutil.virtual_memory().total / 2**30, 1)}, "points": []}
        out.parent.mkdir(parents=True, exist_ok=True)
        for cities, per in grid:
            result["points"].append(measure_point(cities, per))
            out.write_text(json.dumps(result, indent=2))  # each point kept as soon as measured
        result["load_avg_end"] = round(os.getloadavg()[0], 1)
    result["fit"] = fit(result["points"])
    result["fit_cpu"] = fit(result["points"], "cpu_seconds")
    result["recorded"] = recorded_check(result["fit"], result["fit_cpu"])
    out.write_text(json.dumps(result, indent=2))
    table = markdown(result)
    out.with_suffix(".md").write_text(table)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
