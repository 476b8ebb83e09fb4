"""The ingest of one file: archive first, parse (the family's parser), deduplicate against the lake, write
parts, quarantine, log; and the inbox walk that ingests every new file."""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import stat
import time
import uuid
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from scn import lake
from scn.hashing import copy_sha256, file_sha256
from scn.ingest.cities_known import known_cities
from scn.ingest.families import CITY_REQUIRED, KEYS, UPSERT
from scn.ingest.inbox import SLUG
from scn.ingest.model import Parsed, Source
from scn.ingest.parse_pool import Outcome, ParserCrash, attempt, parsed_in_order
from scn.ingest.parsers import PARSERS
from scn.ingest.readers import ROW, Progress
from scn.ingest.result import IngestError, IngestResult, first_line, printable
from scn.ingest.survey import is_codebook
from scn.lake import LAKE_SCHEMAS, as_table
from scn.lake import key_index as lake_keys
from scn.lake.key_index import in_lake
from scn.privacy.pseudonyms import PseudonymKeyError, pseudonym_key
from scn.settings import KINDS, paths, settings

SHAPEFILE_SIDECARS = (".dbf", ".shx", ".prj", ".cpg", ".sbn", ".sbx", ".qmd", ".xml")  # skipped in the inbox
KEYED_KINDS = ("social", "programme")  # families that pseudonymise: they need a usable key
LINK_REFUSED = "a symbolic link: refused (put the file itself in the inbox)"
log = logging.getLogger(__name__)


NAME_MAX = 255  # bytes of one file name on Linux file systems


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
    being written) is refused with IngestError and nothing is archived.
    """
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
        tmp = root / f".tmp-{uuid.uuid4().hex}"
        try:
            with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as target:
                sha, size = copy_sha256(source, target)
            after = os.fstat(source.fileno())
            if size != after.st_size or (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns):
                raise IngestError(f"{printable(path.name)}: the file changed while it was being copied (is it still "
                                  "being written?): ingest it again when it is complete")
            dest = root / sha[:2] / sha / archive_name(path.name)  # readers (Arrow, DuckDB) need a UTF-8 path
            if not dest.exists():
                lake.private_dir(lake.private_dir(root / sha[:2]) / sha)
                tmp.chmod(0o400)
                os.replace(tmp, dest)
        finally:
            tmp.unlink(missing_ok=True)
    return sha, dest


def city_from_path(kind: str, path: Path) -> str | None:
    """``.../<kind>/<city_id>/<file>`` -> city_id (printable; links in the path are not followed)."""
    parent = Path(os.path.abspath(path)).parent
    return printable(parent.name) if parent.parent.name == kind else None


def _lake_duplicates(table: str, frame: pd.DataFrame) -> pd.Series:
    """True where the row's key (or, for upsert tables, the whole row) is already in the lake."""
    if not lake.has_table(table) or frame.empty:
        return pd.Series(False, index=frame.index)
    if table in UPSERT:
        mine = as_table(table, frame).replace_schema_metadata(None).to_pandas()
        theirs = as_table(table, lake.read_table(table)).replace_schema_metadata(None).to_pandas()
        seen = set(pd.util.hash_pandas_object(theirs, index=False))
        return pd.Series(pd.util.hash_pandas_object(mine, index=False).isin(seen).to_numpy(), index=frame.index)
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
    if table in UPSERT:  # one number per key (a count, a value): which one is meant is unknown, so none is stored
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


def write_rows(table: str, frame: pd.DataFrame, sha256: str) -> Path | None:
    """Append the file's rows as part ``sha[:16]``, merging with that part when the file was ingested before. An
    upserted table's part (the newest part wins) whose file is sent again with nothing new is touched: its
    modification time is its latest ingestion, and what reads the table sees it changed."""
    target = lake.table_dir(table) / f"part-{sha256[:16]}.parquet"
    if frame.empty:
        if table in UPSERT and target.exists():
            os.utime(target)
        return None
    arrow = as_table(table, frame)
    if target.exists():
        merged = pa.concat_tables([pq.read_table(target, schema=LAKE_SCHEMAS[table]), arrow]).to_pandas()
        arrow = as_table(table, merged.drop_duplicates(KEYS[table], keep="last"))
    return lake.write_part(table, arrow, sha256[:16])


def _now() -> pd.Timestamp:
    return pd.Timestamp.now(tz="UTC").as_unit("us")


