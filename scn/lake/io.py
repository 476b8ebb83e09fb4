"""The lake: append-only Parquet tables, one part file per ingested source file or enrichment batch.

The lake holds personal data: its folders are owner-only (0700) and its files 0600, whatever the umask. Writers
that read the lake to decide what to write (ingest: deduplicate, then append) hold ``writer_lock()``.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from scn.hashing import tree_stamp
from scn.lake.schema import LAKE_SCHEMAS, as_table
from scn.locks import exclusive
from scn.scratch import literal_path, scratch, sql_string
from scn.settings import paths


def table_dir(name: str) -> Path:
    return paths().table(name)


def private_dir(folder: Path) -> Path:
    """``folder`` owner-only (0700): created so (missing parents with the usual mode), or tightened when it exists
    and we own it (``paths().ensure()`` creates state folders under the default umask)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        st = folder.stat()
        if st.st_uid == os.getuid() and st.st_mode & 0o077:
            folder.chmod(0o700)
    return folder


@contextmanager
def writer_lock() -> Iterator[None]:
    """Serialise the writers of this lake, across processes and threads (``lake/.ingest.lock``); re-entrant. Held
    around read-the-lake-then-write sequences (ingest's deduplicate, write, log)."""
    with exclusive(private_dir(paths().lake) / ".ingest.lock"):
        yield


def write_part(name: str, frame: pd.DataFrame | pa.Table, part_id: str) -> Path:
    """Write one part of a lake table atomically (temp file + rename, 0600) and durably (the file fsynced before
    the rename, the folder after it: what is written after this returns, a collection's cursor say, is never on
    disk ahead of the part); an existing part is replaced whole."""
    private_dir(paths().lake)
    folder = private_dir(table_dir(name))
    target = folder / f"part-{part_id}.parquet"
    sweep_temp(folder)
    tmp = folder / f".tmp-{os.getpid()}-{uuid.uuid4().hex}.parquet"
    table = frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(table, tmp, compression="zstd")
    tmp.chmod(0o600)
    _fsync(tmp)
    os.replace(tmp, target)
    if part_id != "empty":
        (folder / "part-empty.parquet").unlink(missing_ok=True)  # a placeholder from ensure_table
    _fsync(folder)  # the rename (and the placeholder's removal) durable
    return target


def _fsync(path: Path) -> None:
    """Flush ``path`` (a file, or a folder's entries) to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sweep_temp(folder: Path) -> None:
    """Remove the temp files of writers that died mid-write (SIGKILL: no cleanup ran); a temp file is named by its
    writer's pid (``.tmp-<pid>-<uuid>``), and a live writer's are kept."""
    for tmp in folder.glob(".tmp-*.parquet"):
        sweep_dead(tmp, lambda p: p.unlink(missing_ok=True))


def sweep_dead(path: Path, remove: Callable[[Path], object]) -> None:
    """``remove(path)`` when ``path`` is named ``.<what>-<pid>-...`` and process ``pid`` is gone."""
    pid = path.name.split("-")[1] if path.name.count("-") >= 2 else ""
    if not pid.isdigit():
        return
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        remove(path)
    except (PermissionError, OverflowError):
        pass


def has_table(name: str) -> bool:
    folder = table_dir(name)
    return folder.exists() and any(folder.glob("part-*.parquet"))


def parts_stamp(name: str) -> tuple:
    """The table's folder and the ``tree_stamp`` of its parts: equal stamps, same rows (a cache key)."""
    folder = table_dir(name)
    return str(folder), tree_stamp(folder, "part-*.parquet")


def glob(name: str) -> str:
    """The glob DuckDB reads a lake table from (the folder's own ``* ? [`` escaped: ``literal_path``)."""
    return literal_path(table_dir(name)) + "/part-*.parquet"


def scan(name: str, read_order: bool = False) -> str:
    """The DuckDB table expression of a lake table: the union of its parts, columns matched by name;
    ``read_order``: with the columns ``filename`` and ``file_row_number`` (parts are read in name order)."""
    extra = ", filename=true, file_row_number=true" if read_order else ""
    return f"read_parquet({sql_string(glob(name))}, union_by_name=true{extra})"


def query(sql: str, params: list | None = None) -> pd.DataFrame:
    """Run a DuckDB query over lake tables (name them with ``scan``; values as ``?`` with ``params``) and return a
    pandas frame."""
    with scratch() as con:
        return con.execute(sql, params).df()


