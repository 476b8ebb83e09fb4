"""Capacity table: how a run's cost grows with posts and cities, measured on demo worlds that fit on this machine
and extrapolated from the measured slopes to the network's target (160 cities x 1M posts a month).

Each point is a fresh SCN_HOME with a demo world of N cities (the first N of the large world's cities) at a given
volume of posts per city and month (24 months; scn.demo with a size registered for the run), then the pipeline's
stages timed one by one through the real `scn` CLI, as scripts/bench.py does (ingest, enrich, transforms,
analysis, publish: each a `scn run --select ...`, so each pays its own process and Dagster start-up), then an
incremental run: a new 10,000-post social file for one city (bench.new_social_file) and the `scn run` that
publishes it. Per stage, a non-negative least-squares fit ``CPU seconds = a + c * cities + b * posts``: ``a`` the
fixed cost of a run, ``c`` the cost of one more city whatever its volume (its boundaries, crime files, cells and
partitions), ``b`` the cost of one more post. CPU seconds (user + system of the stage's whole process tree) are
what the work costs whatever else runs; wall seconds on a shared machine measure the others' load, so they are
recorded but not fitted, and a latency is given as CPU seconds over the 1..2 cores a run keeps busy. Each fit is
checked by leaving each point out in turn and predicting it from the others.

Measure a stable copy of the code, not a working tree others edit: the stages import ``scn`` from this script's
checkout, so clone it and put the clone first on PYTHONPATH (the script refuses to measure otherwise):

    git clone -q /work/main /tmp/cap && cd /tmp/cap && export PYTHONPATH=/tmp/cap
    nice -n 19 /work/main/.venv/bin/python scripts/capacity.py --points 1:300,3:300,16:150 --out /tmp/a.json
    nice -n 19 /work/main/.venv/bin/python scripts/capacity.py --points 1:4000,6:300,30:150 --out /tmp/b.json
    /work/main/.venv/bin/python scripts/capacity.py --merge /tmp/a.json /tmp/b.json \\
        --out /work/main/bench-results/capacity.json                   # fit, write capacity.json and .md
    .venv/bin/python scripts/capacity.py --from-json                   # re-fit and re-write from capacity.json

CPU seconds hardly depend on what else runs, so sequences of points may be measured side by side and merged
(only results of the same commit merge). The fit is checked against the recorded `make bench SIZE=large` run
(``RECORDED``: bench-results/large-2026-12-05d.json, run J, 30 cities, 9.9M posts, with CPU seconds).
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

from bench import STAGES, measure, new_social_file, visible_posts  # noqa: E402 - scripts/ is on sys.path

PIPELINE = [(name, argv) for name, argv in STAGES if name != "demo"]
STAGE_NAMES = [name for name, _ in PIPELINE]
# (cities, posts per city and month before the population weighting): spans cities at a small volume and volume at
# one and at many cities, so that the per-city and the per-post slopes separate
# cheapest first. Not (1, 20000): one city at that volume makes the demo world's planted effect ask for ~10^8
# crimes (scn.demo.crime refuses); 30 cities reach the large world's city count, where the per-city terms of
# dbt and publish fitted on up to 16 cities over-predicted run D 2.4-2.6x
POINTS = [(1, 300), (3, 300), (1, 4000), (6, 300), (16, 150), (30, 150)]
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
    # above 4,000 posts per city and month the small world's hate share makes the planted crime effect
    # (rate ratio ** hateful posts per cell) overflow: keep the hateful posts at that level, as the large world does
    share = small.hate_share * min(1.0, 4000 / per_city_month)
    # texts duplicated as in the large world (60% of ordinary posts with a text of their own), so the labeller's
    # and the signatures' deduplication are not flattered (the pool texts alone repeat far more)
    spec.SIZES[name] = spec.Size(tuple(spec.LARGE_CITIES[:cities]), float(per_city_month), share,
                                 small.hate_crimes_per_city_month, small.nonhate_per_hate, small.areas,
                                 small.respondents, own_text_share=spec.SIZES["large"].own_text_share)
    summary = inbox.generate(home, seed=seed, size=name)
    return {"cities": cities, "per_city_month": per_city_month, "hate_share": share,
            "posts": summary["rows"]["posts"], "crimes": summary["rows"]["crimes"], "areas": summary["rows"]["areas"], "files": summary["files"]}


def measure_point(cities: int, per_city_month: float, incremental: bool = True) -> dict:
    """A fresh home, its world, then each stage timed (seconds, CPU seconds, peak MB of the stage's process tree);
    with ``incremental``, then a new 10,000-post social file for one city and the `scn run` that publishes it."""
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
    if incremental:
        print(f"[capacity] {cities} cities: incremental (10,000 new posts for one city, scn run) ...", flush=True)
        new = new_social_file(home)
        before = visible_posts(home, new["city"])
        figures, out, code = measure([str(BIN / "scn"), "run"], env)
        if code != 0:
            raise SystemExit(f"incremental run failed ({code}) in {home}:\n{out[-4000:]}")
        point["incremental"] = {**new, **figures, "visible_posts_added": visible_posts(home, new["city"]) - before}
    point["home"] = str(home)
    return point


def code_measured() -> dict:
    """Which code the stages run: the commit of this script's checkout, the files changed since (this script
    aside) and the folder the `scn` CLI imports ``scn`` from (PYTHONPATH may point it at a stable clone)."""
    import subprocess

    git = ["git", "-C", str(REPO)]
    commit = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    status = subprocess.run([*git, "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                            text=True).stdout.splitlines()
    dirty = [line[3:] for line in status if line[3:] != "scripts/capacity.py"]  # this script measures nothing
    # -P: like the `scn` script, without the working directory on sys.path
    imported = subprocess.run([sys.executable, "-P", "-c", "import scn.cli, pathlib; print(pathlib.Path("
                               "scn.cli.__file__).resolve().parents[1])"], capture_output=True, text=True,
                              cwd=REPO).stdout.strip()
    if Path(imported) != REPO:
        raise SystemExit(f"the stages would import scn from {imported}, not {REPO}: set PYTHONPATH={REPO}")
    return {"commit": commit, "dirty": dirty, "code": imported}


SERIES = [*STAGE_NAMES, "pipeline", "incremental"]  # what is fitted, each on CPU seconds


def cpu(point: dict, name: str) -> float | None:
    """CPU seconds of one stage, of the whole pipeline or of the incremental run at a point (None: not measured)."""
    if name == "pipeline":
        return point["pipeline_cpu_seconds"]
    if name == "incremental":
        return point.get("incremental", {}).get("cpu_seconds")
    return point["stages"][name]["cpu_seconds"]


def nnls_fit(points: list[dict], y: np.ndarray) -> tuple[float, float, float]:
    """Non-negative least squares ``y = a + c*cities + b*posts/1e6``: (a, c, b per million posts); c is left at 0
    when every point has the same number of cities (it cannot be told from a)."""
    from scipy.optimize import nnls

    design = np.array([[1.0, p["cities"], p["posts"] / 1e6] for p in points])
    if len({p["cities"] for p in points}) > 1:
        a, c, b = nnls(design, y)[0]
    else:
        (a, b), c = nnls(design[:, [0, 2]], y)[0], 0.0
    return float(a), float(c), float(b)


def at(coef: tuple[float, float, float], cities: int, posts: float) -> float:
    return coef[0] + coef[1] * cities + coef[2] * posts / 1e6


def fit(points: list[dict]) -> dict[str, dict]:
    """Per stage, pipeline and incremental run: the fit of CPU seconds on every point, its worst relative error on
    those points, and leave-one-out: each point predicted by the fit on the others (signed relative error, and
    that fit's coefficients, which give the spread of an extrapolation)."""
    out = {}
    for name in SERIES:
        pts = [p for p in points if cpu(p, name) is not None]
        if len(pts) < 4:  # no more points than the 3 coefficients: nothing to check a fit with
            continue
        y = np.array([cpu(p, name) for p in pts])
        coef = nnls_fit(pts, y)
        inside = max(abs(at(coef, p["cities"], p["posts"]) - v) / v for p, v in zip(pts, y, strict=True))
        loo, loo_coefs = [], []
        for i, p in enumerate(pts):
            rest = [q for j, q in enumerate(pts) if j != i]
            held = nnls_fit(rest, np.delete(y, i))
            loo_coefs.append([round(v, 4) for v in held])
            loo.append({"cities": p["cities"], "posts": p["posts"], "cpu_s": float(y[i]),
                        "predicted_cpu_s": round(at(held, p["cities"], p["posts"]), 1),
                        "rel_err": round((at(held, p["cities"], p["posts"]) - y[i]) / y[i], 3)})
        worst = max(loo, key=lambda e: abs(e["rel_err"]))
        out[name] = {"a_cpu_s": round(coef[0], 2), "c_cpu_s_per_city": round(coef[1], 3),
                     "b_cpu_s_per_1m_posts": round(coef[2], 1), "points": len(pts),
                     "fit_max_rel_err": round(float(inside), 3), "loo": loo, "loo_coefs": loo_coefs,
                     "loo_max_abs_rel_err": abs(worst["rel_err"]), "loo_worst_point": [worst["cities"], worst["posts"]],
                     "loo_median_abs_rel_err": round(float(np.median([abs(e["rel_err"]) for e in loo])), 3),
                     "peak_mb_max": max((p["stages"][name]["peak_mb"] if name in STAGE_NAMES else
                                         p["incremental"]["peak_mb"] if name == "incremental" else
                                         max(s["peak_mb"] for s in p["stages"].values())) for p in pts)}
    return out


def coef_of(f: dict) -> tuple[float, float, float]:
    return f["a_cpu_s"], f["c_cpu_s_per_city"], f["b_cpu_s_per_1m_posts"]


def predict(fits: dict, cities: int, posts: float) -> dict:
    """CPU seconds per stage and in all at a network, with the range of the total over the leave-one-out fits."""
    stages = {n: at(coef_of(fits[n]), cities, posts) for n in STAGE_NAMES}
    k = len(fits[STAGE_NAMES[0]]["loo_coefs"])
    totals = [sum(at(fits[n]["loo_coefs"][i], cities, posts) for n in STAGE_NAMES) for i in range(k)]
    out = {"stages_cpu_s": {n: round(v) for n, v in stages.items()}, "cpu_s": round(sum(stages.values())),
           "loo_cpu_s": [round(min(totals)), round(max(totals))]}
    if "incremental" in fits:
        inc = fits["incremental"]
        loo = [at(c, cities, posts) for c in inc["loo_coefs"]]
        out["incremental_cpu_s"] = round(at(coef_of(inc), cities, posts))
        out["incremental_loo_cpu_s"] = [round(min(loo)), round(max(loo))]
    return out


def kind(f: dict, cities: int = 160, posts: int = 24_000_000) -> str:
    """Which term dominates a fit at the target: fixed, per city or per post."""
    terms = {"fixed": f["a_cpu_s"], "per city": f["c_cpu_s_per_city"] * cities,
             "per post": f["b_cpu_s_per_1m_posts"] * posts / 1e6}
    return max(terms, key=lambda k: terms[k])


# the recorded `make bench SIZE=large` run the fits are checked against, and what it was
RECORDED = ("large-2026-12-05d.json", "run J, the code of adeb7da with the labels' Arrow streaming of e5d5c2b: the "
            "product code these points measure (its cold stages compute every asset, the review tables included)")


def recorded_check(fits: dict) -> dict | None:
    """The fits' CPU seconds for the recorded large run (``RECORDED``) beside what it took."""
    path = REPO / "bench-results" / RECORDED[0]
    if not path.exists():
        return None
    rec = json.loads(path.read_text())
    cities, posts = 30, rec["lake_rows"]["posts"]
    out = {"source": path.name, "about": RECORDED[1], "date": rec["date"], "cities": cities, "posts": posts,
           "stages": {}}
    for n in STAGE_NAMES:
        s = rec["stages"][n]
        out["stages"][n] = {"recorded_wall_s": s["seconds"], "recorded_cpu_s": s.get("cpu_seconds"),
                            "recorded_peak_mb": s["peak_mb"],
                            "predicted_cpu_s": round(at(coef_of(fits[n]), cities, posts))}
    return out


def hours(seconds: float) -> str:
    return f"{seconds:,.0f} s" if seconds < 3600 else f"{seconds / 3600:,.1f} h"


def pct(x: float) -> str:
    return f"{x:+.0%}"


def markdown(result: dict) -> str:
    """What was measured, the fits with their held-out errors, the extrapolated targets and the recorded check."""
    m, code, fits = result["machine"], result.get("code", {}), result["fit_cpu"]
    inc = any("incremental" in p for p in result["points"])  # measured at some points
    inc_fit = "incremental" in fits  # and fitted (4 points or more)
    lines = [
        f"Measured {result['date'][:16].replace('T', ' ')} UTC with `scripts/capacity.py` "
        + (f"(points from {result['runs']} sequences, merged) " if result.get("runs", 1) > 1 else "")
        + f"on {m['cpus']} cores, {m['ram_gb']} GiB, "
        f"Python {m['python']}; code: commit {code.get('commit', '?')[:12]}"
        + (f" plus changes to {', '.join(code['dirty'])}" if code.get("dirty") else " (clean clone)")
        + f". Load average {result['load_avg']} at the start, {result.get('load_avg_end', 'not recorded')} at the end, "
        f"on {m['cpus']} cores: wall seconds measure the load as well; the fits use CPU seconds (user + system of "
        "each stage's process tree), which the load hardly moves.", "",
        "Each point: a fresh home, a demo world of the first N cities of the large world (24 months), then the "
        "stages of `make bench`, each one `scn run --select ...` (its own process and Dagster start-up)"
        + ("; then a new 10,000-post social file for one city and the `scn run` that publishes it (incremental)"
           if inc else "") + ". CPU seconds per stage:", "",
        "| cities | posts | crimes | " + " | ".join(STAGE_NAMES) + " | pipeline CPU s | pipeline wall s (loaded) |"
        + (" incremental CPU s | incremental wall s (loaded) |" if inc else ""),
        "|---:|---:|---:|" + "---:|" * (len(STAGE_NAMES) + 2) + ("---:|---:|" if inc else "")]
    for p in result["points"]:
        row = (f"| {p['cities']} | {p['posts']:,} | {p['crimes']:,} | "
               + " | ".join(f"{p['stages'][n]['cpu_seconds']:,.1f}" for n in STAGE_NAMES)
               + f" | {p['pipeline_cpu_seconds']:,.1f} | {p['pipeline_seconds']:,.0f} |")
        if inc:
            i = p.get("incremental")
            row += f" {i['cpu_seconds']:,.1f} | {i['seconds']:,.0f} |" if i else " | |"
        lines.append(row)
    lowered = [p for p in result["points"] if p["per_city_month"] > 4000]
    if lowered:
        lines += ["", "Above 4,000 posts per city and month the demo's hate share is lowered to 0.12 x 4,000 / volume "
                  "(the planted crime effect overflows otherwise): " + ", ".join(
                      f"{p['hate_share']:.3f} at {p['posts']:,} posts" for p in lowered if "hate_share" in p) + "."]
    if inc and not inc_fit:
        lines += ["", "The incremental run was measured at fewer than 4 points (time): shown, not fitted."]
    if not fits:
        return "\n".join([*lines, "", "Fewer than 4 points: nothing fitted (3 coefficients need a point more to be "
                          "checked).", ""])
    lines += ["", "Fit per stage, `CPU s = a + c * cities + b * posts` (non-negative least squares over all the points; "
              "crimes, areas and cells grow with the cities, so they are in `c`). Held out: each point predicted by "
              "the fit on the other points (signed error, predicted / measured - 1); the worst is the honest error "
              "of an extrapolation one step beyond the points:", "",
              "| fit | a: CPU s fixed | c: CPU s per city | b: CPU s per 1M posts | worst error on the points | "
              "held out: worst (at cities, posts) | held out: median | peak MB measured | dominant term at 160 "
              "cities x 24M posts |", "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for name, f in fits.items():
        c, posts = f["loo_worst_point"]
        worst = next(e["rel_err"] for e in f["loo"] if [e["cities"], e["posts"]] == [c, posts])
        lines.append(f"| {name} | {f['a_cpu_s']:,.1f} | {f['c_cpu_s_per_city']:,.2f} | "
                     f"{f['b_cpu_s_per_1m_posts']:,.1f} | {f['fit_max_rel_err']:.0%} | {pct(worst)} ({c}, {posts:,}) "
                     f"| {f['loo_median_abs_rel_err']:.0%} | {f['peak_mb_max']:,.0f} | {kind(f)} |")
    lines += ["", "Extrapolated: one full cold run over the posts named (every stage as above), CPU seconds from the "
              "per-stage fits; the range is the lowest and highest total over the held-out fits. A run's latency on "
              "an otherwise idle machine is its CPU seconds divided by the cores it keeps busy: between CPU s / 2 "
              "and CPU s / 1 on these 2 cores. "
              + f"The points reach {max(p['cities'] for p in result['points'])} cities and "
              f"{max(p['posts'] for p in result['points']):,} posts: beyond that the figures are extrapolation.", "",
              "| network | cities | posts in the run | " + " | ".join(f"{n} CPU s" for n in STAGE_NAMES)
              + " | CPU s | held-out range CPU s | latency at 2..1 busy cores |"
              + (" incremental run CPU s (held-out range) |" if inc_fit else ""),
              "|---|---:|---:|" + "---:|" * (len(STAGE_NAMES) + 3) + ("---:|" if inc_fit else "")]
    for t in result["targets"]:
        pr = t["predicted"]
        row = (f"| {t['label']} | {t['cities']} | {t['posts']:,} | "
               + " | ".join(f"{pr['stages_cpu_s'][n]:,}" for n in STAGE_NAMES)
               + f" | {pr['cpu_s']:,} | {pr['loo_cpu_s'][0]:,} .. {pr['loo_cpu_s'][1]:,} | "
               f"{hours(pr['cpu_s'] / 2)} .. {hours(pr['cpu_s'])} |")
        if inc_fit:
            row += (f" {pr['incremental_cpu_s']:,} ({pr['incremental_loo_cpu_s'][0]:,} .. "
                    f"{pr['incremental_loo_cpu_s'][1]:,}) |")
        lines.append(row)
    rec = result.get("recorded")
    if rec:
        has_cpu = all(v["recorded_cpu_s"] is not None for v in rec["stages"].values())
        beyond = rec["posts"] / max(p["posts"] for p in result["points"])
        lines += ["", f"Check against the recorded `make bench SIZE=large` run ({rec['source']}, {rec['date'][:10]}; "
                  f"{rec.get('about', 'older code')}): {rec['cities']} cities, {rec['posts']:,} posts, {beyond:.0f}x "
                  "the largest point's posts. "
                  + ("It recorded CPU seconds: the prediction agrees when it is within 0.5x..2x of them."
                     if has_cpu else "It recorded wall seconds only, no CPU seconds: a stage that kept 1 to 2 of "
                     "the 2 cores busy used 1 to 2 times its wall seconds in CPU (less if it waited on the disk or "
                     "on other jobs), so the prediction agrees when it falls in that range.") + " Seconds:", ""]
        if has_cpu:
            lines += ["| stage | recorded wall s | recorded CPU s | predicted CPU s | predicted / recorded | "
                      "recorded peak MB |", "|---|---:|---:|---:|---:|---:|"]
            for n, v in rec["stages"].items():
                ratio = v["predicted_cpu_s"] / v["recorded_cpu_s"] if v["recorded_cpu_s"] else float("inf")
                lines.append(f"| {n} | {v['recorded_wall_s']:,.0f} | {v['recorded_cpu_s']:,.0f} | "
                             f"{v['predicted_cpu_s']:,} | {ratio:.2f} | {v['recorded_peak_mb']:,.0f} |")
            off = [n for n, v in rec["stages"].items()
                   if not 0.5 * v["recorded_cpu_s"] <= v["predicted_cpu_s"] <= 2 * v["recorded_cpu_s"]]
        else:
            lines += ["| stage | recorded wall s | CPU s if 1..2 cores busy | predicted CPU s | recorded peak MB |",
                      "|---|---:|---:|---:|---:|"]
            for n, v in rec["stages"].items():
                w = v["recorded_wall_s"]
                lines.append(f"| {n} | {w:,.0f} | {w:,.0f} .. {2 * w:,.0f} | {v['predicted_cpu_s']:,} | "
                             f"{v['recorded_peak_mb']:,.0f} |")
            off = [n for n, v in rec["stages"].items()
                   if not v["recorded_wall_s"] <= v["predicted_cpu_s"] <= 2 * v["recorded_wall_s"]]
        if off:
            lines += ["", f"Outside the range: {', '.join(off)}. There the slopes measured on these points do not "
                      f"reach {beyond:.0f}x their posts: read the extrapolated rows for those stages as unmeasured."]
    lines.append("")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(REPO / "bench-results" / "capacity.json"))
    ap.add_argument("--from-json", action="store_true", help="re-fit and re-write from --out, measure nothing")
    ap.add_argument("--merge", nargs="+", metavar="JSON", help="merge the points of these results into --out")
    ap.add_argument("--points", help="cities:posts_per_city_month,... (default: " +
                    ",".join(f"{c}:{v}" for c, v in POINTS) + ")")
    ap.add_argument("--no-incremental", action="store_true", help="without the incremental run per point")
    args = ap.parse_args()
    out = Path(args.out)
    if args.merge:
        parts = [json.loads(Path(f).read_text()) for f in args.merge]
        result = {**parts[0], "date": min(r["date"] for r in parts), "points": sorted((p for r in parts for p in r["points"]),
                                               key=lambda p: (p["cities"], p["posts"])),
                  "load_avg": max(r["load_avg"] for r in parts),
                  "load_avg_end": max(r.get("load_avg_end", 0) for r in parts), "runs": len(parts)}
        if len({json.dumps(r.get("code", {}).get("commit")) for r in parts}) > 1:
            raise SystemExit("the results to merge measured different commits")
    elif args.from_json:
        result = json.loads(out.read_text())
    else:
        import psutil

        grid = ([tuple(int(x) for x in p.split(":")) for p in args.points.split(",")] if args.points else POINTS)
        result = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "load_avg": round(os.getloadavg()[0], 1),
                  "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                              "ram_gb": round(psutil.virtual_memory().total / 2**30, 1)},
                  "code": code_measured(), "points": []}
        out.parent.mkdir(parents=True, exist_ok=True)
        for cities, per in grid:
            result["points"].append(measure_point(cities, per, not args.no_incremental))
            out.write_text(json.dumps(result, indent=2))  # each point kept as soon as measured
        result["load_avg_end"] = round(os.getloadavg()[0], 1)
    result.pop("fit", None)  # the wall fit of earlier versions: the load, not the latency
    result["fit_cpu"] = fit(result["points"])
    fitted = all(n in result["fit_cpu"] for n in STAGE_NAMES)  # 4 points or more
    result["targets"] = ([{"label": label, "cities": c, "posts": n, "predicted": predict(result["fit_cpu"], c, n)}
                          for label, c, n in TARGETS] if fitted else [])
    result["recorded"] = recorded_check(result["fit_cpu"]) if fitted else None
    out.write_text(json.dumps(result, indent=2))
    table = markdown(result)
    out.with_suffix(".md").write_text(table)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
