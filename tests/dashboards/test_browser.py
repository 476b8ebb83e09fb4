"""Real headless Chromium against the served app: log-in, the city map and series, Arabic right-to-left,
a staff download that opens."""

from __future__ import annotations

import io
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.support.browser import fill_login_form, page_wait
from tests.support.dash_client import login

pytestmark = pytest.mark.browser
MAP_LOCATIONS = ("const g = document.querySelector('#cell-map .js-plotly-plot');"
                 "return g && g.data && g.data.length && g.data[0].locations ? g.data[0].locations.length : 0")


def _wait(browser: webdriver.Chrome, seconds: int = 40) -> WebDriverWait:
    return page_wait(browser, seconds)


def test_login_then_city_page_renders_map_and_series(server: str, browser: webdriver.Chrome) -> None:
    browser.get(f"{server}/city/london")
    _wait(browser).until(ec.presence_of_element_located((By.ID, "login-form")))
    assert "/login" in browser.current_url
    fill_login_form(browser, "olive")
    _wait(browser).until(lambda d: d.execute_script(MAP_LOCATIONS) > 0)
    assert browser.current_url.endswith("/city/london")
    assert browser.execute_script(MAP_LOCATIONS) == 16  # an official: London's 16 areas (its level, issue 21)
    geojson = browser.execute_script("return document.querySelector('#cell-map .js-plotly-plot').data[0].geojson")
    # the polygons the map fetched (the browser's session cookie is needed for them)
    features = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(r => r.json()).then(j => done(j.features.length));", geojson)
    assert features == 16
    _wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#cell-map canvas"))
    traces = browser.execute_script("return document.querySelector('#series .js-plotly-plot').data.length")
    assert traces == 2
    text = browser.find_element(By.ID, "correlation-text").text
    assert "each neighbourhood with itself from month to month (217 neighbourhoods, 12 months" in text
    assert "hateful posts came first" in text and "31% more hate crimes" in text
    assert "rate ratio 1.31, 95% CI 1.12–1.53" in text and "do not prove" in text
    # each count has its own level: London's hate crimes only for the whole city (one shape)
    browser.find_element(By.CSS_SELECTOR, "#map-metric input[value='hate_crimes']").click()
    _wait(browser).until(lambda d: d.execute_script(MAP_LOCATIONS) == 1)
    small = browser.execute_script("return Array.from(document.querySelector('#cell-map .js-plotly-plot')"
                                   ".data[0].z).filter(v => v > 0 && v < 5).length")
    assert small == 0  # an official: counts 1-4 suppressed


def test_arabic_flips_direction_and_is_remembered(server: str, browser: webdriver.Chrome) -> None:
    browser.get(f"{server}/city/london")
    _wait(browser).until(ec.presence_of_element_located((By.ID, "city-title")))
    browser.find_element(By.CSS_SELECTOR, "#lang input[value='ar']").click()
    _wait(browser).until(lambda d: d.find_element(By.ID, "shell").get_attribute("dir") == "rtl")
    _wait(browser).until(ec.text_to_be_present_in_element((By.ID, "map-section"), "خريطة خلايا الأحياء"))
    browser.refresh()
    _wait(browser).until(ec.text_to_be_present_in_element((By.ID, "map-section"), "خريطة خلايا الأحياء"))
    assert browser.find_element(By.ID, "shell").get_attribute("dir") == "rtl"
    browser.find_element(By.CSS_SELECTOR, "#lang input[value='en']").click()
    _wait(browser).until(lambda d: d.find_element(By.ID, "shell").get_attribute("dir") == "ltr")


def test_staff_export_downloads_files_that_open(server: str, browser: webdriver.Chrome) -> None:
    browser.delete_all_cookies()  # signed out (log-out is a POST from the navigation's button now)
    browser.get(f"{server}/login")
    fill_login_form(browser, "sam")
    link = _wait(browser).until(ec.element_to_be_clickable((By.ID, "net-dl-summit-metrics-csv")))
    assert "Aarhus" in browser.find_element(By.ID, "net-summits").text
    link.click()
    folder: Path = browser.downloads  # type: ignore[attr-defined]
    deadline = time.time() + 30
    while time.time() < deadline and not list(folder.glob("*.csv")):
        time.sleep(0.2)
    summits = pd.read_csv(next(folder.glob("*.csv")))
    assert summits["delegates"].tolist() == [476, 216]
    xlsx = login(server, "sam").get(f"{server}/download/survey-indices.xlsx", timeout=30)
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert {"README", "survey_indices", "survey_prepost"} <= set(book.sheetnames)
    assert book["survey_indices"].max_row == 37  # header + 2 cities x 2 waves x 3 constructs x 3 groups


def test_staff_network_and_health_pages(server: str, browser: webdriver.Chrome) -> None:
    browser.get(f"{server}/network")
    _wait(browser).until(lambda d: d.execute_script(
        "const g = document.querySelector('#net-member-map .js-plotly-plot'); return g && g.data.length"))
    assert len(browser.find_elements(By.CSS_SELECTOR, "#net-kpis .kpi")) == 5
    browser.get(f"{server}/health")
    failed = _wait(browser).until(ec.presence_of_element_located((By.ID, "health-failed-checks")))
    assert "cells_are_res8" in failed.text and "freshness_check" not in failed.text
    assert "latitude and longitude swapped" in browser.find_element(By.ID, "health-quarantine").text