def write_quarantine(src: Source, rejects: pd.DataFrame) -> None:
    if rejects.empty:
        return
    q = pd.DataFrame({"file": src.display, "kind": src.kind, "row": rejects[ROW].astype("int64").to_numpy(),
                      "field": rejects["field"].astype("string").to_numpy(),
                      "reason": rejects["reason"].astype("string").to_numpy(),
                      "raw_json": rejects["raw_json"].astype("string").to_numpy(), "quarantined_at": _now()})
    lake.write_part("quarantine", as_table("quarantine", q), f"{src.sha256[:16]}-{_slug(src.city_id)}")


def write_log(src: Source, result: IngestResult) -> None:
    row = pd.DataFrame([{"file": src.display, "sha256": src.sha256, "kind": src.kind, "city_id": src.city_id,
                         "rows_read": result.rows_read, "accepted": result.accepted,
                         "quarantined": result.quarantined, "duplicates": result.duplicates,
                         "archived_to": _archived(src), "ingested_at": _now()}])
    lake.write_part("ingest_log", as_table("ingest_log", row), f"{src.sha256[:16]}-{time.time_ns()}")


def write_warnings(src: Source, warnings: list[dict[str, Any]]) -> None:
    """One ``ingest_warnings`` row per warning of the file (code, params as JSON)."""
    if not warnings:
        return
    rows = pd.DataFrame({"file": src.display, "sha256": src.sha256, "kind": src.kind, "city_id": src.city_id,
                         "code": [w["code"] for w in warnings],
                         "params": [json.dumps(w, ensure_ascii=False, default=str) for w in warnings],
                         "warned_at": _now()})
    lake.write_part("ingest_warnings", as_table("ingest_warnings", rows), f"{src.sha256[:16]}-{time.time_ns()}")


def _archived(src: Source) -> str:
    return printable(src.archived) if src.archived is not None else ""


def _slug(city_id: str | None) -> str:
    """The city part of a quarantine part's name: a slug, never a path (``--city ../x`` is a name, not a place)."""
    if not city_id:
        return "all"
    return city_id if SLUG.match(city_id) else "invalid-" + hashlib.sha256(city_id.encode()).hexdigest()[:12]


def record_failure(src: Source, message: str) -> None:
    """A file that cannot be used: a row-0 quarantine line and an ingest-log row with zero counts."""
    rejects = pd.DataFrame({ROW: [0], "field": ["(file)"], "reason": [printable(message)], "raw_json": ["{}"]})
    with lake.writer_lock():
        write_quarantine(src, rejects)
        write_log(src, IngestResult(src.display, src.kind, src.city_id, 0, 0, 0, 0, _archived(src)))


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
    city = printable(city_id) if city_id else city_from_path(kind, path)
    return Source(path, archived, kind, city, sha, progress, options=dict(options or {}))


def conclude(src: Source, outcome: Outcome) -> IngestResult:
    """Load a parse, or record why the file failed: IngestError as it is, anything unforeseen as an "unexpected
    error" of the file (the file fails, not the program); an unusable pseudonym key is raised, never recorded."""
    if isinstance(outcome, PseudonymKeyError):
        raise outcome
    if isinstance(outcome, IngestError):
        record_failure(src, str(outcome))
        raise outcome
    if isinstance(outcome, BaseException):
        log.debug("unexpected error ingesting %s", src.display, exc_info=outcome)
        record_failure(src, _unexpected(src, outcome))
        raise IngestError(_unexpected(src, outcome)) from outcome
    return load(src, outcome)


def load(src: Source, parsed: Parsed) -> IngestResult:
    """Deduplicate ``parsed`` against the lake, write its new rows (part ``src.sha256[:16]``), quarantine its
    rejects and log the counts, as one step under the lake's writer lock (file ingest and collected pages alike)."""
    with lake.writer_lock():  # deduplicate against the lake, write and log as one step: no other writer between
        new_counted, dups, clashes = pd.DataFrame(), 0, pd.DataFrame()
        for table, frame in parsed.tables.items():
            if table == parsed.count_table and ROW in frame.columns:
                frame, clashes = _conflicts(table, frame.reset_index(drop=True))
            new, n_dup, asked = _split(table, frame)
            part = write_rows(table, new, src.sha256)
            if part is not None and table not in UPSERT:  # the key index learns the part's keys from the ask
                lake_keys.written(table, KEYS[table], asked, new.index.to_numpy(), part)
            if table == parsed.count_table:
                new_counted, dups = new, n_dup
        rejects = pd.concat([parsed.rejects, clashes], ignore_index=True) if len(clashes) else parsed.rejects
        rejects = rejects.sort_values(ROW, kind="stable").reset_index(drop=True)
        write_quarantine(src, rejects)
        errors = (rejects[[ROW, "field", "reason"]].head(1000)
                  .astype({ROW: "int64", "field": object, "reason": object})
                  .rename(columns={ROW: "row"}).to_dict("records"))
        result = IngestResult(src.display, src.kind, src.city_id, len(new_counted) + len(rejects) + dups,
                              len(new_counted), len(rejects), dups, _archived(src), errors, src.sha256, src.sheet,
                              list(parsed.warnings))
        write_log(src, result)
        write_warnings(src, result.warnings)
    return result


