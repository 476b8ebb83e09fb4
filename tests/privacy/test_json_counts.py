"""Counts inside the JSON columns an official reads (``disclosure.JSON_COUNTS``): the verdict's ``detail`` in
``correlations`` carries the city's totals of hate crimes and flagged posts; an official's page, download and
``scn export`` get the small ones as null, as for ``alerts.evidence`` (docs/security.md, row 9)."""

from __future__ import annotations

import json

import pandas as pd

from scn.privacy.disclosure import for_audience
from tests.support.snapshots import make_tables, publish_tables

SMALL = {"alpha": 0.05, "n_cells_with_hate": 2, "n_periods": 18, "hate_crimes": 3, "flagged_posts": 2,
         "n_cells": 12, "note": "too_few_cells", "max_lag": 3, "forward_p": None}
LARGE = {**SMALL, "n_cells_with_hate": 9, "hate_crimes": 40, "flagged_posts": 120}


def _correlations(detail: dict) -> pd.DataFrame:
    method = json.dumps({"method": "fe_quasi_poisson_cell_month", "n_cells": 12, "n_periods": 18})
    return pd.DataFrame({"city_id": ["tiny05", "tiny05"], "analysis": ["speech_to_crime", "verdict"],
                         "estimate": [1.2, float("nan")], "n": [204, 204], "detail": [method, json.dumps(detail)]})


def test_the_verdicts_small_totals_are_null_for_an_official_only() -> None:
    frame = _correlations(SMALL)
    shown = json.loads(for_audience("correlations", frame, "official", k=5, min_group=10)["detail"].iloc[1])
    assert shown["hate_crimes"] is None and shown["flagged_posts"] is None
    assert shown["n_cells_with_hate"] is None  # at most the hate crimes: 4 cells would pin a hidden 4
    assert (shown["n_cells"], shown["n_periods"], shown["max_lag"], shown["note"]) == (12, 18, 3, "too_few_cells")
    assert for_audience("correlations", frame, "staff", k=5, min_group=10)["detail"].equals(frame["detail"])



def test_the_verdicts_panel_totals_are_never_an_officials_however_large() -> None:
    """The totals are sums over the published cells: with the cells download (a hidden cell empty) the total
    minus the shown cells is the hidden cells' sum, one hidden cell's count when it is alone (probe of
    2026-12-06: Saida's 254 flagged posts in the detail are the sum of its published cells)."""
    frame = _correlations(LARGE)
    large = json.loads(for_audience("correlations", frame, "official", k=5, min_group=10)["detail"].iloc[1])
    assert (large["hate_crimes"], large["flagged_posts"], large["n_cells_with_hate"]) == (None, None, None)
    assert (large["n_cells"], large["n_periods"], large["alpha"]) == (12, 18, 0.05)
    staff = json.loads(for_audience("correlations", frame, "staff", k=5, min_group=10)["detail"].iloc[1])
    assert (staff["hate_crimes"], staff["flagged_posts"]) == (40, 120)


def test_the_official_export_of_correlations_hides_them(home) -> None:
    from scn import settings
    from scn.publish import exports

    tables = make_tables()
    corr = tables["correlations"]
    verdict = (corr["city_id"] == "saida") & (corr["analysis"] == "verdict")
    corr.loc[verdict, "detail"] = json.dumps(SMALL)
    publish_tables(home, tables)
    with settings.override(home=home):
        official = exports.table("correlations", "saida", "official")
        staff = exports.table("correlations", "saida", "staff")
        text = exports.export_bytes("correlations", "csv", "saida", "official").decode()
    row = json.loads(official.loc[official["analysis"] == "verdict", "detail"].iloc[0])
    assert row["hate_crimes"] is None and row["flagged_posts"] is None
    assert json.loads(staff.loc[staff["analysis"] == "verdict", "detail"].iloc[0])["hate_crimes"] == 3
    assert '""hate_crimes"": 3' not in text and '"hate_crimes": 3' not in text
