"""The audit log: who changed what, when (users, roles, profile texts, library entries, uploaded files).

One SQLite file, ``$SCN_HOME/hub/audit.sqlite`` (WAL, busy timeout: dashboard workers and the CLI write it
together). Rows are appended, never rewritten (triggers refuse updates and deletes). ``detail`` holds codes and
identifiers, never passwords or post text. Every text field is stored with its control and invisible characters
escaped (``\\n``, ``\\u200b``), so no value can forge a line of the log's text output.
"""

from __future__ import annotations

import getpass
import json
import sqlite3
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from scn import sqlite
from scn.oneline import printable
from scn.settings import paths

_SCHEMA = """
create table if not exists audit (id integer primary key autoincrement, at text not null, actor text not null,
    action text not null, target text not null, city_id text, detail text);
create index if not exists audit_target on audit (target);
create trigger if not exists audit_append_only_u before update on audit
    begin select raise(abort, 'the audit log is append-only'); end;
create trigger if not exists audit_append_only_d before delete on audit
    begin select raise(abort, 'the audit log is append-only'); end;
"""
COLUMNS = ("id", "at", "actor", "action", "target", "city_id", "detail")


def db_path() -> Path:
    return paths().home / "hub" / "audit.sqlite"


def _connect() -> AbstractContextManager[sqlite3.Connection]:
    return sqlite.session(db_path(), _SCHEMA)


def cli_actor() -> str:
    """Who changes something from the command line: ``cli:<login name>``."""
    try:
        return printable(f"cli:{getpass.getuser()}")
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        return "cli"


def record(actor: str, action: str, target: str, city_id: str | None = None, detail: dict | None = None) -> int:
    """Append one change (``action`` a short code such as ``user.add`` or ``profile.edit``); returns its id.
    Text fields are stored escaped (``scn.oneline.printable``); ``detail`` as JSON (ASCII escapes)."""
    at = datetime.now(UTC).isoformat(timespec="seconds")
    row = (at, printable(actor), printable(action), printable(target),
           None if city_id is None else printable(city_id),
           json.dumps(detail or {}, sort_keys=True))
    with _connect() as con:
        cur = con.execute("insert into audit (at, actor, action, target, city_id, detail) values (?, ?, ?, ?, ?, ?)",
                          row)
        return int(cur.lastrowid)


def entries(limit: int = 500, actor: str | None = None, action: str | None = None,
            target: str | None = None) -> pd.DataFrame:
    """The newest ``limit`` changes (newest first), optionally of one actor, action or target."""
    where, params = [], []
    for col, value in (("actor", actor), ("action", action), ("target", target)):
        if value:
            where.append(f"{col} = ?")
            params.append(value)
    sql = "select * from audit" + (" where " + " and ".join(where) if where else "") + " order by id desc limit ?"
    with _connect() as con:
        cur = con.execute(sql, (*params, int(limit)))
        return pd.DataFrame(cur.fetchall(), columns=list(COLUMNS))
