"""``correlations`` re-weights each city's classifier rates by the posts' mix read from ``int_area_month_lang``
(``scn.analysis.tables.platform_mix``), but that model was not among its dependencies: a change there (new posts of
another language or platform) left a scoped run keeping every other city's rows, corrected with the old mix. Every
warehouse table the asset reads is now a dependency, and a new materialization of it recomputes every city."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from dagster import AssetMaterialization, DagsterInstance

from assets.analysis.assets import CORRELATION_DEPS, correlations
from assets.ingest.partitions import changed_cities_tags
from assets.keys import analysis_key, warehouse_key
from assets.per_city import scope
from scn.analysis import engine, tables
from scn.settings import override


def _tables_read(monkeypatch: pytest.MonkeyPatch, home: Path) -> set[str]:
    """The warehouse tables ``correlation_rows`` and ``measured_rates_table`` (what the asset computes) query."""
    read: set[str] = set()

    def record(sql: str) -> pd.DataFrame:
        read.update(re.findall(r"\bfrom\s+([a-z_][a-z0-9_]*)", sql, flags=re.IGNORECASE))
        if re.search(r"\bfrom\s+cell_month\b", sql):  # one city, so the computation reaches every read
            return pd.DataFrame({"city_id": ["tyre"], "cell": ["c"], "period": ["2026-01"], "posts": [1],
                                 "flagged_posts": [0], "crimes": [1], "hate_crimes": [0]})
        return pd.DataFrame()

    every = {"cell_month", "area_period", "area_attribute_year", "int_area_month_lang", "area_month"}
    monkeypatch.setattr(tables, "read_warehouse", record)
    monkeypatch.setattr(tables, "warehouse_tables", lambda: every)
    monkeypatch.setattr(tables, "current_areas", lambda cities=None: pd.DataFrame())
    monkeypatch.setattr(engine, "analyse_rows", lambda *a, **k: engine.empty_table())  # the fits: not the point
    with override(home=home):  # an empty lake
        tables.correlation_rows(cities=["tyre"])
        tables.measured_rates_table()
    return read - {"information_schema"}


def test_every_warehouse_table_the_correlations_read_is_a_dependency(monkeypatch: pytest.MonkeyPatch,
                                                                     tmp_path: Path) -> None:
    read = _tables_read(monkeypatch, tmp_path / "scn")
    assert "int_area_month_lang" in read and "cell_month" in read
    missing = {t for t in read if warehouse_key(t) not in CORRELATION_DEPS}
    assert not missing, missing
    declared = set(correlations.asset_deps[analysis_key("correlations")])
    assert set(CORRELATION_DEPS) <= declared  # the lineage the UI shows is the one the scoping checks


def test_a_new_posts_mix_recomputes_every_city() -> None:
    """The asset's last result, then ``int_area_month_lang`` materialized (not for a changed city): the scoped run
    recomputes every city instead of keeping their rows."""
    with DagsterInstance.ephemeral() as instance:
        instance.report_runless_asset_event(AssetMaterialization(asset_key=analysis_key("correlations")))
        context = SimpleNamespace(run=SimpleNamespace(tags=changed_cities_tags(["tyre"])), instance=instance,
                                  asset_key=analysis_key("correlations"), run_id="this-run")
        assert scope(context, CORRELATION_DEPS) == (["tyre"], "changed cities only")  # nothing changed since
        instance.report_runless_asset_event(AssetMaterialization(asset_key=warehouse_key("int_area_month_lang")))
        cities, reason = scope(context, CORRELATION_DEPS)
    assert cities is None and "int_area_month_lang" in reason
