"""Does the correlation engine recover a planted effect, and stay quiet on null worlds?

    python scripts/effect_recovery.py --seeds 50 --null-seeds 100            # demo worlds (scn.demo.simulate)
    python scripts/effect_recovery.py --seeds 50 --null-seeds 100 --synthetic  # geo.synthetic panels

For each seed and city: the true cell x month panel (hateful geolocated posts as flagged posts) ->
geo.correlate.nb_rate_ratio (the `nb_irr` analysis: area effects, log-population offset, cluster-robust CI).
Prints, per city and overall, the share of planted fits whose 95% CI covers the planted rate ratio (target
>= 0.90), the share with the right sign, and the share of null fits calling a significant link (target <= 0.05).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.correlate import full_panel, nb_rate_ratio  # noqa: E402


def demo_panels(seed: int, null: bool) -> tuple[float, list[tuple[str, pd.DataFrame, pd.DataFrame]]]:
    """Planted rate ratio and (city, cell_month, areas_of_cells) of one demo world."""
    import shapely

    from geo.h3index import area_cells
    from scn.demo import simulate

    world = simulate(seed, size="small", null=null)
    truth = world.truth_cell_month.rename(columns={"hateful_posts": "flagged_posts"})
    areas = world.areas.assign(geometry_wkt=shapely.to_wkt(world.areas["geometry"].to_numpy()))
    cells_of_areas = area_cells(areas[["city_id", "area_code", "geometry_wkt"]], 8)
    return world.rate_ratio, [(str(c), cm, cells_of_areas[cells_of_areas["city_id"] == c])
                              for c, cm in truth.groupby("city_id")]


def synthetic_panels(seed: int, null: bool) -> tuple[float, list[tuple[str, pd.DataFrame, pd.DataFrame]]]:
    """Planted rate ratio and three synthetic cities of different sizes."""
    from tests.support.geo_worlds import synthetic_panel

    rr = 1.0 if null else 1.15
    out = []
    for i, (name, n_cells) in enumerate([("small", 60), ("medium", 150), ("large", 300)]):  # three cities
        cm, areas = synthetic_panel(seed * 10 + i, rr, n_cells=n_cells, city_id=name)
        out.append((name, cm, areas))
    return rr, out


def fits(seed: int, null: bool, synthetic: bool) -> pd.DataFrame:
    rr, panels = (synthetic_panels if synthetic else demo_panels)(seed, null)
    rows = []
    for city, cm, areas in panels:  # per city
        nb = nb_rate_ratio(full_panel(cm), areas)
        rows.append({"seed": seed, "city_id": city, "null": null, "rr": rr, "irr": nb.get("irr"),
                     "lo": nb.get("lo"), "hi": nb.get("hi"), "effects": nb.get("effects")})
    return pd.DataFrame(rows)


def summarise(planted: pd.DataFrame, null: pd.DataFrame) -> dict:
    planted = planted.assign(covers=(planted["lo"] <= planted["rr"]) & (planted["rr"] <= planted["hi"]),
                             sign_ok=planted["irr"] > 1, estimated=planted["irr"].notna())
    null = null.assign(significant=(null["lo"] > 1) | (null["hi"] < 1))
    by_city = planted.groupby("city_id")
    return {
        "planted_rate_ratio": float(planted["rr"].iloc[0]) if len(planted) else None,
        "planted_fits": len(planted), "estimated": int(planted["estimated"].sum()),
        "coverage": round(float(planted["covers"].mean()), 3),
        "sign_recovered": round(float(planted["sign_ok"].mean()), 3),
        "median_irr": round(float(planted["irr"].median()), 3),
        "coverage_by_city": by_city["covers"].mean().round(3).to_dict(),
        "cities_meeting_90pct": int((by_city["covers"].mean() >= 0.9).sum()), "cities": int(by_city.ngroups),
        "null_fits": len(null),
        "null_significant_share": round(float(null["significant"].mean()), 3),
        "null_significant_by_city": null.groupby("city_id")["significant"].mean().round(3).to_dict(),
        "effects": planted["effects"].value_counts().to_dict(),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=50)
    ap.add_argument("--null-seeds", type=int, default=100)
    ap.add_argument("--first-seed", type=int, default=1000)
    ap.add_argument("--synthetic", action="store_true", help="use geo.synthetic panels instead of scn.demo worlds")
    args = ap.parse_args()
    start = time.perf_counter()
    planted = pd.concat([fits(args.first_seed + s, False, args.synthetic) for s in range(args.seeds)],
                        ignore_index=True)
    null = pd.concat([fits(args.first_seed + 10_000 + s, True, args.synthetic) for s in range(args.null_seeds)],
                     ignore_index=True)
    report = {"worlds": "synthetic" if args.synthetic else "scn.demo small", **summarise(planted, null),
              "seconds": round(time.perf_counter() - start, 1)}
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
