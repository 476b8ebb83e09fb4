"""A fresh attacker's pass (2026-12-07, docs/security.md row 40): as a partner dropping files in the inbox and as
an anonymous visitor of the dashboards. Each test names the class it closes; every one failed on the code
before its fix, but the control ``test_a_real_zipped_shapefile_geopackage_and_geojson_still_ingest``."""

from __future__ import annotations

import json
import sqlite3
import time
import zipfile
from pathlib import Path

import pytest

from scn import lake
from scn.ingest.pipeline import ingest_file
from scn.ingest.result import IngestError
from tests.support.dash_client import settings_restored  # noqa: F401
from tests.support.homes import home  # noqa: F401

SECRET = "TOP SECRET of another city"
SQUARE = "POLYGON((-0.16 51.48,-0.12 51.48,-0.12 51.52,-0.16 51.52,-0.16 51.48))"


# ------------------------------------------------------------------------------------------------ inbox files
def _secret(tmp_path: Path) -> Path:
    """A file outside the inbox that the serving process can read (another city's data, a key, a config)."""
    path = tmp_path / "elsewhere" / "secret.csv"
    path.parent.mkdir()
    path.write_text(f'area_code,area_name,WKT\nS1,{SECRET},"{SQUARE}"\n')
    return path


def _vrt(source: Path) -> str:
    """GDAL's OGR VRT: an XML file whose layer is read from another file (or a URL, /vsicurl/...)."""
    return (f"<OGRVRTDataSource><OGRVRTLayer name=\"areas\"><SrcDataSource>{source}</SrcDataSource>"
            f"<SrcLayer>{source.stem}</SrcLayer>"
            "<GeometryType>wkbPolygon</GeometryType><GeometryField encoding=\"WKT\" field=\"WKT\"/>"
            "</OGRVRTLayer></OGRVRTDataSource>\n")


def _gdalg(source: Path) -> str:
    """GDAL's streamed algorithm (GDALG): JSON running a ``gdal vector pipeline`` that reads another file."""
    return json.dumps({"type": "gdal_streamed_alg",
                       "command_line": f"gdal vector pipeline ! read {source} ! "
                                       "set-geom-type --geometry-type POLYGON"})


