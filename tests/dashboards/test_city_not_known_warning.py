"""The programme ingest's ``city_not_known`` warning on the data-health page: a sentence naming the file, the
column, the names and the rows (was: the bare code, ``summits-25.csv: city_not_known``)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from dashboards import i18n
from dashboards.app import create_app
from tests.support.dash_client import find_props, route
from tests.support.snapshots import make_tables, publish_tables


@pytest.mark.parametrize("lang", tuple(i18n.LANGS))
def test_a_city_name_nobody_knows_reads_as_a_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      lang: str) -> None:
    rows = [{"city_id": None, "kind": "programme", "file": "inbox/programme/summits-25.csv", "code": "city_not_known",
             "hate_source": None, "warned_at": pd.Timestamp("2026-12-06T10:00:00Z"),
             "params": json.dumps({"field": "delegate_city", "names": ["Atlantis", "Bayroot"], "rows": [4, 9],
                                   "count": 2})}]
    monkeypatch.setenv("SCN_HOME", str(tmp_path))
    monkeypatch.setenv("SCN_SECRET_KEY", "unit")
    publish_tables(tmp_path, {**make_tables(0), "ingest_warnings": pd.DataFrame(rows)})
    client = create_app(tmp_path, local_staff=True).server.test_client()
    page = client.post("/_dash-update-component", json=route("/health", lang=lang)).get_json()
    items = str(find_props(page, "health-warnings")["children"])
    said = i18n.t("warning_city_not_known", lang, file="summits-25.csv", count=2, field="delegate_city",
                  names="Atlantis, Bayroot", rows=i18n.t("warning_rows_part", lang, rows="4, 9"))
    assert said in items and "city_not_known" not in items


def _health_items(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str, code: str, params: dict) -> str:
    rows = [{"city_id": None, "kind": "programme", "file": "inbox/programme/participants-7.csv", "code": code,
             "hate_source": None, "warned_at": pd.Timestamp("2026-12-06T10:00:00Z"), "params": json.dumps(params)}]
    monkeypatch.setenv("SCN_HOME", str(tmp_path))
    monkeypatch.setenv("SCN_SECRET_KEY", "unit")
    publish_tables(tmp_path, {**make_tables(0), "ingest_warnings": pd.DataFrame(rows)})
    client = create_app(tmp_path, local_staff=True).server.test_client()
    page = client.post("/_dash-update-component", json=route("/health", lang=lang)).get_json()
    return str(find_props(page, "health-warnings")["children"])


@pytest.mark.parametrize("lang", tuple(i18n.LANGS))
def test_a_near_miss_says_which_member_city_it_may_be(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      lang: str) -> None:
    """Was: the names listed, Beirout beside Seattle, and nothing said of Beirut. Now each near miss (the ingest's
    ``maybe``) is said with the member city it may be, in the page's language."""
    items = _health_items(tmp_path, monkeypatch, lang, "city_not_known", {
        "field": "home_city", "names": ["Beirout", "Mombassa", "Seattle"], "rows": [2, 3, 4], "count": 3,
        "maybe": {"Beirout": "Beirut", "Mombassa": "Mombasa"}})
    base = i18n.t("warning_city_not_known", lang, file="participants-7.csv", count=3, field="home_city",
                  names="Beirout, Mombassa, Seattle", rows=i18n.t("warning_rows_part", lang, rows="2, 3, 4"))
    maybe = i18n.t("warning_city_maybe", lang, pairs="Beirout \u2192 Beirut, Mombassa \u2192 Mombasa")
    assert base in items and maybe in items and "Beirut," not in base
    assert i18n.t("warning_city_maybe", lang, pairs="X") != i18n.t("warning_city_maybe", "en", pairs="X") \
        or lang == "en"


@pytest.mark.parametrize("lang", tuple(i18n.LANGS))
def test_a_name_two_places_bear_without_a_country_reads_as_a_sentence(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch,
                                                                      lang: str) -> None:
    items = _health_items(tmp_path, monkeypatch, lang, "city_ambiguous", {
        "field": "home_city", "names": ["Tripoli"], "rows": [5, 9], "count": 2})
    said = i18n.t("warning_city_ambiguous", lang, file="participants-7.csv", count=2, field="home_city",
                  names="Tripoli", rows=i18n.t("warning_rows_part", lang, rows="5, 9"))
    assert said in items and "city_ambiguous" not in items


@pytest.mark.parametrize("lang", tuple(i18n.LANGS))
def test_files_of_one_column_are_one_line_adding_their_rows_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               lang: str) -> None:
    """Was: two files' warnings read "527 rows ... (…; rows ?)", the newest file's count only, and an activities
    file's host column said as the participants' home_city. Now files naming cities in one column are one line
    with their rows added up and no row numbers (those of several files are not one list); another column is its
    own line."""
    def row(file: str, field: str, names: list, rows: list, second: int) -> dict:
        return {"city_id": None, "kind": "programme", "file": f"inbox/programme/{file}", "code": "city_not_known",
                "hate_source": None, "warned_at": pd.Timestamp("2026-12-06T10:00:00Z") + pd.Timedelta(seconds=second),
                "params": json.dumps({"field": field, "names": names, "rows": rows, "count": len(rows)})}

    rows = [row("participants-1.csv", "home_city", ["Aalborg", "Boston"], [3, 4, 5], 1),
            row("participants-2.csv", "home_city", ["Boston", "Cairns"], [7, 8], 2),
            row("activities.csv", "city", ["Kilifi"], [9], 3)]
    monkeypatch.setenv("SCN_HOME", str(tmp_path))
    monkeypatch.setenv("SCN_SECRET_KEY", "unit")
    publish_tables(tmp_path, {**make_tables(0), "ingest_warnings": pd.DataFrame(rows)})
    client = create_app(tmp_path, local_staff=True).server.test_client()
    page = client.post("/_dash-update-component", json=route("/health", lang=lang)).get_json()
    items = [str(c) for c in find_props(page, "health-warnings")["children"]]
    homes = [i for i in items if "home_city" in i]
    assert len(homes) == 1
    files = i18n.t("warning_files", lang, count=i18n.number(2, lang), names="participants-2.csv, participants-1.csv")
    assert i18n.t("warning_city_not_known", lang, file=files, count=5, field="home_city",
                  names="Boston, Cairns, Aalborg", rows="") in homes[0]
    single = i18n.t("warning_city_not_known", lang, file="activities.csv", count=1, field="city", names="Kilifi",
                    rows=i18n.t("warning_rows_part", lang, rows="9"))
    assert any(single in i for i in items)
