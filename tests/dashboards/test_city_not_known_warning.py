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
                  names="Atlantis, Bayroot", rows="4, 9")
    assert said in items and "city_not_known" not in items
