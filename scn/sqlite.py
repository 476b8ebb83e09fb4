"""The one way the platform opens its small SQLite state files (alert inbox, audit log, profiles, library).

Every file is shared by several dashboard workers, the CLI and the notifier, so a connection is opened the same way
everywhere: the parent directory created owner-only, autocommit mode (transactions are explicit ``BEGIN``),
a 30 s busy timeout, WAL journal, the caller's schema applied (``create ... if not exists``) and the file
owner-only (``0600``).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

BUSY_TIMEOUT_S = 30
_BUSY = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def connect(path: Path, schema: str = "", *, rows: bool = False) -> sqlite3.Connection:
    """An open connection to ``path`` (parent directory created, WAL, busy timeout, ``schema`` applied);
    ``rows``: rows as :class:`sqlite3.Row`. The caller closes it (or uses :func:`session`)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    if rows:
        con.row_factory = sqlite3.Row
    try:
        con.execute(f"pragma busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        if con.execute("pragma journal_mode").fetchone()[0] != "wal":
            _while_locked(lambda: con.execute("pragma journal_mode = wal"), deadline)
        if schema:
            _while_locked(lambda: con.executescript(schema), deadline)
        path.chmod(0o600)
    except BaseException:
        con.close()
        raise
    return con


def _while_locked(step: Callable[[], object], deadline: float) -> None:
    """``step()``, again while SQLite answers busy or locked and ``deadline`` is not passed. Switching a new file to
    WAL (and creating its tables) while other connections open it at once can fail at once, without SQLite's busy
    handler being called (it is skipped where waiting could deadlock): six threads opening a fresh file together
    failed 4 times in 150. A step may itself wait up to the busy timeout, so a connection gives up after at most
    about twice ``BUSY_TIMEOUT_S``."""
    delay = 0.002
    while True:
        try:
            step()
            return
        except sqlite3.OperationalError as exc:
            if (getattr(exc, "sqlite_errorcode", 0) & 0xFF) not in _BUSY or time.monotonic() + delay > deadline:
                raise
        time.sleep(delay)
        delay = min(2 * delay, 0.1)


@contextmanager
def session(path: Path, schema: str = "", *, rows: bool = False, write: bool = False) -> Iterator[sqlite3.Connection]:
    """:func:`connect` for the block, closed at its end; ``write`` holds the write lock for the block
    (``BEGIN IMMEDIATE``) and commits at its end (rolls back on error)."""
    con = connect(path, schema, rows=rows)
    try:
        if write:
            con.execute("begin immediate")
        try:
            yield con
        except BaseException:
            if write and con.in_transaction:
                con.execute("rollback")
            raise
        if write:
            con.execute("commit")
    finally:
        con.close()
