"""The city map in real headless Chromium with every host but loopback unreachable: the base layer (Natural Earth
land), the area outlines and the area names (MapLibre labels with the app's own glyphs) are drawn, no request
goes to a non-loopback host (Chrome's network log), an official's map has no hole and says its level; the world
map of members is drawn once, on the country outlines; the MBTiles route serves the operator's tiles."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from tests.support.browser import page_wait, sign_in

pytestmark = pytest.mark.browser
GD = "document.querySelector('#{id} .js-plotly-plot')"
# the MapLibre map of a Plotly map figure, and what it has drawn of the layers named (rendered features)
RENDERED = ("const gd = " + GD + "; const m = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot"
            " && gd._fullLayout.map._subplot.map; if (!m || !m.isStyleLoaded() || !m.loaded()) return null;"
            "const ids = m.getStyle().layers.map(l => l.id); const out = {{ids: ids}};"
            "for (const l of ids) {{ out[l] = m.queryRenderedFeatures({{layers: [l]}}).length; }} return out;")
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}


@pytest.fixture(scope="module")
def offline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    """Chromium that cannot resolve any host name (loopback addresses still work) and logs every request."""
    from tests.support.browser import chromium_driver

    driver = chromium_driver(extra_args=("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",),
                             network_log=True)
    try:
        yield driver
    finally:
        driver.quit()


def _requested_hosts(browser: webdriver.Chrome) -> set[str]:
    hosts = set()
    for entry in browser.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg["method"] == "Network.requestWillBeSent":
            url = msg["params"]["request"]["url"]
            if urlsplit(url).scheme in ("http", "https", "ws", "wss"):
                hosts.add(urlsplit(url).hostname or "")
    return hosts


def _drawn(browser: webdriver.Chrome, graph: str) -> dict:
    script = RENDERED.format(id=graph)
    found = page_wait(browser, 90).until(
        lambda d: (r := d.execute_script(script)) and all(r.get(x, 0) for x in r["ids"] if x in ("land", "borders"))
        and r)
    return found


def test_official_city_map_offline_with_outlines_names_and_one_level(offline: webdriver.Chrome,
                                                                     server: str) -> None:
    sign_in(offline, server, "olive", "/city/london", english=False, wait=False, timeout=30)
    level = page_wait(offline, 40).until(ec.presence_of_element_located((By.ID, "map-level")))
    # the official's level and why (London's cells by month are mostly small counts)
    assert level.text.startswith("Shown: areas by year.") and "would be hidden (fewer than 5)" in level.text
    drawn = page_wait(offline, 90).until(
        lambda d: (r := _drawn(d, "cell-map")) and any(r[x] for x in r["ids"] if "layout-layer" in x) and any(
            r[x] for x in r["ids"] if x.endswith("-symbol")) and r)
    outlines = sum(drawn[x] for x in drawn["ids"] if "layout-layer" in x)  # drawn over the cells
    assert drawn["land"] > 0 and outlines >= 16  # base layer and the 16 area outlines
    labels = [x for x in drawn["ids"] if x.endswith("-symbol")]
    assert sum(drawn[x] for x in labels) >= 8  # area names placed (glyphs served by the app)
    trace = offline.execute_script(f"const d = {GD.format(id='cell-map')}.data; "
                                   "return {n: d[0].locations.length, z: Array.from(d[0].z), names: d[1].text};")
    assert trace["n"] == 16 and all(v is not None and v == v for v in trace["z"])  # no hole: every area a number
    assert "London 1" in trace["names"]
    hover = offline.execute_script(f"const d = {GD.format(id='cell-map')}.data[0];"
                                   "return [d.hovertemplate, d.customdata[0]];")
    # the hover: which area, what is counted, the number and the rate per 10,000 residents
    assert hover[0].startswith("<b>%{text}</b><br>Flagged (hateful) posts: %{z") and "%{customdata}" in hover[0]
    assert "per 10,000 residents" in hover[1]
    assert offline.find_element(By.ID, "map-attribution").text.startswith("Natural Earth")
    assert _requested_hosts(offline) <= LOOPBACK, _requested_hosts(offline)


def test_member_map_once_on_country_outlines_offline(offline: webdriver.Chrome, server: str) -> None:
    sign_in(offline, server, "sam", "/network", english=False, wait=False, timeout=30)
    drawn = _drawn(offline, "net-member-map")
    assert drawn["land"] > 100 and drawn["borders"] > 100  # Natural Earth countries, drawn
    shown = offline.execute_script(
        f"const m = {GD.format(id='net-member-map')}._fullLayout.map._subplot.map; const b = m.getBounds();"
        "return [b.getWest(), b.getEast(), document.querySelectorAll('#net-member-map canvas.maplibregl-canvas')"
        ".length];")
    assert shown[1] - shown[0] <= 360.5 and shown[2] == 1  # one world, one map
    assert _requested_hosts(offline) <= LOOPBACK


def test_mbtiles_route_serves_operator_tiles(tmp_path: Path, dash_home: Path) -> None:
    """A tiny MBTiles made here: the tile comes back at /_basemap/tiles/z/x/y (XYZ rows), an absent one is 204,
    and the map style then draws the operator's tiles from this app only; an XYZ URL is allowed by the CSP."""
    from dashboards import basemap
    from dashboards.app import create_app
    from scn.settings import override

    png = b"\x89PNG\r\n\x1a\n" + b"tile-1-1-0"
    path = tmp_path / "osm.mbtiles"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)")
        db.execute("INSERT INTO tiles VALUES (1, 1, 1, ?)", (png,))  # TMS row 1 at z1 = XYZ row 0
    db.close()
    app = create_app(dash_home)
    with override(home=dash_home, basemap_tiles=path, basemap_attribution="© OpenStreetMap contributors"):
        client = app.server.test_client()
        r = client.get("/_basemap/tiles/1/1/0")
        assert r.status_code == 200 and r.data == png and r.mimetype == "image/png"
        assert client.get("/_basemap/tiles/1/1/1").status_code == 204
        style = basemap.style((-0.2, 51.4, 0.0, 51.6))
        assert style["sources"]["operator"]["tiles"] == [basemap.TILES]
        assert "OpenStreetMap" in basemap.attribution()
    # an XYZ URL instead: the browser fetches it, so the pages' CSP allows that origin (and only then)
    with override(home=dash_home, basemap_url="https://tiles.example.org/{z}/{x}/{y}.png"):
        csp = app.server.test_client().get("/login").headers["Content-Security-Policy"]
        assert "img-src 'self' data: blob: https://tiles.example.org;" in csp
        assert basemap.style((-0.2, 51.4, 0.0, 51.6))["sources"]["operator"]["tiles"][0].startswith("https://tiles")
    assert "img-src 'self' data: blob:;" in app.server.test_client().get("/login").headers["Content-Security-Policy"]


