"""The ingest of one file: archive first, parse (the family's parser), deduplicate against the lake, write
parts, quarantine, log; and the inbox walk that ingests every new file."""

from __future__ import annotations

import os
import re
import shutil
import time
import uuid
from collections.abc import Collection, Iterable
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from scn import lake
from scn.hashing import file_sha256
from scn.ingest.cities_known import known_cities
from scn.ingest.families import CITY_REQUIRED, KEYS, PARSERS, UPSERT
from scn.ingest.model import Parsed, Source
from scn.ingest.readers import ROW, Progress
from scn.ingest.result import IngestError, IngestResult
from scn.ingest.survey import is_codebook
from scn.lake import LAKE_SCHEMAS, as_table
from scn.settings import KINDS, paths

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SHAPEFILE_SIDECARS = (".dbf", ".shx", ".prj", ".cpg", ".sbn", ".sbx", ".qmd", ".xml")  # skipped in the inbox


def archive(path: Path, sha256: str | None = None) -> tuple[str, Path]:
    """Copy the original to ``archive/<sha[:2]>/<sha>/<name>`` (once; read-only); return (sha256, archived path)."""
    sha = sha256 or file_sha256(path)
    dest = paths().archive / sha[:2] / sha / path.name
    if not dest.exists():
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.parent / f".tmp-{uuid.uuid4().hex}"
        shutil.copyfile(path, tmp)
        tmp.chmod(0o444)
        os.replace(tmp, dest)
    return sha, dest


def city_from_path(kind: str, path: Path) -> str | None:
    """``.../<kind>/<city_id>/<file>`` -> city_id."""
    parent = path.resolve().parent
    return parent.name if parent.parent.name == kind else None


def _lake_duplicates(table: str, frame: pd.DataFrame) -> pd.Series:
    """True where the row's key (or, for upsert tables, the whole row) is already in the lake."""
    if not lake.has_table(table) or frame.empty:
        return pd.Series(False, index=frame.index)
    if table in UPSERT:
        mine = as_table(table, frame).replace_schema_metadata(None).to_pandas()
        theirs = as_table(table, lake.read_table(table)).replace_schema_metadata(None).to_pandas()
        seen = set(pd.util.hash_pandas_object(theirs, index=False))
        return pd.Series(pd.util.hash_pandas_object(mine, index=False).isin(seen).to_numpy(), index=frame.index)
    keys = KEYS[table]
    probe = frame[keys].astype("string").assign(_i=range(len(frame)))
    cols = ", ".join(f'"{k}"' for k in keys)
    on = " and ".join(f'p."{k}" = l."{k}"' for k in keys)
    with duckdb.connect() as con:
        con.register("probe", probe)
        # a plain semi join streams the lake's keys past a hash of the file's (small) keys; a `distinct` over the
        # lake first would hash every key in the lake for each file (8x slower at 10M rows)
        hit = con.execute(f"select _i from probe p semi join (select {cols} from "
                          f"{lake.scan(table)}) l on {on}").df()["_i"]
    out = pd.Series(False, index=frame.index)
    out.iloc[hit.to_numpy()] = True
    return out


