"""A city whose cell_month crimes are null on every row gets no_crime_data; posts null:

from __future__ import annotations
no_social_data; a city that sends both keeps its usual reason."""
import json

import numpy as np
import pandas as pd

from scn.analysis.engine import analyse_rows


def _city(city, posts, crimes, rng):
    rows = []
    for c in range(8):
        for m in range(1, 13):
            rows.append({"city_id": city, "cell": f"{city}{c}", "period": f"2024-{m:02d}",
                         "posts": None if posts is None else int(rng.poisson(posts)),
                         "crimes": None if crimes is None else int(rng.poisson(crimes))})
    f = pd.DataFrame(rows)
    f["flagged_posts"] = f["posts"] // 2 if posts is not None else None
    f["hate_crimes"] = f["crimes"] // 2 if crimes is not None else None
    return f


def test_engine_notes_a_missing_source():
    rng = np.random.default_rng(0)
    panel = pd.concat([_city("postsonly", 20, None, rng), _city("crimesonly", None, 6, rng)], ignore_index=True)
    for c in ("posts", "flagged_posts", "crimes", "hate_crimes"):
        panel[c] = pd.to_numeric(panel[c]).astype("Int64").astype("float64")
    t = analyse_rows(panel)
    v = t[t["analysis"] == "verdict"].set_index("city_id")
    notes = {c: json.loads(d).get("note") for c, d in v["detail"].items()}
    assert notes == {"postsonly": "no_crime_data", "crimesonly": "no_social_data"}
    assert (v["verdict"] == "insufficient_data").all()
