"""The network page counts each activity once per region, programme line and year: it reads ``programme_regions``
(every participant role together), not ``programme_metrics`` (split by role: an activity with participants of two
roles is a row under each, so summing its ``activities`` counts it twice). A snapshot published before
``programme_regions`` existed falls back to summing ``programme_metrics`` as before."""

from __future__ import annotations

import pandas as pd
import pytest

MENA = "Middle East and North Africa"  # the region code MENA as the page names it in English


def _metrics() -> pd.DataFrame:
    """``programme_metrics`` of two trainings in Europe, 2019, both with a mayor and one with officials too (the dbt
    unit test's world: city_official 1 + mayor 2 = 3 rows' worth for 2 trainings), and a planned training in MENA
    with registered participants of two roles (planned 1 under each role)."""
    return pd.DataFrame({
        "programme_line": ["training", "training", "training", "training"],
        "city_id": ["london", "london", "saida", "saida"],
        "country": ["United Kingdom", "United Kingdom", "Lebanon", "Lebanon"],
        "region": ["Europe", "Europe", "MENA", "MENA"],
        "role": ["mayor", "city_official", "mayor", "youth"],
        "year": [2019, 2019, 2027, 2027],
        "activities": [2, 1, 0, 0],
        "people": [1, 2, 0, 0],
        "planned_activities": [0, 0, 1, 1],
    })


def _regions() -> pd.DataFrame:
    """``programme_regions`` of the same records: each activity once."""
    return pd.DataFrame({"region": ["Europe", "MENA"], "programme_line": ["training", "training"],
                         "year": [2019, 2027], "activities": [2, 0], "people": [3, 0],
                         "planned_activities": [0, 1]})


@pytest.fixture
def network(monkeypatch: pytest.MonkeyPatch, app_client):
    """The network page module over a snapshot of ``network.tables`` (a table not in it: not published)."""
    from dashboards import data
    from dashboards.pages import network  # (pages import once an app exists: ``app_client``)

    network.tables = {"programme_metrics": _metrics(), "programme_regions": _regions()}
    monkeypatch.setattr(data, "table", lambda name, city_id=None: network.tables.get(name, pd.DataFrame()).copy())
    return network


def _by_region(traces) -> dict[str, float]:
    """Total per region over ``traces``, regions drawn at 0 left out (a planned-only line has a bar of 0)."""
    out: dict[str, float] = {}
    for tr in traces:
        for x, y in zip(tr.x, tr.y, strict=True):
            out[x] = out.get(x, 0) + float(y)
    return {x: y for x, y in out.items() if y}


def _figure(network):
    fig = network._lines_by_region("en").figure
    return ([tr for tr in fig.data if tr.type == "bar"], [tr for tr in fig.data if tr.type != "bar"])


def test_an_activity_with_participants_of_two_roles_is_drawn_once(network) -> None:
    bars, planned = _figure(network)
    assert _by_region(bars) == {"Europe": 2.0}  # 2 trainings held, not 3 (one per role)
    assert _by_region(planned) == {MENA: 1.0}  # one planned training, not one per registered role


def test_the_planned_table_counts_a_planned_activity_once(network) -> None:
    rows = pd.DataFrame(network._planned("en").data)
    got = {(r.region, r.programme, r.year): r.planned_activities for r in rows.itertuples()}
    assert got == {(MENA, "Training", 2027): 1}


def test_the_counts_come_from_programme_regions_whatever_programme_metrics_says(network) -> None:
    network.tables["programme_regions"] = _regions().assign(activities=[5, 0], planned_activities=[0, 4])
    bars, planned = _figure(network)
    assert _by_region(bars) == {"Europe": 5.0} and _by_region(planned) == {MENA: 4.0}


def test_a_snapshot_published_before_programme_regions_sums_programme_metrics(network) -> None:
    del network.tables["programme_regions"]
    bars, planned = _figure(network)
    assert _by_region(bars) == {"Europe": 3.0}  # today's behaviour: summed over roles
    assert _by_region(planned) == {MENA: 2.0}
    rows = pd.DataFrame(network._planned("en").data)
    assert rows["planned_activities"].tolist() == [2]


def test_a_snapshot_without_any_programme_table_is_unavailable(network) -> None:
    network.tables = {}
    assert getattr(network._lines_by_region("en"), "id", None) != "net-programmes"
    assert network._planned("en") is None


def test_programme_regions_people_are_small_counts_for_an_official() -> None:
    """Staff-only (the network page), but shaped all the same should an official ever be handed it."""
    from scn.privacy.disclosure import for_audience
    from scn.settings import suppress_below

    frame = _regions().assign(people=[1, suppress_below()])
    assert for_audience("programme_regions", frame, "official",
                        k=5, min_group=10)["people"].isna().tolist() == [True, False]
    assert for_audience("programme_regions", frame, "staff",
                        k=5, min_group=10)["people"].tolist() == [1, suppress_below()]
