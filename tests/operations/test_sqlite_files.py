"""The small SQLite state files (alert inbox, audit log, profiles, library) opened by many workers at once: a fresh
file that several connections open together is switched to WAL and given its tables without any of them failing
("database is locked" came back at once, without SQLite's busy handler, in about 1 of 40 rounds of six threads)."""

from __future__ import annotations

import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from scn import sqlite as sq

SCHEMA = "create table if not exists t (a integer primary key, b text); create table if not exists u (x text);"


def _round(path: Path, workers: int) -> None:
    barrier = threading.Barrier(workers)

    def write(i: int) -> None:
        barrier.wait()
        with sq.session(path, SCHEMA, write=True) as con:
            con.execute("insert into t (b) values (?)", (str(i),))

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(write, range(workers)))


def test_workers_opening_a_fresh_file_together_all_write(tmp_path: Path) -> None:
    for r in range(120):
        path = tmp_path / f"f{r}.sqlite"
        _round(path, 6)
        with sq.session(path) as con:
            assert con.execute("select count(*) from t").fetchone()[0] == 6
            assert con.execute("pragma journal_mode").fetchone()[0] == "wal"
        assert path.stat().st_mode & 0o777 == 0o600


def _locked() -> sqlite3.OperationalError:
    exc = sqlite3.OperationalError("database is locked")
    exc.sqlite_errorcode = sqlite3.SQLITE_BUSY
    return exc


def test_the_retry_waits_out_a_short_lock_and_gives_up_at_the_deadline() -> None:
    calls = []

    def twice_then_done() -> None:
        calls.append(1)
        if len(calls) <= 2:
            raise _locked()

    sq._while_locked(twice_then_done, time.monotonic() + 5)
    assert len(calls) == 3

    def always() -> None:
        raise _locked()

    start = time.monotonic()
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        sq._while_locked(always, start + 0.3)
    assert 0.1 < time.monotonic() - start < 1.0

    def other_error() -> None:
        calls.append(1)
        raise sqlite3.OperationalError("no such table: t")

    calls.clear()
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        sq._while_locked(other_error, time.monotonic() + 5)
    assert len(calls) == 1  # not retried
