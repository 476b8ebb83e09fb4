"""The lake: append-only Parquet tables, one part file per ingested source file or enrichment batch.

The lake holds personal data: its folders are owner-only (0700) and its files 0600, whatever the umask. Writers
that read the lake to decide what to write (ingest: deduplicate, then append) hold ``writer_lock()``; the writers
of a derived table (``replace_table``, ``replace_keyed_part``) hold its ``table_lock``.

Damaged parts: what reads a table (``has_table``, ``scan``, ``glob``, ``keyed_parts``, the key index) first checks
its parts (``checked_parts``: that a part's Parquet footer is where it must be, once per process and file version,
later only a ``stat``; a read that fails anyway has the footers parsed, ``query``). A part whose footer cannot be
read (a truncated, torn or overwritten file) is moved aside into
``lake/<table>/.damaged/``, logged in one line naming it and the source file it came from (when the archive knows
it), and the read goes on without it: its rows are out of the lake (its keys too, for ingest's deduplication) until
the file is ingested again (docs/operations.md, "Damaged lake parts"); a derived table's part is recomputed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import stat
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from scn.hashing import tree_stamp
from scn.lake.schema import ADDED, LAKE_SCHEMAS, as_table
from scn.locks import exclusive
from scn.scratch import literal_path, scratch, sql_string
from scn.settings import paths

log = logging.getLogger(__name__)
DAMAGED = ".damaged"  # lake/<table>/.damaged/: parts set aside because they cannot be read (never globbed)

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


@contextmanager
def table_lock(name: str) -> Iterator[None]:
    """Serialise the writers of one table's parts that remove parts (``replace_table``, ``replace_keyed_part``,
    ``drop_parts_except``; ``lake/.table-<name>.lock``), across processes and threads; re-entrant. Without it two
    writers of one derived table removed each other's new part and left the table with no part at all."""
    with exclusive(private_dir(paths().lake) / f".table-{name}.lock"):
        yield


class DamagedPartError(RuntimeError):
    """A lake part that cannot be read and could not be moved aside (the lake is not writable here)."""


_CHECKED: dict[str, tuple[int, int, int]] = {}  # part path -> (inode, size, mtime) of a version found whole
_CHECKED_LOCK = threading.Lock()
_CHECKED_MAX = 200_000  # forgotten all at once beyond this (a process over many homes): they are re-read


def _version(st: os.stat_result) -> tuple[int, int, int]:
    return st.st_ino, st.st_size, st.st_mtime_ns


def _tail_problem(path: str) -> str | None:
    """The check of every part version a process meets (8 bytes read, ~3 us): the footer is where a reader looks
    for it (the file ends with the footer's length and the magic bytes ``PAR1``, and that length fits in the
    file), which a truncated, torn or zero-filled part fails. Parsing the footer itself costs ~0.4 ms a part (the
    schema), 100 times more: it is done when this check fails (``set_aside``) or a read fails (``query``)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        size = os.fstat(fd).st_size
        tail = os.pread(fd, 8, size - 8) if size >= 12 else b""
    finally:
        os.close(fd)
    if len(tail) < 8:
        return f"{size} bytes: too small for a Parquet file"
    if tail[4:] != b"PAR1":
        return "Parquet magic bytes not found at the end of the file"
    if int.from_bytes(tail[:4], "little") + 12 > size:
        return f"footer length {int.from_bytes(tail[:4], 'little')} exceeds the file ({size} bytes)"
    return None


def _footer_problem(path: Path) -> str | None:
    """Why ``path``'s Parquet footer (its schema and row groups, what every reader reads first) cannot be read;
    None when it can. FileNotFoundError, PermissionError: raised (not damage)."""
    try:
        pq.read_metadata(path)
    except (FileNotFoundError, PermissionError):
        raise
    except (pa.ArrowException, OSError) as exc:  # ArrowInvalid: no magic bytes, too small; OSError: bad thrift
        return " ".join(str(exc).split())[:200] or type(exc).__name__
    return None


def checked_parts(folder: Path) -> list[Path]:
    """The readable parts (``part-*.parquet``) of a table folder, sorted by name; each unreadable one is set aside
    (``set_aside``). Costs a directory scan and a ``stat`` per part; a part's footer is looked for
    (``_tail_problem``) only the first time this process sees that version of the file."""
    return [Path(p) for p in sorted(_readable(folder))]


def _readable(folder: Path | str) -> list[str]:
    """``checked_parts``' paths, unsorted, as text (``has_table`` asks only whether there is one)."""
    try:
        with os.scandir(folder) as it:
            entries = [e for e in it if e.name.startswith("part-") and e.name.endswith(".parquet")]
    except (FileNotFoundError, NotADirectoryError):
        return []
    good = []
    checked = _CHECKED
    for e in entries:
        try:
            st = e.stat()
        except FileNotFoundError:
            continue  # removed since the scan (a derived table's older part)
        if checked.get(e.path) == (st.st_ino, st.st_size, st.st_mtime_ns):
            good.append(e.path)
            continue
        if not stat.S_ISREG(st.st_mode):
            continue
        try:
            problem = _tail_problem(e.path)
        except FileNotFoundError:
            continue
        if problem is None or set_aside(Path(e.path), problem) == "readable":
            _remember(e.path, st)
            good.append(e.path)
    return good


