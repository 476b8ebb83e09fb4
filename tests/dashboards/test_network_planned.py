"""The network page shows planned activities (not held yet: ``programme_metrics.planned_activities``) apart from
the held ones: the chart's held bars count held activities only, the planned ones are their own marked series,
and a table lists them per region, programme line and year; a snapshot without the column draws held bars only."""

from __future__ import annotations

import pandas as pd
import pytest

MENA = "Middle East and North Africa"  # the region code MENA as the page names it in English
HELD = {MENA: 3.0, "Europe": 1.0, "East Africa": 2.0}


def _metrics() -> pd.DataFrame:
    """Held and planned activities in two regions; a planned-only line in Africa."""
    return pd.DataFrame({
        "programme_line": ["training", "training", "summit", "training", "young_cities"],
        "city_id": ["saida", "saida", None, "mombasa", "mombasa"],
        "country": ["Lebanon", "Lebanon", "Denmark", "Kenya", "Kenya"],
        "region": ["MENA", "MENA", "Europe", "East Africa", "East Africa"],
        "role": [None, None, "mayor", None, None],
        "year": [2025, 2027, 2026, 2026, 2027],
        "activities": [3, 0, 1, 2, 0],
        "people": [10, 0, 40, 5, 0],
        "planned_activities": [0, 2, 0, 1, 4],
    })


@pytest.fixture
def network(monkeypatch: pytest.MonkeyPatch, app_client):
    """The network page module over a snapshot whose ``programme_metrics`` is ``network.metrics``."""
    from dashboards import data
    from dashboards.pages import network  # (pages import once an app exists: ``app_client``)

    network.metrics = _metrics()
    monkeypatch.setattr(data, "table", lambda name, city_id=None: network.metrics.copy()
                        if name == "programme_metrics" else pd.DataFrame())
    return network


def _by_region(traces) -> dict[str, float]:
    out: dict[str, float] = {}
    for tr in traces:
        for x, y in zip(tr.x, tr.y, strict=True):
            out[x] = out.get(x, 0) + float(y)
    return out


def test_held_bars_count_held_activities_only_and_planned_are_their_own_series(network) -> None:
    fig = network._lines_by_region("en").figure
    bars = [tr for tr in fig.data if tr.type == "bar"]
    planned = [tr for tr in fig.data if tr.type != "bar"]
    assert _by_region(bars) == HELD  # planned never stacked on held
    assert len(planned) == 1 and planned[0].name == "planned (not yet held)"
    assert _by_region(planned) == {MENA: 2.0, "East Africa": 5.0}  # regions with planned activities only
    assert planned[0].marker.symbol and planned[0].mode == "markers"  # a marker, not a bar of the stack


def test_planned_table_lists_planned_activities_per_region_line_and_year(network) -> None:
    rows = pd.DataFrame(network._planned("en").data)
    assert set(rows.columns) >= {"region", "programme", "year", "planned_activities"}
    got = {(r.region, r.programme, r.year): r.planned_activities for r in rows.itertuples()}
    assert got == {(MENA, "Training", 2027): 2, ("East Africa", "Training", 2026): 1,
                   ("East Africa", "Young Cities", 2027): 4}
    assert "activities" not in rows.columns  # held counts are not in the planned table


def test_a_snapshot_without_planned_activities_draws_held_bars_only(network) -> None:
    network.metrics = _metrics().drop(columns="planned_activities")
    fig = network._lines_by_region("en").figure
    assert {tr.type for tr in fig.data} == {"bar"}
    assert _by_region(fig.data) == HELD
    assert network._planned("en") is None


def test_the_network_page_shows_the_planned_table(network, monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboards import auth

    monkeypatch.setattr(auth, "require_page", lambda *_a, **_k: None)
    page = network.layout("en")

    def ids(node) -> list[str]:
        kids = getattr(node, "children", None)
        kids = kids if isinstance(kids, list) else [kids] if kids is not None else []
        return [getattr(node, "id", None) or "", *(i for k in kids for i in ids(k))]

    assert {"net-programmes", "net-planned"} <= set(ids(page))
