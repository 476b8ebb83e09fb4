"""Officials download their own city's published tables from the city page, suppressed as on screen, and
cannot download another city's (403); signed out, nothing (Flask test client through the real log-in)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from dashboards import downloads
from tests.support.dash_client import find_props, route


def test_the_city_page_links_each_city_table(app_client) -> None:
    page = app_client("olive").post("/_dash-update-component", json=route("/city/london")).get_json()
    block = find_props(page["response"]["_pages_content"]["children"], "city-downloads")
    assert block is not None
    assert downloads.href("cells", "csv", "london") in str(block)
    assert {k for k in downloads.CITY_KINDS} >= {"cells", "correlations", "survey-indices", "programme-metrics"}


def test_an_official_downloads_their_city_suppressed_and_not_another(app_client, dash_home) -> None:
    olive = app_client("olive")
    r = olive.get(downloads.href("cells", "csv", "london"))
    assert r.status_code == 200 and r.headers["Content-Disposition"].startswith("attachment")
    cells = pd.read_csv(io.BytesIO(r.data))
    assert set(cells["city_id"]) == {"london"}
    shown = cells["flagged_posts"].to_numpy(dtype="float64")
    assert np.isnan(shown).any() and not ((shown > 0) & (shown < 5)).any()  # 1-4 hidden, as on the map
    raw = pd.read_parquet(dash_home / "serving" / "current" / "cell_month.parquet")
    raw = raw[raw["city_id"] == "london"]
    assert ((raw["flagged_posts"] > 0) & (raw["flagged_posts"] < 5)).any()  # the data had small counts
    for kind in downloads.CITY_KINDS:
        assert olive.get(downloads.href(kind, "csv", "saida")).status_code == 403, kind
        assert olive.get(downloads.href(kind, "xlsx", "saida")).status_code == 403, kind
    assert app_client().get(downloads.href("cells", "csv", "london")).status_code == 401
    staff = pd.read_csv(io.BytesIO(app_client("sam").get(downloads.href("cells", "csv", "london")).data))
    assert ((staff["flagged_posts"] > 0) & (staff["flagged_posts"] < 5)).any()


def test_a_refused_download_says_so_in_the_users_language(app_client) -> None:
    olive = app_client("olive")
    olive.set_cookie("scn_lang", "ar")
    r = olive.get(downloads.href("cells", "csv", "saida"))
    body = r.get_data(as_text=True)
    assert r.status_code == 403 and 'dir="rtl"' in body and "لا يمكنك الوصول إلى هذه الصفحة." in body
    missing = app_client("sam").get("/no-such-page", headers={"Accept-Language": "fr"})
    assert missing.status_code == 404 and "Page introuvable." in missing.get_data(as_text=True)
