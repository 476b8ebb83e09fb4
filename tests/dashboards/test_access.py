"""Access rules over real HTTP: an official of London gets 403 and no Saida data from pages, callbacks (crafted
/_dash-update-component posts with the official's session cookie), polygons and exports."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import requests

from tests.dashboards.conftest import login


def _route(path: str, search: str = "", lang: str = "en") -> dict:
    """The Dash Pages router's callback (``dash.page_container``): the page at ``path`` in ``lang``."""
    return {"output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"},
                        {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": search},
                       {"id": "lang", "property": "value", "value": lang}],
            "changedPropIds": ["_pages_location.pathname"], "state": []}


def _map(city: str, res: int = 8) -> dict:
    return {"output": "cell-map.figure", "outputs": {"id": "cell-map", "property": "figure"},
            "inputs": [{"id": "map-metric", "property": "value", "value": "flagged_posts"},
                       {"id": "map-period", "property": "value", "value": 11},
                       {"id": "map-res", "property": "value", "value": res}],
            "state": [{"id": "city-id", "property": "data", "value": city},
                      {"id": "lang", "property": "value", "value": "en"}],
            "changedPropIds": ["map-res.value"]}


@pytest.fixture(scope="module")
def olive(server: str) -> requests.Session:
    return login(server, "olive")


def _z(response: requests.Response) -> np.ndarray:
    """The map's cell values from a callback response (Plotly sends numpy arrays base64-encoded)."""
    z = response.json()["response"]["cell-map"]["figure"]["data"][0]["z"]
    if isinstance(z, dict):
        return np.frombuffer(base64.b64decode(z["bdata"]), dtype=z["dtype"])
    return np.array([np.nan if v is None else v for v in z], dtype="float64")


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
    own = _post(olive, server, _map("london"))
    assert own.status_code == 200 and "locations" in own.text
    z = _z(own)
    assert np.isnan(z).any() and not ((z > 0) & (z < 5)).any() and (z >= 5).any()
    other = _post(olive, server, _map("saida"))
    assert other.status_code == 403 and saida_cell not in other.text
    assert _post(olive, server, _route("/city/saida")).status_code == 403
    assert _post(olive, server, _route("/health")).status_code == 403
    page = _post(olive, server, _route("/city/london"))
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
    assert _post(anon, server, _map("london")).status_code == 401
    assert _post(anon, server, _route("/city/london")).status_code == 401
    assert _post(anon, server, _route("/login")).status_code == 200
    assert anon.get(f"{server}/download/cells.csv", timeout=10).status_code == 401
    bad = anon.post(f"{server}/login", data={"username": "olive", "password": "nope"}, allow_redirects=False,
                    timeout=10)
    assert "error=1" in bad.headers["Location"]
    assert anon.get(f"{server}/city/london", allow_redirects=False, timeout=10).status_code == 302


def test_staff_sees_every_city(server: str) -> None:
    sam = login(server, "sam")
    for city in ("london", "saida"):
        assert sam.get(f"{server}/city/{city}", timeout=10).status_code == 200
        z = _z(_post(sam, server, _map(city)))
        assert ((z > 0) & (z < 5)).any() and not np.isnan(z).any()  # staff see small counts
    assert sam.get(f"{server}/city/atlantis", timeout=10).status_code == 404

