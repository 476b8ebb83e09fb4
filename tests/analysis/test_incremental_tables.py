"""Per-city analysis tables recomputed for the changed cities only: the other cities' rows kept from the last run
give the table a recomputation of every city gives, and the network-wide step (the Benjamini-Hochberg adjustment
of the correlations' secondary p-values) still sees every city."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa

from scn.analysis.engine import SECONDARY, TABLE_COLUMNS, adjust
from scn.analysis.tables import ALERT_ORDER, cities_differing, merge_cities


def _rows(city: str, seed: int) -> pd.DataFrame:
    """A city's engine rows before the adjustment: two secondary statistics at three lags and a verdict."""
    rng = np.random.default_rng(seed)
    rows = [{"city_id": city, "analysis": a, "estimate": float(rng.normal()), "ci_low": -1.0, "ci_high": 1.0,
             "p_value": float(rng.uniform(0, 0.2)), "n": 40, "lag": lag,
             "detail": json.dumps({"method": "descriptive_bh_adjusted", "n_cells": 4}), "unit": "rho",
             "verdict": "insufficient_data", "level": "cell", "period": "month"}
            for a in SECONDARY for lag in (1, 2, 3)]
    rows.append({**rows[0], "analysis": "verdict", "p_value": np.nan, "unit": "verdict", "lag": 0,
                 "detail": json.dumps({"level": "cell"})})
    return pd.DataFrame(rows)[TABLE_COLUMNS]


def _all(seeds: dict[str, int]) -> pd.DataFrame:
    return pd.concat([_rows(c, s) for c, s in sorted(seeds.items())], ignore_index=True)


def test_kept_rows_and_one_recomputed_city_equal_a_full_recomputation() -> None:
    before = _all({"beirut": 1, "london": 2, "saida": 3})
    after = _all({"beirut": 1, "london": 9, "saida": 3})  # new data in London only
    merged = merge_cities(before, _rows("london", 9), ["london"], ["city_id"]).to_pandas()
    pd.testing.assert_frame_equal(adjust(merged), adjust(after))


def test_the_adjustment_is_network_wide() -> None:
    """A change in one city moves the adjusted p-values of the others: the pooled step reruns over all."""
    before, after = adjust(_all({"beirut": 1, "london": 2})), adjust(_all({"beirut": 1, "london": 9}))
    beirut = (before["city_id"] == "beirut") & before["analysis"].isin(SECONDARY)
    assert not np.allclose(before.loc[beirut, "p_value"], after.loc[beirut, "p_value"])
    assert (before.loc[beirut, "detail"] == after.loc[beirut, "detail"]).all()  # the raw p-values did not move


def test_a_city_that_lost_its_rows_leaves_the_table() -> None:
    alerts = pd.DataFrame({"city_id": ["a", "b", "b"], "alert_type": "burst", "area_code": ["x", "y", "z"],
                           "period": ["2026-W01", "2026-W02", "2026-W01"], "score": [1.0, 2.0, 3.0]})
    empty = alerts.iloc[:0]
    merged = merge_cities(alerts, empty, ["b"], ALERT_ORDER).to_pandas()
    assert merged["city_id"].tolist() == ["a"]
    fresh = alerts[alerts["city_id"] == "b"].iloc[::-1]
    merged = merge_cities(alerts[alerts["city_id"] == "a"], fresh, ["b"], ALERT_ORDER).to_pandas()
    assert merged["period"].tolist() == ["2026-W01", "2026-W01", "2026-W02"]  # sorted as the full table is


def test_a_recomputed_city_with_no_alert_of_a_kind_keeps_the_tables_types() -> None:
    """The world that broke it: the last run found a coordinated campaign (timestamps in first_seen) and the
    recomputed city has no alert at all (an empty frame whose columns pandas types as strings)."""
    stamp = pd.Timestamp("2026-10-01T12:00", tz="UTC")
    before = pd.DataFrame({"city_id": ["a", "b"], "alert_type": "coordinated", "area_code": None,
                           "period": "2026-W40", "score": [3.0, 4.0], "evidence": "{}",
                           "first_seen": [stamp, stamp], "last_seen": [stamp, stamp]})
    empty = before.iloc[:0].astype(str)
    merged = merge_cities(before, empty, ["b"], ALERT_ORDER)
    assert merged.num_rows == 1 and merged.schema.field("first_seen").type == pa.timestamp("us", tz="UTC")
    fresh = before[before["city_id"] == "b"].assign(first_seen=pd.NaT, last_seen=pd.NaT).astype(
        {"first_seen": object, "last_seen": object})  # bursts only: no time stamps at all
    merged = merge_cities(before, fresh, ["b"], ALERT_ORDER).to_pandas()
    assert merged["first_seen"].tolist()[0] == stamp and pd.isna(merged["first_seen"].tolist()[1])


def test_cities_differing_finds_the_changed_city() -> None:
    rates = pd.DataFrame({"city_id": ["a", "b"], "lang": "*", "tpr": [0.8, 0.9]})
    assert cities_differing(rates, rates.copy()) == set()
    assert cities_differing(rates, rates.assign(tpr=[0.8, 0.7])) == {"b"}
    assert cities_differing(None, rates) == {"a", "b"}
