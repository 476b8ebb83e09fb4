"""Dagster's SQLite instance storage, with cheaper event writes (dagster.yaml's default ``storage``).

Dagster's ``SqliteEventLogStorage`` creates an engine and opens a connection for every transaction and closes it
after: a stored event costs one to three transactions (run file, index file, asset-check tables), each commit
waits for an fsync of the write-ahead log (SQLite's default ``synchronous=FULL``), and each close of a file's last
connection checkpoints the log into the file. An incremental small run stores ~900 events, a cold small pipeline
~1,400; storing them was ~40% of the incremental run's Python time (py-spy; 54% of that in commit and close).

``ScnSqliteEventLogStorage`` changes two things, nothing in what is stored:

- connections are opened with ``synchronous=NORMAL``: in WAL mode (Dagster's) a commit no longer waits for the
  disk. A power loss may lose the last transactions; it never corrupts the file
  (https://www.sqlite.org/pragma.html#pragma_synchronous, https://www.sqlite.org/wal.html);
- the index file (``index.db``: asset events, checks, tags) keeps its connection open between transactions, so
  it is not checkpointed after each. A run's own file still closes after each transaction: the Dagster UI follows a
  running run's events by watching that file change, and the checkpoint on close is what changes it.

Production deployments use PostgreSQL storage (deploy/), which this does not touch.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

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
from sqlalchemy.pool import NullPool

SYNCHRONOUS = "NORMAL"


def _pragmas(dbapi_connection, _record) -> None:
    dbapi_connection.execute(f"PRAGMA synchronous={SYNCHRONOUS}")


class ScnSqliteEventLogStorage(SqliteEventLogStorage):
    """Dagster's run-sharded SQLite event log; commits without an fsync, the index file's connection kept."""

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
        engine = self._engines.get(shard)
        if engine is None:
            kept = shard == INDEX_SHARD_NAME
            engine = create_engine(self.conn_string_for_shard(shard),
                                   connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
                                   **({"pool_size": 1, "max_overflow": 2} if kept else {"poolclass": NullPool}))
            event.listen(engine, "connect", _pragmas)
            if kept:
                self._engines[shard] = engine
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
            if shard not in self._engines:
                engine.dispose()

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