@pytest.mark.parametrize("folder", ["a?b", "a#b", "a%20b", "o'brien [1] {2}"])
def test_mbtiles_at_an_odd_path_are_read_there_read_only(tmp_path: Path, folder: str) -> None:
    """The MBTiles file is opened by SQLite URI: its path is percent-encoded, so '?' or '#' in it does not end the
    path (dropping ``mode=ro``: SQLite then created an empty database at the cut path and found no tiles) and
    '%20' does not open the file of a neighbouring 'a b' folder (which holds other tiles here)."""
    from dashboards import basemap
    from scn.settings import override

    def mbtiles(path: Path, body: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(path)) as db, db:
            db.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, "
                       "tile_data BLOB)")
            db.execute("INSERT INTO tiles VALUES (1, 1, 1, ?)", (body,))

    mine, theirs = b"\x89PNG\r\n\x1a\nmine", b"\x89PNG\r\n\x1a\ntheirs"
    mbtiles(tmp_path / "a b" / "osm.mbtiles", theirs)
    path = tmp_path / folder / "osm.mbtiles"
    mbtiles(path, mine)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    with override(basemap_tiles=path):
        assert basemap.tile(1, 1, 0) == (mine, "image/png")
    with override(basemap_tiles=Path("/" + str(path))):  # '//' first: a path, not a URI authority
        assert basemap.tile(1, 1, 0) == (mine, "image/png")
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before  # nothing created


HOSTILE = '<a href="https://evil.example/login">Sign in again</a> & <b>Old Town</b>'


