"""London at real size end to end (scn.demo.bigcity): 4,835 areas in British National Grid, ~2,500 H3 cells, the
ONS population workbook, police.uk files without a hate column and posts; ingested as a user does, located,
the city's marts built with dbt and published, and the city map served for it.

The geography is full size; the volumes are reduced (posts are not classified: that step's cost is per post, not
per area, and lives in the benchmark, scripts/bench_bigcity.py, with every stage's time and memory)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import duckdb
import numpy as np
import pandas as pd
import pytest
import shapely

from scn import lake
from scn.demo import bigcity
from scn.publish import serving
from tests.support.cli import scn_home
from tests.support.dash_client import city_map, plotly_array, settings_restored  # noqa: F401 - autouse fixture
from tests.support.dbt_world import dbt_build
from tests.support.marts import MARTS

SIZE = bigcity.BigCitySize(posts_per_month=700.0, hate_share=0.02, hate_crimes_per_month=40.0, nonhate_per_hate=8.0)
CITY_MARTS = [m for m in ("cell_month", "area_month", "area_period", "city_month") if m in MARTS]


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The big city generated, every file ingested in process, posts and crimes located, the city's marts built
    with dbt and published with the areas and the registry."""
    from scn.enrich.tables import enrich_crimes, enrich_posts
    from scn.ingest.pipeline import ingest_file

    home = tmp_path_factory.mktemp("bigcity")
    with scn_home(home):
        summary = bigcity.generate(home, size=SIZE)
        inbox, pub = home / "inbox", home / "published" / bigcity.CITY_ID
        results = {"cities": ingest_file("cities", inbox / "cities" / "cities.csv"),
                   "boundaries": ingest_file("boundaries", inbox / "boundaries" / "london" / bigcity.SHAPEFILE,
                                             city_id="london"),
                   "population": ingest_file("area-attributes", pub / bigcity.POPULATION, city_id="london"),
                   "hate_counts": ingest_file("crime-counts", pub / bigcity.HATE_COUNTS, city_id="london",
                                              options={"hate": True})}
        for kind in ("social", "crime"):
            for path in sorted((inbox / kind / "london").iterdir()):
                results[kind] = ingest_file(kind, path, city_id="london")
        lake.ensure_tables()  # post_labels stays empty: the posts are located, not classified (see the doc)
        enrich_posts()
        enrich_crimes()
        dbt_build(home, "--select", " ".join(f"+{m}" for m in CITY_MARTS), "--indirect-selection", "cautious")
        warehouse = home / "warehouse.duckdb"
        queries = {m: f"select * from {m}" for m in CITY_MARTS}
        queries.update({t: f"select * from {lake.scan(t)}"
                        for t in ("cities", "areas")})
        areas = lake.read_table("areas", ["city_id", "area_code"])  # a risk ranking of every area, for the map
        risk = areas.assign(rank=np.arange(1, len(areas) + 1), score=np.linspace(1, 0, len(areas)))
        serving.publish({"risk": risk}, run_id="bigcity-test", from_duckdb=(warehouse, queries))
        yield {"home": home, "summary": summary, "results": results}


def test_every_boundary_is_accepted_and_reprojected(city: dict) -> None:
    r = city["results"]["boundaries"]
    assert (r.rows_read, r.accepted, r.quarantined) == (bigcity.N_AREAS, bigcity.N_AREAS, 0)
    with scn_home(city["home"]):
        areas = lake.read_table("areas")
    assert len(areas) == areas["area_code"].nunique() == 4_835
    assert areas["area_code"].str.fullmatch(r"E01\d{6}").all()
    # British National Grid metres became WGS84 degrees: every centroid in Greater London
    assert areas["centroid_lat"].between(51.28, 51.72).all() and areas["centroid_lon"].between(-0.52, 0.27).all()
    geoms = shapely.from_wkt(areas["geometry_wkt"].to_numpy())
    assert shapely.is_valid(geoms).all() and (shapely.area(geoms) > 0).all()
    # the areas tile the disc: their union's extent is the generated one, ~45 km across
    w, s, e, n = shapely.total_bounds(geoms)
    assert 0.55 < e - w < 0.75 and 0.35 < n - s < 0.48


def test_population_attributes_match_every_area(city: dict) -> None:
    r = city["results"]["population"]
    assert r.rows_read == r.accepted + r.quarantined + r.duplicates
    table = pd.read_excel(city["home"] / "published" / "london" / bigcity.POPULATION, header=3)
    with scn_home(city["home"]):
        attrs = lake.read_table("area_attributes")
    pop = attrs[attrs["attribute"] == "population"].set_index("area_code")["value"]
    assert len(pop) == bigcity.N_AREAS
    expected = table.set_index("LSOA 2021 Code")["Total"]
    assert (pop.reindex(expected.index).to_numpy() == expected.to_numpy()).all()


def test_hate_counts_are_stored_and_police_uk_says_where_hate_crime_comes_from(city: dict) -> None:
    r = city["results"]["hate_counts"]
    assert r.rows_read == r.accepted + r.quarantined + r.duplicates > 0
    street = city["results"]["crime"]  # the last police.uk file: no hate column, and the city has counts
    assert street.quarantined == 0 and street.accepted == street.rows_read
    warned = [w for w in street.warnings if w.get("code") == "no_hate_flag"]
    assert warned and warned[0].get("hate_source") == bigcity.HATE_COUNTS
    with scn_home(city["home"]):
        crimes = lake.read_table("crimes", ["is_hate"])
    assert crimes["is_hate"].isna().all()  # unknown, never turned into zeros
    published = pd.read_csv(city["home"] / "published" / "london" / bigcity.HATE_COUNTS, skiprows=2)
    with scn_home(city["home"]):
        stored = lake.read_table("crime_counts", ["hate_strand", "count"])
    # every strand x area x period cell of the file is stored once, under its strand: no total lost or merged
    assert r.duplicates == 0 and stored["hate_strand"].ne("").all()
    assert int(stored["count"].sum()) == int(published.iloc[:, 4:].to_numpy().sum())


