"""Area boundaries: GeoJSON, GeoPackage (first layer) or zipped Shapefile, any CRS -> WGS84 ``areas`` rows.

Invalid geometries are repaired with ``shapely.make_valid`` (polygonal parts kept); what cannot be repaired into
a polygon, features without geometry, and areas with more vertices than ``SCN_INGEST_MAX_POLYGON_VERTICES`` (checked
before any repair, so a 10^6-vertex polygon costs no more than reading it) go to quarantine. Centroids are computed
in an equal-area projection. Z values are dropped (h3ronpy cannot index a 3D polygon). A ring written across
the antimeridian unsplit (179.97 .. -179.97) is split at 180 into a MultiPolygon (else: a band around the
globe).

GDAL chooses a driver by a file's bytes, not its name: an OGR VRT or a GDALG pipeline named ``areas.geojson``
would read its layer from any file the process can read (or a URL). A boundary file is therefore opened only by
the driver its extension names (:data:`DRIVERS`), its bytes checked before GDAL sees them (:func:`check_format`)
and the driver GDAL chose checked before a feature is read; a zip holds only the parts of Shapefiles, within the
workbooks' size and ratio limits (a zip bomb is refused before anything is inflated).
"""

from __future__ import annotations

import codecs
import json
import mmap
import re
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyogrio
import shapely

from scn.ingest import readers, schemas
from scn.ingest.cities_known import CITY_MARGIN_DEG, known_cities
from scn.ingest.model import Parsed, Source, rejects_from
from scn.ingest.parse import as_text, parse_int
from scn.ingest.readers import ROW
from scn.ingest.result import IngestError, printable
from scn.settings import settings

# the only driver each boundary format is opened with (GDAL would pick any of its drivers by the bytes)
DRIVERS = {".geojson": "GeoJSON", ".json": "GeoJSON", ".gpkg": "GPKG", ".zip": "ESRI Shapefile"}
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg", ".sbn", ".sbx", ".qix", ".qmd", ".xml", ".fix", ".atx",
                   ".aih", ".ain")  # what a zipped Shapefile may hold (ESRI's sidecars)
SHP_MAGIC = b"\x00\x00\x27\x0a"  # file code 9994, big-endian: the first bytes of every .shp
GPKG_MAGIC = b"SQLite format 3\x00"
GDALG_MARK = b"gdal_streamed_alg"  # the JSON of a GDAL pipeline (GDALG driver)
JSON_WHITE = b" \t\r\n"
CRS_HINT = re.compile(rb"(?i)crs|\\u")  # a GeoJSON that may declare a crs (its key written as is, or escaped)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "area_code": ("code", "id", "lsoa21cd", "lsoa11cd", "msoa21cd", "wd23cd", "ward_code", "gss_code", "pcode",
                  "adm3_pcode", "adm2_pcode", "adm1_pcode", "geo_code"),
    "area_name": ("name", "lsoa21nm", "lsoa11nm", "msoa21nm", "wd23nm", "ward_name", "adm3_en", "adm2_en",
                  "adm1_en", "name_en"),
    "area_name_local": ("name_local", "local_name", "adm3_ar", "adm2_ar", "adm3_fr", "adm2_fr", "name_ar"),
    "population": ("pop", "population_total", "total_population", "usual_residents"),
}
EQUAL_AREA = "EPSG:6933"
TEXT_FIELDS = ("area_code", "area_name", "area_name_local")
NUL_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")  # a JSON \u0000 (not an escaped backslash + u0000)
POLYGONAL = (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON)
SCHEMA = schemas.frame_schema({
    "area_code": schemas.col(schemas.nonblank()),
    "population": schemas.col(pa.Check.ge(0, error="negative population"), nullable=True),
    "population__parsed": schemas.col(schemas.flag("not a whole number")),
    "geometry__present": schemas.col(schemas.flag("missing geometry")),
    "geometry__polygon": schemas.col(schemas.flag("not a polygon, or an invalid geometry that could not be "
                                                  "repaired into one")),
})


