"""Retries with backoff on transient failures only: a DuckDB file locked by another process is waited out;
a data error fails at once."""

import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from dagster import AssetExecutionContext, DagsterEventType, DagsterInstance, asset, materialize

from assets.retry import retry_policy, transient_only


def _retries(result) -> int:
    return sum(1 for e in result.all_events if e.event_type == DagsterEventType.STEP_UP_FOR_RETRY)


def test_locked_warehouse_is_retried_until_the_other_writer_leaves(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCN_RETRY_DELAY", "0.5")
    monkeypatch.setenv("SCN_RETRIES", "6")
    db = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(db)).close()
    holder = subprocess.Popen([sys.executable, "-c",
                               f"import duckdb, time; c = duckdb.connect({str(db)!r}); print('locked', flush=True); "
                               "time.sleep(6)"], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"

    @asset(retry_policy=retry_policy())
    @transient_only
    def writes_warehouse(context: AssetExecutionContext) -> None:
        with duckdb.connect(str(db)) as con:  # raises duckdb.IOException while the other process holds the file
            con.execute("create table if not exists t as select 1 as x")

    start = time.monotonic()
    with DagsterInstance.ephemeral() as instance:
        result = materialize([writes_warehouse], instance=instance, raise_on_error=False)
    holder.wait()
    assert result.success
    assert _retries(result) >= 1
    assert time.monotonic() - start >= 1.0  # it waited for the lock, with backoff
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from t").fetchone()[0] == 1


def test_a_data_error_is_not_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCN_RETRY_DELAY", "0.1")
    calls = []

    @asset(retry_policy=retry_policy())
    @transient_only
    def bad_data() -> None:
        calls.append(1)
        raise ValueError("posts.csv row 3 field lat: not a number")

    with DagsterInstance.ephemeral() as instance:
        result = materialize([bad_data], instance=instance, raise_on_error=False)
    assert not result.success
    assert _retries(result) == 0 and len(calls) == 1
    failure = next(e for e in result.all_events if e.event_type == DagsterEventType.STEP_FAILURE)
    assert "not a number" in str(failure.event_specific_data.error.to_string())
