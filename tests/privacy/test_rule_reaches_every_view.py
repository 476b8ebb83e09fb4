"""The threshold k is the settings' (``SCN_SUPPRESS_BELOW``), read at the edge and passed to every rule of
``scn.privacy`` (which reads no settings): a platform configured with a higher k gets that k on every view an
official reads, the cells download, the city's months, the page's levels and the alerts, not only on one."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scn.settings import override
from tests.support.snapshots import make_tables, publish_tables

CITY, SMALL_CITY = "london", "saida"  # 169 cells (its alert's burst of 6 shown at k = 5); 7 cells (months of 5..8)
COUNTS = ("posts", "flagged_posts", "crimes", "hate_crimes")


def _numbers(frame: pd.DataFrame, cols: tuple[str, ...]) -> np.ndarray:
    cols = tuple(c for c in cols if c in frame.columns)
    return pd.concat([pd.to_numeric(frame[c], errors="coerce") for c in cols]).dropna().to_numpy(dtype="float64")


def _views(home: Path, k: int) -> dict[str, np.ndarray]:
    """Every count an official reads, per view, published and read under ``suppress_below=k``: the cells and
    alerts of ``CITY``, the months and levels of ``SMALL_CITY``."""
    from dashboards import detail
    from dashboards.components import alerts as alert_view
    from scn.privacy import published_levels
    from scn.publish import exports, serving

    with override(home=home, suppress_below=k):
        publish_tables(home, make_tables(rings={CITY: 8, SMALL_CITY: 1}))
        levels = serving.read_serving("levels")
        assert (levels["rule"] == published_levels.rule_text(k)).all()  # chosen at publish under this k
        evidence = [json.loads(e) for e in exports.table("alerts", CITY, "official")["evidence"]]
        shaped = [json.loads(e) for e in alert_view.shaped(CITY, "official")["evidence"]]
        return {
            "cells": _numbers(exports.table("cell_month", CITY, "official"), COUNTS),
            "city_month": _numbers(exports.table("city_month", SMALL_CITY, "official"), COUNTS),
            "levels": np.concatenate([_numbers(detail.choice(SMALL_CITY, m, "official").frame, (m,))
                                      for m in published_levels.METRICS]),
            "alerts": np.array([float(e[c]) for e in evidence + shaped for c in ("flagged_posts", "posts")
                                if isinstance(e.get(c), int | float)]),
        }


@pytest.fixture(scope="module")
def at_five_and_nine(tmp_path_factory: pytest.TempPathFactory) -> dict[int, dict[str, np.ndarray]]:
    return {k: _views(tmp_path_factory.mktemp(f"k{k}"), k) for k in (5, 9)}


@pytest.mark.parametrize("view", ["cells", "city_month", "levels", "alerts"])
def test_a_higher_k_reaches_every_view(at_five_and_nine: dict[int, dict[str, np.ndarray]], view: str) -> None:
    """k = 9: no count of 1..8 in any view; k = 5 (the default) shows counts of 5..8 in each, so a view that
    kept the default k would fail here."""
    five, nine = at_five_and_nine[5][view], at_five_and_nine[9][view]
    assert not ((nine >= 1) & (nine < 9)).any(), sorted(nine[(nine >= 1) & (nine < 9)])
    assert not ((five >= 1) & (five < 5)).any()
    assert ((five >= 5) & (five < 9)).any(), sorted(five)[:20]
