"""Geolocation: coordinates -> cell and area; names -> area or city, never a cell or invented coordinates."""

from __future__ import annotations

import numpy as np
import pandas as pd
from shapely.geometry import box

from geo.locate import gazetteer, locate_crimes, locate_posts, normalise_names


def _world() -> tuple[pd.DataFrame, pd.DataFrame]:
    areas = pd.DataFrame({
        "city_id": ["london", "london", "saida", "saida"], "area_code": ["E01", "E02", "S1", "S2"],
        "area_name": ["Tower Hamlets North", "Hackney Central", "Old Town", "Haret Saida"],
        "area_name_local": [None, None, "البلدة القديمة", "حارة صيدا"],
        "geometry_wkt": [box(-0.10, 51.50, -0.05, 51.55).wkt, box(-0.05, 51.50, 0.0, 51.55).wkt,
                         box(35.30, 33.50, 35.40, 33.60).wkt, box(35.40, 33.50, 35.50, 33.60).wkt]})
    cities = pd.DataFrame({"city_id": ["london", "saida"], "name": ["London", "Saïda"]})
    return areas, cities


def test_city_level_place_never_lands_in_a_cell() -> None:
    areas, cities = _world()
    posts = pd.DataFrame({"post_key": ["x:1", "x:2", "x:3", "x:4", "x:5"], "city_id": "london",
                          "lat": [51.52, None, None, None, 51.52], "lon": [-0.07, None, None, None, -0.02],
                          "place": [None, "hackney central", "London", "Atlantis", "London"], "lang": "en"})
    out = locate_posts(posts, areas, cities, 8).set_index("post_key")
    assert list(out.columns) == ["precision", "lat", "lon", "area_code", "cell", "resolution"]
    assert out.loc["x:1", "precision"] == "cell" and out.loc["x:1", "area_code"] == "E01"
    assert out.loc["x:2", "precision"] == "area" and out.loc["x:2", "area_code"] == "E02"
    assert out.loc["x:3", "precision"] == "city" and pd.isna(out.loc["x:3", "area_code"])
    assert out.loc["x:4", "precision"] == "unknown"
    assert out.loc["x:5", "precision"] == "cell"  # coordinates win over a place name
    assert out.loc[["x:2", "x:3", "x:4"], "cell"].isna().all()
    assert out.loc[["x:2", "x:3", "x:4"], ["lat", "lon"]].isna().all().all()  # no invented coordinates


def test_gazetteer_matches_arabic_names_and_accents_and_place_parts() -> None:
    areas, cities = _world()
    posts = pd.DataFrame({"post_key": list("abcdef"), "city_id": ["saida"] * 4 + ["london"] * 2,
                          "lat": None, "lon": None, "lang": ["ar", "ar", "fr", "fr", "en", "en"],
                          "place": ["ألبلدة القديمة", "حارة صيدا", "SAIDA", "Saïda, Liban", "Hackney Central, London",
                                    "Tower Hamlets North / Hackney Central"]})
    out = locate_posts(posts, areas, cities, 8).set_index("post_key")
    assert out["precision"].tolist() == ["area", "area", "city", "city", "area", "area"]
    assert out["area_code"].tolist()[:2] == ["S1", "S2"] and out.loc["e", "area_code"] == "E02"
    assert out["cell"].isna().all()
    assert normalise_names(pd.Series(["  Tower-Hamlets  NORTH "]))[0] == "tower hamlets north"


def test_ambiguous_area_names_place_nothing() -> None:
    areas, cities = _world()
    areas.loc[1, "area_name"] = "Tower Hamlets North"  # two areas share a name
    gaz = gazetteer(areas, cities)
    assert "tower hamlets north" not in set(gaz["key"])
    posts = pd.DataFrame({"post_key": ["a"], "city_id": "london", "lat": None, "lon": None,
                          "place": ["Tower Hamlets North"], "lang": "en"})
    assert locate_posts(posts, areas, cities, 8)["precision"].tolist() == ["unknown"]


def test_points_outside_every_area_keep_their_cell_without_an_area() -> None:
    areas, cities = _world()
    posts = pd.DataFrame({"post_key": ["a", "b"], "city_id": "london", "lat": [51.70, 95.0], "lon": [-0.07, 0.0],
                          "place": [None, "Hackney Central"], "lang": "en"})
    out = locate_posts(posts, areas, cities, 9).set_index("post_key")
    assert out.loc["a", "precision"] == "cell" and pd.isna(out.loc["a", "area_code"])
    assert out.loc["a", "resolution"] == 9
    assert out.loc["b", "precision"] == "area" and pd.isna(out.loc["b", "lat"])  # invalid latitude dropped


def test_crimes_use_point_then_known_lsoa_then_city() -> None:
    areas, _ = _world()
    crimes = pd.DataFrame({"crime_key": ["a", "b", "c", "d"], "city_id": "london",
                           "lat": [51.52, None, None, 51.70], "lon": [-0.02, None, None, -0.02],
                           "lsoa_code": ["E01", "E01", "E99", "E02"]})
    out = locate_crimes(crimes, areas, 8).set_index("crime_key")
    assert out["precision"].tolist() == ["cell", "area", "city", "cell"]
    assert out["area_code"].tolist()[:2] == ["E02", "E01"]  # the point wins over the reported LSOA
    assert pd.isna(out.loc["b", "cell"]) and pd.isna(out.loc["c", "area_code"])
    assert out.loc["d", "area_code"] == "E02" and pd.notna(out.loc["d", "cell"])


def test_a_place_naming_several_areas_takes_the_first_named_and_an_area_beats_the_city() -> None:
    areas, cities = _world()
    posts = pd.DataFrame({"post_key": list("abcd"), "city_id": "london", "lat": None, "lon": None, "lang": "en",
                          "place": ["Tower Hamlets North / Hackney Central", "Hackney Central / Tower Hamlets North",
                                    "London, Hackney Central", "London"]})
    out = locate_posts(posts, areas, cities, 8).set_index("post_key")
    assert out["area_code"].tolist()[:3] == ["E01", "E02", "E02"]
    assert out["precision"].tolist() == ["area", "area", "area", "city"]


def test_repeated_places_are_located_as_each_post_alone() -> None:
    """Places are matched once per distinct (city, place): a shuffled batch with repeats, two cities naming the
    same strings and an index that is not 0..n-1 gives what each post located on its own gives."""
    areas, cities = _world()
    rng = np.random.default_rng(4)
    places = ["Old Town", "Haret Saida, Old Town", "Hackney Central", "London / Hackney Central", "Saïda", None,
              "Tower Hamlets North/Old Town", "nowhere", "حارة صيدا", ""]
    n = 120
    posts = pd.DataFrame({"post_key": [f"k{i}" for i in range(n)],
                          "city_id": rng.choice(["london", "saida"], n), "lat": None, "lon": None, "lang": "en",
                          "place": rng.choice(np.array(places, dtype=object), n)},
                         index=rng.permutation(np.arange(1000, 1000 + n)))
    together = locate_posts(posts, areas, cities, 8).set_index("post_key")
    alone = pd.concat([locate_posts(posts.iloc[[i]], areas, cities, 8) for i in range(n)]).set_index("post_key")
    pd.testing.assert_frame_equal(together, alone)
    assert set(together["precision"]) == {"area", "city", "unknown"}