def read_layer(src: Source) -> gpd.GeoDataFrame:
    path = src.archived
    if path.suffix.lower() == ".shp":
        raise IngestError(f"{src.name}: a bare .shp cannot be read on its own: zip it with its .dbf, .shx and .prj")
    if path.suffix.lower() not in (".geojson", ".json", ".gpkg", ".zip"):
        raise IngestError(f"{src.name}: unknown boundary format (use GeoJSON, GeoPackage or a zipped Shapefile)")
    if path.suffix.lower() in (".geojson", ".json"):
        readers.check_text_file(path)
    check_format(path, src.name)
    expected = DRIVERS[path.suffix.lower()]
    try:
        driver = pyogrio.read_info(path)["driver"]
    except Exception as exc:  # pyogrio/GDAL raise several types for unreadable data
        raise IngestError(f"{src.name}: not a readable boundary file ({_first_line(exc)})") from exc
    if driver != expected:
        raise IngestError(f"{src.name}: GDAL reads this file as {driver}, not {expected}: refused (send GeoJSON, "
                          "a GeoPackage or a zipped Shapefile)")
    try:
        gdf = gpd.read_file(path, engine="pyogrio")
    except Exception as exc:  # pyogrio/GDAL raise several types for unreadable data
        raise IngestError(f"{src.name}: not a readable boundary file ({_first_line(exc)})") from exc
    if gdf.empty:
        raise IngestError(f"{src.name}: no features")
    if gdf.crs is None or gdf.crs.is_geographic:  # GeoJSON without a "crs" member is read as EPSG:4326
        w, s, e, n = gdf.total_bounds
        if np.isfinite([w, s, e, n]).all() and not (-180 <= w <= e <= 180 and -90 <= s <= n <= 90):
            raise IngestError(f"{src.name}: coordinates such as ({w:.6g}, {s:.6g}) lie outside longitude "
                              "-180..180 / latitude -90..90: they look projected (metres), and no projected "
                              "coordinate reference system is declared (GeoJSON: add a \"crs\" member naming "
                              "it, such as EPSG:27700, or send longitude/latitude)")
        if gdf.crs is None:
            gdf = gdf.set_crs("EPSG:4326")
    return gdf.to_crs("EPSG:4326")


def _first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__


def check_format(path: Path, name: str) -> None:
    """IngestError unless ``path``'s bytes are of the format its extension names, before GDAL opens it: a
    GeoPackage is an SQLite database; a GeoJSON is within ``SCN_INGEST_JSON_MAX_BYTES``, starts with ``{`` (after
    a BOM and white space) and is no GDAL pipeline; a zip holds only Shapefile parts, each ``.shp`` starting with
    its file code, within the declared sizes and compression ratio allowed to workbooks (``SCN_INGEST_XLSX_MAX_*``)."""
    ext = path.suffix.lower()
    if ext == ".gpkg":
        if readers.head(path, len(GPKG_MAGIC)) != GPKG_MAGIC:
            raise IngestError(f"{name}: not a GeoPackage (an SQLite database)")
    elif ext in (".geojson", ".json"):
        readers.check_json_size(path, name)  # a whole JSON document, as the social exports
        start = readers.head(path, 1 << 16)
        first = start.removeprefix(codecs.BOM_UTF8).lstrip(JSON_WHITE)[:1]
        if first not in (b"{", b"") or GDALG_MARK in start:
            raise IngestError(f"{name}: not GeoJSON (a JSON object with \"type\": \"FeatureCollection\")")
        _check_crs(path, name)
    elif ext == ".zip":
        check_shapefile_zip(path, name)


def _check_crs(path: Path, name: str) -> None:
    """IngestError for a GeoJSON whose ``crs`` is a link (``{"type": "link", "properties": {"href": URL}}``):
    GDAL fetches the URL while it opens the file. Parsed only when the bytes may name a crs (``crs`` or a JSON
    escape anywhere: one scan)."""
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        if not CRS_HINT.search(data):
            return
    try:
        doc = json.loads(path.read_bytes())
    except (ValueError, RecursionError) as exc:
        raise IngestError(f"{name}: not valid GeoJSON ({type(exc).__name__})") from exc
    def member(obj: object, key: str) -> object:  # GDAL finds members by name whatever their case
        return next((v for k, v in obj.items() if str(k).lower() == key), None) if isinstance(obj, dict) else None

    if str(member(member(doc, "crs"), "type") or "").lower() == "link":
        raise IngestError(f"{name}: a crs given as a link (GDAL would fetch it) is refused: name the crs "
                          "(\"crs\": {\"type\": \"name\", \"properties\": {\"name\": \"EPSG:27700\"}}) or send "
                          "longitude/latitude")


