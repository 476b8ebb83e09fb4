"""The maps' base layer, offline by default: a MapLibre style (a dict, so Plotly fetches no style or font from the
internet) with sea, Natural Earth land (1:10m around member cities) or country outlines (1:110m, the world map),
and the app's own glyphs for labels, all shipped in ``scn/data/basemap`` (scripts/build_basemap.py).

Roads come only from the operator: ``SCN_BASEMAP_TILES`` (an MBTiles or PMTiles raster file, e.g. an OpenStreetMap
extract, served by the app at ``/_basemap/tiles/{z}/{x}/{y}``) or ``SCN_BASEMAP_URL`` (an XYZ URL template, with
``SCN_BASEMAP_ATTRIBUTION``). No request leaves the machine unless that URL is configured.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, urlsplit

import shapely

from scn.settings import settings

DATA = Path(__file__).resolve().parents[1] / "scn" / "data" / "basemap"
GLYPHS = "/_basemap/glyphs/{fontstack}/{range}.pbf"
TILES = "/_basemap/tiles/{z}/{x}/{y}"
MAX_ZOOM = 30  # the deepest zoom a tile URL may ask for (tile formats stop well before; x and y stay 32-bit)
FONT = "DejaVu Sans Book"  # the label font of scn/data/basemap/glyphs (any font stack gets these glyphs)
SEA, LAND, BORDER = "#dbe7f0", "#f7f5ef", "#9aa7b4"
NATURAL_EARTH = "Natural Earth"
BOX = (0.6, 0.8)  # half height and width (degrees) of the land kept around each member city (build_basemap.py)


@lru_cache(maxsize=1)
def _land() -> shapely.Geometry:
    features = json.loads((DATA / "land-cities.geojson").read_text())["features"]
    return shapely.union_all([shapely.from_geojson(json.dumps(f["geometry"])) for f in features])


@lru_cache(maxsize=1)
def countries() -> dict:
    """Natural Earth 1:110m country outlines (GeoJSON)."""
    return json.loads((DATA / "countries-110m.geojson").read_text())


@lru_cache(maxsize=1)
def _coverage() -> shapely.Geometry:
    """Where ``land-cities.geojson`` holds the land: boxes around the member cities (scripts/build_basemap.py)."""
    import pandas as pd

    cities = pd.read_csv(DATA.parent / "cities.csv", usecols=["lat", "lon"])
    dlat, dlon = BOX
    return shapely.union_all(shapely.box(cities["lon"] - dlon, cities["lat"] - dlat, cities["lon"] + dlon,
                                         cities["lat"] + dlat))


def covered(west: float, south: float, east: float, north: float) -> bool:
    """Whether the shipped land covers a box (else the map shows land colour without a coast)."""
    return bool(shapely.covers(_coverage(), shapely.box(west, south, east, north)))


@lru_cache(maxsize=64)
def land(west: float, south: float, east: float, north: float) -> dict:
    """Natural Earth 1:10m land clipped to a box (GeoJSON; empty away from member cities)."""
    clipped = shapely.clip_by_rect(_land(), west, south, east, north)
    features = [] if clipped.is_empty else [{"type": "Feature", "properties": {},
                                             "geometry": json.loads(shapely.to_geojson(clipped))}]
    return {"type": "FeatureCollection", "features": features}


def _operator() -> tuple[list[dict], dict]:
    """The operator's raster tiles as (layers, sources): the file served by the app, else the XYZ URL."""
    cfg = settings()
    url = TILES if cfg.basemap_tiles else cfg.basemap_url
    if not url:
        return [], {}
    source = {"type": "raster", "tiles": [url], "tileSize": 256}
    if cfg.basemap_attribution:
        source["attribution"] = cfg.basemap_attribution
    return [{"id": "operator-tiles", "type": "raster", "source": "operator"}], {"operator": source}


def tile_origin() -> str:
    """" <scheme>://<host>" of ``SCN_BASEMAP_URL`` for the pages' Content-Security-Policy ``img-src`` (the only
    other origin a page may load from); "" when no tile URL is configured."""
    url = settings().basemap_url
    if not url or settings().basemap_tiles:
        return ""
    parts = urlsplit(url.replace("{", "").replace("}", ""))
    return f" {parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


