"""``adjusted_counts`` per city: a city's rows are the same whichever cities are computed with it, so a run scoped to
the changed cities (the other cities' rows kept) equals a run over every city. The worlds below are built to break
that: a city added whose id sorts first (it shifts every other city's position), a city computed alone, a city with
no rows, ids with a quote and a non-ASCII letter, and a change of one city's error rates without new posts, which only that city must be recomputed for."""

from __future__ import annotations

import zlib
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from scn import lake
from scn.analysis.tables import cities_differing, merge_cities
from scn.review import tables
from tests.support.cli import scn_home

CITIES = ["beirut", "l'aquila", "london", "mombasa", "são-paulo"]  # a quote and a non-ASCII letter in ids


def _counts(cities: list[str]) -> pd.DataFrame:
    """int_area_month_lang rows: 6 areas x 4 months x 2 languages per city, counts large enough to correct (each
    city's the same whichever cities are with it)."""
    frames = []
    for city in cities:
        rng = np.random.default_rng(zlib.crc32(city.encode()))
        rows = [(city, f"A{a}", f"2026-0{m}", lang) for a in range(6) for m in range(1, 5) for lang in ("en", "ar")]
        frame = pd.DataFrame(rows, columns=["city_id", "area_code", "period", "lang"])
        frame["posts"] = rng.integers(50, 400, len(frame))
        frame["flagged_posts"] = (frame["posts"] * rng.uniform(0.05, 0.4, len(frame))).astype("int64")
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _rates(cities: list[str], tp: int = 80) -> pd.DataFrame:
    return pd.DataFrame([(c, lang, tp, 100, 20, 400, "review") for c in cities for lang in ("en", "ar")],
                        columns=["city_id", "lang", "true_positives", "positives", "false_positives", "negatives",
                                 "rates_source"])


@pytest.fixture()
def home(tmp_path: Path):
    """A home with a warehouse holding ``int_area_month_lang`` and a lake holding ``classifier_rates``."""
    with scn_home(tmp_path):
        yield tmp_path


def _world(home: Path, cities: list[str], rates: pd.DataFrame | None = None) -> None:
    with duckdb.connect(str(home / "warehouse.duckdb")) as con:
        con.register("counts", _counts(cities))
        con.execute("create or replace table int_area_month_lang as select * from counts")
    lake.replace_table("classifier_rates", _rates(cities) if rates is None else rates)


def _city(frame: pd.DataFrame, city: str) -> pd.DataFrame:
    return frame[frame["city_id"] == city].reset_index(drop=True)


def test_a_city_alone_gives_its_rows_of_every_city(home: Path) -> None:
    _world(home, CITIES)
    full = tables.adjusted_counts()
    assert sorted(set(full["city_id"])) == CITIES and len(full) == len(CITIES) * 6 * 4
    assert (full["adjusted_high"] > full["adjusted_low"]).all()  # the draws ran: an interval, not a point
    for city in CITIES:
        alone = tables.adjusted_counts([city])
        pd.testing.assert_frame_equal(alone, _city(full, city))
    assert tables.adjusted_counts([]).empty and tables.adjusted_counts(["nowhere"]).empty


def test_a_city_added_first_leaves_the_others_rows_as_they_were(home: Path) -> None:
    _world(home, CITIES)
    before = tables.adjusted_counts()
    _world(home, ["aarhus", *CITIES])  # sorts first: by position every other city would get another seed
    after = tables.adjusted_counts()
    for city in CITIES:
        pd.testing.assert_frame_equal(_city(after, city), _city(before, city))
    # the scoped run: aarhus computed, the rest kept from the last result, equals the run over every city
    merged = merge_cities(before, tables.adjusted_counts(["aarhus"]), ["aarhus"], tables.ADJUSTED_KEYS)
    pd.testing.assert_frame_equal(merged.to_pandas(), after, check_dtype=False)


def test_new_rates_of_one_city_widen_the_scope_to_it_only(home: Path) -> None:
    _world(home, CITIES)
    before = tables.adjusting_rates()
    rates = before.copy()
    rates.loc[rates["city_id"] == "london", "true_positives"] = 60  # a review changed London's rates
    assert cities_differing(before, rates) == {"london"}
    _world(home, CITIES, rates)
    assert cities_differing(before, tables.adjusting_rates()) == {"london"}