def test_posts_are_located_into_thousands_of_cells(city: dict) -> None:
    posts = pd.concat([pd.read_csv(p, usecols=["lat", "place"])
                       for p in sorted((city["home"] / "inbox" / "social" / "london").glob("*.csv"))])
    with scn_home(city["home"]):
        enriched = lake.read_table("posts_enriched", ["precision", "cell", "area_code"])
    assert len(enriched) == len(posts) == city["summary"]["posts"]
    cells = enriched.loc[enriched["precision"] == "cell", "cell"]
    assert len(cells) == posts["lat"].notna().sum()
    assert cells.nunique() >= 2_000
    # point in polygon over 4,835 areas: nearly every located post lands in one of the city's areas
    assert enriched.loc[enriched["precision"] == "cell", "area_code"].notna().mean() > 0.99
    # a place that names one of the 4,835 areas places the post to that area (the gazetteer at this size)
    named = posts["lat"].isna() & posts["place"].notna() & (posts["place"] != "London")
    assert (enriched["precision"] == "area").sum() == named.sum() > 0


def test_marts_are_built_for_the_whole_city(city: dict) -> None:
    with scn_home(city["home"]):
        crimes = lake.read_table("crimes_enriched", ["precision", "cell"])
        cm = serving.read_serving("cell_month", city_id="london")
        am = serving.read_serving("area_month", city_id="london")
    assert cm["cell"].nunique() >= 2_000
    assert int(cm["crimes"].sum()) == int((crimes["precision"] == "cell").sum())
    assert am["area_code"].nunique() > 4_000
    assert cm["period"].nunique() == am["period"].nunique() == 24
    with duckdb.connect(str(city["home"] / "warehouse.duckdb"), read_only=True) as con:
        built = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    assert set(CITY_MARTS) <= built


def test_city_map_renders_every_cell_and_the_area_outlines(city: dict) -> None:
    from dashboards.app import create_app

    client = create_app(city["home"], local_staff=True).server.test_client()
    payload = city_map("london", period=11, res=8)
    payload["inputs"][0]["value"] = "crimes"
    r = client.post("/_dash-update-component", json=payload)
    assert r.status_code == 200
    trace = r.get_json()["response"]["cell-map"]["figure"]["data"][0]
    with scn_home(city["home"]):
        cm = serving.read_serving("cell_month", city_id="london")
    month = sorted(cm["period"].unique())[11]
    expected = cm[cm["period"] == month].groupby("cell")["crimes"].sum()
    shown = pd.Series(plotly_array(trace["z"]), index=list(trace["locations"]))
    assert len(shown) == cm["cell"].nunique() >= 2_000
    assert np.nansum(shown.to_numpy()) == expected.sum() > 0
    cells = client.get(trace["geojson"])
    assert len(json.loads(cells.get_data())["features"]) == len(shown)
    # the area outlines: one cached route, simplified, not megabytes inline in every figure
    outlines = client.get("/geojson/london/areas.json")
    assert outlines.status_code == 200 and len(outlines.get_data()) < 3 * 2**20
    assert len(json.loads(outlines.get_data())["features"]) == bigcity.N_AREAS


def test_risk_map_of_every_area_sends_values_not_outlines(city: dict) -> None:
    from dashboards.app import create_app

    client = create_app(city["home"], local_staff=True).server.test_client()
    payload = city_map("london", period=11, res=8, changed="map-metric")
    payload["inputs"][0]["value"] = "risk"
    r = client.post("/_dash-update-component", json=payload)
    assert r.status_code == 200
    trace = r.get_json()["response"]["cell-map"]["figure"]["data"][0]
    assert len(trace["locations"]) == bigcity.N_AREAS
    assert trace["geojson"].startswith("/geojson/london/areas.json")  # fetched once, cached by the browser
    assert len(r.get_data()) < 2**20  # 4,835 outlines inline were ~10 MB per call
    outlines = json.loads(client.get(trace["geojson"]).get_data())
    assert {f["id"] for f in outlines["features"]} == set(trace["locations"])


def test_generator_writes_the_layouts_agencies_publish(city: dict) -> None:
    home = city["home"]
    street = pd.read_csv(next((home / "inbox" / "crime" / "london").glob("*-metropolitan-street.csv")), nrows=5)
    assert list(street.columns) == ["Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude",
                                    "Location", "LSOA code", "LSOA name", "Crime type", "Last outcome category",
                                    "Context"]  # police.uk publishes no hate flag
    counts = pd.read_csv(home / "published" / "london" / bigcity.HATE_COUNTS, skiprows=2)
    quarters = list(counts.columns[4:])  # complete calendar quarters only, wide
    assert quarters == ["2025 Q1", "2025 Q2", "2025 Q3", "2025 Q4", "2026 Q1", "2026 Q2", "2026 Q3"]
    by_month = city["summary"]["hate_crimes_by_month"]
    assert int(counts[quarters].to_numpy().sum()) == sum(v for m, v in by_month.items() if "2025-01" <= m <= "2026-09")
    assert set(counts["Hate strand"]) <= set(bigcity.STRANDS)
    s = city["summary"]
    assert s["areas"] == 4_835 and 2_300 <= s["cells"] <= 2_700
