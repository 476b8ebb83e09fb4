"""Dagster resources every domain shares: the lake, the warehouse and the serving snapshot.

Each is configured from the settings (``scn.settings``) and can be given explicit values in a test
(``LakeResource(home="/tmp/x")``). An unset value means "the settings in force when the step runs", so one
code location serves whichever ``SCN_HOME`` the process runs with. Assets call the domain code inside
``resource.scope()``, which puts the resource's values in force for that code.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import duckdb
from dagster import ConfigurableResource
from pydantic import Field

from scn.settings import Paths, override, paths

if TYPE_CHECKING:
    import pandas as pd


def _lake() -> ModuleType:
    """``scn.lake``, imported when a step first uses it (pandas and pyarrow stay out of the code location's load)."""
    from scn import lake

    return lake


class _HomeResource(ConfigurableResource):
    home: str | None = Field(None, description="state root; unset: SCN_HOME from the settings")

    @contextmanager
    def scope(self) -> Iterator[Paths]:
        """The resource's values in force for the domain code called inside."""
        if self.home:
            with override(home=Path(self.home)):
                yield paths()
        else:
            yield paths()


class LakeResource(_HomeResource):
    """The append-only Parquet lake under ``<home>/lake``."""

    def row_count(self, table: str) -> int:
        with self.scope():
            return _lake().row_count(table)

    def value_counts(self, table: str, column: str) -> dict[str, int]:
        with self.scope():
            return _lake().value_counts(table, column)

    def read_table(self, table: str, columns: list[str] | None = None) -> pd.DataFrame:
        with self.scope():
            return _lake().read_table(table, columns)

    def replace_table(self, table: str, frame: pd.DataFrame) -> Path:
        with self.scope():
            return _lake().replace_table(table, frame)

    def ensure_tables(self, tables: tuple[str, ...]) -> list[str]:
        with self.scope():
            return _lake().ensure_tables(tables)


class WarehouseResource(_HomeResource):
    """The dbt-duckdb warehouse ``<home>/warehouse.duckdb`` (one writer: dbt)."""

    def path(self) -> Path:
        with self.scope() as p:
            return p.warehouse

    @contextmanager
    def connect(self, read_only: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        with duckdb.connect(str(self.path()), read_only=read_only) as con:
            yield con


class ServingResource(_HomeResource):
    """The published snapshots under ``<home>/serving`` (``current`` swapped atomically)."""


@cache
def shared_resources() -> dict[str, ConfigurableResource]:
    """One object per key, so every domain's Definitions merge without conflict."""
    return {"lake": LakeResource(), "warehouse": WarehouseResource(), "serving_store": ServingResource()}