def _remember(path: str, st: os.stat_result) -> None:
    with _CHECKED_LOCK:
        if len(_CHECKED) >= _CHECKED_MAX:
            _CHECKED.clear()
        _CHECKED[path] = _version(st)


def set_aside(part: Path, problem: str) -> str:
    """Move an unreadable part into ``<table>/.damaged/`` (under the writer lock and the table's lock, after
    checking it again: a writer may have replaced it whole meanwhile) and log it in one line, naming the source
    file it came from when the archive knows it. Returns "moved", "readable" (replaced by a readable part since:
    kept) or "gone". DamagedPartError (one line) when it cannot be moved (a lake this process may not change)."""
    folder, table = part.parent, part.parent.name
    lake_root = folder.parent
    with exclusive(lake_root / ".ingest.lock"), exclusive(lake_root / f".table-{table}.lock"):
        try:
            problem = _footer_problem(part) or ""
        except FileNotFoundError:
            return "gone"
        if not problem:
            return "readable"
        try:
            aside = private_dir(folder / DAMAGED)
            dest = aside / part.name
            if dest.exists():  # the same part damaged before (re-ingested since): keep both
                dest = aside / f"{part.stem}.{time.time_ns()}{part.suffix}"
            os.replace(part, dest)
            fsync_path(folder)
        except FileNotFoundError:
            return "gone"
        except OSError as exc:
            raise DamagedPartError(f"lake part {part} cannot be read ({problem}) nor moved aside "
                                   f"({exc.strerror or exc}): {source_note(table, part.name)}") from None
    log.error("lake: damaged part %s/%s (%s) moved aside to %s; %s", table, part.name, problem, dest,
              source_note(table, part.name))
    return "moved"


_SOURCE_PART = re.compile(r"^part-(?P<sha>[0-9a-f]{16})(?:[-.]|$)")


def archived_sources(part_name: str) -> list[Path]:
    """The archived copies of the source file whose hash names a lake part (``part-<sha16>...``), oldest name
    first; none for a part named otherwise (a derived table's) or an archive that cannot be read."""
    m = _SOURCE_PART.match(part_name)
    if not m:
        return []
    sha = m["sha"]
    try:
        return sorted(f for d in (paths().archive / sha[:2]).glob(f"{sha}*") for f in d.iterdir() if f.is_file())
    except OSError:
        return []


