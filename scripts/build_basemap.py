"""Build the offline base map shipped with the app (scn/data/basemap/, docs: scn/data/README.md):

- ``countries-110m.geojson``: Natural Earth 1:110m country outlines (the network page's world map);
- ``land-cities.geojson``: Natural Earth 1:10m land, clipped to a box around every member city of
  scn/data/cities.csv (the city maps' coastline);
- ``glyphs/<range>.pbf``: SDF font glyphs (DejaVu Sans, Latin ranges) for the map labels, so MapLibre draws the
  area names without fetching fonts from the internet.

Natural Earth (public domain) comes from the npm package world-atlas@2.0.2 (TopoJSON):
``npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz`` then
``.venv/bin/python scripts/build_basemap.py --world-atlas package``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
import shapely.affinity

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "scn" / "data" / "basemap"
BOX = (0.6, 0.8)  # half height (lat) and half width (lon) in degrees of the box kept around each member city
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
RANGES = (0, 256, 8192)  # Basic Latin + Latin-1, Latin Extended-A/B, General Punctuation


def _arcs(topo: dict) -> list[np.ndarray]:
    """The topology's arcs as absolute lon/lat arrays (delta-decoded and de-quantised)."""
    scale, translate = topo["transform"]["scale"], topo["transform"]["translate"]
    return [np.cumsum(np.asarray(a, dtype="float64"), axis=0) * scale + translate for a in topo["arcs"]]


def _ring(arcs: list[np.ndarray], indices: list[int]) -> np.ndarray:
    parts = [arcs[i] if i >= 0 else arcs[~i][::-1] for i in indices]
    return np.concatenate([parts[0]] + [p[1:] for p in parts[1:]])


def geometries(topo: dict, name: str) -> tuple[list, list[str]]:
    """Shapely geometries and names of one object of a TopoJSON file."""
    arcs = _arcs(topo)
    geoms, names = [], []
    for g in topo["objects"][name]["geometries"]:
        polys = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]] if g["type"] == "Polygon" else []
        shapes = [shapely.Polygon(_ring(arcs, p[0]), [_ring(arcs, h) for h in p[1:]]) for p in polys]
        geoms.append(shapely.make_valid(shapely.MultiPolygon(shapes)) if shapes else shapely.GeometryCollection())
        names.append((g.get("properties") or {}).get("name", ""))
    return geoms, names


def _unwrap(geom: shapely.Geometry) -> shapely.Geometry:
    """Polygons whose rings jump across the antimeridian (Fiji, Russia, Antarctica in 1:110m) as parts on
    either side of it, so that a flat map draws no line across the world."""
    parts = []
    for poly in getattr(geom, "geoms", [geom]):
        w, _, e, _ = poly.bounds
        if e - w <= 180:
            parts.append(poly)
            continue
        shifted = shapely.transform(poly, lambda xy: np.where(xy[:, :1] < 0, xy + [360, 0], xy))
        shifted = shapely.make_valid(shifted)
        east = shapely.clip_by_rect(shifted, 0, -90, 180, 90)
        west = shapely.affinity.translate(shapely.clip_by_rect(shifted, 180, -90, 360, 90), -360)
        parts += [g for g in (east, west) if not g.is_empty]
    polys = [p for g in parts for p in getattr(g, "geoms", [g]) if p.geom_type == "Polygon"]
    return shapely.make_valid(shapely.MultiPolygon(polys)) if polys else geom


def _collection(geoms: list, names: list[str], digits: int) -> dict:
    feats = []
    for geom, name in zip(geoms, names, strict=True):
        if geom.is_empty:
            continue
        geom = shapely.set_precision(shapely.make_valid(geom), 10 ** -digits)
        polys = [q for part in shapely.get_parts(geom) for q in shapely.get_parts(part) if q.geom_type == "Polygon"]
        geom = shapely.MultiPolygon(polys) if len(polys) > 1 else polys[0] if polys else geom
        feats.append({"type": "Feature", "properties": {"name": name} if name else {},
                      "geometry": json.loads(shapely.to_geojson(geom))})
    return {"type": "FeatureCollection", "features": feats}