def check_shapefile_zip(path: Path, name: str) -> None:
    """IngestError unless the zip holds Shapefile parts only (at least one ``.shp``, each starting with its file
    code), none encrypted or compressed otherwise than deflate, none inflating past the workbooks' limits."""
    s = settings()
    try:
        with zipfile.ZipFile(path) as z:
            parts = [p for p in z.infolist() if not p.is_dir()]
            for p in parts:
                shown = printable(p.filename)[:80]
                if not p.filename.lower().endswith(SHAPEFILE_PARTS):
                    raise IngestError(f"{name}: part {shown} is not part of a Shapefile (a zip of boundaries holds "
                                      f"{', '.join(SHAPEFILE_PARTS[:4])} files)")
                if p.flag_bits & 0x1 or p.compress_type not in readers.XLSX_METHODS:
                    raise IngestError(f"{name}: part {shown} is encrypted or compressed otherwise than deflate")
                ratio = p.file_size / max(p.compress_size, 1)
                if p.file_size > s.ingest_xlsx_max_member_bytes or (
                        p.file_size > readers.XLSX_RATIO_FLOOR and ratio > s.ingest_xlsx_max_ratio):
                    raise IngestError(f"{name}: part {shown} would inflate to {p.file_size} bytes ({ratio:.0f} times; "
                                      f"limits: SCN_INGEST_XLSX_MAX_MEMBER_BYTES, SCN_INGEST_XLSX_MAX_RATIO): a zip "
                                      "bomb?")
            if sum(p.file_size for p in parts) > s.ingest_xlsx_max_bytes:
                raise IngestError(f"{name}: the zip would inflate past SCN_INGEST_XLSX_MAX_BYTES")
            shps = [p for p in parts if p.filename.lower().endswith(".shp")]
            if not shps:
                raise IngestError(f"{name}: no .shp in the zip (zip a Shapefile with its .dbf, .shx and .prj)")
            for p in shps:
                with z.open(p) as fh:
                    if fh.read(len(SHP_MAGIC)) != SHP_MAGIC:
                        raise IngestError(f"{name}: part {printable(p.filename)[:80]} is not a Shapefile")
    except IngestError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError, OSError) as exc:
        raise IngestError(f"{name}: not a readable zip archive ({type(exc).__name__})") from exc


def nul_texts(path: Path, columns: dict[str, str], rows: int) -> pd.DataFrame:
    """The text properties (canonical name -> the file's name in ``columns``) of a GeoJSON's features holding
    a NUL (``\\u0000``), in full, one row per feature; the reader cuts such a value at the NUL, silently.
    Empty unless the file holds that escape (one scan of the bytes; the file is parsed again only then)."""
    none = pd.DataFrame(index=pd.RangeIndex(rows))
    if path.suffix.lower() not in (".geojson", ".json") or path.stat().st_size == 0:
        return none
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        if not NUL_ESCAPE.search(data):
            return none
    with open(path, "rb") as fh:
        features = json.load(fh).get("features") or []
    props = pd.json_normalize(features, max_level=1)
    if len(props) != rows:
        return none
    full = {c: props[f"properties.{name}"].astype("string") for c, name in columns.items()
            if f"properties.{name}" in props}
    found = pd.DataFrame(full, index=pd.RangeIndex(rows))
    has_nul = found.apply(lambda col: col.str.contains("\x00", regex=False)).fillna(False).astype(bool)
    return found.where(has_nul)


