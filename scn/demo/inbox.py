"""`generate`: simulate the world city by city and write it into ``home/inbox`` (bounded memory)."""

from __future__ import annotations

from pathlib import Path

from scn.demo import writers
from scn.demo.spec import MONTHS, PLANTED_RATE_RATIO, registry
from scn.demo.world import iter_cities, network_frames


def generate(home: Path, seed: int = 11, size: str = "small", null: bool = False) -> dict:
    """Write the demo world into ``home/"inbox"`` in the contract's inbox formats; return a JSON-able summary."""
    inbox = Path(home) / "inbox"
    files = writers.write_cities(inbox)
    rows = {"posts": 0, "crimes": 0, "hate_crimes": 0, "areas": 0}
    area_codes: dict[str, list[str]] = {}
    cities, campaigns = [], []
    for cw in iter_cities(seed, size, null):
        cid = cw.geo.city_id
        files += writers.write_boundaries(cw.geo, inbox)
        files += writers.write_posts(cid, cw.posts, inbox)
        files += writers.write_crimes(cw.geo, cw.crimes, seed, inbox)
        area_codes[cid] = cw.geo.areas["area_code"].tolist()
        rows["posts"] += len(cw.posts)
        rows["crimes"] += len(cw.crimes)
        rows["hate_crimes"] += int(cw.crimes["is_hate"].sum())
        rows["areas"] += len(cw.geo.areas)
        cities.append({"city_id": cid, "continent": str(cw.city["continent"]), "posts": len(cw.posts),
                       "crimes": len(cw.crimes), "cells": len(cw.geo.cells)})
        camp = cw.posts.dropna(subset=["campaign"]).groupby("campaign")
        campaigns += [{"campaign": k, "posts": len(g), "accounts": int(g["author"].nunique()),
                       "start": str(g["created_at"].min())} for k, g in camp]  # one or three per city
    frames = network_frames(seed, size, area_codes)
    files += writers.write_surveys(frames["surveys"], frames["codebook"], inbox)
    files += writers.write_programme(frames, inbox)
    rows.update({"survey_responses": int(sum(len(f) for f in frames["surveys"].values())),
                 "activities": len(frames["activities"]), "participants": len(frames["participants"]),
                 "grants": len(frames["grants"]), "cities_registry": len(registry())})
    return {"seed": seed, "size": size, "null": null, "rate_ratio": 1.0 if null else PLANTED_RATE_RATIO,
            "months": [MONTHS[0], MONTHS[-1]], "cities": cities, "campaigns": campaigns, "rows": rows,
            "files": len(files), "file_list": sorted(str(p.relative_to(inbox)) for p in files)}
