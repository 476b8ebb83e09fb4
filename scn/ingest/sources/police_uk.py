"""police.uk: street-level crimes of a city's area, month by month (England, Wales and Northern Ireland; no key).

API (data.police.uk/docs): ``GET /api/crimes-street-dates`` lists the months available (``[{"date": "2025-01",
"stop-and-search": [...]}, ...]``, newest first); ``GET /api/crimes-street/all-crime?poly=lat,lng:lat,lng:...&date=
YYYY-MM`` returns the month's crimes in the polygon: ``[{category, location_type, location: {latitude, longitude,
street: {id, name}}, context, outcome_status, persistent_id, id, location_subtype, month}]``. An area with more than
10,000 crimes in the month answers **503**: the polygon is then split in four (its bounding-box quarters, clipped
to it) and each part asked for, down to ``options.max_depth`` (default 6) splits. A request URL over 4,094
characters is sent as a POST (the API's advice for complex polygons). The API allows 15 requests a second.

The area: ``bbox`` (west, south, east, north) or ``options.poly`` (``lat,lng:lat,lng:...``). Months: from ``since``
(default: the latest available month) to the latest; each month's parts are a page; the cursor keeps the months
done and, for the month under way, the parts done, so a kill resumes with the next part.

Rows are written as the police.uk CSV columns the crime family reads: ``Crime ID`` = ``persistent_id`` (the CSV's
id; anti-social behaviour has none, so ``api-<id>``, the API's own id, keeps two reports apart), ``Month``,
``Latitude``, ``Longitude``, ``Location`` (the anonymised street), ``Crime type`` (the category slug as the CSV
names it, e.g. ``violent-crime`` -> ``Violence and sexual offences``). **police.uk has no hate-crime flag**: every
row has ``is_hate`` NULL (unknown, never false; warning ``no_hate_flag``); hate crime needs a force's own data (a
generic crime file with ``hate_flag``/``bias``, or ``scn ingest crime-counts``). No LSOA code in the API (the geo layer assigns areas from the point).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scn.ingest.sources.base import ConfigError, Page, SourceError
from scn.ingest.sources.config import SourceConfig
from scn.ingest.sources.http import PoliteClient

DEFAULT_BASE = "https://data.police.uk"
MAX_GET_URL = 4094
CATEGORIES = {  # /api/crime-categories: slug -> the name the street-level CSV uses
    "anti-social-behaviour": "Anti-social behaviour", "bicycle-theft": "Bicycle theft", "burglary": "Burglary",
    "criminal-damage-arson": "Criminal damage and arson", "drugs": "Drugs", "other-theft": "Other theft",
    "possession-of-weapons": "Possession of weapons", "public-order": "Public order", "robbery": "Robbery",
    "shoplifting": "Shoplifting", "theft-from-the-person": "Theft from the person", "vehicle-crime": "Vehicle crime",
    "violent-crime": "Violence and sexual offences", "other-crime": "Other crime",
}


def area(config: SourceConfig) -> Any:
    """The collection area as a shapely polygon (``options.poly`` as lat,lng pairs, else ``bbox``)."""
    from shapely.geometry import Polygon, box

    poly = config.options.get("poly")
    if poly:
        try:
            pairs = [tuple(float(v) for v in p.split(",")) for p in str(poly).split(":")]
            shape = Polygon([(lng, lat) for lat, lng in pairs])
        except (ValueError, TypeError) as exc:
            raise ConfigError("police-uk", "options.poly is not lat,lng:lat,lng:... pairs") from exc
        if not shape.is_valid or shape.area == 0:
            raise ConfigError("police-uk", "options.poly is not a valid polygon")
        return shape
    if config.bbox is None:
        raise ConfigError("police-uk", "no area: give `bbox:` (west, south, east, north) or options.poly")
    return box(*config.bbox)


def poly_param(shape: Any) -> str:
    """A polygon as the API's ``poly`` (``lat,lng`` pairs joined by ``:``; the closing point dropped)."""
    coords = list(shape.exterior.coords)[:-1]
    return ":".join(f"{lat:.6f},{lng:.6f}" for lng, lat in coords)


