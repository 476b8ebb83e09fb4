"""Why an official's counts are hidden, said truly (Flask test client through the real log-in):

- a city whose every count is small (each year fewer than k, even for the whole city): the map callbacks answer
  200 with an empty map that says "too few to show" at every cell size and count (not a 500 from a colour scale
  over NA values, not "no data");
- a city whose yearly totals are 6 (k or more) but hidden so that the cells beneath (six of 1) cannot be worked
  out: the level sentence, the series note and the map's hover never call them "fewer than k", nor say which
  reason holds for which count (one wording for both);
- a registered city with nothing published: "no data yet", never "fewer than k";
- every reason code of ``scn.privacy.levels`` (and each kind of hidden count) has its own sentence in en/fr/ar."""

from __future__ import annotations

import pytest

from tests.support.dash_client import (  # noqa: F401 - settings_restored is an autouse fixture
    city_map,
    find_props,
    home_with_users,
    route,
    settings_restored,
    signed_in,
)
from tests.support.snapshots import PERIODS, make_tables

K = 5


def _tables() -> dict:
    """London: no flagged post but 2 in a month of each year (every count hidden as small, even the whole city
    by year). Saida: no hate crime but six cells with 1 in its first month (each level's total is 6 or 0: shown,
    it would pin the six hidden 1s beneath)."""
    tables = make_tables()
    cm, am, city = tables["cell_month"], tables["area_month"], tables["city_month"]
    for frame in (cm, am, city):
        frame.loc[frame["city_id"] == "london", "flagged_posts"] = 0
        frame.loc[frame["city_id"] == "saida", "hate_crimes"] = 0
    for period in (PERIODS[0], PERIODS[-1]):  # 2025-11 and 2026-10
        for frame in (cm, am, city):
            rows = frame.index[(frame["city_id"] == "london") & (frame["period"] == period)]
            frame.loc[rows[0], "flagged_posts"] = 2
    cells = cm.index[(cm["city_id"] == "saida") & (cm["period"] == PERIODS[0])][:6]
    cm.loc[cells, "hate_crimes"] = 1
    areas = am.index[(am["city_id"] == "saida") & (am["period"] == PERIODS[0])][:3]
    am.loc[areas, "hate_crimes"] = 2
    city.loc[(city["city_id"] == "saida") & (city["period"] == PERIODS[0]), "hate_crimes"] = 6
    return tables


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    from dashboards.app import create_app
    from scn import settings as scn_settings
    from scn.access.users import add_user
    from tests.support import dash_client

    home = home_with_users(tmp_path_factory.mktemp("scn-hidden"), _tables())
    with scn_settings.override(home=home):
        add_user("otto", "official", "aarhus", "official-pass-3")  # a registered city with no data
    saved = scn_settings.saved_overrides()
    app = create_app(home)
    dash_client.USERS["otto"] = ("official", "aarhus", "official-pass-3")

    def client_of(username: str):
        scn_settings.use(home=home)
        return signed_in(app, username)

    yield client_of
    dash_client.USERS.pop("otto", None)
    scn_settings.restore_overrides(saved)


def _map(c, city: str, metric: str, res: int = 8, period: int = 0) -> dict:
    body = city_map(city, period=period, res=res)
    body["inputs"][0]["value"] = metric
    r = c.post("/_dash-update-component", json=body)
    assert r.status_code == 200, r.get_data(as_text=True)[-400:]
    return r.get_json()["response"]["cell-map"]["figure"]


def _level(c, city: str, metric: str) -> str:
    body = {"output": "..map-period.max...map-period.marks...map-period.value...map-periods.data...map-level."
                      "children..",
            "outputs": [{"id": i, "property": p} for i, p in (("map-period", "max"), ("map-period", "marks"),
                                                              ("map-period", "value"), ("map-periods", "data"),
                                                              ("map-level", "children"))],
            "inputs": [{"id": "map-metric", "property": "value", "value": metric}],
            "state": [{"id": "city-id", "property": "data", "value": city},
                      {"id": "lang", "property": "value", "value": "en"}],
            "changedPropIds": ["map-metric.value"]}
    r = c.post("/_dash-update-component", json=body)
    assert r.status_code == 200
    return r.get_json()["response"]["map-level"]["children"]


