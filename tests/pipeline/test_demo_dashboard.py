"""What `make run` serves: `scn serve` on the snapshot the real pipeline published for the demo world, opened in
real headless Chromium. (tests/dashboards covers roles, languages and exports on a synthetic snapshot.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import requests
from selenium import webdriver

from tests.support.browser import page_wait
from tests.support.cli import BIN, scn_env
from tests.support.servers import free_port, running_server

MAP_LOCATIONS = ("const g = document.querySelector('#cell-map .js-plotly-plot');"
                 "return g && g.data && g.data.length && g.data[0].locations ? g.data[0].locations.length : 0")


@pytest.fixture(scope="module")
def demo_server(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`scn serve --no-auth` on a free port over the demo home (no users yet: localhost gets a staff session;
    the secret key comes from the environment, so that nothing is written into the shared home)."""
    port = free_port()
    with running_server([str(BIN / "scn"), "serve", "--no-auth", "--port", str(port)], port=port,
                        ready_path="/login",
                        ready_status=range(200, 400), env=scn_env(demo_home, {"SCN_SECRET_KEY": "test-secret"}),
                        log=tmp_path_factory.mktemp("serve") / "serve.log") as srv:
        yield srv.url


def test_city_page_shows_the_pipelines_map_and_correlation(demo_server: str, demo_home: Path,
                                                           browser: webdriver.Chrome) -> None:
    browser.delete_all_cookies()
    browser.get(f"{demo_server}/city/london")
    page_wait(browser, 60).until(lambda d: d.execute_script(MAP_LOCATIONS) > 0)
    cells = pd.read_parquet(demo_home / "serving" / "current" / "cell_month.parquet", columns=["city_id", "cell"])
    london_cells = cells.loc[cells["city_id"] == "london", "cell"].nunique()
    shown = browser.execute_script(MAP_LOCATIONS)
    assert 0 < shown <= london_cells
    page_wait(browser, 30).until(
        lambda d: "rate ratio" in d.find_element("id", "correlation-text").text)
    text = browser.find_element("id", "correlation-text").text
    assert "95% CI" in text and "months" in text and "Verdict:" in text
    traces = browser.execute_script("return document.querySelector('#series .js-plotly-plot').data.length")
    assert traces >= 2


def test_network_page_exports_from_the_published_marts(demo_server: str) -> None:
    r = requests.get(f"{demo_server}/download/summit-metrics.csv", timeout=30)
    assert r.status_code == 200
    lines = r.text.splitlines()
    assert lines[0].startswith("summit,year,city,country,delegates,cities,countries")
    assert any(",2017,Aarhus," in line and ",476,170,47" in line for line in lines[1:])