def attribution(public_domain: str = "public domain") -> str:
    """The base map's credit line (Natural Earth, and the operator's tiles when configured); ``public_domain`` is
    those words in the reader's language."""
    cfg = settings()
    extra = cfg.basemap_attribution if (cfg.basemap_tiles or cfg.basemap_url) else ""
    return " · ".join(x for x in (f"{NATURAL_EARTH} ({public_domain})", extra) if x)


def style(bounds: tuple[float, float, float, float] | None = None, *, world: bool = False,
          outlines: dict | str | None = None) -> dict:
    """A MapLibre style: sea, land around ``bounds`` (west, south, east, north; a margin is added) or the world's
    countries, the operator's tiles when configured, then ``outlines`` (the city's areas: GeoJSON or
    its URL on this site) as lines."""
    sources: dict = {}
    layers: list[dict] = [{"id": "sea", "type": "background", "paint": {"background-color": SEA}}]
    if world:
        sources["countries"] = {"type": "geojson", "data": countries()}
        layers += [{"id": "land", "type": "fill", "source": "countries", "paint": {"fill-color": LAND}},
                   {"id": "borders", "type": "line", "source": "countries",
                    "paint": {"line-color": BORDER, "line-width": 0.6}}]
    elif bounds is not None:
        w, s, e, n = bounds
        pad_x, pad_y = min(max((e - w) * 1.5, 0.1), 0.3), min(max((n - s) * 1.5, 0.1), 0.3)
        box = round(w - pad_x, 2), round(s - pad_y, 2), round(e + pad_x, 2), round(n + pad_y, 2)
        if covered(w, s, e, n):
            sources["land"] = {"type": "geojson", "data": land(*box)}
            layers += [{"id": "land", "type": "fill", "source": "land", "paint": {"fill-color": LAND}},
                       {"id": "coast", "type": "line", "source": "land",
                        "paint": {"line-color": BORDER, "line-width": 0.8}}]
        else:  # a city away from the member cities' boxes: land colour, no coastline
            layers[0]["paint"]["background-color"] = LAND
    extra_layers, extra_sources = _operator()
    sources.update(extra_sources)
    layers += extra_layers
    if outlines is not None:
        sources["areas"] = {"type": "geojson", "data": outlines}
        layers.append({"id": "area-outlines", "type": "line", "source": "areas",
                       "paint": {"line-color": "#33414e", "line-width": 1.2}})
    return {"version": 8, "glyphs": GLYPHS, "sources": sources, "layers": layers}


def glyphs(start: int) -> bytes:
    """The glyph PBF of the range starting at ``start`` (an empty one where the app ships none: no label
    character of that range is drawn, and nothing is fetched elsewhere)."""
    path = DATA / "glyphs" / f"{start}-{start + 255}.pbf"
    return path.read_bytes() if start % 256 == 0 and path.is_file() else b""


def tile(z: int, x: int, y: int) -> tuple[bytes, str] | None:
    """One raster tile of ``SCN_BASEMAP_TILES`` (MBTiles: SQLite, TMS rows; PMTiles: the pmtiles reader) and its
    MIME type; None where the file has no such tile or none is configured."""
    path = settings().basemap_tiles
    if not 0 <= z <= MAX_ZOOM:  # checked before 2 ** z: a zoom of 10^11 asked for some 12 GB
        return None
    if path is None or not Path(path).is_file() or not (0 <= x < 2 ** z and 0 <= y < 2 ** z):
        return None
    if Path(path).suffix.lower() == ".pmtiles":
        from pmtiles.reader import MmapSource, Reader

        with open(path, "rb") as f:
            reader = Reader(MmapSource(f))
            body = reader.get(z, x, y)
            kind = {1: "image/png", 2: "image/jpeg", 3: "image/webp"}.get(int(reader.header()["tile_type"].value),
                                                                          "image/png")
        return (body, kind) if body else None
    # a SQLite URI: the absolute path's bytes percent-encoded (else '?' or '#' in it ends the path and drops
    # mode=ro, so SQLite creates an empty database there, '%20' opens another file, and '//' starts an authority)
    uri = "file://" + quote(bytes(Path(path).absolute())) + "?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as db:
        row = db.execute("SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
                         (z, x, 2 ** z - 1 - y)).fetchone()
    if row is None:
        return None
    body = bytes(row[0])
    return body, "image/jpeg" if body[:3] == b"\xff\xd8\xff" else "image/webp" if body[8:12] == b"WEBP" \
        else "image/png"
