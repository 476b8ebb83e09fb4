"""The small SQLite state files (alert inbox, audit log, profiles, library) opened by many workers at once: a fresh
file that several connections open together is switched to WAL and given its tables without any of them failing
("database is locked" came back at once, without SQLite's busy handler, in about 1 of 40 rounds of six threads)."""

from __future__ import annotations

import sqlite3
import threading
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


def test_a_lock_held_past_the_deadline_still_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The retry is bounded: a file locked by another writer for longer than the busy timeout fails."""
    monkeypatch.setattr(sq, "BUSY_TIMEOUT_S", 0.3)
    path = tmp_path / "held.sqlite"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("pragma journal_mode = delete")
    holder.execute("create table t (a)")
    holder.execute("begin exclusive")
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            sq.connect(path, SCHEMA)
    finally:
        holder.execute("rollback")
        holder.close()
