"""Issue 21: the review-adjusted prevalence beside the flagged-post counts on the city page (or the sentence saying
it is not measured), suppressed for officials, in EN/FR/AR; and the risk table in bands (an official: no score)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboards.i18n import percent, t
from scn.settings import override, suppress_below
from tests.support.dash_client import USERS, find_props, home_with_users, route
from tests.support.snapshots import make_tables, publish_tables

LANGS = ("en", "fr", "ar")


def _review_tables(area_month: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """``classifier_rates`` and ``adjusted_counts`` (docs: scn/review/published.py): london measured on 120 reviewed
    posts with plenty of flagged posts; saida measured too, but with 3 flagged posts in all (a hidden count)."""
    rates = pd.DataFrame({"city_id": ["london", "saida"], "lang": "en", "tpr": 0.8, "fpr": 0.05, "n": [120, 60],
                          "true_positives": [40.0, 20.0], "positives": [50.0, 25.0], "false_positives": [3.5, 1.75],
                          "negatives": [70.0, 35.0], "rates_source": "review", "dataset": "review sample"})
    adj = area_month[["city_id", "area_code", "period", "posts", "flagged_posts"]].copy()
    saida = (adj["city_id"] == "saida").to_numpy()
    adj.loc[saida, "flagged_posts"] = 0
    adj.loc[np.flatnonzero(saida)[:3], "flagged_posts"] = 1  # 3 flagged posts in saida in all
    adj["adjusted_flagged_posts"] = adj["flagged_posts"] * 0.8
    adj["adjusted_low"], adj["adjusted_high"] = adj["flagged_posts"] * 0.6, adj["flagged_posts"] * 1.0
    adj["rates_source"] = "review"
    return {"classifier_rates": rates, "adjusted_counts": adj}


@pytest.fixture(scope="module")
def dash_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The conftest's home (synthetic snapshot and users) with the review tables published as well (the
    ``app_client`` fixture serves it)."""
    from scn.access.users import add_user

    home = tmp_path_factory.mktemp("scn-prevalence")
    tables = make_tables()
    publish_tables(home, tables | _review_tables(tables["area_month"]))
    with override(home=home):
        for name, (role, city, password) in USERS.items():
            add_user(name, role, city, password)
    return home


def _page_text(client, path: str, lang: str, id: str) -> str:
    r = client.post("/_dash-update-component", json=route(path, lang=lang))
    assert r.status_code == 200, r.text[:300]
    props = find_props(r.get_json(), id)
    assert props is not None, f"no #{id} on {path}"
    return str(props.get("children"))


@pytest.mark.parametrize("lang", LANGS)
def test_official_sees_adjusted_prevalence_beside_counts(app_client, lang: str) -> None:
    olive = _page_text(app_client("olive"), "/city/london", lang, "prevalence-line")
    # the figures: 0.8 x flagged / posts, with 0.6 and 1.0 x for the interval, measured on 120 reviewed posts;
    # an official's counts perturbed by -2..+2 (docs/security.md, row 57): the figures from the shown counts
    am = make_tables()["area_month"].query("city_id == 'london'")
    flagged, posts = am["flagged_posts"].sum(), am["posts"].sum()
    near = range(-2, 3)
    assert all(any(percent(f * (flagged + a) / (posts + b), lang) in olive for a in near for b in near)
               for f in (0.8, 0.6, 1.0)), olive
    assert any(f" {120 + a} " in olive for a in near), olive
    assert t("prev_not_measured", lang) not in olive
    assert olive.startswith(t("prev_flagged", lang, n="").strip())
    # an official's line gives no adjusted count, staff's does
    staff = _page_text(app_client("sam"), "/city/london", lang, "prevalence-line")
    adjusted = f"{0.8 * am['flagged_posts'].sum():.0f}"
    assert adjusted in staff and adjusted not in olive
    # saida: 3 flagged posts in all: the official is told it is hidden, staff sees the figure
    omar = _page_text(app_client("omar"), "/city/saida", lang, "prevalence-line")
    assert t("prev_hidden", lang, k=suppress_below()) in omar
    staff_saida = _page_text(app_client("sam"), "/city/saida", lang, "prevalence-line")
    saida = make_tables()["area_month"].query("city_id == 'saida'")
    assert t("prev_hidden", lang, k=suppress_below()) not in staff_saida and "60" in staff_saida
    assert percent(0.8 * 3 / saida["posts"].sum(), lang) in staff_saida


