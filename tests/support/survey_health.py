"""The data-health page's ingest-warning lines over a snapshot publishing what a test lake gives (tests of the
survey ingest's warnings)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest


def health_warning_lines(home: Path, monkeypatch: pytest.MonkeyPatch, lang: str = "en") -> list[str]:
    """The health page's ingest-warning lines (``lang``) over a snapshot publishing what this lake gives; [] when
    the page says there are none."""
    from dashboards.app import create_app
    from scn.ingest.ingest_warnings import published
    from scn.settings import restore_overrides, saved_overrides
    from tests.support.dash_client import find_props, route
    from tests.support.snapshots import make_tables, publish_tables

    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        text = con.execute("select * from survey_text_answers").df()
    warnings = published()
    folder = home.parent / f"served-{lang}-{len(list(home.parent.glob('served-*')))}"
    monkeypatch.setenv("SCN_HOME", str(folder))
    monkeypatch.setenv("SCN_SECRET_KEY", "unit")
    saved = saved_overrides()
    try:
        publish_tables(folder, {**make_tables(0), "survey_text_answers": text, "ingest_warnings": warnings})
        client = create_app(folder, local_staff=True).server.test_client()  # the app's home, for this process
        page = client.post("/_dash-update-component", json=route("/health", lang=lang)).get_json()
    finally:
        restore_overrides(saved)  # the lake of ``home`` again, for the files ingested after
        monkeypatch.setenv("SCN_HOME", str(home))
    items = find_props(page, "health-warnings")
    if items is None:
        assert find_props(page, "health-warnings-none") is not None, json.dumps(page)[:2000]
        return []
    return sorted(str(i["props"]["children"]) for i in items["children"])
