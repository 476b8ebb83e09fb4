"""Names in the local script where the data have them: an area's ``area_name_local`` on the Arabic page (the
risk table), in brackets after the name elsewhere; codes shown as words, numbers and dates in the locale."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboards import i18n
from tests.support.dash_client import USERS, find_props, form_token, route
from tests.support.snapshots import make_tables, publish_tables


def test_place_code_number_and_date_words() -> None:
    assert i18n.place("Saida 1", "صيدا ١", "ar") == "صيدا ١"
    assert i18n.place("Saida 1", "صيدا ١", "fr") == "Saida 1 (صيدا ١)"
    assert i18n.place("London 1", None, "ar") == "London 1"
    assert i18n.code("line", "young_cities", "ar") == "المدن الشابة"
    assert i18n.code("region", "MENA", "fr") == "Moyen-Orient et Afrique du Nord"
    assert i18n.code("line", "a_new_line", "fr") == "a new line"  # an unknown code: never underscores
    assert i18n.number(2288.5, "fr") == "2\u202f288,5" and i18n.number(2288.5, "en") == "2,288.5"
    assert i18n.date("2026-10", "fr") == "octobre 2026" and i18n.date("2026-10", "ar") == "أكتوبر 2026"
    assert i18n.country("LB", "Lebanon", "ar") == "لبنان"
    assert i18n.kpi("member_cities", 5.0, "5 member cities in 4 countries", "fr") == "5 villes membres dans 4 pays"
    assert i18n.kpi("officials_trained", float("nan"), "suppressed", "en") == "hidden: city officials trained"


def test_the_arabic_city_page_shows_arabic_area_names(tmp_path: Path) -> None:
    from dashboards.app import create_app
    from scn.access.users import add_user
    from scn.settings import override

    tables = make_tables()
    areas = tables["areas"]
    local = areas["city_id"].eq("saida")
    tables["areas"] = areas.assign(area_name_local=("حي " + areas["area_code"].str[-2:]).where(local, None))
    publish_tables(tmp_path, tables)
    with override(home=tmp_path):
        add_user("omar", "official", "saida", USERS["omar"][2])
    app = create_app(tmp_path)
    c = app.server.test_client()
    token = form_token(c.post("/_dash-update-component", json=route("/login")).get_json())
    assert c.post("/login", data={"username": "omar", "password": USERS["omar"][2], "csrf_token": token,
                                  "next": "/"}).status_code == 302
    shown = {}
    for lang in ("ar", "en"):
        page = c.post("/_dash-update-component", json=route("/city/saida", lang=lang)).get_json()
        risk = find_props(page["response"]["_pages_content"]["children"], "risk")
        shown[lang] = pd.DataFrame(risk["data"])
        assert "area_code" not in {col["id"] for col in risk["columns"]}  # the code is data, not on screen
    assert shown["ar"]["area_name"].str.startswith("حي ").all()
    assert shown["en"]["area_name"].str.match(r"^Saida \d+ \(حي ").all()
