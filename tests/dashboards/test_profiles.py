"""City profiles (issue 22) on the synthetic snapshot: staff find the cities of a theme with the search form, an
official edits their own city's profile and sees the new version in its history (headless Chromium); another
city's profile has no form and a forged post gets 403; signed-out visitors, unknown cities, a city without
data and the member count from the registry."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from plotly.utils import PlotlyJSONEncoder
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select

from scn.settings import override
from tests.support.browser import page_wait, sign_in
from tests.support.dash_client import find_props, form_token, route
from tests.support.snapshots import CITIES


def _fill(browser: webdriver.Chrome, id: str, words: str) -> None:
    """Type ``words`` into the field ``id`` and make sure they stay there (the first render of a page may be
    replaced once the language switch is restored)."""
    def filled(d: webdriver.Chrome) -> bool:
        box = d.find_element(By.ID, id)
        if box.get_attribute("value") == words:
            return True
        box.send_keys(Keys.CONTROL, "a")  # clear() leaves a controlled React field as it was
        box.send_keys(Keys.BACKSPACE)
        box.send_keys(words)
        return False

    page_wait(browser, 40, poll=0.7).until(filled)


def _with_theme(theme: str) -> set[str]:
    return {c for c, themes in zip(CITIES["city_id"], CITIES["themes"], strict=True) if theme in themes.split(";")}


def _versions(home: Path, city_id: str) -> int:
    from scn.hub import profiles

    with override(home=home):
        return int(profiles.history(city_id)["version"].max() or 0) if len(profiles.history(city_id)) else 0


@pytest.mark.browser
def test_staff_search_by_theme_and_an_official_edits_their_profile(server: str, browser: webdriver.Chrome,
                                                                    dash_home: Path) -> None:
    themes = sorted({t for ts in CITIES["themes"] for t in ts.split(";")}, key=lambda t: (-len(_with_theme(t)), t))
    theme = themes[0]  # the theme of most cities, some but not all
    assert 1 < len(_with_theme(theme)) < len(CITIES)
    wait = page_wait(browser, 40)
    before = _versions(dash_home, "london")
    try:
        sign_in(browser, server, "sam", "/cities")
        title = wait.until(ec.presence_of_element_located((By.ID, "profiles-title")))
        assert title.text == f"{len(CITIES)} member cities in the registry"
        Select(browser.find_element(By.ID, "profiles-theme")).select_by_value(theme)
        browser.find_element(By.ID, "profiles-go").click()
        wait.until(lambda d: f"theme={theme}" in d.current_url
                   and d.find_element(By.ID, "profiles-found").text == f"Cities found: {len(_with_theme(theme))}")
        shown = {li.get_attribute("data-city") for li in browser.find_elements(By.CSS_SELECTOR, "#profiles-results li")}
        assert shown == _with_theme(theme)
        assert Select(browser.find_element(By.ID, "profiles-theme")).first_selected_option.get_attribute(
            "value") == theme  # the filter stays chosen

        sign_in(browser, server, "olive", "/cities/london")  # official of london
        for n, words in enumerate(("Our prevention network meets monthly.", "Now with a youth council."), 1):
            wait.until(ec.presence_of_element_located((By.ID, "logout")))
            _fill(browser, "profile-edit-overview", words)
            browser.find_element(By.ID, "profile-save").click()
            wait.until(lambda d, w=words: d.find_element(By.ID, "profile-text-overview-shown").text == w)
            history = browser.find_element(By.ID, "profile-history")
            assert f"History (versions saved: {before + n})" in history.get_attribute("textContent")
            assert f"Version {before + n} by olive" in history.get_attribute("textContent")
        assert "Our prevention network meets monthly." in history.get_attribute("textContent")  # kept

        browser.get(f"{server}/cities/saida")  # another city's profile: read, not edited
        wait.until(ec.presence_of_element_located((By.ID, "profile-facts")))
        assert browser.find_element(By.ID, "profile-title").text == "Saida"
        assert browser.find_elements(By.ID, "profile-form") == []
    finally:
        browser.delete_all_cookies()
    assert _versions(dash_home, "london") == before + 2


def test_only_staff_or_the_citys_official_may_edit(app_client, dash_home: Path) -> None:
    omar = app_client("omar")  # official of saida
    token = form_token(omar.post("/_dash-update-component", json=route("/cities/saida")).get_json())
    before = _versions(dash_home, "london")
    forged = {"csrf_token": token, "text_overview": "forged", "vis_overview": "public"}
    assert omar.post("/cities/london", data=forged).status_code == 403
    page = omar.post("/_dash-update-component", json=route("/cities/london"))
    assert page.status_code == 200 and "profile-form" not in page.text and "forged" not in page.text
    assert omar.post("/cities/london", data={"text_overview": "no token"}).status_code == 400
    assert omar.post("/cities/nowhere", data=forged).status_code == 404
    assert _versions(dash_home, "london") == before
    mine = omar.post("/cities/saida", data={**forged, "text_overview": "Saida's network",
                                            "text_contacts": "Focal point at city hall", "vis_contacts": "network"})
    assert mine.status_code == 303 and mine.headers["Location"] == "/cities/saida"
    olive = app_client("olive").post("/_dash-update-component", json=route("/cities/saida")).text
    assert "Saida's network" in olive and "Focal point at city hall" not in olive  # network part: not hers
    assert "Focal point at city hall" in omar.post("/_dash-update-component", json=route("/cities/saida")).text
    staff = app_client("sam")
    token = form_token(staff.post("/_dash-update-component", json=route("/cities/london")).get_json())
    assert staff.post("/cities/london", data={"csrf_token": token, "text_challenges": "Staff words",
                                              "vis_challenges": "public"}).status_code == 303
    assert _versions(dash_home, "london") == before + 1


def test_signed_out_unknown_city_and_a_city_without_data(app_client, dash_home: Path) -> None:
    anonymous = app_client()
    for r in (anonymous.get("/cities"), anonymous.get("/cities/london"),
              anonymous.post("/cities/london", data={"text_overview": "x"})):
        assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert anonymous.post("/_dash-update-component", json=route("/cities")).status_code == 401
    olive = app_client("olive")
    assert olive.get("/cities/nowhere").status_code == 404 and olive.get("/cities/aarhus").status_code == 200
    page = olive.post("/_dash-update-component", json=route("/cities/aarhus")).get_json()  # a member without data
    assert find_props(page, "profile-title")["children"] == "Aarhus" and find_props(page, "profile-form") is None
    row = CITIES.set_index("city_id").loc["aarhus"]
    fact = {k: find_props(page, f"fact-profiles_{k}")["children"] for k in ("joined", "survey", "posts", "crimes")}
    assert fact == {"joined": str(row["joined_year"]), "survey": "no survey published", "posts": "not published",
                    "crimes": "not published"}
    from dashboards.components.profiles import facts

    unknown = json.dumps(facts({**row.to_dict(), "joined_year": pd.NA, "population": None}, "fr"),
                         cls=PlotlyJSONEncoder)
    assert unknown.count('"inconnu"') == 2  # no join year, no population: said so
    listing = olive.post("/_dash-update-component", json=route("/cities", "?q=aar")).text
    assert f"{len(CITIES)} member cities in the registry" in listing
    assert set(re.findall(r"profile-link-([a-z-]+)", listing)) == {"aarhus"}
    arabic = olive.post("/_dash-update-component", json=route("/cities", lang="ar")).text
    assert "مدينة عضو في السجل" in arabic