def split_duplicates(table: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Drop rows whose key repeats within the file (first wins) or is already in the lake; return (new, count)."""
    frame = frame.reset_index(drop=True)
    dup = frame.duplicated(KEYS[table], keep="first")
    dup |= _lake_duplicates(table, frame)
    return frame[~dup], int(dup.sum())


def write_rows(table: str, frame: pd.DataFrame, sha256: str) -> None:
    """Append the file's rows as part ``sha[:16]``, merging with that part when the file was ingested before."""
    if frame.empty:
        return
    arrow = as_table(table, frame)
    target = lake.table_dir(table) / f"part-{sha256[:16]}.parquet"
    if target.exists():
        merged = pa.concat_tables([pq.read_table(target, schema=LAKE_SCHEMAS[table]), arrow]).to_pandas()
        arrow = as_table(table, merged.drop_duplicates(KEYS[table], keep="last"))
    lake.write_part(table, arrow, sha256[:16])


def _now() -> pd.Timestamp:
    return pd.Timestamp.now(tz="UTC").as_unit("us")


def write_quarantine(src: Source, rejects: pd.DataFrame) -> None:
    if rejects.empty:
        return
    q = pd.DataFrame({"file": str(src.path), "kind": src.kind, "row": rejects[ROW].astype("int64").to_numpy(),
                      "field": rejects["field"].astype("string").to_numpy(),
                      "reason": rejects["reason"].astype("string").to_numpy(),
                      "raw_json": rejects["raw_json"].astype("string").to_numpy(), "quarantined_at": _now()})
    lake.write_part("quarantine", as_table("quarantine", q), f"{src.sha256[:16]}-{_slug(src.city_id)}")


def write_log(src: Source, result: IngestResult) -> None:
    row = pd.DataFrame([{"file": str(src.path), "sha256": src.sha256, "kind": src.kind, "city_id": src.city_id,
                         "rows_read": result.rows_read, "accepted": result.accepted,
                         "quarantined": result.quarantined, "duplicates": result.duplicates,
                         "archived_to": str(src.archived), "ingested_at": _now()}])
    lake.write_part("ingest_log", as_table("ingest_log", row), f"{src.sha256[:16]}-{time.time_ns()}")


def _slug(city_id: str | None) -> str:
    return city_id or "all"


def record_failure(src: Source, message: str) -> None:
    """A file that cannot be used: a row-0 quarantine line and an ingest-log row with zero counts."""
    rejects = pd.DataFrame({ROW: [0], "field": ["(file)"], "reason": [message], "raw_json": ["{}"]})
    write_quarantine(src, rejects)
    write_log(src, IngestResult(str(src.path), src.kind, src.city_id, 0, 0, 0, 0, str(src.archived)))


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


def run(kind: str, path: Path, city_id: str | None = None, progress: Progress = None,
        sha256: str | None = None) -> IngestResult:
    """``ingest_file`` with an optional precomputed hash."""
    path = Path(path)
    if kind not in KINDS:
        raise IngestError(f"{path.name}: unknown kind '{kind}' (one of {', '.join(KINDS)})")
    if not path.is_file():
        raise IngestError(f"{path}: no such file")
    try:
        sha, archived = archive(path, sha256)
    except OSError as exc:
        raise IngestError(f"{path.name}: unreadable ({exc.strerror or exc})") from exc
    src = Source(path, archived, kind, city_id or city_from_path(kind, path), sha, progress)
    try:
        parsed = _parse(src)
    except IngestError as exc:
        record_failure(src, str(exc))
        raise
    new_counted, dups = pd.DataFrame(), 0
    for table, frame in parsed.tables.items():
        new, n_dup = split_duplicates(table, frame)
        write_rows(table, new, sha)
        if table == parsed.count_table:
            new_counted, dups = new, n_dup
    rejects = parsed.rejects.sort_values(ROW, kind="stable").reset_index(drop=True)
    write_quarantine(src, rejects)
    errors = (rejects[[ROW, "field", "reason"]].head(1000).astype({ROW: "int64", "field": object, "reason": object})
              .rename(columns={ROW: "row"}).to_dict("records"))
    result = IngestResult(str(path), kind, src.city_id, len(new_counted) + len(rejects) + dups, len(new_counted),
                          len(rejects), dups, str(archived), errors, sha)
    write_log(src, result)
    return result


def ingest_file(kind: str, path: Path, city_id: str | None = None,
                progress: Progress = None) -> IngestResult:
    """Archive, read, validate, pseudonymise and load one file; raise IngestError when it cannot be used at all."""
    return run(kind, path, city_id, progress)


def inbox_city_ids(kinds: Iterable[str]) -> list[str]:
    """City ids that have a folder under ``inbox/<kind>/`` for any of ``kinds`` (sorted)."""
    inbox = paths().inbox
    return sorted({p.name for kind in kinds if (inbox / kind).is_dir()
                   for p in (inbox / kind).iterdir() if p.is_dir() and not p.name.startswith(".")})


def ingest_inbox(kind: str, cities: Collection[str] | None = None) -> list[IngestResult]:
    """Ingest every file under ``inbox/<kind>`` (recursive, sorted) not yet in the ingest log for its city.

    ``cities`` limits the run to ``inbox/<kind>/<city_id>/`` folders of those cities (one city partition, or a
    range); files directly under ``inbox/<kind>/`` (network-wide, such as a survey codebook) are always taken.
    A file that cannot be used is recorded (quarantine row 0, ingest-log row) and does not stop the others.
    """
    folder = paths().inbox / kind
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")
                   and not (kind == "boundaries" and p.suffix.lower() in SHAPEFILE_SIDECARS))
    if cities is not None:
        wanted = set(cities)
        files = [p for p in files if city_from_path(kind, p) in wanted or city_from_path(kind, p) is None]
    done: set[tuple[str, str]] = set()
    if lake.has_table("ingest_log"):
        log = lake.read_table("ingest_log", columns=["sha256", "kind", "city_id"])
        log = log[log["kind"] == kind]
        done = set(zip(log["sha256"], log["city_id"].fillna(""), strict=True))
    results = []
    for p in files:
        sha = file_sha256(p)
        if (sha, city_from_path(kind, p) or "") in done:
            continue
        try:
            results.append(run(kind, p, sha256=sha))
        except IngestError:
            continue
        except Exception as exc:  # noqa: BLE001 - one broken file must not stop the inbox
            _, archived = archive(p, sha)
            src = Source(p, archived, kind, city_from_path(kind, p), sha)
            record_failure(src, f"{p.name}: unexpected error {type(exc).__name__}: {str(exc)[:200]}")
        done.add((sha, city_from_path(kind, p) or ""))
    return results
