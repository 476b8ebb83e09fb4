"""Access rules over real HTTP: an official of London gets 403 and no Saida data from pages, callbacks (crafted
/_dash-update-component posts with the official's session cookie), polygons and exports."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import requests

from tests.support.dash_client import city_map, login, login_token, plotly_array, route


@pytest.fixture(scope="module")
def olive(server: str) -> requests.Session:
    return login(server, "olive")


def _z(response: requests.Response) -> np.ndarray:
    """The map's cell values from a callback response."""
    return plotly_array(response.json()["response"]["cell-map"]["figure"]["data"][0]["z"])


def _post(s: requests.Session, server: str, body: dict) -> requests.Response:
    return s.post(f"{server}/_dash-update-component", json=body, timeout=30)


def test_official_pages(server: str, olive: requests.Session) -> None:
    assert olive.get(f"{server}/city/london", timeout=10).status_code == 200
    assert olive.get(f"{server}/city/saida", timeout=10).status_code == 403
    assert olive.get(f"{server}/network", timeout=10).status_code == 403
    assert olive.get(f"{server}/health", timeout=10).status_code == 403
    home = olive.get(f"{server}/", allow_redirects=False, timeout=10)
    assert home.status_code == 302 and home.headers["Location"].endswith("/city/london")


def test_official_callbacks(server: str, olive: requests.Session, dash_home: Path) -> None:
    cells = pd.read_parquet(dash_home / "serving" / "current" / "cell_month.parquet")
    saida_cell = cells.loc[cells["city_id"] == "saida", "cell"].iloc[0]
    own = _post(olive, server, city_map("london"))
    assert own.status_code == 200 and "locations" in own.text
    z = _z(own)
    assert not np.isnan(z).any() and not ((z > 0) & (z < 5)).any() and (z >= 5).any()  # one level, no hole
    other = _post(olive, server, city_map("saida"))
    assert other.status_code == 403 and saida_cell not in other.text
    assert _post(olive, server, route("/city/saida")).status_code == 403
    assert _post(olive, server, route("/health")).status_code == 403
    page = _post(olive, server, route("/city/london"))
    assert page.status_code == 200 and "London" in page.text and "Saida" not in page.text
    assert olive.get(f"{server}/geojson/saida/8.json", timeout=10).status_code == 403
    assert olive.get(f"{server}/geojson/london/8.json", timeout=10).json()["features"]


def test_official_exports(server: str, olive: requests.Session) -> None:
    assert olive.get(f"{server}/download/cells.csv?city=saida", timeout=30).status_code == 403
    assert olive.get(f"{server}/download/correlations.xlsx?city=saida", timeout=30).status_code == 403
    r = olive.get(f"{server}/download/cells.csv", timeout=30)
    assert r.status_code == 200
    cells = pd.read_csv(io.BytesIO(r.content))
    assert set(cells["city_id"]) == {"london"}
    counts = cells[["posts", "flagged_posts", "crimes", "hate_crimes"]]
    assert counts.isna().any().any() and not ((counts > 0) & (counts < 5)).any().any()


def test_anonymous_and_wrong_password(server: str) -> None:
    anon = requests.Session()
    page = anon.get(f"{server}/city/london", allow_redirects=False, timeout=10)
    assert page.status_code == 302 and "/login?next=/city/london" in page.headers["Location"]
    assert _post(anon, server, city_map("london")).status_code == 401
    assert _post(anon, server, route("/city/london")).status_code == 401
    assert _post(anon, server, route("/login")).status_code == 200
    assert anon.get(f"{server}/download/cells.csv", timeout=10).status_code == 401
    bad = anon.post(f"{server}/login", data={"username": "olive", "password": "nope",
                                             "csrf_token": login_token(anon, server)}, allow_redirects=False,
                    timeout=10)
    assert "error=1" in bad.headers["Location"]
    assert anon.get(f"{server}/city/london", allow_redirects=False, timeout=10).status_code == 302


def test_staff_sees_every_city(server: str) -> None:
    sam = login(server, "sam")
    for city in ("london", "saida"):
        assert sam.get(f"{server}/city/{city}", timeout=10).status_code == 200
        z = _z(_post(sam, server, city_map(city)))
        assert ((z > 0) & (z < 5)).any() and not np.isnan(z).any()  # staff see small counts
    assert sam.get(f"{server}/city/atlantis", timeout=10).status_code == 404