def crossing(geoms: np.ndarray) -> np.ndarray:
    """True where a ring of the geometry jumps more than 180 degrees of longitude between consecutive
    vertices: an area across the antimeridian written unsplit (179.97 .. -179.97)."""
    rings, owner = shapely.get_rings(geoms, return_index=True)
    xy, ring = shapely.get_coordinates(rings, return_index=True)
    jump = (np.abs(np.diff(xy[:, 0])) > 180) & (ring[1:] == ring[:-1])
    out = np.zeros(len(geoms), dtype=bool)
    out[owner[ring[1:][jump]]] = True
    return out


def unwrap(geoms: np.ndarray) -> np.ndarray:
    """Longitudes below 0 plus 360: an area across the antimeridian becomes one piece around 180."""
    return shapely.transform(geoms, lambda xy: np.where(xy[:, :1] < 0, xy + [360.0, 0.0], xy))


def split_at_180(geoms: np.ndarray) -> np.ndarray:
    """Unwrapped (0..360) polygons as (Multi)Polygons within -180..180 (the part east of 180 moved -360)."""
    east = shapely.intersection(geoms, shapely.box(-180, -90, 180, 90))
    west = shapely.intersection(geoms, shapely.box(180, -90, 540, 90))
    west = shapely.transform(west, lambda xy: xy - [360.0, 0.0])
    return polygonal(shapely.union(east, west))


def polygonal(geoms: np.ndarray) -> np.ndarray:
    """Repair with make_valid and keep only the polygonal parts (None where nothing polygonal remains)."""
    fixed = shapely.make_valid(geoms)
    types = shapely.get_type_id(fixed)
    out = np.where(np.isin(types, POLYGONAL), fixed, None)
    mixed = np.flatnonzero(types == shapely.GeometryType.GEOMETRYCOLLECTION)
    if len(mixed):
        parts, owner = shapely.get_parts(fixed[mixed], return_index=True)
        keep = np.isin(shapely.get_type_id(parts), POLYGONAL)
        polys, sub = shapely.get_parts(parts[keep], return_index=True)  # multipolygon parts -> polygons
        if len(polys):
            merged = shapely.multipolygons(polys, indices=owner[keep][sub])
            hit = np.unique(owner[keep][sub])
            out[mixed[hit]] = merged[hit]
    return np.where(shapely.is_empty(out) | pd.isna(out), None, out)


def _check_not_swapped(src: Source, lat: np.ndarray, lon: np.ndarray) -> None:
    """Refuse a layer whose coordinates are latitude-longitude swapped: most of its areas lie outside the city's
    registry box (its point, ``CITY_MARGIN_DEG`` around) while the swapped points lie inside. Such a layer became
    the city's box, and every correctly placed post was then quarantined as "coordinates look swapped"."""
    if not src.city_id or not len(lat):
        return
    cities = known_cities()
    row = cities[cities["city_id"] == src.city_id]
    if row.empty or row[["lat", "lon"]].isna().any(axis=None):
        return
    clat, clon, m = float(row["lat"].iloc[0]), float(row["lon"].iloc[0]), CITY_MARGIN_DEG

    def inside(y: np.ndarray, x: np.ndarray) -> float:
        return float(np.mean((np.abs(y - clat) <= m) & (np.abs(x - clon) <= m)))

    if inside(lat, lon) < 0.5 and inside(lon, lat) >= 0.5:
        raise readers.fail(src.path, f"the areas lie around ({np.median(lat):.2f}, {np.median(lon):.2f}) but "
                                     f"{src.city_id} is at ({clat:.2f}, {clon:.2f}): latitude and longitude look "
                                     "swapped (GeoJSON is longitude first)")


