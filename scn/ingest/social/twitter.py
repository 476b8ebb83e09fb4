"""X/Twitter API v2 responses: ``data`` (tweets) plus ``includes.places``; one page or a list of pages."""

from __future__ import annotations

from itertools import chain
from pathlib import Path

import numpy as np
import pandas as pd

from scn.ingest.model import Parsed, Source
from scn.ingest.readers import ROW, check_records
from scn.ingest.result import IngestError
from scn.ingest.social.posts import finish_posts

TINY_BBOX_DEG = 0.01  # a place whose bbox is at most this wide and tall (~1 km) gives a point (its centre)


def _pages(doc: object) -> list[dict]:
    pages = doc if isinstance(doc, list) else [doc]
    return [p for p in pages if isinstance(p, dict) and "data" in p]


def is_response(doc: object) -> bool:
    return bool(_pages(doc))


def _places(path: Path, pages: list[dict]) -> pd.DataFrame:
    places = list(chain.from_iterable(p.get("includes", {}).get("places", []) for p in pages))
    check_records(path, places)
    places = pd.DataFrame(places)
    if places.empty or "id" not in places:
        return pd.DataFrame(columns=["place_id", "place", "place_lat", "place_lon"])
    bbox = places["geo"].str.get("bbox") if "geo" in places else pd.Series(np.nan, index=places.index)
    w, s, e, n = (pd.to_numeric(bbox.str.get(i), errors="coerce") for i in range(4))
    tiny = ((e - w) <= TINY_BBOX_DEG) & ((n - s) <= TINY_BBOX_DEG)
    name = places["full_name"] if "full_name" in places else places.get("name")
    return pd.DataFrame({"place_id": places["id"].astype("string"), "place": name,
                         "place_lat": ((s + n) / 2).where(tiny), "place_lon": ((w + e) / 2).where(tiny)})


def parse(src: Source, doc: object) -> Parsed:
    """Tweets -> canonical columns; exact ``geo.coordinates`` win, else the place name (and its centre if tiny)."""

    pages = _pages(doc)
    tweets = list(chain.from_iterable(p["data"] if isinstance(p["data"], list) else [p["data"]] for p in pages))
    check_records(src.archived, tweets)
    tweets = pd.DataFrame(tweets)
    for col in ("id", "created_at", "text"):
        if col not in tweets:
            raise IngestError(f"{src.name}: missing required field '{col}' in `data` (request tweet.fields="
                              "created_at,author_id,geo,lang)")
    geo = tweets["geo"] if "geo" in tweets else pd.Series(np.nan, index=tweets.index, dtype=object)
    point = geo.str.get("coordinates").astype(object).str.get("coordinates")  # all NaN when only place ids
    tweets["place_id"] = geo.str.get("place_id").astype("string")
    merged = tweets.merge(_places(src.archived, pages), on="place_id", how="left")
    lat, lon = _point_or_place(point.str.get(1), merged["place_lat"]), _point_or_place(point.str.get(0),
                                                                                      merged["place_lon"])
    raw = pd.DataFrame({
        "post_id": merged["id"], "created_at": merged["created_at"], "text": merged["text"],
        "lang": merged.get("lang"), "lat": lat, "lon": lon, "place": merged["place"],
        "author": merged.get("author_id"), "platform": "x",
        "url": "https://x.com/i/web/status/" + merged["id"].astype("string"),
    }).astype("string")
    raw[ROW] = np.arange(1, len(raw) + 1)
    return finish_posts(src, raw, "x")


def _point_or_place(point: pd.Series, place: pd.Series) -> np.ndarray:
    """The exact coordinate where the tweet has one, else its place's (bbox centre); positional, as floats."""
    exact = pd.to_numeric(point, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    centre = pd.to_numeric(place, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    return np.where(np.isnan(exact), centre, exact)