def source_note(table: str, part_name: str) -> str:
    """What the operator does about a part set aside: the source file it came from (the ingest log's record of the
    file whose hash names the part, and its copy in the archive, ``archived_sources``) to ingest again, or, when
    the lake knows no source (a derived table's part), that the pipeline recomputes it."""
    archived = archived_sources(part_name)
    record = None
    if table != "ingest_log" and archived:
        sha = _SOURCE_PART.match(part_name)["sha"]
        try:
            rows = query(f"select kind, city_id, file from {scan('ingest_log')} where starts_with(sha256, ?) "
                         "order by ingested_at desc limit 1", [sha]) if has_table("ingest_log") else None
            record = None if rows is None or rows.empty else rows.iloc[0]
        except Exception:  # noqa: BLE001 - the note is a courtesy: never fail the read for it
            record = None
    if not archived:
        return "no source file is known for it (a derived table's part is recomputed by the next run)"
    if table == "ingest_log":
        return (f"the ingest log no longer records the file archived at {archived[0]}: the next inbox walk takes it "
                "again if it is still in the inbox (its rows already in the lake count as duplicates)")
    if record is None:
        return f"its rows are out of the lake until its source file, archived at {archived[0]}, is ingested again"
    city = f" --city {record['city_id']}" if isinstance(record["city_id"], str) and record["city_id"] else ""
    return (f"its rows are out of the lake until its source file {record['file']} is ingested again: "
            f"scn ingest {record['kind']} {archived[0]}{city}")