def test_area_names_reach_the_hover_as_text_not_markup(monkeypatch: pytest.MonkeyPatch) -> None:
    """An area's name comes from a partner's boundary file; Plotly draws ``<a href>``, ``<b>`` and other tags in
    hover labels, so the names handed to the maps' hover are entity-escaped (the city's name as well)."""
    from dashboards import maps
    from dashboards.plotly_text import plotly_text

    areas = pd.DataFrame({"area_code": ["A1"], "area_name": [HOSTILE], "area_name_local": [None]})
    monkeypatch.setattr(maps.detail, "areas", lambda city_id: areas)
    monkeypatch.setattr(maps.data, "city_name", lambda city_id: "<i>Town</i>")
    names = maps._unit_names.__wrapped__("snap", "x", "area_year", ("A1", "A9"), "en")
    assert names == ['&lt;a href="https://evil.example/login"&gt;Sign in again&lt;/a&gt; &amp; &lt;b&gt;Old Town'
                     '&lt;/b&gt;', "&lt;i&gt;Town&lt;/i&gt;"]
    assert plotly_text("R&D <x>") == "R&amp;D &lt;x&gt;"
    from dashboards.plotly_text import plotly_texts

    words = pd.Series([HOSTILE, "R&D <x>", "&amp;", None])  # the column form gives the same, missing kept
    assert list(plotly_texts(words))[:3] == [plotly_text(w) for w in words[:3]] and pd.isna(plotly_texts(words)[3])


def test_plotly_shows_an_escaped_name_as_written(offline: webdriver.Chrome, server: str) -> None:
    """The app's own Plotly, hovering a point whose text is an escaped hostile name: the label shows the name as
    written, with no link and no bold in it (unescaped, the same name gives a link: checked in the same page)."""
    from dashboards.plotly_text import plotly_text

    sign_in(offline, server, "olive", "/city/london", english=False, wait=False, timeout=30)
    page_wait(offline, 60).until(lambda d: d.execute_script("return !!(window.Plotly && window.Plotly.Fx)"))
    script = """
      const out = [];
      for (const text of arguments[0]) {
        const div = document.createElement('div'); document.body.appendChild(div);
        window.Plotly.newPlot(div, [{x: [0], y: [0], type: 'scatter', mode: 'markers', text: [text],
                                     hovertemplate: '%{text}<extra></extra>'}], {width: 300, height: 300});
        window.Plotly.Fx.hover(div, [{curveNumber: 0, pointNumber: 0}]);
        const layer = div.querySelector('.hoverlayer');
        out.push([layer.textContent, layer.querySelectorAll('a').length, layer.querySelectorAll('[style*="bold"]').length]);
        window.Plotly.purge(div); div.remove();
      }
      return out;"""
    escaped, raw = offline.execute_script(script, [plotly_text(HOSTILE), HOSTILE])
    assert escaped == [HOSTILE, 0, 0]
    assert raw[1] == 1 and raw[0] != HOSTILE  # what the escaping prevents: the tag drawn as a link


def test_survey_constructs_waves_and_city_names_reach_plotly_as_text(monkeypatch: pytest.MonkeyPatch,
                                                                    app_client) -> None:
    """The same for the other words of the data that Plotly draws: a partner codebook's constructs (tick labels
    and hover), its waves (legend), the registry's city names (the member map's hover), and region and programme
    line codes outside the vocabularies (the network chart's ticks and legend)."""
    from dashboards import data, maps
    from dashboards.components import city
    from dashboards.plotly_text import plotly_text

    survey = pd.DataFrame({"survey_id": "s1", "city_id": "x", "wave": ["<b>w1</b>"], "construct": [HOSTILE],
                           "group_type": "all", "group_value": "all", "n": 80, "mean": 50.0, "ci_low": 45.0,
                           "ci_high": 55.0, "suppressed": False})
    programmes = pd.DataFrame({"region": ["<i>R</i>"], "programme_line": ["<a href='https://x.example'>L</a>"],
                               "activities": [3]})
    monkeypatch.setattr(data, "table", lambda name, city_id=None: programmes if name in ("programme_metrics", "programme_regions")
                        else survey)
    trace = city.survey_figure("x", "staff").data[0]
    assert list(trace.x) == [plotly_text(HOSTILE)] and trace.name == "&lt;b&gt;w1&lt;/b&gt;"
    cities = pd.DataFrame({"name": ["<a href='https://x.example'>Town</a>"], "lat": [1.0], "lon": [2.0],
                           "region": ["Europe"]})
    fig = maps.member_figure(cities)
    assert fig.data[0].hovertext[0] == "&lt;a href='https://x.example'&gt;Town&lt;/a&gt;"
    from dashboards.pages import network  # (pages import once an app exists: ``app_client``)

    bars = network._lines_by_region("en").figure.data[0]
    assert list(bars.x) == ["&lt;i&gt;R&lt;/i&gt;"] and bars.name == "&lt;a href='https://x.example'&gt;L&lt;/a&gt;"