def ingest_file(kind: str, path: Path, city_id: str | None = None,
                progress: Progress = None, options: dict[str, Any] | None = None) -> IngestResult:
    """Archive, read, validate, pseudonymise and load one file; raise IngestError when it cannot be used at all.
    ``options``: the family's flags (``value_columns``; ``category``, ``hate``)."""
    src = prepare(kind, path, city_id, progress, options)
    return conclude(src, attempt(_parse, src))


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


def _record(kind: str, p: Path, archived: Path | None, sha: str, message: str) -> None:
    """Record one failed inbox entry; a failure to record is logged, never raised (the others go on)."""
    try:
        record_failure(Source(p, archived, kind, city_from_path(kind, p), sha), message)
    except Exception:  # noqa: BLE001 - the inbox walk must go on
        log.warning("could not record the failure of %s: %s", printable(p), message, exc_info=True)


def ingest_inbox(kind: str, cities: Collection[str] | None = None) -> list[IngestResult]:
    """Ingest every file under ``inbox/<kind>`` (recursive, sorted) not yet in the ingest log for its city.

    ``cities`` limits the run to ``inbox/<kind>/<city_id>/`` folders of those cities (one city partition, or a
    range); files directly under ``inbox/<kind>/`` (network-wide, such as a survey codebook) and files in folders
    that cannot be city ids are always taken. One entry that cannot be used (unreadable, a link, a name that is not
    UTF-8, a parser crash) is recorded (quarantine row 0, ingest-log row) and never stops the others. An unusable
    pseudonym key stops the walk (PseudonymKeyError): it is not a file's fault.
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
    if lake.has_table("ingest_log"):
        logged = lake.read_table("ingest_log", columns=["sha256", "kind", "city_id"])
        logged = logged[logged["kind"] == kind]
        done = set(zip(logged["sha256"], logged["city_id"].fillna(""), strict=True))
    if files and kind in KEYED_KINDS:
        pseudonym_key()  # PseudonymKeyError: the step fails loudly, no file is marked as done
    for p, reason in refused:
        sha = _entry_id(p, reason)
        if (sha, city_from_path(kind, p) or "") not in done:
            _record(kind, p, None, sha, f"{printable(p.name)}: {reason}")
            done.add((sha, city_from_path(kind, p) or ""))
    pending: list[tuple[Path, str]] = []
    for p in files:
        key_city = city_from_path(kind, p) or ""
        try:
            sha = file_sha256(p)
        except OSError as exc:
            sha = _entry_id(p, "unreadable")
            if (sha, key_city) not in done:
                _record(kind, p, None, sha, f"{printable(p.name)}: unreadable ({exc.strerror or exc})")
                done.add((sha, key_city))
            continue
        if (sha, key_city) not in done:
            pending.append((p, sha))
            done.add((sha, key_city))  # the same bytes twice for one city: the first only

    def sources() -> Iterator[Source]:
        for p, sha in pending:
            try:
                yield prepare(kind, p)
            except IngestError:
                pass  # refused before archiving (changed while copied, a link): retried next time
            except PseudonymKeyError:
                raise
            except Exception as exc:  # noqa: BLE001 - one broken file must not stop the inbox
                _unforeseen(kind, p, sha, exc)

    results = []
    for src, outcome in parsed_in_order(_parse, sources(), len(pending), settings().ingest_workers):
        try:
            results.append(conclude(src, outcome))
        except IngestError:
            pass  # recorded by conclude
        except PseudonymKeyError:
            raise
        except Exception as exc:  # noqa: BLE001 - one broken file must not stop the inbox
            _unforeseen(kind, src.path, src.sha256, exc)
    return results


def _unforeseen(kind: str, p: Path, sha: str, exc: Exception) -> None:
    """Record an error no step of the ingest foresaw (archived again, so the record names the copy; ``sha``: the
    file's hash, should it not even be archived)."""
    log.debug("unexpected error ingesting %s", printable(p), exc_info=True)
    try:
        sha, archived = archive(p)
    except Exception:  # noqa: BLE001
        archived = None
    _record(kind, p, archived, sha, f"{printable(p.name)}: unexpected error {type(exc).__name__}: {str(exc)[:200]}")