def test_without_review_rates_the_line_says_not_measured(tmp_path: Path) -> None:
    from dashboards.components import city as view

    home = home_with_users(tmp_path)  # the synthetic snapshot alone: no classifier_rates, no adjusted_counts
    flagged = make_tables()["city_month"].query("city_id == 'london'")["flagged_posts"].sum()
    with override(home=home):
        for lang in LANGS:
            for audience in ("official", "staff"):
                text = view.prevalence_line("london", lang, audience)
                assert text.endswith(t("prev_not_measured", lang)), text
                assert "%" not in text and text.startswith(t("prev_flagged", lang, n="").strip())
            # the count beside its rate per 10,000 residents (london: 8.9 million)
            assert t("map_rate", lang, rate=flagged / 8_900_000 * 10_000) in view.prevalence_line("london", lang,
                                                                                                   "staff")


def test_risk_table_bands_official_without_score(dash_home: Path) -> None:
    from dashboards.components import city as view

    with override(home=dash_home):
        for lang in LANGS:
            official = view.risk_table("london", lang, "official")
            staff = view.risk_table("london", lang, "staff")
            words = {t(f"risk_band_{b}", lang) for b in ("high", "elevated", "typical")}
            assert "score" not in official.columns and set(official["band"]) <= words
            assert {"score", "band"} <= set(staff.columns) and set(staff["band"]) <= words
            # the snapshot's scores run 1.00, 0.95, ... 0.55 by rank: high from 0.8, elevated from 0.5
            expected = np.where(staff["score"] >= 0.8, t("risk_band_high", lang), t("risk_band_elevated", lang))
            assert list(staff["band"]) == list(expected) and list(official["band"]) == list(expected)
            assert {t("risk_band_high", lang), t("risk_band_elevated", lang)} <= set(staff["band"])


def test_risk_map_gives_an_official_the_band_not_the_score(dash_home: Path) -> None:
    """The map's figure reaches the browser whole: an official's holds each area's band (its floor), never the
    score (found by an attacker reading ``z`` of the risk map callback); staff's holds the score."""
    from dashboards.maps import risk_figure
    from geo.risk import BANDS
    from tests.support.dash_client import plotly_array

    with override(home=dash_home):
        official = risk_figure("london", "official").to_plotly_json()["data"][0]
        staff = risk_figure("london", "staff").to_plotly_json()["data"][0]
    floors = {lo for lo, _ in BANDS}
    z_staff, z_official = (np.asarray(plotly_array(f["z"]), dtype="float64") for f in (staff, official))
    assert not set(np.round(z_staff, 6)) <= floors  # the snapshot's scores: 1.00, 0.95, ... 0.55
    assert set(z_official) <= floors and len(z_official) == len(z_staff)
    floor_of = {t(f"risk_band_{name}", "en"): lo for lo, name in BANDS}  # the band each hover names
    assert list(z_official) == [floor_of[b] for b in official["customdata"]] and len(set(z_official)) > 1
    assert list(official["customdata"]) == list(staff["customdata"])
    assert "%{z" not in official["hovertemplate"] and "%{z" in staff["hovertemplate"]


def test_published_band_wins_over_the_score() -> None:
    from dashboards.i18n import risk_band_codes

    risk = pd.DataFrame({"score": [0.95, 0.1, np.nan],
                         "reasons": [json.dumps({"band": "typical"}), json.dumps({"codes": []}), None]})
    assert list(risk_band_codes(risk)) == ["typical", "typical", None]


def test_a_city_total_corrected_to_zero_is_not_shown_as_exactly_zero(tmp_path: Path) -> None:
    """Flagged posts within what the false alarms alone give: every draw of the city total clips to 0. The line
    said "0% (95% interval 0% to 0%)", an exact 0 the data cannot give; it now says the share cannot be told
    from 0."""
    from dashboards.components import city as view

    tables = make_tables()
    review = _review_tables(tables["area_month"])
    adj = review["adjusted_counts"].query("city_id == 'london'").copy()
    adj["city_adjusted_flagged_posts"] = adj["city_adjusted_low"] = adj["city_adjusted_high"] = 0.0
    adj["city_rates_source"] = "review"
    review["adjusted_counts"] = adj
    home = home_with_users(tmp_path, tables | review)
    with override(home=home):
        for lang in LANGS:
            text = view.prevalence_line("london", lang, "staff")
            assert t("prev_adjusted_floor", lang, n="120") in text, text
            assert percent(0.0, lang) not in text
