"""Real headless Chromium (Debian's chromium + chromium-driver) against `scn serve` on the demo snapshot."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def server(demo_home: Path) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "SCN_HOME": str(demo_home), "DAGSTER_HOME": str(demo_home / "dagster")}
    proc = subprocess.Popen([str(BIN / "scn"), "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if requests.get(url, timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    opts = Options()
    opts.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1600",
                "--use-angle=swiftshader", "--enable-unsafe-swiftshader"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    try:
        yield driver
    finally:
        driver.quit()


def _screenshot(browser: webdriver.Chrome, name: str) -> None:
    """Save a PNG when SCN_SCREENSHOTS names a folder (docs/screenshots is refreshed that way)."""
    folder = os.environ.get("SCN_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(Path(folder) / name))


def test_city_page_renders_map_and_series(server: str, browser: webdriver.Chrome) -> None:
    browser.get(f"{server}/city/london")
    wait = WebDriverWait(browser, 60)
    wait.until(ec.text_to_be_present_in_element((By.ID, "correlation-text"), "rate ratio"))
    wait.until(lambda d: d.execute_script(
        "const g = document.querySelector('#cell-map .js-plotly-plot');"
        "return g && g.data && g.data.length && g.data[0].locations && g.data[0].locations.length"))
    n_cells = browser.execute_script("return document.querySelector('#cell-map .js-plotly-plot').data[0]"
                                     ".locations.length")
    assert n_cells > 50
    assert browser.find_elements(By.CSS_SELECTOR, "#cell-map .maplibregl-canvas, #cell-map canvas")
    traces = browser.execute_script("return document.querySelector('#series .js-plotly-plot').data.length")
    assert traces == 2
    assert "95% CI" in browser.find_element(By.ID, "correlation-text").text
    time.sleep(2)  # let MapLibre paint before the picture
    _screenshot(browser, "city.png")


def test_network_page_shows_summits_from_records(server: str, browser: webdriver.Chrome) -> None:
    browser.get(server)
    WebDriverWait(browser, 60).until(ec.presence_of_element_located((By.ID, "summits")))
    text = browser.find_element(By.ID, "summits").text
    assert "476" in text and "Aarhus" in text and "216" in text
    assert len(browser.find_elements(By.CSS_SELECTOR, "#kpis li")) >= 5
    _screenshot(browser, "network.png")


def test_unknown_city_is_not_found(server: str) -> None:
    assert requests.get(f"{server}/city/atlantis", timeout=10).status_code == 404


def test_staff_export_downloads_files_that_open(server: str, browser: webdriver.Chrome, tmp_path: Path) -> None:
    import io

    import openpyxl
    import pandas as pd

    browser.get(server)
    link = WebDriverWait(browser, 60).until(ec.presence_of_element_located((By.ID, "dl-summit-metrics-csv")))
    csv = requests.get(link.get_attribute("href"), timeout=30)
    assert csv.ok and "attachment" in csv.headers["Content-Disposition"]
    summits = pd.read_csv(io.BytesIO(csv.content))
    assert {"summit", "year", "city", "country", "delegates", "cities", "countries"} <= set(summits.columns)
    assert 476 in summits["delegates"].tolist()
    xlsx = requests.get(f"{server}/download/network-kpis.xlsx", timeout=30)
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert "README" in book.sheetnames and len(book.sheetnames) >= 2
