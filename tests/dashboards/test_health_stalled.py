"""The data-health page lists the collection sources that stalled (``collection_health`` of the snapshot) in
English, French and Arabic, and says so when every source is on schedule (Flask test client, no browser)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dashboards import i18n
from dashboards.app import create_app
from tests.support.dash_client import find_props, route, staff_page
from tests.support.snapshots import make_tables, publish_tables


def _health(stalled: bool) -> pd.DataFrame:
    now = pd.Timestamp.now(tz="UTC")
    return pd.DataFrame({
        "source": ["mastodon", "rss"], "city_id": ["london", "paris"],
        "last_collected_at": [now - pd.Timedelta(hours=30), now - pd.Timedelta(minutes=10)],
        "expected_every_hours": [1.0, 0.5], "status": ["stalled" if stalled else "ok", "ok"]})


def _page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, health: pd.DataFrame, lang: str) -> dict:
    return staff_page(tmp_path, monkeypatch, {"collection_health": health}, "/health", lang)


@pytest.mark.parametrize("lang", tuple(i18n.LANGS))
def test_stalled_source_is_listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    page = _page(tmp_path, monkeypatch, _health(stalled=True), lang)
    section = find_props(page, "health-stalled")
    assert section["children"][0]["props"]["children"] == i18n.t("stalled_sources", lang)
    table = find_props(page, "health-stalled-sources")
    assert [(r["source"], r["city_id"], r["status"]) for r in table["data"]] == [
        ("mastodon", "london", i18n.t("collect_status_stalled", lang))]  # the fresh paris/rss is not listed
    names = [c["name"] for c in table["columns"]]  # in reading order: right to left in Arabic
    assert (names[::-1] if i18n.direction(lang) == "rtl" else names) == [i18n.column(c, lang) for c in (
        "source", "city_id", "last_collected_at", "expected_every_hours", "status")]


def test_all_sources_on_schedule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = _page(tmp_path, monkeypatch, _health(stalled=False), "fr")
    assert find_props(page, "health-stalled-sources") is None
    assert find_props(page, "health-sources-ok")["children"] == i18n.t("all_sources_fresh", "fr", n=2)


@pytest.mark.parametrize("lang", tuple(i18n.LANGS))
def test_a_check_that_never_ran_is_not_listed_as_failed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         lang: str) -> None:
    """A collection asset never built (no source configured) has a freshness check that never ran: it is said
    apart ("not run yet", with its asset), never in the failed checks; the failed one still is, and "all passed"
    counts only checks that ran."""
    monkeypatch.setenv("SCN_HOME", str(tmp_path))
    monkeypatch.setenv("SCN_SECRET_KEY", "unit")
    tables = make_tables(0)
    checks = tables["check_results"]
    never = pd.DataFrame({"asset_key": ["collect/x", "collect/reddit"], "check_name": "freshness_check",
                          "status": "never_run", "passed": pd.array([None, None], dtype="boolean"),
                          "severity": None, "evaluated_at": pd.NaT, "description": ""})
    client = create_app(tmp_path, local_staff=True).server.test_client()

    def page(frame: pd.DataFrame) -> dict:
        publish_tables(tmp_path, {**tables, "check_results": frame})
        r = client.post("/_dash-update-component", json=route("/health", lang=lang))
        assert r.status_code == 200
        return r.get_json()

    shown = page(pd.concat([checks, never], ignore_index=True))
    failed = find_props(shown, "health-failed-checks")["data"]
    assert [r["check_name"] for r in failed] == ["cells_are_res8"]
    assert "collect/x" in find_props(shown, "health-checks-never-run")["children"]
    passed = page(pd.concat([checks[checks["passed"].astype(bool)], never], ignore_index=True))
    assert find_props(passed, "health-failed-checks") is None
    assert find_props(passed, "health-checks-ok")["children"] == i18n.t("all_checks_passed", lang, n=2)
    assert "collect/reddit" in find_props(passed, "health-checks-never-run")["children"]