def replace_file(target: Path, table: pa.Table) -> None:
    """Write ``table`` as the parquet file ``target`` atomically (a temp file in its folder, owner-only, fsynced,
    then renamed over it). A write that fails removes its temp file; the folder is fsynced by the caller."""
    tmp = target.with_name(f".tmp-{os.getpid()}-{uuid.uuid4().hex}.parquet")
    try:
        pq.write_table(table, tmp, compression="zstd")
        tmp.chmod(0o600)
        fsync_path(tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a failed write (a full disk, say) leaves nothing half-written behind
        raise


def write_part(name: str, frame: pd.DataFrame | pa.Table, part_id: str) -> Path:
    """Write one part of a lake table atomically (temp file + rename, 0600) and durably (the file fsynced before
    the rename, the folder after it: what is written after this returns, a collection's cursor say, is never on
    disk ahead of the part); an existing part is replaced whole. A write that fails removes its temp file."""
    private_dir(paths().lake)
    folder = private_dir(table_dir(name))
    target = folder / f"part-{part_id}.parquet"
    sweep_temp(folder)
    replace_file(target, frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(frame, preserve_index=False))
    if part_id != "empty":
        (folder / "part-empty.parquet").unlink(missing_ok=True)  # a placeholder from ensure_table
    fsync_path(folder)  # the rename (and the placeholder's removal) durable
    return target


def fsync_path(path: Path) -> None:
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
    """Whether the table has a readable part (an unreadable one is set aside: ``checked_parts``)."""
    return bool(_readable(table_dir(name)))


def parts_stamp(name: str) -> tuple:
    """The table's folder and the ``tree_stamp`` of its parts: equal stamps, same rows (a cache key)."""
    folder = table_dir(name)
    return str(folder), tree_stamp(folder, "part-*.parquet")


def glob(name: str) -> str:
    """The glob DuckDB reads a lake table from (the folder's own ``* ? [`` escaped: ``literal_path``); its
    unreadable parts are set aside first (``checked_parts``)."""
    _readable(table_dir(name))
    return literal_path(table_dir(name)) + "/part-*.parquet"


def scan(name: str, read_order: bool = False) -> str:
    """The DuckDB table expression of a lake table: the union of its parts, columns matched by name;
    ``read_order``: with the columns ``filename`` and ``file_row_number`` (parts are read in name order)."""
    extra = ", filename=true, file_row_number=true" if read_order else ""
    parts = f"read_parquet({sql_string(glob(name))}, union_by_name=true{extra})"
    added = ADDED.get(name)
    if not added:
        return parts
    # columns added after parts were written (``ADDED``): null where every part predates them
    types = {pa.bool_(): "boolean", pa.string(): "varchar", pa.int32(): "integer"}
    nulls = ", ".join(f'null::{types[LAKE_SCHEMAS[name].field(c).type]} as "{c}"' for c in added)
    return f"(select * from {parts} union all by name select {nulls} where false)"


def query(sql: str, params: list | None = None) -> pd.DataFrame:
    """Run a DuckDB query over lake tables (name them with ``scan``; values as ``?`` with ``params``) and return a
    pandas frame. When it fails, the footers of the parts it reads are parsed (``_footer_problem``: the damage
    ``checked_parts``' quick look cannot see, a footer overwritten in place, on which DuckDB's error names no
    file); those that cannot be parsed are set aside and the query runs once more."""
    try:
        with scratch() as con:
            return con.execute(sql, params).df()
    except duckdb.Error:
        if not _set_aside_unparsable(sql):
            raise
    with scratch() as con:
        return con.execute(sql, params).df()


_SCANNED = re.compile(r"'((?:[^']|'')*)/part-\*\.parquet'")


def _set_aside_unparsable(sql: str) -> bool:
    """Set aside the parts of the lake tables ``sql`` scans (``scan``'s globs) whose footer cannot be parsed;
    True when one was."""
    lake_root = os.path.abspath(paths().lake)
    named = (re.sub(r"\[([\[*?])\]", r"\1", m.replace("''", "'")) for m in _SCANNED.findall(sql))  # literal_path
    folders = [f for f in dict.fromkeys(named) if os.path.dirname(os.path.abspath(f)) == lake_root]
    return any([set_aside_unparsable(Path(f)) for f in folders])


def set_aside_unparsable(folder: Path) -> bool:
    """Parse the footer of every part of a table folder (~0.4 ms a part: done after a read failed) and set aside
    those that cannot be; True when one was."""
    moved = False
    for part in checked_parts(folder):
        try:
            problem = _footer_problem(part)
        except OSError:
            continue
        if problem and set_aside(part, problem) in ("moved", "gone"):
            moved = True
    return moved


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
    with table_lock(name):  # two writers at once: the last one's part stays (they removed each other's)
        target = write_part(name, table, digest.hexdigest()[:16])
        for p in table_dir(name).glob("part-*.parquet"):
            if p != target:
                p.unlink(missing_ok=True)
    return target


KEYED_PART = re.compile(r"^part-(?P<key>[a-z0-9]+(?:-[a-z0-9]+)*)--(?P<fingerprint>[0-9a-f]{16})\.parquet$")


def keyed_parts(name: str) -> dict[str, str] | None:
    """key -> fingerprint of a derived table kept as one part per key (a city): ``part-<key>--<fingerprint>``.
    Empty when the table has no parts; None when it has a part of another layout (a whole-table part written
    by ``replace_table``), which a caller must rebuild whole. An unreadable part is set aside first
    (``checked_parts``): its key is absent, so it is recomputed (its name's fingerprint still matches the inputs)."""
    found: dict[str, str] = {}
    for p in checked_parts(table_dir(name)):
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
    with table_lock(name):
        target = write_part(name, frame, f"{key}--{fingerprint}")
        for p in table_dir(name).glob(f"part-{key}--*.parquet"):
            if p != target and KEYED_PART.match(p.name):
                p.unlink(missing_ok=True)
    return target


def drop_parts_except(name: str, keys: set[str]) -> list[str]:
    """Remove every part of a keyed derived table but those of ``keys`` (parts of other layouts included);
    returns the file names removed."""
    folder = table_dir(name)
    removed = []
    if not folder.exists():
        return removed
    with table_lock(name):
        for p in folder.glob("part-*.parquet"):
            m = KEYED_PART.match(p.name)
            if m is None or m["key"] not in keys:
                p.unlink(missing_ok=True)
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