def parse(src: Source) -> Parsed:

    gdf = read_layer(src).reset_index(drop=True)
    attrs = pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).astype("string")
    attrs.columns = readers.check_columns(src.archived, attrs.columns)
    attrs[ROW] = np.arange(1, len(attrs) + 1)
    raw, origin = readers.canonical_columns(attrs, SYNONYMS, src.path)
    readers.require(src.path, origin, ("area_code",), SYNONYMS)
    geoms = shapely.force_2d(gdf.geometry.to_numpy())  # Z dropped: h3ronpy panics on a 3D polygon
    del gdf
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    limit = settings().ingest_max_polygon_vertices
    vertices = shapely.get_num_coordinates(geoms)
    too_big = present & (vertices > limit)
    geoms[too_big] = None  # never repaired, projected or written
    repaired = np.full(len(geoms), None, dtype=object)
    fine = present & ~too_big
    across = np.zeros(len(geoms), dtype=bool)
    across[fine] = crossing(geoms[fine])
    repaired[fine] = polygonal(np.where(across[fine], unwrap(geoms[fine]), geoms[fine]))
    unwrapped = repaired.copy()  # for the centroid: the area in one piece around 180
    if across.any():
        repaired[across] = split_at_180(repaired[across])
    population, pop_ok = parse_int(raw["population"]) if "population" in raw else (pd.Series(pd.NA, index=raw.index,
                                                                                             dtype="Int64"), True)
    typed = pd.DataFrame({ROW: raw[ROW], "area_code": as_text(raw["area_code"]), "population": population,
                          "population__parsed": pop_ok, "geometry__present": present,
                          "geometry__polygon": ~fine | pd.notna(repaired)})
    fails = schemas.failures(typed, SCHEMA, raw)
    fails["field"] = fails["field"].replace(origin)
    nul = nul_texts(src.archived, {c: origin[c] for c in TEXT_FIELDS if c in origin}, len(raw))
    if nul.notna().any(axis=None):
        at, col = np.nonzero(nul.notna().to_numpy())  # (position, field) of each text holding a NUL
        field = nul.columns.to_numpy()[col]
        raw = raw.astype({c: "string" for c in nul.columns})
        for c in nul.columns:  # the full value in the quarantine line, not the cut one (three fields at most)
            raw.loc[nul[c].notna().to_numpy(), c] = nul[c][nul[c].notna()].to_numpy()
        fails = pd.concat([fails, pd.DataFrame({
            ROW: raw[ROW].to_numpy()[at], "field": pd.Series(field).replace(origin).to_numpy(),
            "reason": "a NUL character (U+0000) in the text: remove it and send the file again"})],
            ignore_index=True)
    if too_big.any():
        big = pd.DataFrame({ROW: raw[ROW][too_big].to_numpy(), "field": "geometry",
                            "reason": [f"polygon of {n} vertices exceeds the limit of {limit} "
                                       "(SCN_INGEST_MAX_POLYGON_VERTICES)" for n in vertices[too_big]]})
        fails = pd.concat([fails, big], ignore_index=True)
    rejects = rejects_from(raw, fails)
    ok = (~typed[ROW].isin(fails[ROW])).to_numpy()
    geo = gpd.GeoSeries(repaired[ok], crs="EPSG:4326")
    shifted = across[ok]  # centroid of the unwrapped area moved to 0 (EPSG:6933 wraps at 180), then back
    basis = np.where(shifted, shapely.transform(unwrapped[ok], lambda xy: xy - [180.0, 0.0]), repaired[ok])
    centroids = gpd.GeoSeries(basis, crs="EPSG:4326").to_crs(EQUAL_AREA).centroid.to_crs("EPSG:4326")
    lat, lon = centroids.y.to_numpy(), centroids.x.to_numpy()
    lon = np.where(shifted, (lon + 360) % 360 - 180, lon)  # back by 180, in -180..180 (180 rather than -180)
    lon = np.where(shifted & (lon == -180), 180.0, lon)
    _check_not_swapped(src, lat, lon)
    name = as_text(raw["area_name"]) if "area_name" in raw else typed["area_code"]
    local = as_text(raw["area_name_local"]) if "area_name_local" in raw else pd.Series(pd.NA, index=raw.index)
    areas = pd.DataFrame({  # source_row: the pipeline quarantines an area code held twice with other values
        ROW: typed[ROW][ok].to_numpy(), "city_id": src.city_id,
        "area_code": typed["area_code"][ok].to_numpy(),
        "area_name": name.fillna(typed["area_code"])[ok].to_numpy(), "area_name_local": local[ok].to_numpy(),
        "population": typed["population"][ok].to_numpy(), "geometry_wkt": shapely.to_wkt(geo.to_numpy(),
                                                                                          rounding_precision=7),
        "centroid_lat": lat, "centroid_lon": lon,
    })
    return Parsed({"areas": areas}, "areas", rejects)