def quarters(shape: Any) -> list[Any]:
    """The polygon cut by its bounding box's four quarters (non-empty polygon parts only)."""
    from shapely.geometry import box

    w, s, e, n = shape.bounds
    mx, my = (w + e) / 2, (s + n) / 2
    out = []
    for q in (box(w, s, mx, my), box(mx, s, e, my), box(w, my, mx, n), box(mx, my, e, n)):
        part = shape.intersection(q)
        for geom in getattr(part, "geoms", [part]):
            if geom.geom_type == "Polygon" and geom.area > 0:
                out.append(geom)
    return out


def crime_rows(crimes: list[dict]) -> Any:
    """API crimes -> police.uk CSV rows (the crime family's police.uk layout)."""
    import pandas as pd

    if not crimes:
        return pd.DataFrame()
    df = pd.json_normalize(crimes)
    for col in ("persistent_id", "id", "month", "category", "location.latitude", "location.longitude",
                "location.street.name"):
        if col not in df:
            df[col] = None
    pid = df["persistent_id"].astype("string").str.strip().replace("", pd.NA)
    category = df["category"].astype("string")
    return pd.DataFrame({
        "Crime ID": pid.fillna("api-" + df["id"].astype("string")), "Month": df["month"],
        "Longitude": df["location.longitude"], "Latitude": df["location.latitude"],
        "Location": df["location.street.name"], "Crime type": category.map(CATEGORIES).fillna(category),
    })


class PoliceUk:
    name = "police-uk"
    kind = "crime"

    def _months(self, http: PoliteClient, base: str, config: SourceConfig, done: set[str]) -> list[str]:
        _, doc = http.get_json(f"{base}/api/crimes-street-dates", "crimes-street-dates", list)
        try:
            dates = sorted({str(d["date"]) for d in doc})
        except (KeyError, TypeError) as exc:
            raise SourceError(self.name, "crimes-street-dates: not a list of months") from exc
        if not dates:
            return []
        first = config.since.strftime("%Y-%m") if config.since else dates[-1]
        return [m for m in dates if m >= first and m not in done]

    def _crimes(self, http: PoliteClient, base: str, shape: Any, month: str, split: bool) -> Any:
        """The month's crimes in ``shape``; None when the API says there are too many (503) and ``split``."""
        url = f"{base}/api/crimes-street/all-crime"
        data = {"poly": poly_param(shape), "date": month}
        retries = http.retries
        if split:
            http.retries = 0  # a 503 here means "more than 10,000 crimes": split at once, do not retry
        try:
            if len(url) + len(data["poly"]) + 20 > MAX_GET_URL:
                return http.request("POST", url, data=data)
            return http.get(url, params=data)
        except SourceError as exc:
            if split and exc.status == 503:
                return None
            raise
        finally:
            http.retries = retries

    def pages(self, http: PoliteClient, config: SourceConfig, cursor: dict | None) -> Iterator[Page]:
        base = (config.instance or DEFAULT_BASE).rstrip("/")
        shape = area(config)
        max_depth = int(config.options.get("max_depth", 6))
        state: dict[str, Any] = {"months": [], "month": None, "parts": [], **(cursor or {})}
        for month in self._months(http, base, config, set(state["months"])):
            done_parts = set(state["parts"]) if state.get("month") == month else set()
            todo: list[tuple[str, Any]] = [("", shape)]  # part path ("" the whole area, "0"-"3" its quarters...)
            while todo:
                path, part = todo.pop(0)
                if path in done_parts:
                    continue
                resp = self._crimes(http, base, part, month, split=len(path) < max_depth)
                if resp is None:
                    todo[:0] = [(path + str(i), q) for i, q in enumerate(quarters(part))]
                    continue
                crimes = http.json_of(resp, month)
                done_parts.add(path)
                last = not todo
                state = {**state, "month": None if last else month, "parts": [] if last else sorted(done_parts),
                         "months": sorted({*state["months"], month}) if last else state["months"]}
                yield Page(resp.content, resp.headers.get("Content-Type", "application/json"), crime_rows(crimes),
                           state, name=f"police-uk-{month}")
