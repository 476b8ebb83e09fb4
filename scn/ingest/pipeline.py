"""The ingest of one file: archive first, parse (the family's parser), deduplicate against the lake, write
parts, quarantine, log; and the inbox walk that ingests every new file."""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import re
import stat
import time
import uuid
from collections.abc import Callable, Collection, Iterator
from contextlib import ExitStack, contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from scn import lake
from scn.code_version import code_version
from scn.hashing import copy_sha256, file_sha256, read_state, write_state
from scn.ingest.cities_known import known_cities, resolve_city
from scn.ingest.families import CITY_REQUIRED, KEYS, UPSERT, WHOLE_FILES
from scn.ingest.inbox import SLUG
from scn.ingest.ingest_warnings import WAIT_CODES, WAITING, current_waits
from scn.ingest.model import Parsed, Source
from scn.ingest.parse_pool import Outcome, ParserCrash, ParserDied, attempt, parsed_in_order
from scn.ingest.parsers import PARSERS
from scn.ingest.readers import ROW, Progress
from scn.ingest.rekey import rekey_people
from scn.ingest.result import IngestError, IngestResult, first_line, printable
from scn.ingest.survey import is_codebook
from scn.lake import LAKE_SCHEMAS, as_table
from scn.lake import key_index as lake_keys
from scn.lake.key_index import in_lake
from scn.lake.schema import ADDED
from scn.privacy.pseudonyms import PseudonymKeyError, pseudonym_key
from scn.scratch import scratch
from scn.settings import KINDS, paths, settings

SHAPEFILE_SIDECARS = (".dbf", ".shx", ".prj", ".cpg", ".sbn", ".sbx", ".qmd", ".xml")  # skipped in the inbox
KEYED_KINDS = ("social", "programme")  # families that pseudonymise: they need a usable key
LINK_REFUSED = "a symbolic link: refused (put the file itself in the inbox)"
log = logging.getLogger(__name__)


NAME_MAX = 255  # bytes of one file name on Linux file systems
# errno values that say the machine or the platform's own state failed (a full or read-only disk, no memory, no
# permission on our own folders, an I/O error), never the bytes of the file being ingested
MACHINE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO, errno.EACCES, errno.EPERM,
                            errno.ENOMEM, errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ESTALE, errno.EFBIG})


class PlatformFault(Exception):
    """The machine or the platform's own state failed while a file was ingested (a full disk writing the lake or
    the archive, a damaged lake part read to deduplicate, no memory): not the file's fault. Nothing is recorded
    against the file, so the inbox takes it again next walk. One line: the path that failed, then the error."""

    def __init__(self, where: object, cause: BaseException) -> None:
        self.where, self.cause = printable(where), cause
        super().__init__(f"{self.where}: {_error_name(cause)}: {first_line(cause)}")


class InboxFaults(Exception):
    """An inbox walk that met faults of the machine or the platform (``PlatformFault``): raised after the walk,
    so the step fails; the files they hit stay pending (``pending``: their names) and are taken again next walk.
    ``results``: the files the walk did ingest."""

    def __init__(self, kind: str, faults: list[PlatformFault], pending: list[str],
                 results: list[IngestResult]) -> None:
        self.faults, self.pending, self.results = faults, pending, results
        seen = list(dict.fromkeys(str(f) for f in faults))
        super().__init__(f"ingest {kind}: {len(pending)} file(s) left pending (taken again next walk), not failed: "
                         f"the machine or the lake failed, not the files: " + "; ".join(seen[:5])
                         + (f"; and {len(seen) - 5} more" if len(seen) > 5 else ""))


class NotIngested(IngestError):
    """``ingest_file``'s PlatformFault (``fault``): the file was not ingested, not for its own fault; nothing is
    recorded against it: send it again once the machine or the lake is repaired."""

    def __init__(self, name: str, fault: PlatformFault) -> None:
        self.fault = fault
        super().__init__(f"{name}: not ingested, the machine or the lake failed (not the file: nothing recorded, "
                         f"ingest it again once repaired): {fault}")


def _error_name(exc: BaseException) -> str:
    return exc.type_name if isinstance(exc, ParserCrash) else type(exc).__name__


def is_platform_fault(exc: BaseException) -> bool:
    """Whether ``exc`` (raised while a file was parsed or loaded) is a fault of the machine or of the platform's
    own state rather than of the file's bytes: a ``PlatformFault``; no memory; a parser's process that died
    (``ParserDied``: the inbox walk records it against the file only once it died so on ``PARSER_DEATHS`` walks);
    an OSError with one of ``MACHINE_ERRNOS`` (what the parsers read is the archived copy and the lake, both the
    platform's); a DuckDB
    I/O or out-of-memory error, or any DuckDB / Arrow error naming a path in the lake or the archive. The same
    from a parser's worker process (``ParserCrash``: type name and first line). Anything else (IngestError, a
    reader's error on odd bytes, a parser's crash) is the file's."""
    if isinstance(exc, PlatformFault | MemoryError | ParserDied) or _error_name(exc) == "DamagedPartError":
        return True  # DamagedPartError: a lake part that can be neither read nor set aside (scn.lake)
    if isinstance(exc, IngestError | PseudonymKeyError):
        return False
    text = str(exc)
    if isinstance(exc, ParserCrash):
        if exc.type_name in ("MemoryError", "OutOfMemoryException", "IOException"):
            return True
        number = re.match(r"\[Errno (\d+)\]", exc.detail)
        if number and int(number.group(1)) in MACHINE_ERRNOS:
            return True
    elif isinstance(exc, OSError) and exc.errno in MACHINE_ERRNOS:
        return True
    elif isinstance(exc, duckdb.IOException | duckdb.OutOfMemoryException):
        return True
    elif not isinstance(exc, duckdb.Error | pa.ArrowException):
        return False
    try:
        ours = (paths().lake, paths().archive)
    except Exception:  # noqa: BLE001 - no settings: nothing is ours
        return False
    return any(str(folder) in text for folder in ours)


@contextmanager
def _platform(where: Path) -> Iterator[None]:
    """Anything raised inside but IngestError and PseudonymKeyError is a fault of the platform at ``where`` (a
    lake table's folder, a part, the archive): raised as PlatformFault naming it."""
    try:
        yield
    except (IngestError, PseudonymKeyError, PlatformFault):
        raise
    except Exception as exc:
        raise PlatformFault(where, exc) from exc


def archive_name(name: str) -> str:
    """``printable(name)`` within ``NAME_MAX`` bytes: escaping can make a legal name too long (100 Latin-1 bytes
    become 400 characters of ``\xe9``; such a file was never archived nor recorded, on every run), so the stem is
    cut (at a character) and marked with ``~``, keeping the extension the readers go by."""
    out = printable(name)
    if len(out.encode()) <= NAME_MAX:
        return out
    suffix = printable(Path(name).suffix)[:16]
    room = NAME_MAX - len(suffix.encode()) - 1
    return out.encode()[:room].decode("utf-8", "ignore") + "~" + suffix


