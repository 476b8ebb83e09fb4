"""Does the correlation engine recover the demo world's planted effect, and stay quiet on null worlds?

    python scripts/effect_recovery.py --seeds 50 --null-seeds 100

For each seed: scn.demo.simulate(seed) -> the true cell x month panel (hateful posts with coordinates) ->
geo.correlate.nb_rate_ratio per city. Reports the share of (seed, city) fits whose 95% CI covers the planted rate
ratio, and the share of null (seed, city) fits that call a significant link (CI excludes 1).
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
from scn.demo import simulate  # noqa: E402


def fits(seed: int, null: bool) -> pd.DataFrame:
    world = simulate(seed, size="small", null=null)
    truth = world.truth_cell_month.rename(columns={"hateful_posts": "flagged_posts"})
    rows = []
    for city, cm in truth.groupby("city_id"):  # per city
        nb = nb_rate_ratio(full_panel(cm))
        rows.append({"seed": seed, "city_id": city, "null": null, "rr": world.rate_ratio,
                     "irr": nb.get("irr"), "lo": nb.get("lo"), "hi": nb.get("hi")})
    return pd.DataFrame(rows)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=50)
    ap.add_argument("--null-seeds", type=int, default=100)
    ap.add_argument("--first-seed", type=int, default=1000)
    args = ap.parse_args()
    start = time.perf_counter()
    planted = pd.concat([fits(args.first_seed + s, False) for s in range(args.seeds)], ignore_index=True)
    null = pd.concat([fits(args.first_seed + 10_000 + s, True) for s in range(args.null_seeds)], ignore_index=True)
    planted["covers"] = (planted["lo"] <= planted["rr"]) & (planted["rr"] <= planted["hi"])
    planted["sign_ok"] = planted["irr"] > 1
    null["significant"] = (null["lo"] > 1) | (null["hi"] < 1)
    report = {
        "planted_rate_ratio": float(planted["rr"].iloc[0]),
        "planted_fits": len(planted),
        "coverage": round(float(planted["covers"].mean()), 3),
        "sign_recovered": round(float(planted["sign_ok"].mean()), 3),
        "coverage_by_city": planted.groupby("city_id")["covers"].mean().round(3).to_dict(),
        "null_fits": len(null),
        "null_significant_share": round(float(null["significant"].mean()), 3),
        "null_significant_by_city": null.groupby("city_id")["significant"].mean().round(3).to_dict(),
        "seconds": round(time.perf_counter() - start, 1),
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