def _write(path: Path, obj: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, separators=(",", ":")))
    print(f"{path.relative_to(ROOT)}: {path.stat().st_size / 1024:.0f} KiB")


def build_geojson(atlas: Path) -> None:
    countries = json.loads((atlas / "countries-110m.json").read_text())
    geoms, names = geometries(countries, "countries")
    _write(OUT / "countries-110m.geojson", _collection([shapely.simplify(_unwrap(g), 0.05) for g in geoms], names, 2))
    land = json.loads((atlas / "land-10m.json").read_text())
    world = shapely.union_all(geometries(land, "land")[0])
    cities = pd.read_csv(ROOT / "scn" / "data" / "cities.csv")
    dlat, dlon = BOX
    boxes = shapely.union_all(shapely.box(cities["lon"] - dlon, cities["lat"] - dlat, cities["lon"] + dlon,
                                          cities["lat"] + dlat))
    clipped = shapely.simplify(shapely.intersection(world, boxes), 0.001)
    _write(OUT / "land-cities.geojson", _collection([clipped], ["land"], 4))


# --- glyphs: MapLibre's signed-distance-field font PBFs (the format of fontnik / TinySDF) ------------------------

def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b, n = n & 0x7F, n >> 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(num: int, value: int | bytes | str) -> bytes:
    if isinstance(value, int):
        return _varint(num << 3) + _varint(value)
    raw = value.encode() if isinstance(value, str) else value
    return _varint(num << 3 | 2) + _varint(len(raw)) + raw


def _sint(num: int, value: int) -> bytes:
    """A sint32 field (zig-zag encoded)."""
    return _varint(num << 3) + _varint((value << 1) ^ (value >> 31))


def _glyph(font, code: int) -> bytes | None:
    """One glyph message: SDF bitmap (3 px buffer) of the character at 24 px, and its metrics."""
    from PIL import Image, ImageDraw
    from scipy.ndimage import distance_transform_edt

    char = chr(code)
    advance = round(font.getlength(char))
    box = font.getbbox(char)
    ascent = font.getmetrics()[0]
    fields = _field(1, code)
    w, h = max(box[2] - box[0], 0), max(box[3] - box[1], 0)
    if w and h:
        buf = 3
        img = Image.new("L", (w + 2 * buf, h + 2 * buf), 0)
        ImageDraw.Draw(img).text((buf - box[0], buf - box[1]), char, font=font, fill=255)
        ink = np.asarray(img) > 127
        inside, outside = distance_transform_edt(ink), distance_transform_edt(~ink)
        dist = outside - inside  # > 0 outside the glyph
        sdf = np.clip(255 - 255 * (dist / 8 + 0.25), 0, 255).astype("uint8")
        fields += _field(2, sdf.tobytes())
        # left: bearing; top: the glyph's top above the baseline, less the 24 px font's ascender
        fields += _field(3, w) + _field(4, h) + _sint(5, box[0]) + _sint(6, (ascent - box[1]) - 24)
    else:
        fields += _field(3, 0) + _field(4, 0) + _sint(5, 0) + _sint(6, -26)
    return fields + _field(7, advance)


def build_glyphs() -> None:
    from PIL import ImageFont

    font = ImageFont.truetype(str(FONT), 24, layout_engine=ImageFont.Layout.BASIC)
    for start in RANGES:
        glyphs = b"".join(_field(3, _glyph(font, c)) for c in range(start, start + 256)
                          if chr(c).isprintable() and (chr(c) == " " or font.getmask(chr(c)).getbbox()))
        stack = _field(1, "DejaVu Sans Book") + _field(2, f"{start}-{start + 255}") + glyphs
        path = OUT / "glyphs" / f"{start}-{start + 255}.pbf"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_field(1, stack))
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size / 1024:.0f} KiB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--world-atlas", type=Path, help="unpacked world-atlas@2.0.2 npm package")
    ap.add_argument("--glyphs", action="store_true", help="(re)build the label glyphs")
    args = ap.parse_args()
    if args.world_atlas:
        build_geojson(args.world_atlas)
    if args.glyphs:
        build_glyphs()


if __name__ == "__main__":
    main()