def archive(path: Path) -> tuple[str, Path]:
    """Copy the original, then name the copy by the hash of its own bytes: ``archive/<sha[:2]>/<sha>/<name>``
    (once; 0400 in 0700 folders; ``name`` printable: bytes that are not UTF-8 become ``\\xff`` escapes).
    Everything after reads the copy, so the archive is exactly the bytes ingested; a hash the caller took earlier
    is never used (the file may have changed since).

    A symbolic link is never followed (``O_NOFOLLOW``: IngestError); a file that changes while it is copied (still
    being written) is refused with IngestError and nothing is archived. Reading ``path`` is the file's affair
    (OSError, as ``open`` raises it); writing the archive is the platform's (PlatformFault naming the archive
    folder: a full disk is not the file's fault).
    """
    with _platform(paths().archive):
        root = lake.private_dir(paths().archive)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise IngestError(f"{printable(path.name)}: {LINK_REFUSED}") from exc
        raise
    with os.fdopen(fd, "rb") as source:
        before = os.fstat(source.fileno())
        if not stat.S_ISREG(before.st_mode):
            raise IngestError(f"{printable(path.name)}: not a regular file")
        tmp = root / f".tmp-{os.getpid()}-{uuid.uuid4().hex}"  # the pid: retention sweeps a killed copy's
        try:
            with _platform(root):
                target = os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")
            with _platform(root), target:
                sha, size = copy_sha256(_Reading(source), target)
            after = os.fstat(source.fileno())
            if size != after.st_size or (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns):
                raise IngestError(f"{printable(path.name)}: the file changed while it was being copied (is it still "
                                  "being written?): ingest it again when it is complete")
            dest = root / sha[:2] / sha / archive_name(path.name)  # readers (Arrow, DuckDB) need a UTF-8 path
            if not dest.exists():
                with _platform(root / sha[:2]):
                    lake.private_dir(lake.private_dir(root / sha[:2]) / sha)
                    tmp.chmod(0o400)
                    os.replace(tmp, dest)
        except _ReadFailed as exc:
            raise exc.__cause__ from None  # reading the file itself: the file's affair (an OSError, as before)
        finally:
            tmp.unlink(missing_ok=True)
    return sha, dest


class _ReadFailed(IngestError):
    """Reading the file being archived failed (raised through ``_platform``, which lets IngestError pass)."""


class _Reading:
    """A file being read whose errors are told apart from the archive's: an OSError reading it is _ReadFailed."""

    def __init__(self, source: Any) -> None:
        self.source = source

    def read(self, size: int = -1) -> bytes:
        try:
            return self.source.read(size)
        except OSError as exc:
            raise _ReadFailed(str(exc)) from exc


def city_from_path(kind: str, path: Path) -> str | None:
    """``.../<kind>/<city_id>/<file>`` -> city_id (printable; links in the path are not followed)."""
    parent = Path(os.path.abspath(path)).parent
    return printable(parent.name) if parent.parent.name == kind else None


def _lake_duplicates(table: str, frame: pd.DataFrame) -> pd.Series:
    """True where the row's key (or, for upsert tables, the whole row) is already in the lake. Reading the lake
    fails as PlatformFault (a damaged part is not this file's fault)."""
    if frame.empty or table in WHOLE_FILES:  # a file stored whole: none of its rows is the lake's already
        return pd.Series(False, index=frame.index)
    if table in UPSERT:
        mine = as_table(table, frame).replace_schema_metadata(None).to_pandas()
        with _platform(lake.table_dir(table)):
            if not lake.has_table(table):
                return pd.Series(False, index=frame.index)
            theirs = as_table(table, lake.read_table(table)).replace_schema_metadata(None).to_pandas()
        seen = set(pd.util.hash_pandas_object(theirs, index=False))
        return pd.Series(pd.util.hash_pandas_object(mine, index=False).isin(seen).to_numpy(), index=frame.index)
    with _platform(lake.table_dir(table)):
        if not lake.has_table(table):
            return pd.Series(False, index=frame.index)
        return pd.Series(in_lake(table, KEYS[table], frame), index=frame.index)


