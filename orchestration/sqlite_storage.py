"""Dagster's SQLite instance storage, with cheaper event writes (dagster.yaml's default ``storage``).

Dagster's ``SqliteEventLogStorage`` creates an engine and opens a connection for every transaction and closes it
after: a stored event costs one to three transactions (run file, index file, asset-check tables), each commit
waits for an fsync of the write-ahead log (SQLite's default ``synchronous=FULL``), and each close of a file's last
connection checkpoints the log into the file. An incremental small run stores ~900 events, a cold small pipeline
~1,400; storing them was ~40% of the incremental run's Python time (py-spy; 54% of that in commit and close).

``ScnSqliteEventLogStorage`` changes three things, nothing in what is stored:

- connections are opened with ``synchronous=NORMAL``: in WAL mode (Dagster's) a commit no longer waits for the
  disk. A power loss may lose the last transactions; it never corrupts the file
  (https://www.sqlite.org/pragma.html#pragma_synchronous, https://www.sqlite.org/wal.html);
- the index file (``index.db``: asset events, checks, tags) keeps its connection open between transactions, so
  it is not checkpointed after each;
- so do the files of the ``KEPT_RUNS`` runs a process used last (900 events: 2.3 s -> 0.24 s). A kept run's
  commits go to its write-ahead log, which the Dagster UI does not watch: it follows a running run by watching
  the run's file change. So each stored event touches the run's file (its modification time), which the UI's
  watcher takes as a change, and reads the new events (through the log, as SQLite readers do). A run file
  dropped from the kept ones, or left by a process that exits, is checkpointed when its connection closes.

Production deployments use PostgreSQL storage (deploy/), which this does not touch.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager

from dagster import EventLogEntry
from dagster import _check as check
from dagster._config import StringSource
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage, _event_logs_directory
from dagster._serdes import ConfigurableClassData
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine

SYNCHRONOUS = "NORMAL"
KEPT_RUNS = 4  # run files whose connection a process keeps open: the runs it wrote or read last


def _pragmas(dbapi_connection, _record) -> None:
    dbapi_connection.execute(f"PRAGMA synchronous={SYNCHRONOUS}")


class ScnSqliteEventLogStorage(SqliteEventLogStorage):
    """Dagster's run-sharded SQLite event log; commits without an fsync, the index file's and the last runs' files'
    connections kept."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        self._engines: dict[str, Engine] = {}  # shard -> engine; set before super(), which opens the index
        self._pid = os.getpid()
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData, config_value) -> ScnSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> Engine:
        if self._pid != os.getpid():  # a forked child never uses the parent's pooled connections
            for engine in self._engines.values():
                engine.dispose(close=False)
            self._engines, self._pid = {}, os.getpid()
        engine = self._engines.pop(shard, None)
        if engine is None:
            engine = create_engine(self.conn_string_for_shard(shard),
                                   connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}, pool_size=1, max_overflow=2)
            event.listen(engine, "connect", _pragmas)
        self._engines[shard] = engine  # the most recently used last
        for old in self._run_shards()[:-KEPT_RUNS]:  # under the lock: no connection of theirs is in use
            self._engines.pop(old).dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            check.str_param(shard, "shard")
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def store_event(self, event: EventLogEntry) -> None:
        """Dagster's, then the run's file touched: watchers of the run (the UI) read what was stored."""
        super().store_event(event)
        with contextlib.suppress(FileNotFoundError):
            os.utime(self.path_for_shard(event.run_id))

    def wipe(self) -> None:
        """Dagster's (it removes the run files): their kept connections are closed first."""
        self._close_runs()
        super().wipe()

    def delete_events(self, run_id: str) -> None:
        self._close_runs()
        super().delete_events(run_id)

    def _run_shards(self) -> list[str]:
        """The kept run files, least recently used first."""
        return [k for k in self._engines if k != INDEX_SHARD_NAME]

    def _close_runs(self) -> None:
        with self._db_lock:
            for shard in self._run_shards():
                self._engines.pop(shard).dispose()

    def dispose(self) -> None:
        super().dispose()
        with self._db_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines = {}


class ScnSqliteStorage(DagsterSqliteStorage):
    """Dagster's default SQLite storage (runs, events, schedules under ``base_dir``) with
    ``ScnSqliteEventLogStorage`` for the events."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        super().__init__(base_dir, inst_data)
        self._event_log_storage.dispose()
        self._event_log_storage = ScnSqliteEventLogStorage(_event_logs_directory(base_dir))

    @classmethod
    def config_type(cls) -> dict:
        return {"base_dir": StringSource}

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData, config_value) -> ScnSqliteStorage:
        return cls.from_local(inst_data=inst_data, **config_value)