def read_table(name: str, columns: list[str] | None = None, where: str | None = None,
               params: list | None = None) -> pd.DataFrame:
    """Read a whole lake table (union of its parts) through DuckDB; empty frame when absent. ``where`` may hold
    ``?`` placeholders for ``params``."""
    if not has_table(name):
        return pd.DataFrame(columns=columns or [])
    cols = ", ".join(f'"{c}"' for c in columns) if columns else "*"
    return query(f"select {cols} from {scan(name)}" + (f" where {where}" if where else ""), params)


def replace_table(name: str, frame: pd.DataFrame | pa.Table) -> Path:
    """Write a derived table as a single part named by its content hash, then remove older parts.

    Readers see the old parts, then old and new together for an instant at most during the cleanup, so derived
    tables are only ever read inside the pipeline that writes them (dashboards read the serving snapshot).
    """
    if isinstance(frame, pd.DataFrame) and name in LAKE_SCHEMAS:
        frame = as_table(name, frame)
    table = frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(frame, preserve_index=False)
    digest = hashlib.sha1(str(table.schema).encode())
    for batch in table.to_batches(max_chunksize=1_000_000):
        digest.update(batch.serialize().to_pybytes())
    target = write_part(name, table, digest.hexdigest()[:16])
    for p in table_dir(name).glob("part-*.parquet"):
        if p != target:
            p.unlink()
    return target


KEYED_PART = re.compile(r"^part-(?P<key>[a-z0-9]+(?:-[a-z0-9]+)*)--(?P<fingerprint>[0-9a-f]{16})\.parquet$")


def keyed_parts(name: str) -> dict[str, str] | None:
    """key -> fingerprint of a derived table kept as one part per key (a city): ``part-<key>--<fingerprint>``.
    Empty when the table has no parts; None when it has a part of another layout (a whole-table part written
    by ``replace_table``), which a caller must rebuild whole."""
    folder = table_dir(name)
    found: dict[str, str] = {}
    for p in folder.glob("part-*.parquet") if folder.exists() else []:
        m = KEYED_PART.match(p.name)
        if m:
            found[m["key"]] = m["fingerprint"]
        elif p.name != "part-empty.parquet":
            return None
    return found


def replace_keyed_part(name: str, frame: pd.DataFrame | pa.Table, key: str, fingerprint: str) -> Path:
    """Write the part of one key (a city) of a derived table, ``part-<key>--<fingerprint>``, then remove that key's
    older part; the other keys' parts are untouched. ``fingerprint``: 16 hex digits naming the inputs it was
    computed from (``keyed_parts`` reads them back, so unchanged inputs need not be recomputed)."""
    if not KEYED_PART.match(f"part-{key}--{fingerprint}.parquet"):
        raise ValueError(f"not a part key and fingerprint: {key!r}, {fingerprint!r}")
    if isinstance(frame, pd.DataFrame) and name in LAKE_SCHEMAS:
        frame = as_table(name, frame)
    target = write_part(name, frame, f"{key}--{fingerprint}")
    for p in table_dir(name).glob(f"part-{key}--*.parquet"):
        if p != target and KEYED_PART.match(p.name):
            p.unlink()
    return target


def drop_parts_except(name: str, keys: set[str]) -> list[str]:
    """Remove every part of a keyed derived table but those of ``keys`` (parts of other layouts included);
    returns the file names removed."""
    folder = table_dir(name)
    removed = []
    for p in folder.glob("part-*.parquet") if folder.exists() else []:
        m = KEYED_PART.match(p.name)
        if m is None or m["key"] not in keys:
            p.unlink()
            removed.append(p.name)
    return removed


def row_count(name: str) -> int:
    """Rows in a lake table (0 when absent)."""
    if not has_table(name):
        return 0
    return int(query(f"select count(*) as n from {scan(name)}")["n"].iloc[0])


def value_counts(name: str, column: str) -> dict[str, int]:
    """Rows per value of one column of a lake table."""
    if not has_table(name):
        return {}
    rows = query(f'select "{column}" as v, count(*) as n from {scan(name)} group by 1 order by 1')
    return {str(k): int(v) for k, v in zip(rows["v"], rows["n"], strict=True)}


def ensure_table(name: str) -> bool:
    """Give a lake table with no parts an empty part carrying its schema. True when one was written."""
    if has_table(name):
        return False
    write_part(name, LAKE_SCHEMAS[name].empty_table(), "empty")
    return True


def ensure_tables(names: list[str] | tuple[str, ...] | None = None) -> list[str]:
    """Ensure several (default: all) lake tables exist; returns the names that were created empty."""
    return [n for n in (names or LAKE_SCHEMAS) if ensure_table(n)]