def _zipped(path: Path, members: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in members.items():
            z.writestr(name, body)
    return path


@pytest.mark.usefixtures("home")
@pytest.mark.parametrize("name", ["areas.geojson", "areas.json", "areas.gpkg", "areas.zip"])
def test_a_boundary_file_cannot_make_gdal_read_another_file(tmp_path: Path, name: str) -> None:
    """GDAL picks a driver by the bytes, not the name: a "GeoJSON", "GeoPackage" or zipped "Shapefile" that is an
    OGR VRT was read as one, so a partner's boundaries file took its areas from any file the server can read
    (another city's files, /vsicurl/ URLs inside the network) and their names reached the city's official on
    the maps. A boundary file is now opened only by the driver its extension names, its bytes checked first."""
    secret = _secret(tmp_path)
    path = tmp_path / "inbox" / name
    path.parent.mkdir()
    if path.suffix == ".zip":
        _zipped(path, {"areas.shp": _vrt(secret)})
    else:
        path.write_text(_vrt(secret))
    with pytest.raises(IngestError, match=name.replace(".", r"\.")) as caught:
        ingest_file("boundaries", path, city_id="london")
    assert SECRET not in str(caught.value) and str(secret) not in str(caught.value)
    assert not lake.has_table("areas") or not lake.read_table("areas")["area_name"].eq(SECRET).any()


@pytest.mark.usefixtures("home")
def test_a_geojson_that_is_a_gdal_pipeline_is_refused(tmp_path: Path) -> None:
    """JSON GDAL reads as a pipeline of its own commands (GDALG) is no GeoJSON: refused, nothing read."""
    path = tmp_path / "areas.geojson"
    path.write_text(_gdalg(_secret(tmp_path)))
    with pytest.raises(IngestError, match=r"areas\.geojson"):
        ingest_file("boundaries", path, city_id="london")
    assert not lake.has_table("areas") or not lake.read_table("areas")["area_name"].eq(SECRET).any()


@pytest.mark.usefixtures("home")
@pytest.mark.parametrize("written", ["plain", "escaped", "upper case"])
def test_a_geojson_crs_link_makes_no_request(tmp_path: Path, written: str) -> None:
    """A GeoJSON's old-style ``"crs": {"type": "link", "properties": {"href": URL}}`` made GDAL fetch the URL
    (twice: opening and reading), from the ingest host, for any partner: a request into the internal network
    (a cloud metadata address, an admin page). Such a GeoJSON is refused before GDAL opens it, written with JSON
    escapes or in capitals too (GDAL finds members whatever their case); a named crs is still read."""
    from tests.support.fake_platforms import fake_platform

    with fake_platform() as server:
        crs = {"type": "link", "properties": {"href": f"{server.url}/probe", "type": "proj4"}}
        doc = {"type": "FeatureCollection", "crs": crs, "features": [
            {"type": "Feature", "properties": {"area_code": "L1"},
             "geometry": json.loads(shapely_json(SQUARE))}]}
        text = json.dumps(doc)
        if written == "escaped":
            text = text.replace('"link"', '"\\u006cink"').replace('"crs"', '"\\u0063rs"')
        elif written == "upper case":
            text = text.replace('"link"', '"LINK"').replace('"crs"', '"CRS"').replace('{"type": "LINK"', '{"Type": "LINK"')
        path = tmp_path / "areas.geojson"
        path.write_text(text)
        with pytest.raises(IngestError, match=r"areas\.geojson: .*crs"):
            ingest_file("boundaries", path, city_id="london")
        assert server.requests == []
    named = {**doc, "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}}
    path.write_text(json.dumps(named))
    assert ingest_file("boundaries", path, city_id="london").accepted == 1  # the control


def shapely_json(wkt: str) -> str:
    import shapely

    return shapely.to_geojson(shapely.from_wkt(wkt))


@pytest.mark.usefixtures("home")
def test_a_zipped_shapefile_bomb_is_refused_before_gdal_inflates_it(tmp_path: Path) -> None:
    """A zipped Shapefile whose .dbf inflates 1,000 times (GDAL reads it whole into memory): refused by the
    declared sizes, as an XLSX bomb is (the workbooks' limits), naming the part."""
    path = _zipped(tmp_path / "bomb.zip", {"areas.shp": b"\x00\x00\x27\x0a" + b"\x00" * 96,
                                          "areas.dbf": b"\x00" * (64 << 20)})
    with pytest.raises(IngestError, match=r"bomb\.zip.*areas\.dbf"):
        ingest_file("boundaries", path, city_id="london")


@pytest.mark.usefixtures("home")
def test_a_real_zipped_shapefile_geopackage_and_geojson_still_ingest(tmp_path: Path) -> None:
    """The control: the formats partners send are read as before."""
    import geopandas as gpd
    import shapely

    frame = gpd.GeoDataFrame({"area_code": ["L1"], "area_name": ["Lambeth"]},
                             geometry=[shapely.from_wkt(SQUARE)], crs="EPSG:4326")
    shp = tmp_path / "shp" / "areas.shp"
    shp.parent.mkdir()
    frame.to_file(shp, engine="pyogrio")
    zipped = _zipped(tmp_path / "areas.zip", {p.name: p.read_bytes() for p in shp.parent.iterdir()})
    gpkg = tmp_path / "areas.gpkg"
    frame.to_file(gpkg, driver="GPKG", engine="pyogrio")
    geojson = tmp_path / "areas.geojson"
    geojson.write_text("\ufeff  \n" + frame.to_json())
    for path in (zipped, gpkg, geojson):
        result = ingest_file("boundaries", path, city_id="london")
        assert result.accepted + result.duplicates == 1, path
    assert set(lake.read_table("areas")["area_name"]) == {"Lambeth"}


# ------------------------------------------------------------------------------------------------ the dashboards
def test_a_tile_url_with_a_huge_zoom_neither_crashes_nor_burns_the_server(dash_world: Path, tmp_path: Path) -> None:
    """``/_basemap/tiles/<z>/<x>/<y>`` is public (the base map has no data) and computed ``2 ** z``: zoom 70
    was a 500 (SQLite's integer overflow), zoom 10^8 three seconds of one thread and zoom 10^11 some 12 GB, for
    anyone reaching the port with one GET. A zoom outside the tile formats' range (0..30) is no tile (204)."""
    from dashboards.app import create_app
    from scn.settings import override

    path = tmp_path / "osm.mbtiles"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)")
        db.execute("INSERT INTO tiles VALUES (1, 1, 1, ?)", (b"\x89PNG\r\n\x1a\ntile",))
    db.close()
    app = create_app(dash_world)
    with override(home=dash_world, basemap_tiles=path):
        client = app.server.test_client()
        assert client.get("/_basemap/tiles/1/1/0").status_code == 200  # the control
        assert client.get("/_basemap/tiles/70/0/0").status_code == 204
        started = time.monotonic()
        assert client.get(f"/_basemap/tiles/{10 ** 9}/0/0").status_code == 204
        assert time.monotonic() - started < 2.0


@pytest.fixture(scope="module")
def dash_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SCN_HOME with the synthetic snapshot and the test users (tests/support/dash_client.py)."""
    from tests.support.dash_client import home_with_users

    return home_with_users(tmp_path_factory.mktemp("scn-attacker4"))


def test_a_callback_body_is_bounded_before_it_is_parsed(dash_world: Path) -> None:
    """``POST /_dash-update-component`` had no size limit (Flask's JSON has none; waitress takes up to 1 GB): a
    50 MB payload was read, parsed and run (the router rendered the log-in page for it) before the access
    check, for anyone reaching the port; eight such requests at a time held gigabytes. A callback body over
    ``auth.CALLBACK_MAX_BYTES`` is refused (413) unread, signed in or not; the pages' own payloads pass."""
    from dashboards import auth
    from dashboards.app import create_app
    from tests.support.dash_client import route, signed_in

    app = create_app(dash_world)
    big = route("/login")
    big["inputs"][1]["value"] = "x" * (8 << 20)
    body = json.dumps(big)
    for client in (app.server.test_client(), signed_in(app, "olive")):
        assert client.post("/_dash-update-component", data=body, content_type="application/json").status_code == 413
        assert client.post("/_dash-update-component", json=route("/login")).status_code == 200  # the control
    assert auth.CALLBACK_MAX_BYTES < len(body)


def test_a_callback_payload_names_the_callbacks_own_inputs_or_is_refused(dash_world: Path) -> None:
    """The access hook read a payload's values by the ids it names (``_pages_location.pathname``, ``city-id``),
    Dash hands them to the callback by position and never compares the ids: the router's pathname sent under
    another id (and ``/login`` under the right one, in the language's place) passed the hook as a public page,
    a second ``city-id`` made the hook check London while the map callback got Saida. Only the pages' own
    checks stopped both (403). Each input and state of a payload must now be the callback's declared one
    (pattern-matching ids: the same keys, the declared values where not a wildcard), else 400 in the hook."""
    from dashboards.app import create_app
    from tests.support.dash_client import city_map, route, signed_in

    app = create_app(dash_world)
    olive = signed_in(app, "olive")
    post = olive.post

    router = route("/city/saida")
    router["inputs"][0]["id"] = "elsewhere"
    router["inputs"][2] = {"id": "_pages_location", "property": "pathname", "value": "/login"}
    assert post("/_dash-update-component", json=router).status_code == 400
    twice = city_map("saida")
    twice["state"][1] = {"id": "city-id", "property": "data", "value": "london"}
    assert post("/_dash-update-component", json=twice).status_code == 400
    moved = city_map("london")
    moved["inputs"][2]["property"] = "children"
    assert post("/_dash-update-component", json=moved).status_code == 400
    review = {"output": "..review-status.children...review-accuracy.children..",
              "outputs": [{"id": "review-status", "property": "children"},
                          {"id": "review-accuracy", "property": "children"}],
              "inputs": [{"id": "review-save", "property": "n_clicks", "value": 1}],
              "state": [[{"id": {"type": "review-target", "post": "p1"}, "property": "value", "value": "x"}],
                        [], [], {"id": "review-city", "property": "data", "value": "london"},
                        {"id": "lang", "property": "value", "value": "en"}],
              "changedPropIds": ["review-save.n_clicks"]}
    assert post("/_dash-update-component", json=review).status_code == 400  # another pattern's id
    # the controls: the payloads the pages send
    assert post("/_dash-update-component", json=route("/city/london")).status_code == 200
    assert post("/_dash-update-component", json=city_map("london")).status_code == 200
    assert post("/_dash-update-component", json=city_map("saida")).status_code == 403
    review["state"][0] = [{"id": {"type": "review-label", "post": "p1"}, "property": "value", "value": "x"}]
    assert post("/_dash-update-component", json=review).status_code == 403  # a reviewer's page: olive is none


def test_an_odd_path_under_dashs_scripts_is_not_found_not_a_server_error(dash_world: Path) -> None:
    """``/_dash-component-suites/dash/../x`` (any path Dash did not register) was a 500 with a traceback of
    every registered script in the log, for anyone: now 404, like every other unknown path."""
    from dashboards.app import create_app

    client = create_app(dash_world).server.test_client()
    for path in ("/_dash-component-suites/dash/../../etc/passwd", "/_dash-component-suites/dash/nothing.js",
                 "/_dash-component-suites/no_such_package/x.js"):
        assert client.get(path).status_code == 404, path
    dash_js = "/_dash-component-suites/dash/dash-renderer/build/dash_renderer.min.js"
    assert client.get(dash_js).status_code == 200  # the control
