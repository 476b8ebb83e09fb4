"""The test suite's `dbt build` (tests/support/dbt_world.py ``dbt_build``) starts a fresh home from the parse of an
earlier build of this process instead of parsing the whole project again, and that parse never makes a home read
or write another home's files: nothing of a home is in dbt's parse (the lake sources read it when compiled)."""

from __future__ import annotations

import shutil
from pathlib import Path

from scn.lake import ensure_tables
from tests.support.cli import REPO, scn_home
from tests.support.dbt_world import build_lake, dbt_build, mart_rows, parse_of, view_lakes

# a mart and the views of the lake it reads
SELECT = ("--select", "+city_month", "--exclude", "resource_type:unit_test", "--indirect-selection", "cautious")


def built(home: Path, *, drop_crimes: bool = False) -> Path:
    """``home`` with the tiny world's lake (without its crimes when ``drop_crimes``), built by ``dbt_build``."""
    with scn_home(home):
        build_lake()
        if drop_crimes:
            for part in (home / "lake" / "crimes_enriched").glob("part-*.parquet"):
                part.unlink()
            ensure_tables()  # an empty part in its place
        dbt_build(home, *SELECT)
    return home


def test_a_fresh_home_reuses_the_parse_of_another_and_writes_its_own_warehouse(tmp_path: Path) -> None:
    """Two homes built one after the other (the second from the first's parse), then a copy of the first (a moved
    home, its old parse copied with it): neither later build parses a file again, each writes the warehouse of its
    own home (no other home's file touched, none in the repository) whose views read its own lake."""
    first = built(tmp_path / "first o'brien {1}")
    before = (first / "warehouse.duckdb").stat().st_mtime_ns
    second = built(tmp_path / "second", drop_crimes=True)
    assert parse_of(second / "dbt-logs") == "none", "a fresh home parsed the project again"
    assert (first / "warehouse.duckdb").stat().st_mtime_ns == before, "the second build wrote the first warehouse"
    assert view_lakes(first) == {str(first / "lake")} and view_lakes(second) == {str(second / "lake")}
    first_rows = mart_rows(first)
    assert mart_rows(second) < first_rows  # the second lake has no crimes: its marts are built from it, not the first's

    moved = tmp_path / "moved"
    shutil.copytree(first, moved)
    shutil.rmtree(first)
    with scn_home(moved):
        dbt_build(moved, *SELECT)
    assert parse_of(moved / "dbt-logs") == "none", "a moved home parsed the project again"
    assert view_lakes(moved) == {str(moved / "lake")} and mart_rows(moved) == first_rows
    assert not first.exists(), "a build of the moved home wrote into its old folder"
    assert not list(REPO.glob("warehouse.duckdb*")) and not list((REPO / "transforms").glob("warehouse.duckdb*"))
