"""The alert inbox (issue 21) on the synthetic snapshot: one official acknowledges an alert with a note and
another user sees it acknowledged, by whom and with the note (headless Chromium); an official of another city,
a post without the form's CSRF token and an unknown alert are refused; the city's webhook subscriber on loopback
gets the alert once."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from plotly.utils import PlotlyJSONEncoder
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from scn.access.users import User
from scn.alerts.catalog import alert_facts
from scn.settings import override
from tests.support.browser import page_wait, sign_in
from tests.support.dash_client import form_token, route
from tests.support.receivers import webhook_receiver
from tests.support.snapshots import make_tables, publish_snapshot

NOTE = "olive → LON-006 #4711"  # words the translation walk accepts on every page (a name, an area code)


def _alert(city: str) -> str:
    facts = alert_facts(make_tables()["alerts"])
    return str(facts.loc[facts["city_id"] == city, "alert_id"].iloc[0])


@pytest.mark.browser
def test_acknowledged_by_one_official_shows_to_another_user(server: str, browser: webdriver.Chrome,
                                                            dash_home: Path) -> None:
    alert = _alert("london")
    wait = page_wait(browser, 40)
    try:
        sign_in(browser, server, "olive", "/alerts")
        card = wait.until(ec.presence_of_element_located((By.ID, f"alert-{alert}")))
        assert "Unusual rise in hateful posts in London 6: 6 this week vs very few usually" in card.get_attribute(
            "textContent")
        assert not card.is_displayed()  # an alert of 2026-W40 that nobody acted on: expired, collapsed
        browser.find_element(By.CSS_SELECTOR, "#alerts-old summary").click()
        assert "weeks ago" in card.text or "months ago" in card.text
        browser.find_element(By.ID, f"note-{alert}").send_keys(NOTE)
        browser.find_element(By.ID, f"acknowledge-{alert}").click()
        wait.until(lambda d: "Acknowledged by olive" in d.find_element(By.ID, "alerts-open").text)
        sign_in(browser, server, "sam", "/alerts")  # another user: staff, on the network-wide list
        card = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, f"#alerts-open #alert-{alert}")))
        assert "Acknowledged by olive on " in card.text and f"Note: {NOTE}" in card.text
        assert browser.find_elements(By.ID, f"close-{alert}")  # staff may close it
    finally:
        browser.delete_all_cookies()
    from dashboards.components.alerts import open_alerts

    with override(home=dash_home):  # the city page's short list of open alerts, linking to the inbox
        shown = json.dumps(open_alerts("london", "en", "official"), cls=PlotlyJSONEncoder)
    assert "Acknowledged, " in shown and '"href": "/alerts"' in shown


def test_only_the_citys_official_or_staff_may_act(app_client) -> None:
    london = _alert("london")
    omar = app_client("omar")  # official of saida
    token = form_token(omar.post("/_dash-update-component", json=route("/alerts")).get_json())
    other = omar.post("/alerts", data={"alert_id": london, "action": "close", "csrf_token": token})
    assert omar.post("/alerts", data={"alert_id": london, "action": "close"}).status_code == 400  # no CSRF token
    none = omar.post("/alerts", data={"alert_id": "a-0000000000000000", "action": "close", "csrf_token": token})
    # another city's alert answers as one that does not exist (ids are hashes of city, type, area and week: a
    # 403 told an official which other cities had an alert that week)
    assert other.status_code == none.status_code == 404 and other.data == none.data
    r = app_client().post("/alerts", data={"alert_id": london, "action": "close"})
    assert r.status_code == 302 and "/login" in r.headers["Location"]  # signed out
    filter_saida = {"output": "alert-list-box.children", "outputs": {"id": "alert-list-box", "property": "children"},
                    "inputs": [{"id": "alert-filter-city", "property": "value", "value": "saida"},
                               {"id": "alert-filter-state", "property": "value", "value": None},
                               {"id": "alert-filter-type", "property": "value", "value": "coordinated"}],
                    "state": [{"id": "lang", "property": "value", "value": "en"}],
                    "changedPropIds": ["alert-filter-city.value"]}
    # the network list is staff's: an official asking for another city's alerts gets their own city's list
    ask_london = {**filter_saida, "inputs": [{**filter_saida["inputs"][0], "value": "london"},
                                             filter_saida["inputs"][1], {**filter_saida["inputs"][2], "value": None}]}
    assert london in app_client("sam").post("/_dash-update-component", json=ask_london).text  # staff: honoured
    mine = omar.post("/_dash-update-component", json=ask_london)
    assert mine.status_code == 200 and london not in mine.text
    staff = app_client("sam").post("/_dash-update-component", json=filter_saida)
    assert staff.status_code == 200 and f"alert-{_alert('saida')}" in staff.text and london not in staff.text
    from dashboards.components.alerts import may_act

    assert not may_act(User("rita", "reviewer", "london"), "london")  # reviewers read, never act
    assert may_act(User("sam", "staff"), "saida") and not may_act(User("olive", "official", "london"), "saida")


def test_webhook_subscriber_on_loopback_gets_the_alert_once(dash_home: Path) -> None:
    from scn.alerts import store
    from scn.alerts.notifier import notify

    with override(home=dash_home, alert_webhook_allow_private=True), webhook_receiver() as hook:  # loopback
        store.subscribe("london", hook.url, lang="fr")
        try:
            sent = notify(today=date(2026, 10, 10))
            assert [(r["channel"], r["status"]) for r in sent] == [("webhook", "sent")]
            assert notify(today=date(2026, 10, 10)) == []
        finally:
            store.unsubscribe("london", hook.url)
    (message,) = hook.messages
    (alert,) = message["alerts"]
    assert alert["alert_id"] == _alert("london") and alert["this_week"] == 6 and alert["usual"] is None
    assert alert["sentence"] == "Hausse inhabituelle des publications haineuses à London 6 : 6 cette semaine " \
                                "contre très peu d'habitude"
    assert "il y a 6 jours" in message["text"]


@pytest.mark.parametrize("omit", [("alerts", "areas"), None])
def test_inbox_without_alerts_or_snapshot(tmp_path: Path, omit: tuple[str, ...] | None) -> None:
    from dashboards.app import create_app

    if omit:
        publish_snapshot(tmp_path, omit=omit)
    client = create_app(tmp_path, local_staff=True).server.test_client()
    r = client.post("/_dash-update-component", json=route("/alerts"))
    assert r.status_code == 200 and "No open alerts." in r.text
