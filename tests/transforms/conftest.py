"""Fixtures: the tiny dbt world of tests/transforms/world.py, built once per test process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests.conftest import scn_home
from tests.transforms.world import built_home


@pytest.fixture(scope="session")
def world() -> Path:
    """SCN_HOME of the built and published tiny world."""
    return built_home()


@pytest.fixture()
def in_world(world: Path) -> Iterator[Path]:
    with scn_home(world):
        yield world


@pytest.fixture()
def wh(world: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Read-only connection to the world's warehouse."""
    with duckdb.connect(str(world / "warehouse.duckdb"), read_only=True) as con:
        yield con