def _page(c, city: str) -> object:
    r = c.post("/_dash-update-component", json=route(f"/city/{city}"))
    assert r.status_code == 200
    return r.get_json()["response"]["_pages_content"]["children"]


def _notes(page: object) -> str:
    return " ".join(p["props"]["children"] for p in find_props(page, "series-notes")["children"])


def test_a_map_whose_every_count_is_small_is_an_empty_map_saying_so(client) -> None:
    olive = client("olive")
    for res in (8, 7, 6):
        for period in (0, 1):
            figure = _map(olive, "london", "flagged_posts", res=res, period=period)
            texts = [a["text"] for a in figure["layout"].get("annotations", [])]
            assert texts == [f"Too few to show: every count here is fewer than {K}"], texts
            assert figure["data"][0]["zmax"] == 1
            hidden = [t for t in figure["data"] if t["type"] == "choroplethmap"
                      and f": fewer than {K}<extra>" in t.get("hovertemplate", "")]
            assert hidden, figure["data"]


def test_totals_hidden_for_the_counts_beneath_are_not_called_fewer_than_k(client) -> None:
    """Saida's totals are 6 (k or more), hidden for the six 1s beneath: no sentence says they are fewer than k,
    and none says which hidden count is which (one known to be k or more beside one known small would narrow
    both down from a shown total): one wording for both reasons, on the level line, the series note and the map."""
    omar = client("omar")
    level = _level(omar, "saida", "hate_crimes")
    assert f"each is fewer than {K}, or is hidden so that smaller counts within it" in level, level
    assert f"fewer than {K}: they are shown" not in level
    notes = _notes(_page(omar, "saida"))
    assert "or is hidden so that the small counts within it cannot be worked out" in notes, notes
    figure = _map(omar, "saida", "hate_crimes", period=0)
    hover = [t["hovertemplate"] for t in figure["data"] if t["type"] == "choroplethmap" and t.get("showscale") is False
             and "%{z" not in t.get("hovertemplate", "")]
    assert len(hover) == 1 and f"hidden: fewer than {K}, or so that smaller counts within it" in hover[0], hover


@pytest.mark.parametrize(("lang", "words"), [("en", "no data yet"), ("fr", "pas encore de données"),
                                             ("ar", "لا توجد بيانات بعد")])
def test_a_city_with_no_data_says_no_data_yet(client, lang: str, words: str) -> None:
    from dashboards.components import city as view

    client("otto")  # sets the home
    for audience in ("official", "staff"):
        line = view.prevalence_line("aarhus", lang, audience)
        assert words in line and "5" not in line.split(".")[0], line
    assert "No data yet" in _notes(_page(client("otto"), "aarhus")) if lang == "en" else True


def test_every_reason_has_its_own_sentence() -> None:
    from dashboards import i18n
    from scn.privacy.levels import REASONS

    keys = [f"map_level_{r}" for r in REASONS] + ["map_level_coarsest_hidden_mixed"]
    keys += [f"{base}{s}" for base in ("series_some_hidden", "series_blank") for s in ("", "_mixed")]
    keys += [f"map_all_hidden_{s}" for s in ("small", "mixed")] + ["series_no_data"]
    for lang in ("en", "fr", "ar"):
        sentences = [i18n.t(key, lang, level="L", finer="F", share="50%", k=K) for key in keys]
        assert len(set(sentences)) == len(sentences), lang
        assert all(i18n.has(key) for key in keys)
        assert i18n.count("no_data_yet", lang, k=K) != i18n.count(None, lang, k=K) != i18n.count("hidden_beneath", lang, k=K)