def split_duplicates(table: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Drop rows whose key repeats within the file (first wins) or is already in the lake; return (new, count)."""
    new, count, _ = _split(table, frame)
    return new, count


def _split(table: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, int, pd.DataFrame]:
    """``split_duplicates``, and the frame the lake was asked about (``new``'s index: positions in it)."""
    frame = frame.reset_index(drop=True)
    dup = frame.duplicated(KEYS[table], keep="first")
    dup |= _lake_duplicates(table, frame)
    return frame[~dup], int(dup.sum()), frame


def _conflicts(table: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(``frame`` without its conflicting rows, those rows as rejects): a row whose natural key an earlier row of
    the same file holds with other values (a count per police division under one area and month, a post id twice
    with two texts) used to be dropped as a duplicate, silently; it is quarantined, naming the row it clashes
    with. In a table of one number per key (``UPSERT``: counts, attribute values) every row of such a key is
    quarantined: which number is meant is unknown (storing the first would pass a part for the whole). Rows equal
    in every value stay duplicates."""
    keys = KEYS[table]
    same_key = frame.duplicated(keys, keep=False).to_numpy()
    if not same_key.any():
        return frame, pd.DataFrame()
    payload = [c for c in frame.columns if c not in (*keys, ROW, "source_file")]
    sub = frame[same_key]
    group = sub.groupby(keys, sort=False, dropna=False).ngroup()
    lead = ~group.duplicated()  # each key's first row as it is (``first`` would skip its missing values)
    first = sub.loc[lead, [*payload, ROW]].set_axis(group[lead].to_numpy()).reindex(group.to_numpy()) \
        .set_axis(sub.index)
    differs = pd.DataFrame({c: ~((sub[c] == first[c]).fillna(False) | (sub[c].isna() & first[c].isna()))
                            for c in payload}, index=sub.index)
    clash = differs.any(axis=1) & sub[ROW].ne(first[ROW])
    if not clash.any():
        return frame, pd.DataFrame()
    named = ", ".join(k.replace("_", " ") for k in keys if k != "city_id")
    if table in ("area_attributes", "crime_counts"):  # one number per key: which one is meant is unknown, none stored
        key_ids = sub.groupby(keys, sort=False, dropna=False).ngroup()
        clash = key_ids.isin(key_ids[clash])
        differs = differs | differs.groupby(key_ids).transform("any")
        rows = sub[clash]
        others = rows.groupby(key_ids[clash])[ROW].transform(lambda r: ", ".join(map(str, r)))
        field = differs[clash].idxmax(axis=1)
        reason = ("rows " + others + f" hold the same {named} with different " + field.astype(str)
                  + ": none stored (send each once, or their sum)")
    else:
        rows = sub[clash]
        field = differs[clash].idxmax(axis=1)
        reason = (f"the same {named} as row " + first.loc[rows.index, ROW].astype("int64").astype(str)
                  + " with another " + field.astype(str) + ": not stored (send each once)")
    rejects = pd.DataFrame({ROW: rows[ROW].astype("int64"), "field": field.astype("string"),
                            "reason": reason,
                            "raw_json": rows.drop(columns=["source_file"], errors="ignore").to_json(
                                orient="records", lines=True, date_format="iso").splitlines()})
    return frame.drop(index=rows.index), rejects


CHANGED_SHOWN = 5  # rows named in a ``duplicates_differ`` warning


def _changed_duplicates(table: str, asked: pd.DataFrame, new: pd.Index, city_id: str | None) -> list[dict[str, Any]]:
    """The ``duplicates_differ`` warning when rows of ``asked`` counted as duplicates of the lake (not at
    positions ``new``) hold other values than the stored rows of their keys (a corrected re-send: the lake keeps
    the first, by design), else none. One DuckDB join of those rows with the table, only when there are
    duplicates; compared on every stored column but the key and the row's origin (``source_file``, ``source_row``).
    Upsert tables write a changed row again: nothing to say."""
    if table in UPSERT or len(asked) == len(new):
        return []
    keys = KEYS[table]
    dup = asked.drop(index=new).drop_duplicates(keys)
    columns = [c for c in LAKE_SCHEMAS[table].names if c not in (*keys, "source_file", ROW)]
    if dup.empty or not columns:
        return []
    rows = dup[ROW].astype("int64").to_numpy() if ROW in dup.columns else np.zeros(len(dup), dtype="int64")
    mine = as_table(table, dup).append_column("_row", pa.array(rows, pa.int64())) \
        .append_column("_i", pa.array(np.arange(len(dup)), pa.int64()))
    on = " and ".join(f'l."{k}" = m."{k}"' for k in keys)
    # a column added after the stored row was written (null there) is no difference
    later = set(ADDED.get(table, ()))
    differs = [f'(l."{c}" is distinct from m."{c}"' + (f' and l."{c}" is not null)' if c in later else ")")
               for c in columns]
    with _platform(lake.table_dir(table)):
        if not lake.has_table(table):
            return []
        with scratch() as con:
            con.register("mine", mine)
            got = con.execute('select m._i, m._row as r, ' + ", ".join(f'{d} as "{c}"' for d, c in zip(differs, columns,
                              strict=True)) + f" from mine m join {lake.scan(table)} l on {on} where "
                              + " or ".join(differs) + " order by 1").df()
    got = got.drop_duplicates("_i")  # a key the lake holds twice: once
    if got.empty:
        return []
    warning = {"code": "duplicates_differ", "city_id": city_id, "rows": int(len(got)),
               "columns": [c for c in columns if got[c].any()]}
    if ROW in dup.columns:  # the file's row numbers (programme records have none)
        warning["first_rows"] = [int(r) for r in got["r"].head(CHANGED_SHOWN)]
    return [warning]


def write_rows(table: str, frame: pd.DataFrame, sha256: str, undo: _Undo | None = None) -> Path | None:
    """Append the file's rows as part ``sha[:16]``, merging with that part when the file was ingested before. An
    upserted table's part (the newest part wins) whose file is sent again with nothing new is touched: its
    modification time is its latest ingestion, and what reads the table sees it changed. Reading or writing the
    lake fails as PlatformFault (nothing half-written: ``lake.write_part`` replaces a part whole); ``undo`` learns
    the part, to take it back should a later step of the same load fail."""
    target = lake.table_dir(table) / f"part-{sha256[:16]}.parquet"
    if frame.empty:
        if table in UPSERT and target.exists():
            with _platform(target):
                os.utime(target)
        return None
    arrow = as_table(table, frame)
    if undo is not None:
        undo.before(target)
    with _platform(target):
        if target.exists():
            merged = pa.concat_tables([pq.read_table(target, schema=LAKE_SCHEMAS[table]), arrow]).to_pandas()
            arrow = as_table(table, merged.drop_duplicates(KEYS[table], keep="last"))
        return lake.write_part(table, arrow, sha256[:16])


class _Undo:
    """The lake parts one load writes, taken back should a later step fail (a full disk at the log): a file is in
    the lake whole, with its ingest-log row, or not at all, and its retry counts its rows anew. A part that
    existed (a merge, a quarantine part written again) is kept as a hard link until the load ends, and put back."""

    def __init__(self) -> None:
        self.parts: list[tuple[Path, Path | None]] = []

    def before(self, target: Path) -> None:
        """``target`` is about to be written (call before writing it, outside ``_platform`` of the write)."""
        backup = None
        with _platform(target):
            if target.exists():
                backup = target.with_name(f".tmp-{os.getpid()}-undo-{uuid.uuid4().hex}.parquet")  # swept if we die
                os.link(target, backup)
        self.parts.append((target, backup))

    def commit(self) -> None:
        for _, backup in self.parts:
            if backup is not None:
                backup.unlink(missing_ok=True)
        self.parts = []

    def rollback(self) -> None:
        for target, backup in reversed(self.parts):
            try:
                if backup is not None:
                    os.replace(backup, target)
                else:
                    target.unlink(missing_ok=True)
            except OSError:
                log.warning("could not take back lake part %s after a failed load", target, exc_info=True)
        self.parts = []


def _now() -> pd.Timestamp:
    return pd.Timestamp.now(tz="UTC").as_unit("us")


def write_quarantine(src: Source, rejects: pd.DataFrame, undo: _Undo | None = None) -> Path | None:
    if rejects.empty:
        return None
    q = pd.DataFrame({"file": src.display, "kind": src.kind, "row": rejects[ROW].astype("int64").to_numpy(),
                      "field": rejects["field"].astype("string").to_numpy(),
                      "reason": rejects["reason"].astype("string").to_numpy(),
                      "raw_json": rejects["raw_json"].astype("string").to_numpy(), "quarantined_at": _now()})
    return _write_part("quarantine", as_table("quarantine", q), f"{src.sha256[:16]}-{_slug(src.city_id)}", undo)


def _drop_superseded_quarantine(src: Source, undo: _Undo) -> None:
    """A load of ``src`` with no rejects: what an earlier load of the same bytes for this city put in the
    quarantine is superseded and leaves it (the part of these bytes for this city): the row 0 of a file that
    waited (``waits_for``), the rows that waited for their city (``rows_waiting``) and loaded now. The quarantine
    holds a file's rejects of its last load (a load with rejects replaces the part)."""
    target = lake.table_dir("quarantine") / f"part-{src.sha256[:16]}-{_slug(src.city_id)}.parquet"
    with _platform(target):
        if target.exists():
            undo.before(target)
            target.unlink()


def write_log(src: Source, result: IngestResult, undo: _Undo | None = None) -> Path:
    row = pd.DataFrame([{"file": src.display, "sha256": src.sha256, "kind": src.kind, "city_id": src.city_id,
                         "rows_read": result.rows_read, "accepted": result.accepted,
                         "quarantined": result.quarantined, "duplicates": result.duplicates,
                         "archived_to": _archived(src), "ingested_at": _now()}])
    return _write_part("ingest_log", as_table("ingest_log", row), f"{src.sha256[:16]}-{time.time_ns()}", undo)


def _write_part(table: str, arrow: pa.Table, part_id: str, undo: _Undo | None) -> Path:
    """``lake.write_part`` whose failure is PlatformFault, the part known to ``undo`` before it is written."""
    if undo is not None:
        undo.before(lake.table_dir(table) / f"part-{part_id}.parquet")
    with _platform(lake.table_dir(table)):
        return lake.write_part(table, arrow, part_id)


def write_warnings(src: Source, warnings: list[dict[str, Any]], undo: _Undo | None = None) -> Path | None:
    """One ``ingest_warnings`` row per warning of the file (code, params as JSON)."""
    if not warnings:
        return None
    rows = pd.DataFrame({"file": src.display, "sha256": src.sha256, "kind": src.kind, "city_id": src.city_id,
                         "code": [w["code"] for w in warnings],
                         "params": [json.dumps(w, ensure_ascii=False, default=str) for w in warnings],
                         "warned_at": _now()})
    return _write_part("ingest_warnings", as_table("ingest_warnings", rows), f"{src.sha256[:16]}-{time.time_ns()}",
                       undo)


def _archived(src: Source) -> str:
    return printable(src.archived) if src.archived is not None else ""


def _slug(city_id: str | None) -> str:
    """The city part of a quarantine part's name: a slug, never a path (``--city ../x`` is a name, not a place)."""
    if not city_id:
        return "all"
    return city_id if SLUG.match(city_id) else "invalid-" + hashlib.sha256(city_id.encode()).hexdigest()[:12]


def record_failure(src: Source, message: str, waiting: dict[str, Any] | None = None,
                   kept: dict[str, pd.DataFrame] | None = None) -> None:
    """A file that cannot be used: a row-0 quarantine line and an ingest-log row with zero counts (PlatformFault
    when the lake cannot take them: then nothing is recorded and the file stays pending). ``waiting`` (a
    refusal for something that may arrive later, ``waits_for``): also an ``ingest_warnings`` row ``waiting``
    naming it, by which the inbox walk takes the file again once it is there. ``kept`` (``Parsed.refusal``): the
    rows kept of the refused file all the same, less those the lake holds (a refusal taken again adds none)."""
    rejects = pd.DataFrame({ROW: [0], "field": ["(file)"], "reason": [printable(message)], "raw_json": ["{}"]})
    with _writer_lock():
        undo = _Undo()
        try:
            for table, frame in (kept or {}).items():
                new, _, asked = _split(table, frame)
                _write_new(src, table, new, asked, new, undo)
            write_quarantine(src, rejects, undo)
            if waiting is not None:
                write_warnings(src, [{"code": WAITING, **waiting}], undo)
            write_log(src, IngestResult(src.display, src.kind, src.city_id, 0, 0, 0, 0, _archived(src)), undo)
        except BaseException:
            undo.rollback()
            raise
        undo.commit()


@contextmanager
def _writer_lock() -> Iterator[None]:
    """``lake.writer_lock()``; failing to take it (the lock file on a full or read-only disk) is PlatformFault."""
    with ExitStack() as stack:
        with _platform(paths().lake / ".ingest.lock"):
            stack.enter_context(lake.writer_lock())
        yield


def _check_city(src: Source) -> None:
    if src.city_id is None:
        raise IngestError(f"{src.name}: no city: give --city CITY_ID or put the file in "
                          f"inbox/{src.kind}/<city_id>/")
    if not SLUG.match(src.city_id) or src.city_id not in set(known_cities()["city_id"]):
        raise IngestError(f"{src.name}: unknown city '{src.city_id}' (not in the cities registry)")


def _parse(src: Source) -> Parsed:
    if src.kind in CITY_REQUIRED and not (src.kind == "survey" and is_codebook(src.path)):
        _check_city(src)
    return PARSERS[src.kind](src)


def _check_key(kind: str, path: Path) -> None:
    """Families that pseudonymise need a usable key: refuse before anything is archived or recorded (fixing the key
    must not require re-sending the file)."""
    if kind in KEYED_KINDS:
        try:
            pseudonym_key()
        except PseudonymKeyError as exc:
            raise IngestError(f"{printable(path.name)}: cannot pseudonymise: {exc}") from exc


def _unexpected(src: Source, exc: BaseException) -> str:
    name = exc.type_name if isinstance(exc, ParserCrash) else type(exc).__name__  # raised in a worker
    return f"{src.name}: unexpected error {name}: {first_line(exc)}"


def prepare(kind: str, path: Path, city_id: str | None = None, progress: Progress = None,
            options: dict[str, Any] | None = None) -> Source:
    """Check and archive ``path``: the Source every later step reads (IngestError when it cannot even be
    archived: unknown kind, a link, not a file, no usable key, unreadable)."""
    path = Path(path)
    if kind not in KINDS:
        raise IngestError(f"{path.name}: unknown kind '{kind}' (one of {', '.join(KINDS)})")
    if path.is_symlink():
        raise IngestError(f"{path.name}: {LINK_REFUSED}")
    if not path.is_file():
        raise IngestError(f"{path}: no such file")
    _check_key(kind, path)
    try:
        sha, archived = archive(path)
    except OSError as exc:
        raise IngestError(f"{path.name}: unreadable ({exc.strerror or exc})") from exc
    # an id the home stored by the slug rule before 2026-12-07 is the city's: its new spelling resolves to it
    city = resolve_city(printable(city_id) if city_id else city_from_path(kind, path))
    return Source(path, archived, kind, city, sha, progress, options=dict(options or {}))


def conclude(src: Source, outcome: Outcome) -> IngestResult:
    """Load a parse, or record why the file failed: IngestError as it is, anything unforeseen as an "unexpected
    error" of the file (the file fails, not the program); an unusable pseudonym key is raised, never recorded; so
    is a fault of the machine or the platform (``is_platform_fault``: a full disk, a damaged lake part, no memory),
    as PlatformFault: nothing is recorded against the file, nothing of it stays in the lake, and the inbox takes it
    again next walk."""
    if isinstance(outcome, PseudonymKeyError | PlatformFault):
        raise outcome
    if isinstance(outcome, BaseException) and is_platform_fault(outcome):
        raise PlatformFault(_where(src, outcome), outcome) from outcome
    if isinstance(outcome, IngestError):
        waiting = waits_for(str(outcome))
        if waiting is None:
            record_failure(src, str(outcome))
            raise outcome
        message = f"{outcome}; {WAITING_NOTE[waiting['needs']]}"
        record_failure(src, message, waiting)
        raise IngestError(message) from outcome
    if isinstance(outcome, BaseException):
        log.debug("unexpected error ingesting %s", src.display, exc_info=outcome)
        message = f"{_unexpected(src, outcome)}; {WAITING_NOTE['code']}"
        record_failure(src, message, code_wait(src.city_id))
        raise IngestError(message) from outcome
    if outcome.refusal is not None:  # refused, yet some of it kept (Parsed.refusal)
        record_failure(src, outcome.refusal, kept=outcome.tables)
        raise IngestError(outcome.refusal)
    return load(src, outcome)


# refusals that are not the file's fault but wait for something sent apart: (the refusal, what it waits for)
WAITS = ((re.compile(r": unknown city '([a-z0-9]+(?:-[a-z0-9]+)*)' \(not in the cities registry\)"), "city"),
         (re.compile(r": the city '([a-z0-9]+(?:-[a-z0-9]+)*)' has no boundaries yet"), "boundaries"))
WAITING_NOTE = {"city": "waiting for the city: taken again once the cities registry has it",
                "boundaries": "waiting for the boundaries: taken again once the city's boundary file is ingested",
                "code": "taken again once after the platform's code changes"}


def waits_for(refusal: str) -> dict[str, str] | None:
    """``{"needs": "city" | "boundaries", "city_id": ...}`` when the ``refusal`` (an IngestError's message, or the
    reason stored for it) refused a file for want of something that may arrive later (a city not yet in the
    registry, a city whose boundaries are not ingested yet), else None. Such a refusal is recorded as waiting, not
    final: the inbox walk takes the file again once it is there."""
    for pattern, needs in WAITS:
        found = pattern.search(refusal)
        if found:
            return {"needs": needs, "city_id": found.group(1)}
    return None


def _where(src: Source, exc: BaseException) -> object:
    """The path a platform fault met while parsing ``src`` names: the OSError's file, else the archived copy."""
    if isinstance(exc, PlatformFault):
        return exc.where
    name = getattr(exc, "filename", None)
    return name if name else (src.archived or src.path)


def load(src: Source, parsed: Parsed) -> IngestResult:
    """Deduplicate ``parsed`` against the lake, write its new rows (part ``src.sha256[:16]``), quarantine its
    rejects and log the counts, as one step under the lake's writer lock (file ingest and collected pages alike).
    A fault of the lake midway (PlatformFault) takes back every part this load wrote: the log row is the last
    write, so a file is in the lake whole and logged, or not at all."""
    with _writer_lock():  # deduplicate against the lake, write and log as one step: no other writer between
        undo = _Undo()
        try:
            result = _load(src, parsed, undo)
        except BaseException:
            undo.rollback()
            raise
        undo.commit()
    return result


def _write_new(src: Source, table: str, rows: pd.DataFrame, asked: pd.DataFrame, new: pd.DataFrame,
               undo: _Undo) -> None:
    """Write ``rows`` as the file's part of ``table``; the key index learns the part's keys from the ask
    (``asked``, ``new``: ``_split``), except for upserted tables."""
    part = write_rows(table, rows, src.sha256, undo)
    if part is not None and table not in UPSERT:
        with _platform(part):
            lake_keys.written(table, KEYS[table], asked, new.index.to_numpy(), part)


def _load(src: Source, parsed: Parsed, undo: _Undo) -> IngestResult:
    if src.kind == "programme":  # pseudonyms the home stored by an older participant-id rule, once (scn.ingest.rekey)
        with _platform(lake.table_dir("programme_participants")):
            rekey_people()
    new_counted, dups, clashes = pd.DataFrame(), 0, pd.DataFrame()
    warnings = list(parsed.warnings)
    for table, frame in parsed.tables.items():
        if table == parsed.count_table and ROW in frame.columns:
            frame, clashes = _conflicts(table, frame.reset_index(drop=True))
        new, n_dup, asked = _split(table, frame)
        if table in WHOLE_FILES and (lake.table_dir(table) / f"part-{src.sha256[:16]}.parquet").exists():
            new, n_dup = new.iloc[:0], len(asked)  # the same bytes again (any name): its whole part is there
        if table == parsed.count_table:
            warnings += _changed_duplicates(table, asked, new.index, src.city_id)
        # a boundaries file is its city's whole set of areas (stg_areas retires the areas it no longer holds): its
        # part holds every area of the file, unchanged ones too (the counts still say what was new)
        whole = asked[~asked.duplicated(KEYS[table])] if table == "areas" else new
        _write_new(src, table, whole, asked, new, undo)
        if table == parsed.count_table:
            new_counted, dups = new, n_dup
    rejects = pd.concat([parsed.rejects, clashes], ignore_index=True) if len(clashes) else parsed.rejects
    rejects = rejects.sort_values(ROW, kind="stable").reset_index(drop=True)
    write_quarantine(src, rejects, undo)
    if rejects.empty:
        _drop_superseded_quarantine(src, undo)
    errors = (rejects[[ROW, "field", "reason"]].head(1000)
              .astype({ROW: "int64", "field": object, "reason": object})
              .rename(columns={ROW: "row"}).to_dict("records"))
    result = IngestResult(src.display, src.kind, src.city_id, len(new_counted) + len(rejects) + dups,
                          len(new_counted), len(rejects), dups, _archived(src), errors, src.sha256, src.sheet,
                          warnings)
    write_warnings(src, result.warnings, undo)
    write_log(src, result, undo)  # last: once logged, the file is done
    return result


def ingest_file(kind: str, path: Path, city_id: str | None = None,
                progress: Progress = None, options: dict[str, Any] | None = None) -> IngestResult:
    """Archive, read, validate, pseudonymise and load one file; raise IngestError when it cannot be used at all.
    ``options``: the family's flags (``value_columns``; ``category``, ``hate``). The file is taken at once, even
    when it changed a moment ago (the operator named it; a change while it is copied is still refused). A fault
    of the machine or the lake raises NotIngested (an IngestError: ``scn ingest`` and the upload page say it in
    one line), with nothing recorded against the file and nothing of it in the lake."""
    try:
        src = prepare(kind, path, city_id, progress, options)
        return conclude(src, attempt(_parse, src))
    except PlatformFault as exc:
        raise NotIngested(Path(path).name, exc) from exc


def inbox_entries(kind: str) -> tuple[list[Path], list[tuple[Path, str]]]:
    """(regular files, refused entries with the reason) under ``inbox/<kind>`` (recursive, sorted, names starting
    with ``.`` skipped). Links are refused, never followed (a link to a file or a folder anywhere on the machine
    would otherwise be copied into the archive); so are FIFOs, sockets and devices."""
    folder = paths().inbox / kind
    files: list[Path] = []
    refused: list[tuple[Path, str]] = []

    def walk(d: Path) -> None:
        with os.scandir(d) as it:
            entries = sorted(it, key=lambda e: e.name)
        for e in entries:
            if e.name.startswith("."):
                continue
            p = Path(e.path)
            if e.is_symlink():
                refused.append((p, LINK_REFUSED))
            elif e.is_dir(follow_symlinks=False):
                walk(p)
            elif e.is_file(follow_symlinks=False):
                if not (kind == "boundaries" and p.suffix.lower() in SHAPEFILE_SIDECARS):
                    files.append(p)
            else:
                refused.append((p, "not a regular file (a FIFO, socket or device): refused"))

    if folder.is_dir():
        walk(folder)
    return sorted(files), refused


def _entry_id(p: Path, reason: str) -> str:
    """The ingest-log identity of an entry that is not read (a link: its target; an unreadable file: its status
    change time), so that it is recorded once and again only when it changes."""
    try:
        detail = os.readlink(p) if p.is_symlink() else str(os.lstat(p).st_ctime_ns)
    except OSError:
        detail = ""
    return hashlib.sha256(b"\0".join([b"not-read", os.fsencode(p), os.fsencode(detail), reason.encode()])
                          ).hexdigest()


def _record(kind: str, p: Path, archived: Path | None, sha: str, message: str,
            faults: list[PlatformFault] | None = None, waiting: dict[str, Any] | None = None) -> None:
    """Record one failed inbox entry (``waiting``: as ``record_failure``); a failure to record is logged, never
    raised (the others go on); a fault of the lake (PlatformFault) is added to ``faults`` when given: the walk then
    fails at its end."""
    try:
        record_failure(Source(p, archived, kind, city_from_path(kind, p), sha), message, waiting)
    except Exception as exc:  # noqa: BLE001 - the inbox walk must go on
        log.warning("could not record the failure of %s: %s", printable(p), message, exc_info=True)
        if faults is not None and is_platform_fault(exc):
            faults.append(exc if isinstance(exc, PlatformFault) else PlatformFault(paths().lake, exc))


def _stamp(p: Path) -> tuple[int, ...] | None:
    """(size, mtime, ctime, inode) of an inbox file, None when it is gone."""
    try:
        st = os.stat(p, follow_symlinks=False)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino


def _pause(seconds: float) -> None:
    time.sleep(seconds)


def settled(files: list[Path]) -> tuple[list[Path], list[Path]]:
    """(files quiet for the settle time ``settings().ingest_settle_seconds``, files still being written). A file
    whose last change (modification or status change time; a time in the future, a clock skew, is not believed) is
    more recent than that is waited for, once for all of them (at most the settle time), then looked at again:
    unchanged, it is taken; changed,
    it is still being written (an upload in progress) and left for the next walk. The copy is checked again while
    it is archived (``archive``)."""
    now = time.time_ns()
    stamps = {p: _stamp(p) for p in files}
    settle = int(settings().ingest_settle_seconds * 1e9)
    latest = {p: max((t for t in s[1:3] if t <= now), default=0) for p, s in stamps.items() if s is not None}
    fresh = [p for p, t in latest.items() if now - t < settle]
    if not fresh:
        return files, []
    _pause((max(latest[p] for p in fresh) + settle - now) / 1e9)
    busy = {p for p in fresh if _stamp(p) != stamps[p]}
    return [p for p in files if p not in busy], [p for p in files if p in busy]


def ingest_inbox(kind: str, cities: Collection[str] | None = None) -> list[IngestResult]:
    """Ingest every file under ``inbox/<kind>`` (recursive, sorted) not yet in the ingest log for its city.

    ``cities`` limits the run to ``inbox/<kind>/<city_id>/`` folders of those cities (one city partition, or a
    range); files directly under ``inbox/<kind>/`` (network-wide, such as a survey codebook) and files in folders
    that cannot be city ids are always taken. A file is taken once it has been quiet for the settle time
    (``ingest_settle_seconds``, ``settled``): one still being written is left for the next walk. One entry that
    cannot be used (unreadable, a link, a name that is not UTF-8, a parser's error) is recorded (quarantine row 0,
    ingest-log row) and never stops the others. An unusable pseudonym key stops the walk (PseudonymKeyError): it
    is not a file's fault. A fault of the machine or the platform (``is_platform_fault``: a full disk, a damaged
    lake part, a parser's process that died) is not the file's either: nothing is recorded against the file,
    which stays pending, the walk goes on with the others, and ends raising InboxFaults (one line per fault naming
    the path that failed). A file whose parser process died on ``PARSER_DEATHS`` walks is recorded as failed
    (``_weigh_deaths``). Files waiting for their city or its boundaries are logged one line per folder.
    """
    files, refused = inbox_entries(kind)
    if cities is not None:
        wanted = set(cities)

        def taken(p: Path) -> bool:
            city = city_from_path(kind, p)
            return city is None or city in wanted or not SLUG.match(city)
        files = [p for p in files if taken(p)]
        refused = [(p, r) for p, r in refused if taken(p)]
    done: set[tuple[str, str]] = set()
    waiting: dict[tuple[str, str], dict[str, Any]] = {}
    refused_before: Callable[[str, str], bool] = lambda sha, city: False  # noqa: E731
    faults: list[PlatformFault] = []
    left: list[str] = []
    waits: dict[tuple[str, tuple[str, ...]], list[Path]] = {}  # (needs, cities) -> the files waiting so: logged
    with _platform(lake.table_dir("ingest_log")):
        if lake.has_table("ingest_log"):
            logged = lake.read_table("ingest_log", columns=["sha256", "kind", "city_id", "rows_read", "quarantined"])
            logged = logged[logged["kind"] == kind]
            done = set(zip(logged["sha256"], logged["city_id"].fillna(""), strict=True))
            waiting = _waiting(kind, logged)
            refused_before = _refused_before(logged, waiting)
    ready = _ready(waiting)
    done -= ready  # refused while what they need was missing, which has arrived since: taken again
    finished = frozenset(done)  # files no walk takes again: their parser deaths are forgotten
    if files and kind in KEYED_KINDS:
        pseudonym_key()  # PseudonymKeyError: the step fails loudly, no file is marked as done
    for p, reason in refused:
        sha = _entry_id(p, reason)
        if (sha, city_from_path(kind, p) or "") not in done:
            _record(kind, p, None, sha, f"{printable(p.name)}: {reason}", faults)
            done.add((sha, city_from_path(kind, p) or ""))
    new: list[tuple[Path, str, str]] = []
    for p in files:
        key_city = city_from_path(kind, p) or ""
        try:
            sha = file_sha256(p)
        except OSError as exc:
            sha = _entry_id(p, "unreadable")
            if (sha, key_city) not in done:
                _record(kind, p, None, sha, f"{printable(p.name)}: unreadable ({exc.strerror or exc})", faults)
                done.add((sha, key_city))
            continue
        if (sha, key_city) not in done:
            new.append((p, sha, key_city))
        elif refused_before(sha, key_city):
            log.warning("%s: refused before for want of what is there now: taken again", printable(p))
            done.discard((sha, key_city))
            new.append((p, sha, key_city))
        elif (sha, key_city) in waiting:
            w = waiting[(sha, key_city)]
            waits.setdefault((w["needs"], tuple(w.get("cities") or [w["city_id"]])), []).append(p)
    busy = set(settled([p for p, _, _ in new])[1])  # only new files are waited for
    for p in sorted(busy):
        log.info("%s: still being written (changed in the last %s s): left for the next walk", printable(p),
                 settings().ingest_settle_seconds)
    pending: list[tuple[Path, str]] = []
    for p, sha, key_city in new:
        if p not in busy and (sha, key_city) not in done:
            pending.append((p, sha))
            done.add((sha, key_city))  # the same bytes twice for one city: the first only

    def fault(p: Path, exc: BaseException, where: object) -> None:
        faults.append(exc if isinstance(exc, PlatformFault) else PlatformFault(where, exc))
        left.append(printable(p.name))
        log.error("%s: left pending, not failed: %s", printable(p), faults[-1])

    def sources() -> Iterator[Source]:
        for p, sha in pending:
            try:
                yield prepare(kind, p)
            except IngestError:
                pass  # refused before archiving (changed while copied, a link): retried next time
            except PseudonymKeyError:
                raise
            except Exception as exc:  # noqa: BLE001 - one broken file must not stop the inbox
                if is_platform_fault(exc):
                    fault(p, exc, getattr(exc, "filename", None) or paths().archive)
                else:
                    _unforeseen(kind, p, sha, exc, faults)

    results = []
    died: list[tuple[Source, ParserDied]] = []  # weighed once the walk is over: were they all?
    parsed = 0
    try:
        for src, outcome in parsed_in_order(_parse, sources(), len(pending), settings().ingest_workers):
            parsed += 1
            if isinstance(outcome, ParserDied):
                died.append((src, outcome))
                continue
            try:
                results.append(conclude(src, outcome))
            except IngestError as exc:
                found = waits_for(str(exc))
                if found:  # recorded by conclude, as waiting: say so
                    waits.setdefault((found["needs"], (found["city_id"],)), []).append(src.path)
            except PseudonymKeyError:
                raise
            except Exception as exc:  # noqa: BLE001 - one broken file must not stop the inbox
                if is_platform_fault(exc):
                    fault(src.path, exc, _where(src, exc))
                else:
                    _unforeseen(kind, src.path, src.sha256, exc, faults)
        _weigh_deaths(kind, died, len(died) == parsed >= 2, finished, fault)
    finally:
        _log_waits(waits)
    if faults:
        raise InboxFaults(kind, faults, left, results)
    return results


PARSER_DEATHS = 3  # walks on which a file's parser process died before that is recorded as the file's failure
PARSER_DIED = ("{name}: the parser process died on {n} walks ({type}): a crash or out of memory each time it "
               "parsed this file alone, while other files parsed (too big or too odd for the parser: fix or split "
               "it; a changed file is taken as a new one)")


def _weigh_deaths(kind: str, died: list[tuple[Source, ParserDied]], everything: bool,
                  finished: Collection[tuple[str, str]], fault: Callable[[Path, BaseException, object], None]
                  ) -> None:
    """The files of a walk whose parser process died (``died``) while other files parsed: left pending, nothing
    recorded against them, an error logged, the walk goes on and does not fail (one odd file, or a partner
    sending a new one every day, must not stop every city's run), until one died so on ``PARSER_DEATHS`` walks:
    then it is recorded as the file's failure (``PARSER_DIED``) and not taken again. A walk where ``everything``
    died (two files or more: a broken deploy, a machine out of memory) counts against none of them and fails, as
    a fault of the machine (``fault``)."""
    if not died:
        return
    if everything:
        for src, crash in died:
            fault(src.path, PlatformFault(_where(src, crash), ParserDied(
                crash.type_name, f"{crash.detail}; so did every file of the walk: the machine or the platform, not "
                                 "counted against the files")), None)
        return
    try:
        counts = _count_deaths(kind, [(src.sha256, src.city_id or "") for src, _ in died], finished)
    except PlatformFault as exc:  # deaths that cannot be counted are faults all the same
        for src, _ in died:
            fault(src.path, exc, None)
        return
    for src, crash in died:
        n = counts[(src.sha256, src.city_id or "")]
        if n < PARSER_DEATHS:
            log.error("%s: %s: %s; left pending, taken again next walk (%d of the %d walks after which it is "
                      "recorded as the file's failure)", printable(src.path), crash.type_name, crash.detail, n,
                      PARSER_DEATHS)
            continue
        reason = f"{PARSER_DIED.format(name=src.name, n=n, type=crash.type_name)}; {WAITING_NOTE['code']}"
        try:
            record_failure(src, reason, code_wait(src.city_id))
        except PlatformFault as exc:
            fault(src.path, exc, None)
        else:
            log.error("%s: %s", printable(src.path), reason)


def _deaths_state() -> Path:
    """The state file of the parser deaths (``_count_deaths``)."""
    return paths().home / "state" / "parser_deaths.json"


def _count_deaths(kind: str, keys: list[tuple[str, str]], finished: Collection[tuple[str, str]]
                  ) -> dict[tuple[str, str], int]:
    """Note one more walk on which the parser's process died on each of the ``kind`` files ``keys`` ((sha256,
    city)); the walks each has died on so far. Kept per kind in ``_deaths_state`` (``sha256:city`` -> count),
    written under the lake's writer lock; the files of ``finished`` (done for good) are forgotten. A lost or
    damaged state file costs a poisonous file only more walks before it is recorded."""
    path = _deaths_state()
    with _writer_lock():
        state = read_state(path)
        mine = state.get(kind) if isinstance(state.get(kind), dict) else {}
        counts = {k: v for k, v in mine.items() if isinstance(v, int) and tuple(k.split(":", 1)) not in finished}
        for sha, city in dict.fromkeys(keys):
            counts[f"{sha}:{city}"] = counts.get(f"{sha}:{city}", 0) + 1
        state[kind] = counts
        write_state(path, state)
    return {(sha, city): counts[f"{sha}:{city}"] for sha, city in keys}


def _log_waits(waits: dict[tuple[str, tuple[str, ...]], list[Path]]) -> None:
    """One WARNING line per folder and what its files wait for (``waits``: (needs, cities) -> files), not one per
    file: 400 files of a city not yet registered are one line a walk. A lone file is named; more are counted, one
    named as an example."""
    folders: dict[tuple[str, str, tuple[str, ...]], list[Path]] = {}
    for (needs, cities), files in waits.items():
        for p in files:
            folders.setdefault((printable(p.parent), needs, cities), []).append(p)
    for (folder, needs, cities), files in folders.items():
        files = sorted(set(files))
        names = " / ".join(f"'{c}'" for c in cities)
        what = f"{WAITING_NOTE.get(needs, 'waiting for the ' + needs)} (the {needs} {names} is not there yet)"
        if len(files) == 1:
            log.warning("%s: %s", printable(files[0]), what)
        else:
            log.warning("%s: %d files %s, e.g. %s", folder, len(files), what, printable(files[0].name))


def _waiting(kind: str, logged: pd.DataFrame) -> dict[tuple[str, str], dict[str, Any]]:
    """(sha256, city) -> what the file waits for (``needs``, ``city_id``, ``cities``: ``waits_for``; or its rows
    refused for cities not in the registry, ``rows_waiting``), of the ``kind`` files of the ingest log
    (``logged``) whose every ingest-log row left a wait (a file taken again that loaded whole, or was refused for
    its own fault, has a log row more than its ``WAIT_CODES`` warnings: it waits no more)."""
    if not lake.has_table("ingest_warnings"):
        return {}
    with _platform(lake.table_dir("ingest_warnings")):
        warned = lake.read_table("ingest_warnings", columns=["sha256", "city_id", "params", "warned_at"],
                                 where=f"kind = ? and code in ({', '.join('?' * len(WAIT_CODES))})",
                                 params=[kind, *WAIT_CODES])
    if warned.empty:
        return {}
    current = warned[current_waits(warned.reset_index(drop=True), logged)]
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for sha, city, text in zip(current["sha256"], current["city_id"].fillna(""), current["params"], strict=True):
        params = json.loads(text)  # one row per waiting file
        out[(str(sha), str(city))] = {"needs": str(params.get("needs")), "city_id": str(params.get("city_id")),
                                      "cities": [str(c) for c in params.get("cities") or [params.get("city_id")]],
                                      "version": str(params.get("code_version"))}
    return out


def _refused_before(logged: pd.DataFrame, waiting: dict[tuple[str, str], dict[str, Any]]
                    ) -> Callable[[str, str], bool]:
    """Whether an inbox file (sha256, city) was refused for want of its city or its boundaries before such
    refusals were recorded as waiting (no ``waiting`` warning, every ingest-log row a failure) and what it
    waited for is there now: told by its quarantine row 0, read only for such a file whose city is now in the
    registry (or has boundaries). The walk then takes it again once, as it takes the files that wait now."""
    rows = logged.assign(city_id=logged["city_id"].fillna(""))
    failed = rows.assign(failed=rows["rows_read"].eq(0) & rows["quarantined"].eq(0)) \
        .groupby(["sha256", "city_id"])["failed"].all()
    stuck = {k for k, f in failed.items() if f and k[1] and k not in waiting}
    there: dict[str, set[str]] = {}

    def is_there(needs: str, city: str) -> bool:
        if needs not in there:
            there[needs] = _there(needs)
        return city in there[needs]

    def refused(sha: str, city: str) -> bool:
        if (sha, city) not in stuck or not (is_there("city", city) or is_there("boundaries", city)):
            return False
        part = lake.table_dir("quarantine") / f"part-{sha[:16]}-{_slug(city)}.parquet"
        with _platform(part):
            try:
                found = part.stat()
            except FileNotFoundError:
                return False
            needs = _old_refusal(str(part), found.st_mtime_ns, found.st_size, city)
        return needs is not None and is_there(needs, city)
    return refused


@lru_cache(maxsize=4096)
def _old_refusal(part: str, mtime_ns: int, size: int, city: str) -> str | None:
    """What the file of quarantine ``part`` waited for (``waits_for``: "city" / "boundaries") when its row 0 is a
    refusal of ``city`` recorded before such refusals waited, else None. Read once per state of the part (``mtime_ns``
    and ``size`` key the cache): a file that stays refused for its own fault is not read again on every walk."""
    reasons = pq.read_table(part, columns=["row", "reason"]).to_pandas()
    for reason in reasons.loc[reasons["row"].eq(0), "reason"].dropna().astype(str):
        found = waits_for(reason)
        if found and found["city_id"] == city and not reason.endswith(tuple(WAITING_NOTE.values())):
            return found["needs"]
    return None


def _there(needs: str) -> set[str]:
    """The cities whose ``needs`` (``waits_for``) is there: in the registry; with boundaries in the lake."""
    if needs != "boundaries":
        return set(known_cities()["city_id"])
    with _platform(lake.table_dir("areas")):
        return set(lake.read_table("areas", columns=["city_id"])["city_id"].dropna()) \
            if lake.has_table("areas") else set()


def ready_waiting(logged: pd.DataFrame) -> set[tuple[str, str, str]]:
    """(kind, sha256, city) of the files waiting for a city or its boundaries that are there now (``_ready``):
    pending for ``scn run`` though logged, as the walk takes them again. ``logged``: the ingest log's sha256,
    kind and city_id. One query when nothing waits."""
    if not lake.has_table("ingest_warnings"):
        return set()
    with _platform(lake.table_dir("ingest_warnings")):
        kinds = lake.query(f"select distinct kind from {lake.scan('ingest_warnings')} "
                           f"where code in ({', '.join('?' * len(WAIT_CODES))})", list(WAIT_CODES))
    return {(str(k), sha, city) for k in kinds["kind"].dropna()
            for sha, city in _ready(_waiting(str(k), logged[logged["kind"] == k]))}


def _ready(waiting: dict[tuple[str, str], dict[str, Any]]) -> set[tuple[str, str]]:
    """The waiting files (``_waiting``) whose wait is over: their city (for rows waiting: one of their cities) is
    in the registry now, the city's boundaries are in the lake now, the platform's code is not the version that
    failed on them (``code_wait``)."""
    there = {needs: _there(needs) for needs in {w["needs"] for w in waiting.values()} if needs != "code"}
    return {key for key, w in waiting.items()
            if (w["version"] != code_version() if w["needs"] == "code" else
                any(c in there[w["needs"]] for c in w["cities"]))}


def _unforeseen(kind: str, p: Path, sha: str, exc: Exception, faults: list[PlatformFault] | None = None) -> None:
    """Record an error no step of the ingest foresaw (archived again, so the record names the copy; ``sha``: the
    file's hash, should it not even be archived)."""
    log.debug("unexpected error ingesting %s", printable(p), exc_info=True)
    try:
        sha, archived = archive(p)
    except Exception:  # noqa: BLE001
        archived = None
    _record(kind, p, archived, sha, f"{printable(p.name)}: unexpected error {type(exc).__name__}: {str(exc)[:200]}; "
            f"{WAITING_NOTE['code']}", faults, code_wait(city_from_path(kind, p)))


def code_wait(city: str | None) -> dict[str, Any]:
    """The ``waiting`` params of a file the platform's code failed on (an error no step foresaw, a parser that died
    on every try): it waits for the code to change (``code_version``) and is then taken again, once per version: a
    broken deploy's failures are not the files' for good."""
    return {"needs": "code", "city_id": city or "", "code_version": code_version()}
