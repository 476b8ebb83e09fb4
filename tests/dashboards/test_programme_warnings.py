"""The programme probe's ingest warning on the data-health page: participants of an activity not loaded."""

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
def test_participants_of_an_activity_not_loaded_read_as_a_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   lang: str) -> None:
    """Two participant files naming activities not loaded: one line, rows summed, the ids of both named."""
    now = pd.Timestamp("2026-12-06T10:00:00Z")
    rows = [{"city_id": None, "kind": "programme", "file": f"inbox/programme/participants-{i}.csv",
             "code": "activity_not_found", "hate_source": None, "warned_at": now + pd.Timedelta(seconds=i),
             "params": json.dumps({"rows": 2, "activity_ids": [ids], "field": "activity_id"})}
            for i, ids in ((1, "T2"), (2, "t1"))]
    monkeypatch.setenv("SCN_HOME", str(tmp_path))
    monkeypatch.setenv("SCN_SECRET_KEY", "unit")
    publish_tables(tmp_path, {**make_tables(0), "ingest_warnings": pd.DataFrame(rows)})
    client = create_app(tmp_path, local_staff=True).server.test_client()
    page = client.post("/_dash-update-component", json=route("/health", lang=lang)).get_json()
    items = str(find_props(page, "health-warnings")["children"])
    files = i18n.t("warning_files", lang, count=i18n.number(2, lang), names="participants-2.csv, participants-1.csv")
    assert i18n.t("warning_activity_not_found", lang, file=files, rows=4, ids="t1, T2") in items
    assert "activity_not_found" not in items
