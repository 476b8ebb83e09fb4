"""An official's alerts are set against every published total of their city (scn.privacy.disclosure): the
dashboards pay that once per snapshot, city, audience and disclosure rule, not on every page and inbox request,
and a new publish or another threshold is shaped again."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dashboards.components import alerts
from scn.alerts import catalog
from scn.settings import override
from tests.support.snapshots import make_tables, publish_tables


def test_alerts_are_shaped_once_per_snapshot_and_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, int]] = []
    real = catalog.shaped

    def counted(frame: pd.DataFrame, audience: str, table, *, k: int):
        calls.append((audience, len(frame)))
        return real(frame, audience, table, k=k)

    monkeypatch.setattr(alerts.catalog, "shaped", counted)
    alerts._shaped.cache_clear()
    tables = make_tables(0)
    publish_tables(tmp_path, tables)
    with override(home=tmp_path):
        first = alerts.shaped("london", "official")
        again = alerts.shaped("london", "official")
        assert len(calls) == 1
        pd.testing.assert_frame_equal(first, again)
        pd.testing.assert_frame_equal(first, real(tables["alerts"][tables["alerts"]["city_id"] == "london"]
                                                  .reset_index(drop=True), "official",
                                                  lambda name: alerts.data.table(name, "london"), k=5))
        first.loc[:, "score"] = -1.0  # a caller changing its frame changes no later request's
        assert (alerts.shaped("london", "official")["score"] != -1.0).all() and len(calls) == 1
        alerts.shaped("london", "staff")
        assert len(calls) == 2
        with override(suppress_below=7):
            alerts.shaped("london", "official")
        assert len(calls) == 3
    publish_tables(tmp_path, tables)  # a new snapshot
    with override(home=tmp_path):
        alerts.shaped("london", "official")
    assert len(calls) == 4
    alerts._shaped.cache_clear()
