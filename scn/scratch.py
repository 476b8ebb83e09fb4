"""Scratch DuckDB connections: cursors of one in-memory database per process.

Opening a DuckDB database costs ~16 ms (its catalog, buffer manager, built-in extensions); a cursor of an open
one ~2 ms. Ingest alone opened one per file and per lake query: ~15% of a small world's ingest. A cursor is a
connection of its own: the frames it registers, the temporary tables it creates and the settings it sets for
its session are its own and go with it. Persistent tables (``create table``) would be shared: scratch queries
create temporary ones only.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

_lock = threading.Lock()
_database: tuple[int, duckdb.DuckDBPyConnection] | None = None  # (the process that opened it, the database)


def sql_string(value: object) -> str:
    """``value`` as a SQL string literal for DuckDB (single quotes doubled): paths and names pasted into a query
    (a home folder named ``o'brien`` must not end the literal)."""
    return "'" + str(value).replace("'", "''") + "'"


GLOB_ESCAPES = str.maketrans({"[": "[[]", "*": "[*]", "?": "[?]"})


def literal_path(path: object) -> str:
    """``path`` as a DuckDB file pattern that matches that path only: DuckDB's readers (``read_parquet``,
    ``read_csv``, ``read_json``, ``glob``) treat ``* ? [`` anywhere in a path as wildcards, so a home folder named
    ``scn [prod]`` matched nothing and one named ``scn?`` also read ``scnX``'s files. Each becomes a one-character
    class (``[[]``, ``[*]``, ``[?]``); add wildcards after escaping (``literal_path(folder) + "/part-*.parquet"``).
    A backslash cannot be expressed: in a pattern DuckDB takes it as a folder separator, and neither ``\\\\`` nor
    ``[\\]`` matches it (a home may not hold one: ``scn.settings.unsafe_in_home``)."""
    return str(path).translate(GLOB_ESCAPES)


def sql_path(path: object) -> str:
    """``path`` as a SQL string literal a DuckDB reader takes for exactly that file (``literal_path``, quoted)."""
    return sql_string(literal_path(path))


@contextmanager
def scratch() -> Iterator[duckdb.DuckDBPyConnection]:
    """A fresh cursor of this process's in-memory database, closed on exit (``with scratch() as con: ...``).

    A forked child (a Celery or multiprocess worker) opens its own database: a DuckDB handle inherited across a
    fork is never used."""
    global _database
    with _lock:
        if _database is None or _database[0] != os.getpid():
            _database = (os.getpid(), duckdb.connect())
        con = _database[1].cursor()
    try:
        yield con
    finally:
        con.close()
